import type { LengthOverlapScore } from '../generated/scores.js';
import type { Tree } from '../morph/tree.js';
import { buildTreeGraph, dist3, preorder, rootPathLengths, type TreeGraph } from './tree-graph.js';
import { SegmentBvh } from './spatial-index.js';

/*
 * PyNeval's length metric ("ML", card "metrics" (d)): which fraction of the gold length has a
 * test path of matching length running along it, and which fraction of the test length is used
 * by such matches.
 *
 * For each gold edge (u -> parent p), in gold pre-order: test edges near u and near p (within
 * 2 x the gold node radius, or 2 units in absolute mode) are tried in order of distance; for a
 * pair (a, b), u and p are projected onto them, the test path between the two feet is measured
 * (along one edge, or through the lowest common ancestor), and the pair is accepted when that
 * length is within 20 % of the gold edge length and none of the test path was used by an
 * earlier match. Recall = accepted gold length / gold length; precision = matched test path
 * length / test length, both rounded to 8 decimals and capped at 1, as PyNeval does.
 * Kept: the 0.001 shrink of used intervals, intervals of zero width never conflicting, and
 * zero-length test edges never being candidates. Differences: ties in distance are broken by
 * test pre-order (PyNeval: R-tree hit order), path lengths to the root are exact for unsorted
 * files (PyNeval accumulates them in file order), and a parent that does not exist makes a
 * root instead of an exception.
 */
export interface LengthOverlapOptions {
  /** 'relative' (default): tolerance = threshold x gold node radius; 'absolute': tolerance = threshold. */
  radiusMode?: 'relative' | 'absolute';
  /** default 2 */
  radiusThreshold?: number;
  /** accepted relative length difference, default 0.2 */
  lengthThreshold?: number;
  goldName?: string;
  testName?: string;
}

export type LengthOverlapResult = LengthOverlapScore;

const FLOAT_ERROR = 0.001;
const EPS = 1e-7;

interface Vec { x: number; y: number; z: number }

/** A test tree with the bits the matcher needs: edges by child row, LCA, used intervals. */
class TestTree {
  readonly order: Int32Array;
  readonly rootDist: Float64Array;
  readonly depth: Int32Array;
  readonly rootOf: Int32Array;
  private readonly up: Int32Array[];
  readonly bvh: SegmentBvh;
  /** test rows whose edge to the parent is a candidate (non-root, non-zero length) */
  readonly edgeRows: number[];
  readonly rank: Int32Array;
  readonly used = new Map<number, [number, number][]>();
  readonly vis: Uint8Array;

  constructor(readonly g: TreeGraph, name: string) {
    this.order = preorder(g, name);
    this.rootDist = rootPathLengths(g, this.order);
    const n = g.n;
    this.depth = new Int32Array(n);
    this.rootOf = new Int32Array(n);
    this.rank = new Int32Array(n);
    this.vis = new Uint8Array(n);
    for (let k = 0; k < n; k++) {
      const v = this.order[k];
      this.rank[v] = k;
      const p = g.parent[v];
      this.depth[v] = p < 0 ? 0 : this.depth[p] + 1;
      this.rootOf[v] = p < 0 ? v : this.rootOf[p];
    }
    const levels = Math.max(1, Math.ceil(Math.log2(n + 1)));
    this.up = [Int32Array.from(g.parent, (p, i) => (p < 0 ? i : p))];
    for (let l = 1; l < levels; l++) {
      const prev = this.up[l - 1];
      this.up.push(Int32Array.from(prev, (p) => prev[p]));
    }
    this.edgeRows = [];
    const seg: number[] = [], pad: number[] = [];
    for (let k = 0; k < n; k++) {
      const c = this.order[k], p = g.parent[c];
      if (p < 0) continue;
      const dx = g.x[p] - g.x[c], dy = g.y[p] - g.y[c], dz = g.z[p] - g.z[c];
      if (dx * dx + dy * dy + dz * dz < EPS) continue;
      this.edgeRows.push(c);
      seg.push(g.x[c], g.y[c], g.z[c], g.x[p], g.y[p], g.z[p]);
      pad.push(Math.max(0, g.r[c]));
    }
    this.bvh = new SegmentBvh(Float64Array.from(seg), Float64Array.from(pad));
  }

  lca(a: number, b: number): number {
    if (this.rootOf[a] !== this.rootOf[b]) return -1;
    if (this.depth[a] < this.depth[b]) { const t = a; a = b; b = t; }
    let diff = this.depth[a] - this.depth[b];
    for (let l = 0; diff > 0; l++, diff >>= 1) if (diff & 1) a = this.up[l][a];
    if (a === b) return a;
    for (let l = this.up.length - 1; l >= 0; l--) {
      if (this.up[l][a] !== this.up[l][b]) { a = this.up[l][a]; b = this.up[l][b]; }
    }
    return this.g.parent[a];
  }

  /** Rows strictly between `from` (exclusive) and the ancestor `to` (exclusive), walking up from `from`'s parent. */
  *between(from: number, to: number): Generator<number> {
    for (let v = this.g.parent[from]; v !== to && v >= 0; v = this.g.parent[v]) yield v;
  }

  /** Candidate edges (child rows) within `tol` of the point, nearest first. */
  near(q: Vec, tol: number): { row: number; d: number }[] {
    const out: { row: number; d: number }[] = [];
    const g = this.g;
    this.bvh.near(q.x, q.y, q.z, tol, (k) => {
      const c = this.edgeRows[k], p = g.parent[c];
      const d = distToSegment(q, pt(g, c), pt(g, p));
      if (d <= tol) out.push({ row: c, d });
    });
    out.sort((a, b) => a.d - b.d || this.rank[a.row] - this.rank[b.row]);
    return out;
  }
}

function pt(g: TreeGraph, i: number): Vec { return { x: g.x[i], y: g.y[i], z: g.z[i] }; }
function dist(a: Vec, b: Vec): number {
  const dx = a.x - b.x, dy = a.y - b.y, dz = a.z - b.z;
  return Math.sqrt(dx * dx + dy * dy + dz * dz);
}

/** PyNeval's closest point: the foot on the line if inside the segment's box, else the nearer end (ties: the second). */
function closestPoint(p: Vec, a: Vec, b: Vec): Vec {
  const bax = b.x - a.x, bay = b.y - a.y, baz = b.z - a.z;
  const k = -((a.x - p.x) * bax + (a.y - p.y) * bay + (a.z - p.z) * baz) / (bax * bax + bay * bay + baz * baz);
  const foot = { x: a.x + k * bax, y: a.y + k * bay, z: a.z + k * baz };
  const inBox = Math.min(a.x, b.x) <= foot.x && foot.x <= Math.max(a.x, b.x)
    && Math.min(a.y, b.y) <= foot.y && foot.y <= Math.max(a.y, b.y)
    && Math.min(a.z, b.z) <= foot.z && foot.z <= Math.max(a.z, b.z);
  if (inBox) return foot;
  return dist(p, a) < dist(p, b) ? a : b;
}

function distToSegment(p: Vec, a: Vec, b: Vec): number { return dist(p, closestPoint(p, a, b)); }

function intersects(i1: [number, number], i2: [number, number]): boolean {
  if (i1[0] === i1[1] || i2[0] === i2[1]) return false;
  return (i1[0] <= i2[0] && i2[0] <= i1[1]) || (i1[0] <= i2[1] && i2[1] <= i1[1])
    || (i2[0] <= i1[0] && i1[0] <= i2[1]) || (i2[0] <= i1[1] && i1[1] <= i2[1]);
}

function fits(t: TestTree, row: number, iv: [number, number]): boolean {
  if (iv[0] > iv[1]) return true;
  for (const u of t.used.get(row) ?? []) if (intersects(u, iv)) return false;
  return true;
}

function claim(t: TestTree, row: number, iv: [number, number]): void {
  if (!(iv[0] < iv[1])) return;
  let list = t.used.get(row);
  if (!list) { list = []; t.used.set(row, list); }
  list.push(iv);
}

/** Test path length between the feet of u on edge a and of p on edge b (Infinity: different trees). */
function pathBetween(t: TestTree, a: number, b: number, footA: Vec, footB: Vec): number {
  if (a === b) return dist(footA, footB);
  const g = t.g;
  const l = t.lca(a, b);
  if (l < 0) return Infinity;
  let len = 0;
  for (const [row, foot] of [[a, footA], [b, footB]] as const) {
    if (row !== l) {
      // whole edges from row's parent up to the LCA, as a difference of path lengths to the root
      const p = g.parent[row];
      len += dist(foot, pt(g, p)) + (t.rootDist[p] - t.rootDist[l]);
    } else len += dist(foot, pt(g, row));
  }
  return len;
}

/** Whether the test path from foot A to foot B is unused; if so marks it used (PyNeval is_route_clean). */
function claimRoute(t: TestTree, a: number, b: number, footA: Vec, footB: Vec): boolean {
  const g = t.g;
  const edgeLen = (row: number) => dist3(g, row, g.parent[row]);
  if (a === b) {
    const total = edgeLen(a);
    let start = dist(footA, pt(g, a)) / total, end = dist(footB, pt(g, a)) / total;
    if (start > end) { const s = start; start = end; end = s; }
    end -= FLOAT_ERROR;
    if (t.vis[a]) return false;
    if (!fits(t, a, [start, end])) return false;
    claim(t, a, [start, end]);
    return true;
  }
  const l = t.lca(a, b);
  if (l < 0) return false;
  const span = (row: number, foot: Vec): [number, number] => {
    const frac = dist(foot, pt(g, row)) / edgeLen(row);
    return row !== l ? [frac, 1 - FLOAT_ERROR] : [0, frac - FLOAT_ERROR];
  };
  const ia = span(a, footA), ib = span(b, footB);
  const route: number[] = [];
  for (const row of [a, b]) if (row !== l) for (const v of t.between(row, l)) route.push(v);
  for (const v of route) if (t.vis[v] || (t.used.get(v)?.length ?? 0) > 0) return false;
  if (fits(t, a, ia) && fits(t, b, ib) && !t.vis[a] && !t.vis[b]) {
    claim(t, a, ia);
    claim(t, b, ib);
    for (const v of route) t.vis[v] = 1;
    return true;
  }
  return false;
}

const round8 = (v: number): number => Number(v.toFixed(8));

function totalLength(g: TreeGraph): number {
  let s = 0;
  for (let i = 0; i < g.n; i++) if (g.parent[i] >= 0) s += dist3(g, i, g.parent[i]);
  return s;
}

export function lengthOverlap(gold: Tree, test: Tree, opts: LengthOverlapOptions = {}): LengthOverlapResult {
  const relative = (opts.radiusMode ?? 'relative') === 'relative';
  const rThr = opts.radiusThreshold ?? 2, lThr = opts.lengthThreshold ?? 0.2;
  const gg = buildTreeGraph(gold);
  const order = preorder(gg, opts.goldName ?? 'gold');
  const t = new TestTree(buildTreeGraph(test), opts.testName ?? 'test');
  let matched = 0, matchedTest = 0;
  for (let k = 0; k < order.length; k++) {
    const u = order[k], p = gg.parent[u];
    if (p < 0) continue;
    const tolU = relative ? rThr * gg.r[u] : rThr, tolP = relative ? rThr * gg.r[p] : rThr;
    const U = pt(gg, u), P = pt(gg, p);
    const goldLen = dist(U, P);
    const candA = t.near(U, tolU), candB = t.near(P, tolP);
    let done = false;
    for (const ca of candA) {
      if (done) break;
      const footA = closestPoint(U, pt(t.g, ca.row), pt(t.g, t.g.parent[ca.row]));
      for (const cb of candB) {
        const footB = closestPoint(P, pt(t.g, cb.row), pt(t.g, t.g.parent[cb.row]));
        const testLen = pathBetween(t, ca.row, cb.row, footA, footB);
        if (!Number.isFinite(testLen)) continue;
        if (!(Math.abs(testLen - goldLen) < lThr * goldLen)) continue;
        if (!claimRoute(t, ca.row, cb.row, footA, footB)) continue;
        matched += goldLen;
        matchedTest += testLen;
        done = true;
        break;
      }
    }
  }
  const goldLength = round8(totalLength(gg)), testLength = round8(totalLength(t.g));
  const recall = goldLength !== 0 ? Math.min(round8(round8(matched) / goldLength), 1) : 0;
  const precision = testLength !== 0 ? Math.min(round8(round8(matchedTest) / testLength), 1) : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { recall, precision, f1, goldLength, testLength, matchedGoldLength: round8(matched), matchedTestLength: round8(matchedTest) };
}
