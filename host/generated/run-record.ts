/* Generated from schemas/run-record.schema.json by scripts/gen-types.mjs. Do not edit. */

/**
 * One cell of a benchmark (one variant on one image): what ran, how it ended, what it cost and how it scored. Stored in <out>/runs.sqlite.
 */
export interface RunRecord {
  /**
   * BigNeuron label of the variant.
   */
  variant: string;
  imageId: string;
  /**
   * Plugin id.
   */
  plugin: string;
  pluginVersion: string;
  /**
   * Final parameters the tracer received.
   */
  params: {
    [k: string]: unknown;
  };
  imagePath: string;
  imageSha256: string;
  /**
   * Root seed passed to the tracer (0-based voxels), null when none.
   *
   * @minItems 3
   * @maxItems 3
   */
  seed?: [number, number, number] | null;
  /**
   * ok: SWC written; failed: the tracer reported an error; invalid: it returned a tree that fails validation; crashed: the process died (signal, uncaught error); timeout / oom: killed at the time or memory cap.
   */
  status: 'ok' | 'failed' | 'invalid' | 'crashed' | 'timeout' | 'oom';
  startedAt: string;
  finishedAt: string;
  wallSeconds: number;
  cpuSeconds?: number | null;
  peakRssMiB?: number | null;
  /**
   * Raw tracer output (SWC), relative to the bench folder.
   */
  outputPath?: string | null;
  nodeCount?: number | null;
  /**
   * One-line reason when status is not ok.
   */
  error?: string | null;
  /**
   * Last lines the job wrote to stderr.
   */
  stderrTail?: string | null;
  /**
   * Numbers the tracer chose (e.g. an AUTO threshold).
   */
  meta?: {
    [k: string]: unknown;
  } | null;
  /**
   * Scores against the gold standard (see scores.schema.json); null without gold or when the run failed.
   */
  scores?: {
    [k: string]: unknown;
  } | null;
  scoreError?: string | null;
  /**
   * Host-computed variants (Consensus) only: sha256 of the runs the cell was computed from (variant, start, end, output of each) and of the settings that change its result (plugin version, parameters, score units). A finished host cell is recomputed when the digest of its current inputs differs; its meta lists the input variants (inputVariants) and their number (inputs).
   */
  inputsDigest?: string | null;
}
