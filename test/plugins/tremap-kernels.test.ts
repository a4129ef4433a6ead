import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../host/core/paths.js';
import type { Vec3 } from '../../host/core/volume.js';
import { canvas, drawTube, rng } from '../helpers/synthetic-volumes.js';

interface Hooks {
  _testTremapProjection(data: Uint8Array, dims: Vec3, plane: number, thresh: number, sixthOfNine: boolean): { mip: Uint8Array; binary: Uint8Array; dims: Vec3 };
  _testTremapRegions(data: Uint8Array, dims: Vec3, minSize: number, diagonalQuirk: boolean, maxCount: number): { label: Int32Array; size: Float64Array; ranked: Int32Array; fromBackground: boolean };
  _testFmLink(data: Uint8Array, dims: Vec3, sources: Float64Array, targets: Float64Array, cnn: number): { reached: boolean; points: Float64Array; cost: number };
  _testFmDrawRays(data: Uint8Array, dims: Vec3, near: Float64Array, far: Float64Array, cnn: number, margin: number): { points: Float64Array; fromFirstRay: boolean; links: number; failedLinks: number };
}
const hooks = createRequire(import.meta.url)(join(packageRoot(), 'build', 'Release', 'neurotrace_native.node')) as Hooks;

const triples = (a: Float64Array): Vec3[] => Array.from({ length: a.length / 3 }, (_, i) => [a[3 * i], a[3 * i + 1], a[3 * i + 2]]);
const idx = (d: Vec3, x: number, y: number, z: number) => (z * d[1] + y) * d[0] + x;

/** TReMAP's filter, literally: collect the clipped window, insertion-sort it, take element floor(n/2) + 1. */
function referenceRankFilter(mip: Uint8Array, d: Vec3, thresh: number, sixth: boolean): Uint8Array {
  const bin = Uint8Array.from(mip, (v) => (v > thresh ? 255 : 0));
  const out = new Uint8Array(bin.length);
  for (let z = 0; z < d[2]; z++) for (let y = 0; y < d[1]; y++) for (let x = 0; x < d[0]; x++) {
    const arr: number[] = [];
    for (let k = Math.max(z - 1, 0); k <= Math.min(z + 1, d[2] - 1); k++)
      for (let j = Math.max(y - 1, 0); j <= Math.min(y + 1, d[1] - 1); j++)
        for (let i = Math.max(x - 1, 0); i <= Math.min(x + 1, d[0] - 1); i++) {
          arr.push(bin[idx(d, i, j, k)]);
          for (let m = arr.length - 1; m > 0 && arr[m - 1] > arr[m]; m--) [arr[m - 1], arr[m]] = [arr[m], arr[m - 1]];
        }
    const r = Math.min(sixth ? Math.floor(arr.length / 2) + 1 : Math.floor(arr.length / 2), arr.length - 1);
    out[idx(d, x, y, z)] = arr[r];
  }
  return out;
}

describe('TReMAP projection stage', () => {
  it('takes the maximum along the projected axis for each plane', () => {
    const d: Vec3 = [7, 5, 4];
    const rand = rng(3);
    const data = Uint8Array.from({ length: 140 }, () => Math.floor(rand() * 256));
    const cases: [number, Vec3, (a: number, b: number) => number[]][] = [
      [0, [7, 5, 1], (a, b) => [0, 1, 2, 3].map((z) => data[idx(d, a, b, z)])],  // (x, y)
      [1, [7, 1, 4], (a, b) => [0, 1, 2, 3, 4].map((y) => data[idx(d, a, y, b)])],  // (x, z)
      [2, [1, 5, 4], (a, b) => [0, 1, 2, 3, 4, 5, 6].map((x) => data[idx(d, x, a, b)])],  // (y, z)
    ];
    for (const [plane, pd, column] of cases) {
      const { mip, dims } = hooks._testTremapProjection(data, d, plane, 10, true);
      expect(dims).toEqual(pd);
      const [na, nb] = plane === 0 ? [7, 5] : plane === 1 ? [7, 4] : [5, 4];
      for (let b = 0; b < nb; b++) for (let a = 0; a < na; a++) expect(mip[b * na + a]).toBe(Math.max(...column(a, b)));
    }
  });

  it('binarises strictly above the threshold and rank-filters exactly as the original sort', () => {
    const rand = rng(11);
    for (const d of [[23, 17, 1], [9, 1, 6], [1, 8, 5], [2, 2, 1]] as Vec3[]) {
      const n = d[0] * d[1] * d[2];
      const vol = Uint8Array.from({ length: n }, () => (rand() < 0.45 ? 11 + Math.floor(rand() * 200) : Math.floor(rand() * 11)));
      for (const sixth of [true, false]) {
        // projecting along the one-voxel axis keeps the image as it is
        const plane = d[2] === 1 ? 0 : d[1] === 1 ? 1 : 2;
        const { mip, binary, dims } = hooks._testTremapProjection(vol, d, plane, 10, sixth);
        expect(Array.from(mip)).toEqual(Array.from(vol));
        expect(Array.from(binary)).toEqual(Array.from(referenceRankFilter(mip, dims, 10, sixth)));
      }
    }
  });

  it('turns a pixel on when 4 of its 9 window pixels are on (quirk T2), 5 with the true median', () => {
    const d: Vec3 = [5, 5, 1];
    const img = new Uint8Array(25);
    for (const [x, y] of [[1, 1], [2, 1], [3, 1], [1, 2]]) img[idx(d, x, y, 0)] = 100;  // 4 of (2,2)'s window
    const quirk = hooks._testTremapProjection(img, d, 0, 10, true).binary;
    const median = hooks._testTremapProjection(img, d, 0, 10, false).binary;
    expect(quirk[idx(d, 2, 2, 0)]).toBe(255);
    expect(median[idx(d, 2, 2, 0)]).toBe(0);
    img[idx(d, 3, 3, 0)] = 100;  // a fifth
    expect(hooks._testTremapProjection(img, d, 0, 10, false).binary[idx(d, 2, 2, 0)]).toBe(255);
  });
});

describe('TReMAP regions (regiongrow -p 1 0 1 minSize)', () => {
  const square = (img: Uint8Array, d: Vec3, x0: number, y0: number, w: number, h: number) => {
    for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) img[idx(d, x, y, 0)] = 255;
  };

  it('never steps to the (+1, +1) neighbour directly, so a down-right diagonal contact splits regions', () => {
    const d: Vec3 = [40, 40, 1];
    const img = new Uint8Array(1600);
    square(img, d, 0, 0, 20, 20);    // corner (19, 19)
    square(img, d, 20, 20, 20, 20);  // corner (20, 20): touches only through (+1, +1)
    const quirk = hooks._testTremapRegions(img, d, 400, true, 30);
    expect(Array.from(quirk.size)).toEqual([400, 400]);
    expect(quirk.label[idx(d, 0, 0, 0)]).toBe(1);
    expect(quirk.label[idx(d, 39, 39, 0)]).toBe(2);
    const fixed = hooks._testTremapRegions(img, d, 400, false, 30);
    expect(Array.from(fixed.size)).toEqual([800]);

    // touching through (-1, +1) instead: the later square is reached from the first
    const mirrored = new Uint8Array(1600);
    square(mirrored, d, 20, 0, 20, 20);  // corner (20, 19)
    square(mirrored, d, 0, 20, 20, 20);  // corner (19, 20)
    expect(Array.from(hooks._testTremapRegions(mirrored, d, 400, true, 30).size)).toEqual([800]);
  });

  it('drops regions under minSize, labels the rest in seed order and ranks them by size', () => {
    const d: Vec3 = [60, 60, 1];
    const img = new Uint8Array(3600);
    square(img, d, 0, 0, 20, 20);    // 400: kept, label 1
    square(img, d, 30, 0, 19, 21);   // 399: dropped
    square(img, d, 0, 30, 25, 25);   // 625: kept, label 2
    square(img, d, 30, 30, 20, 25);  // 500: kept, label 3
    const r = hooks._testTremapRegions(img, d, 400, true, 30);
    expect(Array.from(r.size)).toEqual([400, 625, 500]);
    expect(r.label[idx(d, 35, 5, 0)]).toBe(0);
    expect(Array.from(r.ranked)).toEqual([2, 3, 1]);
    expect(Array.from(hooks._testTremapRegions(img, d, 400, true, 2).ranked)).toEqual([2, 3]);
  });

  it('labels the whole image when no pixel is above the mean', () => {
    const d: Vec3 = [30, 20, 1];
    for (const v of [0, 255]) {
      const r = hooks._testTremapRegions(new Uint8Array(600).fill(v), d, 400, true, 30);
      expect(r.fromBackground).toBe(true);
      expect(Array.from(r.size)).toEqual([600]);
    }
    expect(hooks._testTremapRegions(new Uint8Array(300), [20, 15, 1], 400, true, 30).size.length).toBe(0);
  });
});

describe('fast-marching linker (K8)', () => {
  it('links a source to the nearest target along bright voxels rather than straight through the dark', () => {
    const c = canvas([24, 24, 5]);
    drawTube(c, [3, 3, 2], [20, 3, 2], 1, 200, 200);
    drawTube(c, [20, 3, 2], [20, 20, 2], 1, 200, 200);
    drawTube(c, [20, 20, 2], [3, 20, 2], 1, 200, 200);
    const data = c.data as Uint8Array;
    const r = hooks._testFmLink(data, c.dims, new Float64Array([3, 3, 2]), new Float64Array([3, 20, 2, 40, 40, 40]), 2);
    expect(r.reached).toBe(true);
    const pts = triples(r.points);
    expect(pts[0]).toEqual([3, 20, 2]);            // the target first
    expect(pts[pts.length - 1]).toEqual([3, 3, 2]);  // the source last
    for (const p of pts) expect(data[idx(c.dims, p[0], p[1], p[2])]).toBe(200);
    expect(pts.length).toBeGreaterThan(40);  // around three sides, not the 17-voxel shortcut
    expect(r.cost).toBeGreaterThan(0);

    const none = hooks._testFmLink(data, c.dims, new Float64Array([3, 3, 2]), new Float64Array([50, 3, 2]), 2);
    expect(none).toEqual({ reached: false, points: new Float64Array(0), cost: 0 });
    expect(() => hooks._testFmLink(data, c.dims, new Float64Array([3, 3, 2]), new Float64Array([3, 20, 2]), 4)).toThrow(/connectivity/);
  });

  it('lifts rays cast through a bright line back to the line\'s depth', () => {
    const c = canvas([40, 20, 30]);
    drawTube(c, [2, 10, 17], [38, 10, 17], 1.2, 200, 120);
    const near: number[] = [], far: number[] = [];
    for (let x = 5; x <= 35; x += 2) { near.push(x, 10, 0); far.push(x, 10, 29); }
    const r = hooks._testFmDrawRays(c.data as Uint8Array, c.dims, new Float64Array(near), new Float64Array(far), 1, 5);
    expect(r.links).toBe(15);
    expect(r.failedLinks).toBe(0);
    expect(r.fromFirstRay).toBe(true);
    const pts = triples(r.points);
    expect(pts[0][0]).toBeCloseTo(35, 6);                // starts on the last ray
    expect(pts[pts.length - 1][0]).toBeCloseTo(5, 6);    // ends on the first
    for (const p of pts) {
      expect(Math.abs(p[2] - 17)).toBeLessThanOrEqual(1);
      expect(Math.abs(p[1] - 10)).toBeLessThanOrEqual(1e-9);
    }
    for (let i = 1; i < pts.length; i++) expect(pts[i][0]).toBeLessThanOrEqual(pts[i - 1][0] + 1e-9);
  });

  it('follows a line that changes depth between rays', () => {
    const c = canvas([40, 20, 30]);
    drawTube(c, [2, 10, 4], [38, 10, 26], 1.2, 200, 120);
    const near: number[] = [], far: number[] = [];
    for (let x = 4; x <= 36; x += 2) { near.push(x, 10, 0); far.push(x, 10, 29); }
    const r = hooks._testFmDrawRays(c.data as Uint8Array, c.dims, new Float64Array(near), new Float64Array(far), 1, 5);
    expect(r.fromFirstRay).toBe(true);
    for (const [x, , z] of triples(r.points)) expect(Math.abs(z - (4 + (22 * (x - 2)) / 36))).toBeLessThanOrEqual(1.5);
  });

  it('skips a ray that repeats the previous voxel and leaves coincident rays unlinked', () => {
    const c = canvas([20, 20, 20]);
    drawTube(c, [2, 10, 9], [18, 10, 9], 1.2, 200, 120);
    const data = c.data as Uint8Array;
    const dup = hooks._testFmDrawRays(data, c.dims, new Float64Array([4, 10, 0, 4.2, 10, 0, 8, 10, 0]),
      new Float64Array([4, 10, 19, 4.2, 10, 19, 8, 10, 19]), 1, 5);
    expect(dup.links).toBe(1);
    expect(dup.fromFirstRay).toBe(true);
    // two pieces of one line along z span no plane: the link is refused, the chain is one marker
    const line = hooks._testFmDrawRays(data, c.dims, new Float64Array([5, 10, 0, 5, 10, 12]), new Float64Array([5, 10, 8, 5, 10, 19]), 1, 5);
    expect(line.failedLinks).toBe(1);
    expect(line.fromFirstRay).toBe(false);
    expect(line.points.length).toBe(3);
    expect(() => hooks._testFmDrawRays(data, c.dims, new Float64Array([5, 10, 0]), new Float64Array([5, 10, 19]), 1, 5)).toThrow(/at least two rays/);
  });
});
