import { NeurotraceError } from '../core/errors.js';
import type { Vec3 } from '../core/volume.js';
import { resampleTree } from '../morph/resample.js';
import type { SwcNode, Tree } from '../morph/tree.js';
import { flatten, unflatten, type FlatTree } from './flat-tree.js';
import { cleanInputs } from './hygiene.js';
import { canonicalOrder, type ConsensusInput, type DroppedInput } from './inputs.js';
import { matchAndCenter } from './match-center.js';
import { countEdgeVotes, maxVoteTree } from './max-vote-tree.js';
import { mergeAndVote } from './merge-vote.js';
import { effectiveVoteThreshold, resolveConsensusOptions, type ConsensusOptions } from './options.js';
import { CONSENSUS_LEGEND, consensusRows, singleTreeRows } from './output.js';
import { rerootAtSoma } from './reroot.js';
import { removeSmallPieces } from './small-pieces.js';
import { trimUnconfident } from './trim.js';

export type { ConsensusInput, DroppedInput } from './inputs.js';
export type { ConsensusOptions } from './options.js';

/** What happened on the way, for logs, run records and the output header. */
export interface ConsensusReport {
  inputs: number;
  /** Names of the trees that voted, in canonical order. */
  used: string[];
  dropped: DroppedInput[];
  iterations: number;
  requestedVoteThreshold: number;
  /** The threshold used: lower than requested when fewer trees survived (options.fewInputs). */
  voteThreshold: number;
  clusterDistance: number;
  /** Consensus nodes created by merge-and-vote, before trimming. */
  consensusNodes: number;
  trimmedNodes: number;
  removedPieces: number;
  nodes: number;
  /** True when a single tree survived and is returned as it is (§2.4). */
  single: boolean;
}

export interface ConsensusResult {
  tree: Tree;
  report: ConsensusReport;
}

/**
 * BigNeuron's consensus reconstruction (`consensus_swc`, consensus.md §2): input hygiene,
 * match-and-center, resampling, merge-and-vote, maximum-vote spanning tree, trimming of
 * unconfident terminal chains, re-rooting near the first tree's root and removal of small
 * pieces. Inputs are put in canonical order first (see canonicalOrder), so the result depends
 * on the set of inputs only. Throws a NeurotraceError naming the reason when no tree results.
 */
export function consensus(inputs: readonly ConsensusInput[], options: Partial<ConsensusOptions> = {}): ConsensusResult {
  const opts = resolveConsensusOptions(options);
  const ordered = canonicalOrder(inputs);
  const { kept, dropped } = cleanInputs(ordered, opts);
  const report: ConsensusReport = {
    inputs: inputs.length, used: [], dropped, iterations: 0, requestedVoteThreshold: opts.voteThreshold,
    voteThreshold: opts.voteThreshold, clusterDistance: opts.clusterDistance, consensusNodes: 0, trimmedNodes: 0,
    removedPieces: 0, nodes: 0, single: false,
  };
  if (kept.length === 0) {
    throw new NeurotraceError(inputs.length === 0 ? 'consensus: no input trees' : `consensus: none of the ${inputs.length} input trees is usable (${summarise(dropped)})`);
  }

  const flats = kept.map((k) => flatten(k.tree));
  let survivors = kept.map((_, i) => i);
  if (kept.length > 1) {
    const mc = matchAndCenter(flats, opts);
    report.iterations = mc.iterations;
    for (const i of mc.isolated) dropped.push({ name: kept[i].name, reason: `no node within ${opts.clusterDistance} voxels of another input` });
    survivors = mc.kept;
    if (survivors.length === 0) {
      throw new NeurotraceError(`consensus: no two of the ${kept.length} usable inputs come within ${opts.clusterDistance} voxels of each other`);
    }
  }
  report.used = survivors.map((i) => kept[i].name);

  if (survivors.length === 1) {
    // §2.4: a lone survivor is its own consensus, as read (and sorted), not centred.
    const only = kept[survivors[0]].tree;
    const tree: Tree = { nodes: singleTreeRows(only), comments: [CONSENSUS_LEGEND] };
    Object.assign(report, { voteThreshold: 1, nodes: tree.nodes.length, single: true });
    tree.comments.push(...header(report));
    return { tree, report };
  }

  const N = survivors.length;
  const V = effectiveVoteThreshold(N, opts);
  report.voteThreshold = V;
  // The soma guess is the first root of the first (centred) tree; sorting put it on row 0.
  const first = flats[survivors[0]];
  const soma: Vec3 = [first.x[0], first.y[0], first.z[0]];
  const resampled: FlatTree[] = survivors.map((i) => flatten(resampleTree(unflatten(flats[i]), opts.resampleStep)));

  const votes = mergeAndVote(resampled, V, opts.mergeDistance);
  const C = votes.x.length;
  report.consensusNodes = C;
  if (C === 0) throw new NeurotraceError(`consensus: no location was traced by ${V} of the ${N} inputs (vote threshold ${V})`);
  const edges = countEdgeVotes(resampled, votes.segId, C);
  const span = maxVoteTree(C, edges, N, opts.spanningForest);
  const deleted = trimUnconfident(span, V);

  const nodes: SwcNode[] = [];
  for (let i = 0; i < C; i++) {
    if (deleted[i]) { report.trimmedNodes++; continue; }
    nodes.push({ id: i + 1, type: 3, x: votes.x[i], y: votes.y[i], z: votes.z[i], radius: votes.votes[i] / N, parent: span.parent[i] < 0 ? -1 : span.parent[i] + 1, extra: [i] });
  }
  if (nodes.length === 0) {
    throw new NeurotraceError(`consensus: all ${C} consensus nodes were trimmed: no branch ends in an edge that ${V} of the ${N} inputs share`);
  }
  const rooted = rerootAtSoma({ nodes, comments: [] }, soma, 3 * opts.clusterDistance, opts.outputBridge);
  const { tree: pruned, removedPieces } = removeSmallPieces(rooted, opts.minPieceFraction);
  report.removedPieces = removedPieces;
  if (pruned.nodes.length === 0) throw new NeurotraceError(`consensus: only pieces smaller than ${opts.minPieceFraction * 100}% of the result remained`);
  const tree: Tree = { nodes: consensusRows(pruned, votes.votes, edges, N), comments: [CONSENSUS_LEGEND] };
  report.nodes = tree.nodes.length;
  tree.comments.push(...header(report));
  return { tree, report };
}

function summarise(dropped: DroppedInput[]): string {
  const shown = dropped.slice(0, 3).map((d) => `${d.name}: ${d.reason}`).join('; ');
  return dropped.length > 3 ? `${shown}; … ${dropped.length - 3} more` : shown;
}

function header(r: ConsensusReport): string[] {
  const lines = [
    `neurotrace consensus (BigNeuron consensus_swc) of ${r.used.length} of ${r.inputs} input trees: vote threshold ${r.voteThreshold}${r.voteThreshold !== r.requestedVoteThreshold ? ` (requested ${r.requestedVoteThreshold})` : ''}, cluster distance ${r.clusterDistance}`,
    `voters: ${r.used.join(', ')}`,
  ];
  for (const d of r.dropped) lines.push(`dropped ${d.name}: ${d.reason}`);
  if (r.single) lines.push('a single input survived and is returned as it is');
  return lines;
}
