/**
 * The small synthetic images the tracer tests build, in one place: blank uint8 volumes, flat
 * tubes (every voxel within r of a segment gets one value, as the cards' "How to test" sections
 * draw them), the straight tube and the Y most tests start from, Gaussian blobs and seeded noise.
 * Tubes whose brightness falls off towards the wall, and balls for somata, come from the bench
 * library (re-exported here) so tests and benchmarks draw them the same way.
 *
 * The dataset renderer (host/dataset/synthetic) is not used: it draws anti-aliased,
 * partial-volume tubes in µm, while these tests assert on exact voxel sets and values.
 */
import type { Vec3, Volume, VoxelArray } from '../../host/core/volume.js';

export { canvas, drawBall, drawTube, rng, type Canvas } from '../../bench/lib/synthetic.js';

/** A uint8 volume with unit spacing: what every tracer test hands to a tracer. */
export interface U8Volume extends Volume {
  data: Uint8Array;
}

/** Anything with voxels and dims (a Volume, a bench Canvas, a bare {data, dims}). */
export interface Grid {
  data: VoxelArray;
  dims: Vec3;
}

/** 'set' overwrites whatever is there; 'max' keeps a brighter voxel (overlapping shapes). */
export type Paint = 'set' | 'max';

export const voxelIndex = (dims: Vec3, x: number, y: number, z: number): number => (z * dims[1] + y) * dims[0] + x;

export function blankVolume(dims: Vec3, background = 0): U8Volume {
  return { data: new Uint8Array(dims[0] * dims[1] * dims[2]).fill(background), dims, spacing: [1, 1, 1] };
}

/** Every voxel within r of the segment a-b (a capsule: round ends) gets `value`. */
export function paintTube(g: Grid, a: Vec3, b: Vec3, r: number, value: number, paint: Paint = 'set'): void {
  const { data, dims } = g;
  const d = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
  const len2 = d[0] ** 2 + d[1] ** 2 + d[2] ** 2;
  const lo = [0, 1, 2].map((k) => Math.max(0, Math.floor(Math.min(a[k], b[k]) - r)));
  const hi = [0, 1, 2].map((k) => Math.min(dims[k] - 1, Math.ceil(Math.max(a[k], b[k]) + r)));
  for (let z = lo[2]; z <= hi[2]; z++) {
    for (let y = lo[1]; y <= hi[1]; y++) {
      for (let x = lo[0]; x <= hi[0]; x++) {
        const t = len2 > 0 ? Math.max(0, Math.min(1, ((x - a[0]) * d[0] + (y - a[1]) * d[1] + (z - a[2]) * d[2]) / len2)) : 0;
        if ((a[0] + t * d[0] - x) ** 2 + (a[1] + t * d[1] - y) ** 2 + (a[2] + t * d[2] - z) ** 2 > r * r) continue;
        const i = voxelIndex(dims, x, y, z);
        data[i] = paint === 'max' ? Math.max(data[i], value) : value;
      }
    }
  }
}

/** A Gaussian blob of height `peak` and width sigma; values are rounded and the brighter wins. */
export function paintBlob(g: Grid, c: Vec3, sigma: number, peak: number): void {
  const [nx, ny, nz] = g.dims;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++) {
        const v = Math.round(peak * Math.exp(-((x - c[0]) ** 2 + (y - c[1]) ** 2 + (z - c[2]) ** 2) / (2 * sigma * sigma)));
        const i = voxelIndex(g.dims, x, y, z);
        g.data[i] = Math.max(g.data[i], v);
      }
    }
  }
}

/** Numerical Recipes' 32-bit LCG, uniform in [0, 1): cheap and the same on every machine. */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Adds seeded noise, a whole number in [-amp, amp], to every voxel, clamped to 0..255. */
export function addNoise(g: Grid, amp: number, seed = 7): void {
  const rand = lcg(seed);
  for (let i = 0; i < g.data.length; i++) {
    const n = Math.round((rand() * 2 - 1) * amp);
    g.data[i] = Math.max(0, Math.min(255, g.data[i] + n));
  }
}

/** One flat tube from a to b on a uniform background. */
export function tubeVolume(dims: Vec3, a: Vec3, b: Vec3, r: number, value: number, background = 0): U8Volume {
  const v = blankVolume(dims, background);
  paintTube(v, a, b, r, value);
  return v;
}

/** The cards' clean tube (ENT, EnsembleNeuronTracer): 200 on 0, radius 2.5, along x through 64x32x32. */
export const cleanTube = (): U8Volume => tubeVolume([64, 32, 32], [6, 16, 16], [58, 16, 16], 2.5, 200);

/** A Y: a stem into the junction, two arms out of it. */
export interface YShape {
  stem: Vec3;
  junction: Vec3;
  arms: [Vec3, Vec3];
}

/** The segments a Y is drawn from, stem first. */
export const ySegments = (y: YShape): [Vec3, Vec3][] => [[y.stem, y.junction], [y.junction, y.arms[0]], [y.junction, y.arms[1]]];

/** A Y of three flat tubes of one value on a uniform background. */
export function yVolume(dims: Vec3, y: YShape, r: number, value: number, background = 0): U8Volume {
  const v = blankVolume(dims, background);
  for (const [a, b] of ySegments(y)) paintTube(v, a, b, r, value);
  return v;
}
