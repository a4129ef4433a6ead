import type { Vec3 } from '../core/volume.js';
import type { PluginRoot } from '../registry/plugin-paths.js';

/** What the bench parent sends a job process: one variant on one image. */
export interface JobSpec {
  variant: string;
  imageId: string;
  imagePath: string;
  goldPath: string | null;
  seed: Vec3 | null;
  channel: number;
  params: Record<string, unknown>;
  /** Final SWC path (absolute); written atomically, so its presence means it is complete. */
  outputPath: string;
  /** The job's private scratch folder; the parent removes it when the job ends, however it ends. */
  scratchDir: string;
  /** Voxel size used for scoring in physical units (null: score in voxels). */
  scoreSpacing: Vec3 | null;
  pluginRoots: PluginRoot[];
}

export type JobMessage =
  | { type: 'progress'; fraction: number; note?: string }
  | { type: 'traced'; nodeCount: number; meta: Record<string, number | string>; traceSeconds: number; imageSha256: string; conversion?: string }
  | { type: 'scored'; scores: Record<string, unknown> | null; scoreError: string | null }
  | { type: 'failed'; status: 'failed' | 'invalid' | 'oom'; error: string }
  | { type: 'usage'; cpuSeconds: number; peakRssMiB: number };
