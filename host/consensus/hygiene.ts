import { morphometrics } from '../metrics/morphometrics.js';
import { sortTree } from '../morph/sort.js';
import type { Tree } from '../morph/tree.js';
import type { ConsensusInput, DroppedInput } from './inputs.js';
import type { ConsensusOptions } from './options.js';

export interface HygieneResult {
  kept: ConsensusInput[];
  dropped: DroppedInput[];
}

/** Element floor(n/2) of the sorted values: the upper median, as the original computes it. */
export function upperMedian(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function outsideBand(v: number, median: number): boolean {
  return v < 0.25 * median || v > 4 * median;
}

const fmt = (v: number) => Number(v.toPrecision(4)).toString();

/**
 * Input hygiene (consensus.md §2.1–2.2): empty and oversized trees are dropped, every tree is
 * sorted (pieces within `inputBridge` joined, ids 1..n parent-first, exactly-coincident nodes
 * merged), then trees whose total length or mean fragmentation (interior nodes per branch,
 * BlastNeuron's average_fragmentation) lies outside [0.25, 4] × the upper median are removed.
 * Deliberate difference: the id index is rebuilt after sorting (the original kept the stale one).
 */
export function cleanInputs(inputs: readonly ConsensusInput[], opts: ConsensusOptions): HygieneResult {
  const dropped: DroppedInput[] = [];
  let kept: ConsensusInput[] = [];
  for (const inp of inputs) {
    const n = inp.tree.nodes.length;
    if (n === 0) { dropped.push({ name: inp.name, reason: 'empty tree' }); continue; }
    if (n > opts.maxInputNodes) {
      dropped.push({ name: inp.name, reason: `${n} nodes, more than ${opts.maxInputNodes} (likely an outlier)` });
      continue;
    }
    kept.push({ name: inp.name, tree: sortTree(inp.tree, { mergeDuplicates: true, linkThreshold: opts.inputBridge }) });
  }
  if (!opts.removeOutliers || kept.length === 0) return { kept, dropped };

  const features = kept.map((k) => shapeOf(k.tree));
  const mL = upperMedian(features.map((f) => f.length));
  const mF = upperMedian(features.map((f) => f.fragmentation));
  const survivors: ConsensusInput[] = [];
  kept.forEach((k, i) => {
    const f = features[i];
    if (outsideBand(f.length, mL)) {
      dropped.push({ name: k.name, reason: `total length ${fmt(f.length)} outside [0.25, 4] × median ${fmt(mL)}` });
    } else if (outsideBand(f.fragmentation, mF)) {
      dropped.push({ name: k.name, reason: `fragmentation ${fmt(f.fragmentation)} outside [0.25, 4] × median ${fmt(mF)}` });
    } else {
      survivors.push(k);
    }
  });
  kept = survivors;
  return { kept, dropped };
}

function shapeOf(tree: Tree): { length: number; fragmentation: number } {
  const m = morphometrics(tree);
  return { length: m.total_length, fragmentation: m.average_fragmentation ?? 0 };
}
