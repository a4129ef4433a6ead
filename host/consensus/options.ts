import { NeurotraceError, UsageError } from '../core/errors.js';

/**
 * Parameters of the BigNeuron consensus (consensus.md §5). Defaults are the Gold166 run
 * (`consensus_swc -p 6 5`) and the card's internal constants.
 */
export interface ConsensusOptions {
  /** Minimum number of trees a consensus node needs, and minimum edge vote kept by trimming (V). */
  voteThreshold: number;
  /** Match radius of match-and-center (D, voxels); the soma search radius is 3·D. */
  clusterDistance: number;
  /** Drop trees whose total length or fragmentation is outside [0.25, 4] × the median (§2.2). */
  removeOutliers: boolean;
  /**
   * When fewer trees survive the hygiene steps than voteThreshold: 'lower' uses
   * max(2, floor(N/3)) (the N/3 rule the original computes before overriding it with V),
   * 'fail' stops with an error naming N and V.
   */
  fewInputs: 'lower' | 'fail';
  /**
   * Give every connected part of the consensus graph its own maximum-vote tree. Off in the
   * original, where Prim's tree from the first consensus node leaves every node outside that
   * node's part isolated, so trimming removes it.
   */
  spanningForest: boolean;
  /** Match-and-center iterations at most (§2.3). */
  maxIterations: number;
  /** Stop iterating when the mean node displacement of an iteration is below this (voxels). */
  convergence: number;
  /** Step of the resampling after match-and-center (voxels). */
  resampleStep: number;
  /** Radius within which resampled nodes of different trees merge into one cluster (voxels). */
  mergeDistance: number;
  /** Inputs with more nodes than this are dropped as "likely an outlier". */
  maxInputNodes: number;
  /** Pieces with fewer non-root nodes than this fraction of the result are removed (§2.8). */
  minPieceFraction: number;
  /** Pieces of an input closer than this are joined when it is sorted (§2.1). */
  inputBridge: number;
  /** Pieces of the result closer than this are joined when it is re-rooted (§2.8). */
  outputBridge: number;
}

export const DEFAULT_CONSENSUS_OPTIONS: Readonly<ConsensusOptions> = Object.freeze({
  voteThreshold: 6,
  clusterDistance: 5,
  removeOutliers: true,
  fewInputs: 'lower',
  spanningForest: false,
  maxIterations: 5,
  convergence: 0.2,
  resampleStep: 1,
  mergeDistance: 1,
  maxInputNodes: 20_000,
  minPieceFraction: 0.05,
  inputBridge: 1,
  outputBridge: 2,
});

type Check = (v: unknown) => boolean;
const positive: Check = (v) => typeof v === 'number' && Number.isFinite(v) && v > 0;
const nonNegative: Check = (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const positiveInt: Check = (v) => typeof v === 'number' && Number.isInteger(v) && v >= 1;

const RULES: { [K in keyof ConsensusOptions]: [Check, string] } = {
  voteThreshold: [positiveInt, 'an integer >= 1'],
  clusterDistance: [positive, 'a number > 0'],
  removeOutliers: [(v) => typeof v === 'boolean', 'true or false'],
  fewInputs: [(v) => v === 'lower' || v === 'fail', "'lower' or 'fail'"],
  spanningForest: [(v) => typeof v === 'boolean', 'true or false'],
  maxIterations: [(v) => typeof v === 'number' && Number.isInteger(v) && v >= 0, 'an integer >= 0'],
  convergence: [nonNegative, 'a number >= 0'],
  resampleStep: [positive, 'a number > 0'],
  mergeDistance: [positive, 'a number > 0'],
  maxInputNodes: [positiveInt, 'an integer >= 1'],
  minPieceFraction: [(v) => nonNegative(v) && (v as number) <= 1, 'a number from 0 to 1'],
  inputBridge: [nonNegative, 'a number >= 0'],
  outputBridge: [nonNegative, 'a number >= 0'],
};

/** Defaults overlaid with the given values; unknown names and bad values are usage errors naming the option. */
export function resolveConsensusOptions(given: Partial<Record<string, unknown>> = {}): ConsensusOptions {
  const out: Record<string, unknown> = { ...DEFAULT_CONSENSUS_OPTIONS };
  for (const [k, v] of Object.entries(given)) {
    if (v === undefined) continue;
    const rule = RULES[k as keyof ConsensusOptions];
    if (!rule) throw new UsageError(`consensus: unknown option '${k}'; known: ${Object.keys(RULES).join(', ')}`);
    if (!rule[0](v)) throw new UsageError(`consensus: ${k} must be ${rule[1]} (got ${JSON.stringify(v)})`);
    out[k] = v;
  }
  return out as unknown as ConsensusOptions;
}

/** The vote threshold actually used for N surviving trees (see ConsensusOptions.fewInputs). */
export function effectiveVoteThreshold(n: number, opts: ConsensusOptions): number {
  if (n >= opts.voteThreshold) return opts.voteThreshold;
  if (opts.fewInputs === 'fail') {
    throw new NeurotraceError(`consensus: only ${n} input tree${n === 1 ? '' : 's'} left after input hygiene, fewer than the vote threshold ${opts.voteThreshold}`);
  }
  return Math.min(opts.voteThreshold, Math.max(2, Math.floor(n / 3)));
}
