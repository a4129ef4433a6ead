import { NeurotraceError } from '../core/errors.js';
import { SegmentBvh } from '../metrics/spatial-index.js';
import { resampleTree } from '../morph/resample.js';
import { flatten, type FlatTree } from './flat-tree.js';
import { closestOnSegment, rowSegments } from './geometry.js';
import type { ConsensusInput } from './inputs.js';

/** Distances between two resampled trees, node to nearest segment, in both directions. */
export interface PairDistance {
  i: number;
  j: number;
  /** (M_ij + M_ji) / 2, M_ij = sum over the nodes of i of the distance to the nearest segment of j. */
  sumDistance: number;
  /**
   * Mean distance of the nodes farther than `structureThreshold` (10 voxels), averaged over the
   * directions that have such nodes; 0 when none (the DSA rule of neuron_distance).
   */
  structureDifference: number;
  /** The smaller of the two directional maxima (neuron_distance's dist_max rule). */
  maxDistance: number;
}

export interface MedianResult {
  /** Index (into the inputs as given) of the median tree. */
  index: number;
  name: string;
  /** Per input: sum of its pair distances to all others (NaN for inputs that were empty). */
  sums: number[];
  pairs: PairDistance[];
}

const STRUCTURE_THRESHOLD = 10;

interface Directed { sum: number; bigSum: number; bigN: number; max: number }

function directed(from: FlatTree, bvh: SegmentBvh, seg: Float64Array): Directed {
  const q = new Float64Array(3);
  const out: Directed = { sum: 0, bigSum: 0, bigN: 0, max: 0 };
  let hint = -1;
  for (let r = 0; r < from.x.length; r++) {
    if (from.parent[r] < 0) continue;
    const px = from.x[r], py = from.y[r], pz = from.z[r];
    const d = bvh.nearest(px, py, pz, (k) => closestOnSegment(seg, k, px, py, pz, q), 1e-9 * (1 + Math.abs(px) + Math.abs(py) + Math.abs(pz)), hint);
    hint = bvh.nearestSeg;
    out.sum += d;
    if (d > out.max) out.max = d;
    if (d >= STRUCTURE_THRESHOLD) { out.bigSum += d; out.bigN++; }
  }
  return out;
}

/**
 * median_swc (consensus.md §6): every input is resampled at `step`; for each pair the summed
 * node-to-nearest-segment distance is taken both ways and averaged; the median tree is the one
 * whose distances to all others add up least (ties: the earlier input). Like the original the
 * score is a sum, not a mean, so it favours small trees. Differences: no constant -1 offset in
 * each sum, and empty inputs are skipped while indices keep referring to the inputs as given.
 */
export function medianSwc(inputs: readonly ConsensusInput[], step = 1): MedianResult {
  const usable: number[] = [];
  const flats: (FlatTree | null)[] = inputs.map((inp, i) => {
    if (inp.tree.nodes.length === 0) return null;
    const f = flatten(resampleTree(inp.tree, step));
    if (f.x.length === 0) return null;
    usable.push(i);
    return f;
  });
  if (usable.length < 2) throw new NeurotraceError(`median_swc: needs at least two non-empty trees, got ${usable.length}`);
  const index = new Map<number, { bvh: SegmentBvh; seg: Float64Array }>();
  for (const i of usable) {
    const f = flats[i]!;
    const seg = new Float64Array(6 * f.x.length);
    rowSegments(f.x, f.y, f.z, f.parent, seg, 0);
    index.set(i, { bvh: new SegmentBvh(seg), seg });
  }
  const sums = inputs.map((_, i) => (flats[i] ? 0 : Number.NaN));
  const pairs: PairDistance[] = [];
  for (let a = 0; a < usable.length; a++) {
    for (let b = a + 1; b < usable.length; b++) {
      const i = usable[a], j = usable[b];
      const ij = directed(flats[i]!, index.get(j)!.bvh, index.get(j)!.seg);
      const ji = directed(flats[j]!, index.get(i)!.bvh, index.get(i)!.seg);
      const sumDistance = (ij.sum + ji.sum) / 2;
      const dirs = [ij, ji].filter((d) => d.bigN > 0);
      const structureDifference = dirs.length ? dirs.reduce((s, d) => s + d.bigSum / d.bigN, 0) / dirs.length : 0;
      pairs.push({ i, j, sumDistance, structureDifference, maxDistance: Math.min(ij.max, ji.max) });
      sums[i] += sumDistance;
      sums[j] += sumDistance;
    }
  }
  let best = usable[0];
  for (const i of usable) if (sums[i] < sums[best]) best = i;
  return { index: best, name: inputs[best].name, sums, pairs };
}
