import { describe, expect, it } from 'vitest';
import { loadAddon } from '../../host/runtime/native-addon.js';
import { rng } from '../helpers/synthetic-volumes.js';

// The MST kernel (native/kernels/mst.*) that FMST, meanshift, MST_Tracing, RegMST and
// NeuroStalker share.
type PrimOut = { parent: Int32Array; order: Int32Array };
type PrimOpts = { root?: number; squared?: boolean; limit?: number; ties?: 'tree' | 'candidate' };
const addon = loadAddon('neurotrace_native');
const mstEuclidean = addon.mstEuclidean as (pts: Float64Array, o?: PrimOpts) => PrimOut;
const mstMatrix = addon.mstMatrix as (w: Float64Array, n: number, o?: PrimOpts) => PrimOut;
const mstForest = addon.mstForest as (n: number, a: Int32Array, b: Int32Array, w: Float64Array) => PrimOut & { roots: Int32Array };

/** The originals' O(n³) Prim, written out literally: every round rescans all (tree, candidate) pairs. */
function scanPrim(w: (i: number, j: number) => number, n: number, root: number, ties: 'tree' | 'candidate', limit = Infinity): PrimOut {
  const parent = new Int32Array(n).fill(-1);
  const inTree = new Uint8Array(n);
  const order = [root];
  inTree[root] = 1;
  for (let round = 1; round < n; round++) {
    let best = limit, bi = -1, bj = -1;
    for (let outer = 0; outer < n; outer++) {
      for (let inner = 0; inner < n; inner++) {
        const [i, j] = ties === 'tree' ? [outer, inner] : [inner, outer];
        if (!inTree[i] || inTree[j]) continue;
        if (w(i, j) < best) { best = w(i, j); bi = i; bj = j; }
      }
    }
    if (bj < 0) break;
    inTree[bj] = 1;
    parent[bj] = bi;
    order.push(bj);
  }
  return { parent, order: Int32Array.from(order) };
}

function randomPoints(n: number, seed: number, span: number): Float64Array {
  const r = rng(seed);
  // Small integer coordinates: many equal distances, so the tie rule is exercised.
  return Float64Array.from({ length: 3 * n }, () => Math.floor(r() * span));
}

describe('dense Prim (K9)', () => {
  it('reproduces the O(n³) scan exactly, ties included, for both scan orders', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const n = 40;
      const pts = randomPoints(n, seed, 5);
      const dist = (i: number, j: number) => Math.hypot(pts[3 * i] - pts[3 * j], pts[3 * i + 1] - pts[3 * j + 1], pts[3 * i + 2] - pts[3 * j + 2]);
      for (const ties of ['tree', 'candidate'] as const) {
        const root = seed % n;
        const got = mstEuclidean(pts, { root, ties });
        const want = scanPrim(dist, n, root, ties);
        expect(Array.from(got.parent)).toEqual(Array.from(want.parent));
        expect(Array.from(got.order)).toEqual(Array.from(want.order));
      }
    }
  });

  it('uses squared distances when asked (same tree, NeuroStalker\'s matrix)', () => {
    const pts = randomPoints(30, 9, 6);
    const d2 = (i: number, j: number) => (pts[3 * i] - pts[3 * j]) ** 2 + (pts[3 * i + 1] - pts[3 * j + 1]) ** 2 + (pts[3 * i + 2] - pts[3 * j + 2]) ** 2;
    const got = mstEuclidean(pts, { squared: true, ties: 'candidate' });
    expect(Array.from(got.parent)).toEqual(Array.from(scanPrim(d2, 30, 0, 'candidate').parent));
  });

  it('honours the limit: costs at or above it are no edges, unreached nodes stay out', () => {
    const n = 5;
    // 0-1-2 chain of cost 1; 3 and 4 only reachable at cost 1e9 (RegMST's INF).
    const w = new Float64Array(n * n).fill(1e9);
    const set = (i: number, j: number, c: number) => { w[i * n + j] = c; w[j * n + i] = c; };
    set(0, 1, 1); set(1, 2, 1); set(3, 4, 2);
    const got = mstMatrix(w, n, { limit: 1e9 });
    expect(Array.from(got.order)).toEqual([0, 1, 2]);
    expect(Array.from(got.parent)).toEqual([-1, 0, 1, -1, -1]);
    // Without a limit every node is reached (1e9 is just expensive).
    expect(Array.from(mstMatrix(w, n).order)).toEqual([0, 1, 2, 3, 4]);
  });

  it('matches the scan on an asymmetric matrix and rejects bad input clearly', () => {
    const r = rng(77);
    const n = 12;
    const w = Float64Array.from({ length: n * n }, () => Math.floor(r() * 4));
    const got = mstMatrix(w, n, { root: 3 });
    const want = scanPrim((i, j) => w[i * n + j], n, 3, 'tree');
    expect(Array.from(got.parent)).toEqual(Array.from(want.parent));
    expect(() => mstMatrix(w, n + 1)).toThrow(/n\*n/);
    expect(() => mstEuclidean(new Float64Array(4))).toThrow(/multiple of 3/);
    expect(() => mstEuclidean(new Float64Array(6), { root: 2 })).toThrow(/root/);
  });
});

describe('heap Prim forest (K9, FMST)', () => {
  function kruskalWeight(n: number, a: number[], b: number[], w: number[]): number {
    const up = Array.from({ length: n }, (_, i) => i);
    const find = (x: number): number => (up[x] === x ? x : (up[x] = find(up[x])));
    let total = 0;
    for (const e of [...w.keys()].sort((p, q) => w[p] - w[q])) {
      const [ra, rb] = [find(a[e]), find(b[e])];
      if (ra !== rb) { up[ra] = rb; total += w[e]; }
    }
    return total;
  }

  it('builds a minimum spanning forest, one tree per component, rooted at each lowest index', () => {
    const r = rng(5);
    const n = 60;
    const a: number[] = [], b: number[] = [], w: number[] = [];
    // Two components: 0..29 and 30..59, each with random edges of small integer weights.
    for (const base of [0, 30]) {
      for (let i = 1; i < 30; i++) { a.push(base + i); b.push(base + Math.floor(r() * i)); w.push(1 + Math.floor(r() * 3)); }
      for (let k = 0; k < 40; k++) {
        const i = base + Math.floor(r() * 30), j = base + Math.floor(r() * 30);
        if (i !== j) { a.push(i); b.push(j); w.push(1 + Math.floor(r() * 3)); }
      }
    }
    const f = mstForest(n, Int32Array.from(a), Int32Array.from(b), Float64Array.from(w));
    expect(Array.from(f.roots)).toEqual([0, 30]);
    expect(f.order.length).toBe(n);
    let total = 0;
    for (let v = 0; v < n; v++) {
      if (f.parent[v] < 0) continue;
      expect(Math.floor(f.parent[v] / 30)).toBe(Math.floor(v / 30));
      // cheapest edge between v and its parent (parallel edges allowed)
      total += Math.min(...w.filter((_, e) => (a[e] === v && b[e] === f.parent[v]) || (b[e] === v && a[e] === f.parent[v])));
    }
    expect(total).toBe(kruskalWeight(n, a, b, w));
  });

  it('breaks equal weights by APP2 heap position, as the original', () => {
    // A root with three equal edges: a FIFO would take 1, 2, 3; the binary heap moves the last
    // element to the top after the first pop and never swaps equal keys, so it takes 1, 3, 2.
    const f = mstForest(4, Int32Array.from([0, 0, 0]), Int32Array.from([1, 2, 3]), Float64Array.from([1, 1, 1]));
    expect(Array.from(f.order)).toEqual([0, 1, 3, 2]);
    expect(Array.from(f.parent)).toEqual([-1, 0, 0, 0]);
  });

  it('makes isolated nodes single-node trees and rejects bad edges', () => {
    const f = mstForest(4, Int32Array.from([1]), Int32Array.from([2]), Float64Array.from([5]));
    expect(Array.from(f.roots)).toEqual([0, 1, 3]);
    expect(Array.from(f.parent)).toEqual([-1, -1, 1, -1]);
    expect(() => mstForest(2, Int32Array.from([0]), Int32Array.from([2]), Float64Array.from([1]))).toThrow(/outside/);
    expect(() => mstForest(2, Int32Array.from([1]), Int32Array.from([1]), Float64Array.from([1]))).toThrow(/self-loop/);
  });
});
