import { describe, expect, it } from 'vitest';
import { loadAddon } from '../../host/runtime/native-addon.js';
import { blankVolume, paintTube, tubeVolume } from '../helpers/synthetic-volumes.js';

// The GD kernel (K4) through its synchronous N-API exports.
type Vol = { data: Uint8Array; dims: [number, number, number] };
type Pts = { x: Float64Array; y: Float64Array; z: Float64Array };
interface GdAddon {
  gdTracePaths(v: Vol, p: object, start: Float64Array, ends: Float64Array): Pts[];
  gdShortestPathTree(v: Vol, p: object, start: Float64Array, visibleThresh?: number): Pts & { parent: Int32Array; value: Float64Array; keep: Uint8Array };
  gdRefinePath(v: Vol, path: Float64Array, o?: object): Pts & { radius: Float64Array };
  gdFitRadius(v: Vol, pts: Float64Array, o?: object): Float64Array;
}
const gd = loadAddon('neurotrace_native') as unknown as GdAddon;

const f64 = (...v: number[]) => new Float64Array(v);
const points = (p: Pts) => Array.from(p.x, (x, i) => [x, p.y[i], p.z[i]]);
const flat = (p: Pts) => new Float64Array(points(p).flat());

describe('GD kernel: marker (1→N) mode', () => {
  const vol = tubeVolume([40, 20, 20], [3, 10, 10], [36, 10, 10], 2, 200, 10);

  it('follows a straight tube from the start to the tip on the step-2 grid', () => {
    const [path] = gd.gdTracePaths(vol, { step: 2 }, f64(5, 10, 10), f64(34.5, 10.25, 10));
    const pts = points(path);
    expect(pts[0]).toEqual([34.5, 10.25, 10]); // the exact tip first ...
    expect(pts.at(-1)).toEqual([5, 10, 10]); // ... the exact start last
    for (const p of pts.slice(1, -1)) {
      expect(p[0] % 2).toBe(0); // grid nodes in between
      expect([p[1], p[2]]).toEqual([10, 10]);
    }
    for (let i = 1; i < pts.length; i++) expect(pts[i][0]).toBeLessThan(pts[i - 1][0]);
    expect(pts).toHaveLength(2 + (32 - 6) / 2 + 1); // grid x = 32, 30, ..., 6 between the ends
  });

  it('takes the bright detour rather than the short dim path', () => {
    const v = blankVolume([40, 30, 10], 20);
    paintTube(v, [4, 4, 4], [36, 4, 4], 1.5, 220);
    paintTube(v, [4, 4, 4], [4, 24, 4], 1.5, 220);
    paintTube(v, [4, 24, 4], [36, 24, 4], 1.5, 220);
    paintTube(v, [36, 24, 4], [36, 4, 4], 1.5, 220);
    // From (4,24) to (36,4): the straight diagonal is dim; two bright L-shaped routes exist.
    const [path] = gd.gdTracePaths(v, { step: 2 }, f64(4, 24, 4), f64(36, 4, 4));
    for (const p of points(path)) {
      const onFrame = Math.abs(p[1] - 4) <= 1 || Math.abs(p[1] - 24) <= 1 || Math.abs(p[0] - 4) <= 1 || Math.abs(p[0] - 36) <= 1;
      expect(onFrame).toBe(true);
    }
  });

  it('returns no path across a gap of zero-valued blocks, or to an end outside the image', () => {
    const v = blankVolume([40, 20, 20], 0);
    paintTube(v, [3, 10, 10], [14, 10, 10], 2, 200);
    paintTube(v, [24, 10, 10], [36, 10, 10], 2, 200); // zeros at x = 17..21 empty the grid layers 18 and 20
    const paths = gd.gdTracePaths(v, { step: 2 }, f64(5, 10, 10), f64(12, 10, 10, 34, 10, 10, 60, 10, 10));
    expect(paths[0].x.length).toBeGreaterThan(1);
    expect(paths[1].x.length).toBe(0);
    expect(paths[2].x.length).toBe(0);
    // With a positive background the same gap is crossed.
    const lit = blankVolume([40, 20, 20], 1);
    paintTube(lit, [3, 10, 10], [14, 10, 10], 2, 200);
    paintTube(lit, [24, 10, 10], [36, 10, 10], 2, 200);
    expect(gd.gdTracePaths(lit, { step: 2 }, f64(5, 10, 10), f64(34, 10, 10))[0].x.length).toBeGreaterThan(1);
  });

  it('drops edges at or below imgTH', () => {
    const v = tubeVolume([40, 20, 20], [3, 10, 10], [36, 10, 10], 2, 200);
    for (let y = 0; y < 20; y++) for (let z = 0; z < 20; z++) for (let x = 17; x <= 21; x++) {
      const i = (z * 20 + y) * 40 + x;
      if (v.data[i]) v.data[i] = 35;
    }
    expect(gd.gdTracePaths(v, { step: 2, imgTH: 40 }, f64(5, 10, 10), f64(34, 10, 10))[0].x.length).toBe(0);
    expect(gd.gdTracePaths(v, { step: 2, imgTH: 20 }, f64(5, 10, 10), f64(34, 10, 10))[0].x.length).toBeGreaterThan(1);
  });

  it('gives no path when the end falls on the start grid node (the original self-link case)', () => {
    const [p] = gd.gdTracePaths(vol, { step: 2 }, f64(10, 10, 10), f64(10.4, 10.3, 9.8));
    expect(p.x.length).toBe(0);
  });
});

describe('GD kernel: tree mode and dark-leaf pruning', () => {
  it('reaches every foreground grid node from the root with a consistent parent tree', () => {
    const v = blankVolume([40, 40, 12], 0);
    paintTube(v, [4, 20, 6], [20, 20, 6], 2, 200);
    paintTube(v, [20, 20, 6], [36, 6, 6], 2, 200);
    paintTube(v, [20, 20, 6], [36, 34, 6], 2, 25); // a dim arm
    const t = gd.gdShortestPathTree(v, { step: 2 }, f64(4, 20, 6), 30);
    const n = t.x.length;
    expect(n).toBeGreaterThan(20);
    expect(Array.from(t.parent).filter((p) => p === -1)).toHaveLength(1);
    for (let i = 0; i < n; i++) {
      // walking up always ends at the root
      let j = i, steps = 0;
      while (t.parent[j] !== -1 && steps++ <= n) j = t.parent[j];
      expect(t.parent[j]).toBe(-1);
      expect(t.value[i]).toBeGreaterThan(0);
    }
    // Dark-leaf pruning removes the dim arm and keeps the bright ones.
    const dimArm = (i: number) => t.x[i] > 24 && t.y[i] > 24;
    const brightEnd = (i: number) => t.x[i] > 30 && t.y[i] < 10;
    const idx = Array.from({ length: n }, (_, i) => i);
    expect(idx.filter(dimArm).length).toBeGreaterThan(0);
    expect(idx.filter((i) => dimArm(i) && t.keep[i])).toEqual([]);
    expect(idx.filter((i) => brightEnd(i) && t.keep[i]).length).toBeGreaterThan(0);
  });
});

describe('GD kernel: curve refinement and radii', () => {
  const vol = tubeVolume([40, 24, 24], [2, 12, 12], [37, 12, 12], 2, 200);

  it('fits the ring radius at which background first appears (XY and 3-D)', () => {
    const r = gd.gdFitRadius(vol, f64(20, 12, 12, 20, 1, 1), { imgTH: 100 });
    expect(r[0]).toBe(3); // rings 1 and 2 lie inside the radius-2 tube, ring 3 does not
    expect(r[1]).toBe(1); // background right away
    // In 3-D the ring also runs along the tube axis, which stays bright: the same radius.
    expect(gd.gdFitRadius(vol, f64(20, 12, 12), { imgTH: 100, xyOnly: false })[0]).toBe(3);
    // A lower background threshold counts the dim rim as foreground.
    const rim = blankVolume([40, 24, 24], 0);
    paintTube(rim, [2, 12, 12], [37, 12, 12], 4, 60);
    paintTube(rim, [2, 12, 12], [37, 12, 12], 2, 200);
    expect(gd.gdFitRadius(rim, f64(20, 12, 12), { imgTH: 100 })[0]).toBe(3);
    expect(gd.gdFitRadius(rim, f64(20, 12, 12), { imgTH: 50 })[0]).toBe(5);
  });

  it('downsamples by 2, keeps both ends, pulls an off-axis curve back to the axis and smooths radii', () => {
    const path: number[] = [];
    for (let x = 30; x >= 6; x -= 1) path.push(x, 13.5, 12); // 1.5 voxels off the axis
    const r = gd.gdRefinePath(vol, f64(...path));
    const pts = points(r);
    expect(pts).toHaveLength(2 + Math.ceil((25 - 2) / 2)); // first, indices 1,3,...,23, last
    expect(pts[0]).toEqual([30, 13.5, 12]);
    expect(pts.at(-1)).toEqual([6, 13.5, 12]);
    for (const p of pts.slice(1, -1)) expect(Math.abs(p[1] - 12)).toBeLessThan(1.2);
    for (const rad of r.radius) {
      expect(rad).toBeGreaterThanOrEqual(1);
      expect(rad).toBeLessThanOrEqual(3);
    }
    // Without moving (downsample step 1, no curve to pull) the refinement is idempotent on the axis.
    const onAxis = gd.gdRefinePath(vol, flat({ x: f64(30, 25, 20, 15, 10), y: f64(12, 12, 12, 12, 12), z: f64(12, 12, 12, 12, 12) }), { downsampleStep: 1 });
    for (const p of points(onAxis)) {
      expect(Math.abs(p[1] - 12)).toBeLessThan(1e-9);
      expect(Math.abs(p[2] - 12)).toBeLessThan(1e-9);
    }
  });

  it('rejects malformed input with a one-line error naming the function', () => {
    expect(() => gd.gdTracePaths({ data: new Uint8Array(10), dims: [2, 2, 2] }, {}, f64(0, 0, 0), f64())).toThrow(/gdTracePaths: volume.dims do not match/);
    expect(() => gd.gdTracePaths(vol, {}, f64(99, 0, 0), f64(1, 1, 1))).toThrow(/gdTracePaths: start point lies outside/);
    expect(() => gd.gdFitRadius(vol, f64(1, 2))).toThrow(/gdFitRadius: points length/);
  });
});
