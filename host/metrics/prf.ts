import type { PrfScore } from '../generated/scores.js';
import type { Tree } from '../morph/tree.js';
import { PointIndex } from './spatial-index.js';

/*
 * Node-matching precision / recall / F1 as rivuletpy's `compareswc` computes them (card
 * "metrics" (c)), plus its SD / SSD / SSD% and the NetMets-style connection errors.
 *
 * Kept as in rivuletpy: node-to-node (not node-to-segment) distances on the stored nodes, no
 * resampling; TP = test nodes closer than 4 to a gold node, FN = gold nodes farther than 4 (a
 * gold node at exactly 4 is neither), and recall = TP/(TP+FN) mixes a test count with a gold
 * count, so it grows with the test's sampling density. compareswc as published crashes before
 * printing connection errors (it takes len() of two ratios); we report what it meant to print
 * (the number of coloured nodes with connection errors in each tree, leaf segments ignored,
 * sigma 3) and the two ratios the library function returns.
 */
export interface PrfOptions {
  /** precision distance (dist1, default 4) */
  precisionDistance?: number;
  /** recall distance (dist2, default 4) */
  recallDistance?: number;
  /** colouring distance of the connection-error check (compareswc --sigma, default 3) */
  sigma?: number;
}

export type PrfResult = PrfScore;

function coords(tree: Tree): { x: Float64Array; y: Float64Array; z: Float64Array } {
  const n = tree.nodes.length;
  const x = new Float64Array(n), y = new Float64Array(n), z = new Float64Array(n);
  tree.nodes.forEach((nd, i) => { x[i] = nd.x; y[i] = nd.y; z[i] = nd.z; });
  return { x, y, z };
}

/** For each node of `from`, the nearest node of `to` (distance, row; lowest row among ties, like argmin). */
function nearestRows(from: Tree, to: ReturnType<typeof coords>): { d: Float64Array; idx: Int32Array } {
  const index = new PointIndex(to.x, to.y, to.z);
  const n = from.nodes.length;
  const d = new Float64Array(n), idx = new Int32Array(n);
  let hint = -1;
  for (let i = 0; i < n; i++) {
    const nd = from.nodes[i];
    const r = index.nearest(nd.x, nd.y, nd.z, hint);
    d[i] = r.d; idx[i] = r.index; hint = r.index;
  }
  return { d, idx };
}

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

export function precisionRecall(gold: Tree, test: Tree, opts: PrfOptions = {}): PrfResult {
  const dist1 = opts.precisionDistance ?? 4, dist2 = opts.recallDistance ?? 4, sigma = opts.sigma ?? 3;
  const nT = test.nodes.length, nG = gold.nodes.length;
  const empty: PrfResult = {
    precision: null, recall: null, f1: null, truePositives: 0, falsePositives: nT, falseNegatives: nG,
    sd: null, ssd: null, ssdPercent: null, connectionErrorsTest: 0, connectionErrorsGold: 0, connectionRatioTest: null, connectionRatioGold: null,
  };
  if (nT === 0 || nG === 0) return empty;
  const tc = coords(test), gc = coords(gold);
  const t2g = nearestRows(test, gc), g2t = nearestRows(gold, tc);

  let tp = 0;
  for (let i = 0; i < nT; i++) if (t2g.d[i] < dist1) tp++;
  const fp = nT - tp;
  let fn = 0;
  for (let i = 0; i < nG; i++) if (g2t.d[i] > dist2) fn++;
  const precision = tp / (tp + fp);
  const recall = tp / (tp + fn);
  const f1 = (2 * precision * recall) / (precision + recall);

  const mean = (a: Float64Array, keep: (v: number) => boolean): { mean: number; count: number } => {
    let s = 0, c = 0;
    for (const v of a) if (keep(v)) { s += v; c++; }
    return { mean: c ? s / c : NaN, count: c };
  };
  const sd = (mean(t2g.d, () => true).mean + mean(g2t.d, () => true).mean) / 2;
  const farT = mean(t2g.d, (v) => v > dist1), farG = mean(g2t.d, (v) => v > dist2);
  const ssd = (farT.mean + farG.mean) / 2;
  const ssdPercent = (farT.count / nT + farG.count / nG) / 2;

  const conn = connectionErrors(test, gold, t2g, sigma);
  return {
    precision: finite(precision), recall: finite(recall), f1: finite(f1),
    truePositives: tp, falsePositives: fp, falseNegatives: fn,
    sd: finite(sd), ssd: finite(ssd), ssdPercent: finite(ssdPercent),
    connectionErrorsTest: conn.c1, connectionErrorsGold: conn.c2,
    connectionRatioTest: conn.r1, connectionRatioGold: conn.r2,
  };
}

/*
 * NetMets connectivity as rivuletpy implements it. Each SWC becomes an undirected graph on ids
 * in which every parent id is a vertex too, so all roots hang off a shared vertex -1 (a kept
 * quirk: separate components are connected through it, and since -1 is never coloured nor on
 * a path it always remains, so a coloured root off a leaf segment counts as one error even for
 * identical trees). Test nodes within sigma of a gold
 * node, and those gold nodes, are "coloured". Repeatedly, from the first remaining coloured
 * vertex, a breadth-first search that stops at other coloured vertices finds its coloured
 * neighbours; the paths to them (and the vertex itself) are removed. Coloured vertices next to
 * what is left are connection errors; those on leaf segments are then ignored. On a forest the
 * paths are unique, so the result does not depend on search order.
 */
interface IdGraph {
  adj: Map<number, Set<number>>;
  rowOfId: Map<number, number>;
}

function idGraph(tree: Tree): IdGraph {
  const adj = new Map<number, Set<number>>();
  const rowOfId = new Map<number, number>();
  const link = (a: number, b: number) => {
    let s = adj.get(a);
    if (!s) { s = new Set(); adj.set(a, s); }
    s.add(b);
  };
  tree.nodes.forEach((nd, i) => {
    rowOfId.set(nd.id, i);
    link(nd.id, nd.parent);
    link(nd.parent, nd.id);
  });
  return { adj, rowOfId };
}

/** Removes the core (matched) structure; returns the adjacency of what is left. */
function leftoverGraph(g: IdGraph, coloured: Set<number>): Map<number, Set<number>> {
  const dg = new Map<number, Set<number>>();
  for (const [k, v] of g.adj) dg.set(k, new Set(v));
  const pending = new Set(coloured);
  for (const root of coloured) {
    if (!pending.has(root)) continue;
    const onPath = new Set<number>([root]);
    if (dg.has(root)) {
      const from = new Map<number, number>([[root, root]]);
      const queue = [root];
      for (let q = 0; q < queue.length; q++) {
        const r = queue[q];
        if (r !== root && pending.has(r)) {
          for (let v = from.get(r)!; v !== root; v = from.get(v)!) onPath.add(v);
          continue;
        }
        for (const nb of dg.get(r) ?? []) {
          if (!from.has(nb)) { from.set(nb, r); queue.push(nb); }
        }
      }
    }
    pending.delete(root);
    for (const v of onPath) {
      const nbs = dg.get(v);
      if (!nbs) continue;
      for (const nb of nbs) dg.get(nb)?.delete(v);
      dg.delete(v);
    }
  }
  return dg;
}

/** Rows on leaf segments: from each tip up to, not including, the first branch point. */
function leafSegmentRows(tree: Tree, g: IdGraph): Set<number> {
  const children = new Map<number, number>();
  for (const nd of tree.nodes) children.set(nd.parent, (children.get(nd.parent) ?? 0) + 1);
  const degree = (row: number) => (children.get(tree.nodes[row].id) ?? 0) + 1;
  const out = new Set<number>();
  for (let i = 0; i < tree.nodes.length; i++) {
    if (degree(i) !== 1) continue;
    let row: number | undefined = i;
    while (row !== undefined && degree(row) < 3 && !out.has(row)) {
      out.add(row);
      const p = tree.nodes[row].parent;
      if (p < 0) break;
      row = g.rowOfId.get(p);
    }
  }
  return out;
}

function errorsOf(tree: Tree, g: IdGraph, coloured: Set<number>): { count: number; ratio: number | null } {
  const dg = leftoverGraph(g, coloured);
  const touching = new Set<number>();
  for (const id of dg.keys()) for (const nb of g.adj.get(id)!) if (coloured.has(nb)) touching.add(nb);
  const leaf = leafSegmentRows(tree, g);
  let count = 0;
  for (const id of touching) if (!leaf.has(g.rowOfId.get(id)!)) count++;
  return { count, ratio: touching.size ? count / touching.size : null };
}

function connectionErrors(test: Tree, gold: Tree, t2g: { d: Float64Array; idx: Int32Array }, sigma: number) {
  const colouredT = new Set<number>(), colouredG = new Set<number>();
  for (let i = 0; i < test.nodes.length; i++) {
    if (t2g.d[i] < sigma) {
      colouredT.add(test.nodes[i].id);
      colouredG.add(gold.nodes[t2g.idx[i]].id);
    }
  }
  const e1 = errorsOf(test, idGraph(test), colouredT);
  const e2 = errorsOf(gold, idGraph(gold), colouredG);
  return { c1: e1.count, c2: e2.count, r1: e1.ratio, r2: e2.ratio };
}
