import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../../host/core/volume.js';
import type { Tree } from '../../host/morph/tree.js';
import { Rng } from '../../host/dataset/rng.js';
import { GroupedHistogram, centerlineIndices, measureSnr, nearTreeMask, robustLocationScale } from '../../host/dataset/snr.js';

const line = (y: number, z: number, x0: number, x1: number, r = 1): Tree => ({
  comments: [],
  nodes: [
    { id: 1, type: 1, x: x0, y, z, radius: r, parent: -1 },
    { id: 2, type: 3, x: (x0 + x1) / 2, y, z, radius: r, parent: 1 },
    { id: 3, type: 3, x: x1, y, z, radius: r, parent: 2 },
  ],
});

describe('grouped (integer) robust statistics', () => {
  it('interpolates the median inside the unit bin and gives the MAD of a spread', () => {
    // 1,2,2,3: the grouped median is 2; |v − 2| = 1,0,0,1 → half the mass within 0.5
    const h = GroupedHistogram.of([1, 2, 2, 3]);
    expect(h.median()).toBeCloseTo(2, 10);
    expect(h.mad(2)).toBeCloseTo(0.5, 6);
    // all mass in one bin: median at the bin centre, MAD a quarter bin (not 0)
    const one = GroupedHistogram.of([7, 7, 7, 7]);
    expect(one.median()).toBeCloseTo(7, 10);
    expect(one.mad(7)).toBeCloseTo(0.25, 6);
  });

  it('recovers σ of rounded Gaussian noise far better than whole-number MADs allow', () => {
    const r = Rng.derive('g');
    for (const sigma of [1.7, 2.4, 3.1]) {
      const vals = Array.from({ length: 100_000 }, () => Math.round(50 + sigma * r.normal()));
      const s = robustLocationScale(vals, true);
      expect(Math.abs(s.median - 50)).toBeLessThan(0.05);
      // rounding adds 1/12 to the variance
      expect(Math.abs(s.sigma / Math.sqrt(sigma * sigma + 1 / 12) - 1)).toBeLessThan(0.03);
    }
  });

  it('uses exact order statistics for float data', () => {
    const s = robustLocationScale([1, 2, 3, 4, 100], false);
    expect(s.median).toBe(3);
    expect(s.sigma).toBeCloseTo(1.4826 * 1, 10);
  });
});

describe('centre line and background', () => {
  it('lists the voxels nearest to the gold edges, inside the image only', () => {
    const dims: Vec3 = [20, 10, 5];
    const idx = centerlineIndices(line(4.4, 2, -3, 12), dims);
    expect([...idx]).toEqual(Array.from({ length: 13 }, (_, x) => (2 * 10 + 4) * 20 + x));
  });

  it('masks voxels within 3·r + 3 of the tree, with z distances scaled', () => {
    const dims: Vec3 = [40, 40, 40];
    const m = nearTreeMask(line(20, 20, 10, 30, 1), dims, 1);
    const at = (x: number, y: number, z: number) => m[(z * 40 + y) * 40 + x];
    expect(at(20, 26, 20)).toBe(1); // 6 = 3·1 + 3
    expect(at(20, 27, 20)).toBe(0);
    expect(at(20, 20, 26)).toBe(1);
    expect(at(4, 20, 20)).toBe(1); // end cap
    expect(at(3, 20, 20)).toBe(0);
    const squashed = nearTreeMask(line(20, 20, 10, 30, 1), dims, 0.5);
    expect(squashed[(32 * 40 + 20) * 40 + 20]).toBe(1); // 12 slices × 0.5 = 6
    expect(squashed[(33 * 40 + 20) * 40 + 20]).toBe(0);
  });
});

describe('measureSnr', () => {
  it('measures (median centre line − median background) / robust σ of background', () => {
    const dims: Vec3 = [64, 64, 16];
    const r = Rng.derive('img');
    const data = new Uint8Array(64 * 64 * 16);
    for (let i = 0; i < data.length; i++) data[i] = Math.max(0, Math.round(30 + 4 * r.normal()));
    const tree = line(32, 8, 5, 58, 1);
    for (const i of centerlineIndices(tree, dims)) data[i] = Math.round(70 + 4 * r.normal());
    const m = measureSnr({ data, dims, spacing: [1, 1, 1] }, tree)!;
    expect(Math.abs(m.snr - 10) / 10).toBeLessThan(0.08);
    expect(Math.abs(m.cnr - 40 / Math.sqrt(32)) / (40 / Math.sqrt(32))).toBeLessThan(0.15);
    expect(m.foregroundVoxels).toBe(54);
    expect(m.background).toBeCloseTo(30, 0);
  });

  it('returns undefined when the tree is outside the image', () => {
    const dims: Vec3 = [10, 10, 10];
    expect(measureSnr({ data: new Uint8Array(1000), dims, spacing: [1, 1, 1] }, line(50, 50, 40, 60))).toBeUndefined();
  });

  it('handles float images', () => {
    const dims: Vec3 = [40, 40, 8];
    const r = Rng.derive('f32');
    const data = new Float32Array(40 * 40 * 8);
    for (let i = 0; i < data.length; i++) data[i] = 1 + 0.1 * r.normal();
    const tree = line(20, 4, 3, 36, 0.5);
    for (const i of centerlineIndices(tree, dims)) data[i] = 2;
    const m = measureSnr({ data, dims, spacing: [1, 1, 1] }, tree)!;
    expect(Math.abs(m.snr - 10) / 10).toBeLessThan(0.1);
  });
});
