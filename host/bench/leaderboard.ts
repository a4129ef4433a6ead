import type { RunRecord } from '../generated/run-record.js';
import { scoreColumns } from './score-columns.js';
import { UsageError } from '../core/errors.js';

export const FAILURE_KINDS = ['failed', 'invalid', 'crashed', 'timeout', 'oom'] as const;

export interface LeaderboardRow {
  variant: string;
  plugin: string;
  images: number;
  traced: number;
  failures: Record<(typeof FAILURE_KINDS)[number], number>;
  /** Median and mean of each score column over the successfully scored runs. */
  median: Record<string, number | null>;
  mean: Record<string, number | null>;
  medianWallSeconds: number | null;
  medianPeakRssMiB: number | null;
}

export function median(xs: number[]): number | null {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

export function mean(xs: number[]): number | null {
  const v = xs.filter((x) => Number.isFinite(x));
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
}

/** Per-variant summary recomputed from the run records alone (the records are the truth). */
export function buildLeaderboard(records: RunRecord[]): LeaderboardRow[] {
  const byVariant = new Map<string, RunRecord[]>();
  for (const r of records) byVariant.set(r.variant, [...(byVariant.get(r.variant) ?? []), r]);
  const rows: LeaderboardRow[] = [];
  for (const [variant, rs] of byVariant) {
    const ok = rs.filter((r) => r.status === 'ok');
    const failures = Object.fromEntries(FAILURE_KINDS.map((k) => [k, rs.filter((r) => r.status === k).length])) as LeaderboardRow['failures'];
    const med: Record<string, number | null> = {};
    const avg: Record<string, number | null> = {};
    for (const col of scoreColumns) {
      const vals = ok.map((r) => col.get(r.scores)).filter((v): v is number => v !== null && Number.isFinite(v));
      med[col.key] = median(vals);
      avg[col.key] = mean(vals);
    }
    rows.push({
      variant, plugin: `${rs[0].plugin}@${rs[0].pluginVersion}`, images: rs.length, traced: ok.length, failures,
      median: med, mean: avg,
      medianWallSeconds: median(ok.map((r) => r.wallSeconds)),
      medianPeakRssMiB: median(ok.map((r) => r.peakRssMiB ?? NaN)),
    });
  }
  return rows;
}

export type SortKey = string;

/** Column names users can sort by: variant, traced, failures, wall, rss, or a score column (ESA, PDS, ...). */
export function sortLeaderboard(rows: LeaderboardRow[], key: SortKey = 'PDS'): LeaderboardRow[] {
  const k = key.toLowerCase();
  const col = scoreColumns.find((c) => c.key.toLowerCase() === k);
  const val = (r: LeaderboardRow): number | string | null => {
    if (col) return r.median[col.key];
    switch (k) {
      case 'variant': return r.variant;
      case 'traced': return r.traced;
      case 'failures': return Object.values(r.failures).reduce((a, b) => a + b, 0);
      case 'wall': case 'time': return r.medianWallSeconds;
      case 'rss': case 'memory': return r.medianPeakRssMiB;
      default: throw new UsageError(`cannot sort by '${key}'; use variant, traced, failures, wall, rss or ${scoreColumns.map((c) => c.key).join(', ')}`);
    }
  };
  // Higher is better for some columns; sort those descending, the rest ascending; missing last.
  const desc = col ? col.higherIsBetter : k === 'traced';
  return [...rows].sort((a, b) => {
    const va = val(a), vb = val(b);
    if (va === null && vb === null) return a.variant.localeCompare(b.variant);
    if (va === null) return 1;
    if (vb === null) return -1;
    const c = typeof va === 'string' ? va.localeCompare(vb as string) : (va as number) - (vb as number);
    return (desc ? -c : c) || a.variant.localeCompare(b.variant);
  });
}
