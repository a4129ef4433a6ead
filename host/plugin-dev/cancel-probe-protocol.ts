import type { Vec3 } from '../core/volume.js';
import type { PluginRoot } from '../registry/plugin-paths.js';

/** What the kit sends the cancellation probe process. */
export interface CancelProbeSpec {
  pluginRoots: PluginRoot[];
  variant: string;
  imagePath: string;
  seeds: Vec3[];
  params: Record<string, unknown>;
  scratchRoot: string;
  /** When to cancel the second run if the tracer reports no progress first. */
  fallbackDelayMs: number;
}

export type CancelOutcome = 'cancelled' | 'completed' | 'error';

export interface CancelPhaseReport {
  type: 'phase';
  phase: 'before-start' | 'during-run';
  outcome: CancelOutcome;
  /** ms from the cancel request to the trace settling (from the call when cancelled before it). */
  ms: number;
  /** false when a run finished before the cancel request was made. */
  cancelSent: boolean;
  message?: string;
}

export type CancelProbeMessage = CancelPhaseReport | { type: 'setup-failed'; message: string };
