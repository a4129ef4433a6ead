import type { SsdScore } from '../generated/scores.js';
import type { Tree } from '../morph/tree.js';
import { buildTreeGraph } from './tree-graph.js';
import { PointIndex } from './spatial-index.js';

/*
 * PyNeval's SSD metric ("SM", after Peng et al. 2010; card "metrics" (d)). Both trees are
 * up-sampled (floor(L/2) - 1 evenly spaced nodes inserted in every edge of length L), then each
 * node's distance to the nearest node of the other tree is taken; distances >= the threshold
 * (2) are "substantial". ssd = mean of the two directional means of substantial distances, an
 * empty direction counting 0 (unlike Vaa3D's DSA); recall = 1 - substantial gold nodes / gold
 * nodes, precision = 1 - substantial test nodes / test nodes.
 */
export interface SsdOptions {
  /** default 2 */
  threshold?: number;
}

export type SsdResult = SsdScore;

function upsample(tree: Tree): { x: Float64Array; y: Float64Array; z: Float64Array } {
  const g = buildTreeGraph(tree);
  const xs: number[] = [], ys: number[] = [], zs: number[] = [];
  for (let i = 0; i < g.n; i++) {
    xs.push(g.x[i]); ys.push(g.y[i]); zs.push(g.z[i]);
    const p = g.parent[i];
    if (p < 0) continue;
    const dx = g.x[p] - g.x[i], dy = g.y[p] - g.y[i], dz = g.z[p] - g.z[i];
    const k = Math.floor(Math.sqrt(dx * dx + dy * dy + dz * dz) / 2) - 1;
    for (let m = 1; m <= k; m++) {
      const s = m / (k + 1);
      xs.push(g.x[i] + s * dx); ys.push(g.y[i] + s * dy); zs.push(g.z[i] + s * dz);
    }
  }
  return { x: Float64Array.from(xs), y: Float64Array.from(ys), z: Float64Array.from(zs) };
}

function substantial(from: ReturnType<typeof upsample>, to: ReturnType<typeof upsample>, threshold: number): { mean: number; count: number } {
  const index = new PointIndex(to.x, to.y, to.z);
  let sum = 0, count = 0, hint = -1;
  for (let i = 0; i < from.x.length; i++) {
    const r = index.nearest(from.x[i], from.y[i], from.z[i], hint);
    hint = r.index;
    if (r.d >= threshold) { sum += r.d; count++; }
  }
  return { mean: count ? sum / count : 0, count };
}

/** Returns null when either tree is empty. */
export function ssdMetric(gold: Tree, test: Tree, opts: SsdOptions = {}): SsdResult | null {
  if (gold.nodes.length === 0 || test.nodes.length === 0) return null;
  const thr = opts.threshold ?? 2;
  const g = upsample(gold), t = upsample(test);
  const g2t = substantial(g, t, thr), t2g = substantial(t, g, thr);
  const recall = 1 - g2t.count / g.x.length, precision = 1 - t2g.count / t.x.length;
  return {
    ssd: (g2t.mean + t2g.mean) / 2,
    recall, precision,
    f1: recall + precision > 0 ? (2 * recall * precision) / (recall + precision) : 0,
    goldNodes: g.x.length, testNodes: t.x.length,
    goldSubstantial: g2t.count, testSubstantial: t2g.count,
  };
}
