import { describe, expect, it } from 'vitest';
import { addon } from './helpers/app2.js';

const k = addon() as unknown as {
  _testHeap(keys: Float32Array, ids: Int32Array, newKeys: Float32Array): Int32Array;
  _testGsdt(data: Uint8Array, dims: number[], cnn: number, thresh: number, planar: boolean): Float32Array;
  _testFmTree(data: Uint8Array, dims: number[], root: Float64Array, cnn: number, thresh: number, gap: boolean, targets?: Float64Array): { voxel: Float64Array; parent: Int32Array };
  _testMarkerRadius(data: Uint8Array, dims: number[], at: Float64Array, thresh: number, planar: boolean): number;
  _testSortSwc(t: { x: Float64Array; y: Float64Array; z: Float64Array; parent: Int32Array }, link: number, resampleStep?: number): { x: Float64Array; y: Float64Array; z: Float64Array; parent: Int32Array; type: Int32Array };
  _testDownsample(data: Uint8Array, dims: number[]): { factors: number[]; dims: number[]; data: Uint8Array };
  _testGiTable(): Float64Array;
};

const f64 = (...v: number[]) => new Float64Array(v);

describe('K1 heap with decrease-key', () => {
  it('pops in key order and applies decrease-key', () => {
    let s = 7;
    const keys = new Float32Array(500).map(() => ((s = (s * 1103515245 + 12345) % 2147483648) % 1000) / 7);
    const order = k._testHeap(keys, new Int32Array([3, 10]), new Float32Array([-1, -2]));
    expect(order[0]).toBe(10);
    expect(order[1]).toBe(3);
    const rest = Array.from(order.slice(2), (id) => keys[id]);
    for (let i = 1; i < rest.length; i++) expect(rest[i]).toBeGreaterThanOrEqual(rest[i - 1]);
    expect(new Set(order).size).toBe(500);
  });

  it('breaks ties by heap position exactly like APP2\'s heap', () => {
    // worked by hand: equal keys 3 (ids 1, 2) come out as 2 then 1
    expect(Array.from(k._testHeap(new Float32Array([5, 3, 3, 1, 4]), new Int32Array([4]), new Float32Array([0])))).toEqual([4, 3, 2, 1, 0]);
  });
});

describe('K1 gray-scale distance transform', () => {
  it('matches a hand-computed 1D answer', () => {
    const phi = k._testGsdt(new Uint8Array([0, 10, 10, 10, 0]), [5, 1, 1], 1, 0, false);
    expect(Array.from(phi)).toEqual([0, 10, 20, 10, 0]);
  });

  it('starts boundary voxels at min(background) + I without a distance factor, then marches with sqrt(offset)', () => {
    const img = new Uint8Array([0, 10, 10, 10, 10, 10, 10, 10, 10]);
    const phi = k._testGsdt(img, [3, 3, 1], 2, 0, true);
    const diag = Math.fround(10 + 10 * Math.SQRT2);
    expect(Array.from(phi)).toEqual([0, 10, 20, 10, 10, 20, 20, 20, diag]);
  });

  it('keeps background at its own intensity and leaves unreachable foreground at 1e20', () => {
    // slice 0 has a background voxel of intensity 3, slice 1 none
    const img = new Uint8Array(18).fill(50);
    img[0] = 3;
    const planar = k._testGsdt(img, [3, 3, 2], 1, 5, true);
    expect(planar[0]).toBe(3);
    expect(planar[1]).toBe(53);
    expect(planar[9]).toBe(Math.fround(1e20));
    const full = k._testGsdt(img, [3, 3, 2], 1, 5, false);
    expect(full[9]).toBe(53);  // (0,0,1) touches the background voxel below it
  });
});

describe('K2 fast-marching tree', () => {
  const line = (gapAt: number[]) => {
    const img = new Uint8Array(12 * 3 * 3);
    for (let x = 0; x < 12; x++) if (!gapAt.includes(x)) img[(1 * 3 + 1) * 12 + x] = 100;
    return img;
  };
  const maxX = (t: { voxel: Float64Array }) => Math.max(...Array.from(t.voxel, (v) => v % 12));

  it('skips background, crosses exactly one background voxel in gap mode', () => {
    const root = f64(1, 1, 1);
    expect(maxX(k._testFmTree(line([6]), [12, 3, 3], root, 1, 10, false))).toBe(5);
    expect(maxX(k._testFmTree(line([6]), [12, 3, 3], root, 1, 10, true))).toBe(11);
    expect(maxX(k._testFmTree(line([6, 7]), [12, 3, 3], root, 1, 10, true))).toBe(6);
  });

  it('lists nodes in raster order with a single root every node leads back to', () => {
    const t = k._testFmTree(line([]), [12, 3, 3], f64(4, 1, 1), 2, 10, false);
    expect(t.voxel.length).toBe(12);
    for (let i = 1; i < t.voxel.length; i++) expect(t.voxel[i]).toBeGreaterThan(t.voxel[i - 1]);
    expect(Array.from(t.parent).filter((p) => p === -1)).toHaveLength(1);
    for (let i = 0; i < t.parent.length; i++) {
      let p = i, steps = 0;
      while (t.parent[p] !== -1 && steps++ < 20) p = t.parent[p];
      expect(t.parent[p]).toBe(-1);
      expect(t.voxel[p]).toBe((1 * 3 + 1) * 12 + 4);
    }
  });

  it('marches through background to reach targets in multi-target mode', () => {
    const img = new Uint8Array(12 * 3 * 3);
    img[(1 * 3 + 1) * 12 + 1] = 100;
    img[(1 * 3 + 1) * 12 + 10] = 100;
    const t = k._testFmTree(img, [12, 3, 3], f64(1, 1, 1), 1, 10, false, f64(10, 1, 1));
    expect(Array.from(t.voxel)).toContain((1 * 3 + 1) * 12 + 10);
  });

  it('rejects a root outside the grid', () => {
    expect(() => k._testFmTree(line([]), [12, 3, 3], f64(12, 1, 1), 1, 10, false)).toThrow(/root \(12, 1, 1\) lies outside the 12x3x3 tracing grid/);
  });

  it('uses APP2\'s 6-digit GI table', () => {
    const gi = k._testGiTable();
    expect(gi[0]).toBe(22026.5);
    expect(gi[1]).toBe(20368);
    expect(gi[64]).toBe(273.227);
    expect(gi[255]).toBe(1);
    for (let i = 1; i < 256; i++) expect(gi[i]).toBeLessThan(gi[i - 1]);
  });
});

describe('K5 marker radius', () => {
  it('stops at the first ring that reaches background (XY and 3D)', () => {
    const n = 15;
    const disc = new Uint8Array(n * n);
    const ball = new Uint8Array(n * n * n);
    for (let z = 0; z < n; z++) for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) {
      const r2 = (x - 7) ** 2 + (y - 7) ** 2;
      if (z === 0 && r2 <= 9) disc[y * n + x] = 100;
      if (r2 + (z - 7) ** 2 <= 9) ball[(z * n + y) * n + x] = 100;
    }
    expect(k._testMarkerRadius(disc, [n, n, 1], f64(7, 7, 0), 40, true)).toBe(4);
    expect(k._testMarkerRadius(ball, [n, n, n], f64(7, 7, 7), 40, false)).toBe(4);
    expect(k._testMarkerRadius(ball, [n, n, n], f64(7, 7, 7), 40, true)).toBe(4);
    // a marker next to the border stops when its ring leaves the image
    expect(k._testMarkerRadius(new Uint8Array(n * n).fill(100), [n, n, 1], f64(1, 7, 0), 40, true)).toBe(2);
    // nothing stops it: half the smallest extent plus one
    expect(k._testMarkerRadius(new Uint8Array(n * n).fill(100), [n, n, 1], f64(7, 7, 0), 40, true)).toBe(8);
  });
});

describe('K6 sort_swc and resample_swc', () => {
  const tree = (nodes: [number, number, number, number][]) => ({
    x: f64(...nodes.map((n) => n[0])), y: f64(...nodes.map((n) => n[1])), z: f64(...nodes.map((n) => n[2])),
    parent: new Int32Array(nodes.map((n) => n[3])),
  });
  // child listed before parent, a duplicate of (1,0,0), and a second piece rooted far away
  const input = tree([[0, 0, 0, 1], [1, 0, 0, 2], [2, 0, 0, -1], [1, 0, 0, 2], [9, 9, 9, -1], [5, 5, 5, 4]]);

  it('merges identical coordinates, orders depth-first from the first root, keeps pieces apart at threshold 0', () => {
    const s = k._testSortSwc(input, 0);
    expect(Array.from(s.x)).toEqual([2, 1, 0, 9, 5]);
    expect(Array.from(s.parent)).toEqual([-1, 0, 1, -1, 3]);
  });

  it('links a piece within the threshold and re-roots a distant piece at its node nearest the first', () => {
    const linked = k._testSortSwc(input, 10);
    expect(Array.from(linked.x)).toEqual([2, 1, 0, 5, 9]);
    expect(Array.from(linked.parent)).toEqual([-1, 0, 1, 0, 3]);
    const apart = k._testSortSwc(input, 5);
    expect(Array.from(apart.x)).toEqual([2, 1, 0, 5, 9]);
    expect(Array.from(apart.parent)).toEqual([-1, 0, 1, -1, 3]);
  });

  it('resamples an unbranched path every step of arc length, keeping tip and root', () => {
    const chain = tree(Array.from({ length: 31 }, (_, i) => [i, 0, 0, i === 0 ? -1 : i - 1] as [number, number, number, number]));
    const r = k._testSortSwc(chain, 0, 10);
    expect(Array.from(r.x)).toEqual([30, 20, 10, 0]);
    expect(Array.from(r.parent)).toEqual([1, 2, 3, -1]);
  });
});

describe('256-cube downsampling', () => {
  it('chooses APP2\'s factors and block means', () => {
    const dims = [520, 4, 2];
    const img = new Uint8Array(520 * 4 * 2);
    for (let i = 0; i < img.length; i++) img[i] = (i % 520) < 260 ? 100 : 201;
    const r = k._testDownsample(img, dims);
    const f = 520 / 256;
    expect(r.factors).toEqual([f, 1]);
    expect(r.dims).toEqual([256, 1, 2]);
    for (let i = 0; i < 256; i++) {
      const lo = Math.floor(i * f), hi = Math.min(519, Math.floor((i + 1) * f - 1));
      let s = 0, c = 0;
      for (let x = lo; x <= hi; x++) for (let y = 0; y <= Math.min(3, Math.floor(f - 1)); y++) { s += x < 260 ? 100 : 201; c++; }
      expect(r.data[i]).toBe(Math.trunc(s / c));
    }
    const big = k._testDownsample(new Uint8Array(600 * 600 * 60), [600, 600, 60]);
    expect(big.factors).toEqual([600 / 256, 1]);
    expect(big.dims).toEqual([256, 256, 60]);
  });
});
