import type { Volume, Vec3 } from '../core/volume.js';
import type { Tree } from '../morph/tree.js';

export type ParamValues = Record<string, unknown>;

/** What every tracer receives, whatever its runtime kind. */
export interface TraceRequest {
  volume: Volume;
  /** Validated and complete: schema defaults, then the variant preset, then user overrides. */
  params: ParamValues;
  /** 0-based voxel coordinates; the first seed is the root (soma) when the tracer takes one. */
  seeds: Vec3[];
  signal: AbortSignal;
  progress(fraction: number, note?: string): void;
  /** A private folder the tracer may write into; it never writes anywhere else. */
  scratchDir: string;
}

/** The result of a trace: a tree plus numbers the tracer chose (e.g. an AUTO threshold). */
export interface TraceResult {
  tree: Tree;
  meta?: Record<string, number | string>;
}

export interface Tracer {
  trace(req: TraceRequest): Promise<TraceResult>;
}

/** What a TypeScript plugin's entry module exports. */
export interface TracerModule {
  createTracer(): Tracer | Promise<Tracer>;
}
