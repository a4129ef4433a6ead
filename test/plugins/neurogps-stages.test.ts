import { describe, expect, it } from 'vitest';
import { loadAddon } from '../../host/runtime/native-addon.js';

// NeuroGPS-Tree stages checked on tiny inputs against hand-computed values (NeuroGPSTree.md,
// "How to test" 3 and 4, plus the conversion, enhancement, black-fill and writer rules).

interface PrepOptions { xRes?: number; yRes?: number; zRes?: number; enhanceValue?: number; zSliceQuirk?: boolean }
interface Written { x: Float64Array; y: Float64Array; z: Float64Array; radius: Float64Array; parent: Int32Array }
const k = loadAddon('neurotrace_native') as unknown as {
  _testNeuroGpsPrep(data: Uint8Array, dims: number[], opts: PrepOptions): { dims: number[]; scales: number[]; data: Uint16Array };
  _testNeuroGpsBinarize(data: Uint16Array, dims: number[], k: number): { back: Uint16Array; fore: Uint8Array };
  _testNeuroGpsWriteTree(curves: Float64Array[], scale: number[]): Written;
};

/** Curve nodes (x, y, z, radius) along a straight line from a, n nodes one voxel apart along d. */
function line(a: number[], d: number[], n: number, r = 1): Float64Array {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(a[0] + d[0] * i, a[1] + d[1] * i, a[2] + d[2] * i, r);
  return new Float64Array(out);
}
const at = (w: Written, i: number) => [w.x[i], w.y[i], w.z[i]];
function indexOf(w: Written, p: number[]): number {
  for (let i = 0; i < w.x.length; i++) if (w.x[i] === p[0] && w.y[i] === p[1] && w.z[i] === p[2]) return i;
  return -1;
}

describe('NeuroGPS-Tree conversion (step 1)', () => {
  it('derives the downsampling factor from the voxel size (test 4)', () => {
    const data = new Uint8Array(12 * 12 * 12).fill(20);
    const scale = (xRes: number) => k._testNeuroGpsPrep(data, [12, 12, 12], { xRes, yRes: 1, zRes: 1 }).scales[0];
    expect(scale(0.3)).toBe(2);
    expect(scale(0.2)).toBe(3);
    expect(scale(0.6)).toBe(1);
    expect(scale(0.5)).toBe(2);
    expect(scale(0.25)).toBe(3);
    expect(scale(1)).toBe(1);
    const out = k._testNeuroGpsPrep(data, [12, 12, 12], { xRes: 0.2, yRes: 0.5, zRes: 1 });
    expect(out.dims).toEqual([4, 6, 12]);
    expect(out.scales).toEqual([3, 2, 1]);
  });

  it('sums 2x2 blocks in 4x 8-bit units and applies the linear enhancement', () => {
    // Two 2x2 blocks: x 0-1 all 10 (sum 40), x 2-3 all 40 (sum 160).
    const data = Uint8Array.from([10, 10, 40, 40, 10, 10, 40, 40]);
    const plain = k._testNeuroGpsPrep(data, [4, 2, 1], { xRes: 0.5, yRes: 0.5, zRes: 1, enhanceValue: 255 });
    expect(plain.dims).toEqual([2, 1, 1]);
    expect(Array.from(plain.data)).toEqual([40, 160]);
    // e = 150: 40 becomes trunc(40 * 1015 / 600) = 67; 160 > 150 saturates to 1020.
    const enhanced = k._testNeuroGpsPrep(data, [4, 2, 1], { xRes: 0.5, yRes: 0.5, zRes: 1, enhanceValue: 150 });
    expect(Array.from(enhanced.data)).toEqual([67, 1020]);
    // N2: e = 0 would divide by zero in the original; here it means no enhancement.
    expect(Array.from(k._testNeuroGpsPrep(data, [4, 2, 1], { xRes: 0.5, yRes: 0.5, zRes: 1, enhanceValue: 0 }).data)).toEqual([40, 160]);
    // Without downsampling every voxel is multiplied by 4; 3x3 blocks by 4/9, truncated.
    expect(Array.from(k._testNeuroGpsPrep(Uint8Array.from([1, 2, 255]), [3, 1, 1], { xRes: 1, yRes: 1, zRes: 1 }).data)).toEqual([4, 8, 1020]);
    const nine = new Uint8Array(9).fill(7);
    expect(Array.from(k._testNeuroGpsPrep(nine, [3, 3, 1], { xRes: 0.2, yRes: 0.2, zRes: 1 }).data)).toEqual([Math.trunc((63 * 4) / 9)]);
  });

  it('re-reads the same slice when downsampling z (quirk N3), or averages the right slices when fixed', () => {
    const data = Uint8Array.from([10, 20, 30, 40]); // one voxel per slice
    const quirk = k._testNeuroGpsPrep(data, [1, 1, 4], { xRes: 1, yRes: 1, zRes: 0.5, zSliceQuirk: true });
    expect(quirk.dims).toEqual([1, 1, 2]);
    expect(Array.from(quirk.data)).toEqual([40, 80]); // slices 0 and 1, each counted twice, x 4/2
    const fixed = k._testNeuroGpsPrep(data, [1, 1, 4], { xRes: 1, yRes: 1, zRes: 0.5, zSliceQuirk: false });
    expect(Array.from(fixed.data)).toEqual([60, 140]); // (10 + 20) x 2, (30 + 40) x 2
  });

  it('paints zero voxels with the histogram intensity the original picks (counts compared with an intensity)', () => {
    // Internal intensities: 50 voxels of 4, 6 of 8, 8 zeros. A mode would give 4; the original
    // keeps 4 (50 > 0), then 8 (6 > 4), so the zeros become 8.
    const data = new Uint8Array(64);
    data.fill(1, 0, 50);
    data.fill(2, 50, 56);
    const out = k._testNeuroGpsPrep(data, [8, 8, 1], { xRes: 1, yRes: 1, zRes: 1 });
    expect(Array.from(out.data.slice(56))).toEqual(new Array(8).fill(8));
    expect(out.data[0]).toBe(4);
    expect(out.data[50]).toBe(8);
  });

  it('refuses an image smaller than its downsampling factors with a clear message', () => {
    expect(() => k._testNeuroGpsPrep(new Uint8Array(2), [2, 1, 1], { xRes: 0.2, yRes: 1, zRes: 1 }))
      .toThrow(/the 2x1x1 image is smaller than its downsampling factors 3x1x1/);
  });
});

describe('NeuroGPS-Tree binarisation (step 2)', () => {
  const dims = [21, 21, 1];
  const flat = (v: number) => new Uint16Array(21 * 21).fill(v);

  it('estimates a constant background exactly and finds no foreground in it', () => {
    const b = k._testNeuroGpsBinarize(flat(10), dims, 15);
    expect(Array.from(new Set(b.back))).toEqual([10]);
    expect(b.fore.reduce((s, v) => s + v, 0)).toBe(0);
  });

  it('marks 70 on a background of 10 as foreground but not 55 (test 3: 1 + 15 * sqrt(10) = 48.4)', () => {
    const c = 10 * 21 + 10;
    const bright = flat(10);
    bright[c] = 70;
    const b1 = k._testNeuroGpsBinarize(bright, dims, 15);
    expect(b1.back[c]).toBe(10); // the single bright pixel barely moves the 20-pass 9x9 mean
    expect(b1.fore[c]).toBe(1);
    expect(b1.fore.reduce((s, v) => s + v, 0)).toBe(1);
    const dim = flat(10);
    dim[c] = 55;
    expect(k._testNeuroGpsBinarize(dim, dims, 15).fore[c]).toBe(0);
    // A lower k lets 55 through: 55 - 10 > 1 + 10 * sqrt(10) = 32.6.
    expect(k._testNeuroGpsBinarize(dim, dims, 10).fore[c]).toBe(1);
  });

  it('caps the background input at 400 so a bright blob does not hide itself', () => {
    const img = flat(40);
    for (let y = 8; y <= 12; y++) for (let x = 8; x <= 12; x++) img[y * 21 + x] = 1020;
    const b = k._testNeuroGpsBinarize(img, dims, 15);
    expect(b.back[10 * 21 + 10]).toBeLessThan(400);
    expect(b.fore[10 * 21 + 10]).toBe(1);
  });

  it('handles planes narrower than the 9x9 window without failing', () => {
    const img = new Uint16Array(5 * 3).fill(20);
    img[7] = 200;
    const b = k._testNeuroGpsBinarize(img, [5, 3, 1], 6);
    expect(b.back.length).toBe(15);
    expect(b.fore[7]).toBe(1);
  });
});

describe('NeuroGPS-Tree writer (step 8)', () => {
  it('hangs a curve whose head touches another at the nearest node, with coordinates scaled and radii not', () => {
    const a = line([0, 0, 0], [1, 0, 0], 11, 2);
    const b = line([5, 0, 0], [0, 1, 0], 6, 1); // head on a's node 5
    const w = k._testNeuroGpsWriteTree([a, b], [2, 2, 1]);
    expect(w.x.length).toBe(17);
    expect(Array.from(w.parent).filter((p) => p < 0).length).toBe(1);
    expect(at(w, 0)).toEqual([0, 0, 0]);
    expect(at(w, 10)).toEqual([20, 0, 0]);
    expect(w.radius[0]).toBe(2); // radii stay in internal voxels
    const bHead = 11;
    expect(at(w, bHead)).toEqual([10, 0, 0]);
    expect(at(w, w.parent[bHead])).toEqual([10, 0, 0]); // a's node 5, scaled
    expect(w.parent[bHead]).toBe(5);
    for (let i = bHead + 1; i < 17; i++) expect(w.parent[i]).toBe(i - 1);
  });

  it('reverses a curve whose tail touches its parent', () => {
    const a = line([0, 0, 0], [1, 0, 0], 11);
    const b = line([5, 5, 0], [0, -1, 0], 6); // tail on a's node 5
    const w = k._testNeuroGpsWriteTree([a, b], [1, 1, 1]);
    expect(at(w, 11)).toEqual([5, 0, 0]); // b's last node comes first now...
    expect(w.parent[11]).toBe(5); // ...hung on a's node 5
    expect(at(w, 16)).toEqual([5, 5, 0]);
    expect(w.parent[16]).toBe(15);
  });

  it("splits a child at the node its parent's end touches", () => {
    const a = line([5, 0, 0], [0, 1, 0], 6); // root; its tail (5, 5, 0) lies on b's middle
    const b = line([0, 5, 0], [1, 0, 0], 11);
    const w = k._testNeuroGpsWriteTree([a, b], [1, 1, 1]);
    expect(w.x.length).toBe(17);
    const joint = indexOf(w, [5, 5, 0]);
    expect(joint).toBe(5); // a's tail
    // b is written from its node 4 back to 0, then from 5 to 10; both halves hang on the joint.
    expect(at(w, 6)).toEqual([4, 5, 0]);
    expect(w.parent[6]).toBe(joint);
    expect(at(w, 11)).toEqual([5, 5, 0]);
    expect(w.parent[11]).toBe(joint);
    expect(at(w, 10)).toEqual([0, 5, 0]);
    expect(w.parent[10]).toBe(9);
    expect(at(w, 16)).toEqual([10, 5, 0]);
  });

  it('leaves out curves no end links to (the original wrote them as nodes at the origin)', () => {
    const a = line([10, 10, 10], [1, 0, 0], 8);
    const far = line([50, 50, 10], [0, 1, 0], 8);
    const w = k._testNeuroGpsWriteTree([a, far], [1, 1, 1]);
    expect(w.x.length).toBe(8);
    expect(Math.min(...w.x)).toBe(10);
  });
});
