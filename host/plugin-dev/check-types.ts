/** One row of the conformance table. */
export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

export interface CheckRow {
  check: string;
  /** The variant the row is about, or '' for plugin-wide checks. */
  variant: string;
  status: CheckStatus;
  detail: string;
}

export const row = (check: string, variant: string, status: CheckStatus, detail: string): CheckRow => ({ check, variant, status, detail });
