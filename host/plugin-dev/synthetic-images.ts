/**
 * The conformance kit's test images, built in code so the kit needs no data files: a clean
 * straight tube, a Y (one bifurcation) and the same tube under noise and bright specks. Each
 * comes with the centre lines it was drawn from, so checks can measure a trace against them.
 */
import type { Vec3, Volume } from '../core/volume.js';
import { Rng } from '../dataset/rng.js';

export type SyntheticCaseName = 'straight-tube' | 'y' | 'noisy-tube';

export interface SyntheticCase {
  name: SyntheticCaseName;
  /** A uint8 volume, 1 µm voxels. */
  volume: Volume;
  /** Centre-line segments, 0-based voxel coordinates. */
  segments: [Vec3, Vec3][];
  /** Tube radius in voxels. */
  radius: number;
  /** The bifurcation point (Y only). */
  junction?: Vec3;
  /** Ends of the drawn neurites (2 for a tube, 3 for the Y). */
  ends: Vec3[];
  /** The start of the first segment: the root handed to tracers that require a seed. */
  seed: Vec3;
}

const TUBE_INTENSITY = 200;
const RADIUS = 2;

export function distanceToSegment(p: Vec3, a: Vec3, b: Vec3): number {
  const ab = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
  const ap = [p[0] - a[0], p[1] - a[1], p[2] - a[2]];
  const len2 = ab[0] * ab[0] + ab[1] * ab[1] + ab[2] * ab[2];
  const t = len2 > 0 ? Math.max(0, Math.min(1, (ap[0] * ab[0] + ap[1] * ab[1] + ap[2] * ab[2]) / len2)) : 0;
  const d = [ap[0] - t * ab[0], ap[1] - t * ab[1], ap[2] - t * ab[2]];
  return Math.hypot(d[0], d[1], d[2]);
}

export function distanceToSegments(p: Vec3, segments: [Vec3, Vec3][]): number {
  let best = Infinity;
  for (const [a, b] of segments) best = Math.min(best, distanceToSegment(p, a, b));
  return best;
}

/**
 * Soft-edged cylinders: full intensity inside the radius, a half-voxel logistic edge, so every
 * tracer sees the same clear boundary whatever its threshold rule.
 */
function renderTubes(dims: Vec3, segments: [Vec3, Vec3][], radius: number, background: number): Uint8Array {
  const [nx, ny, nz] = dims;
  const out = new Uint8Array(nx * ny * nz).fill(background);
  const reach = radius + 3;
  for (const [a, b] of segments) {
    const lo = [0, 1, 2].map((k) => Math.max(0, Math.floor(Math.min(a[k], b[k]) - reach)));
    const hi = [0, 1, 2].map((k) => Math.min(dims[k] - 1, Math.ceil(Math.max(a[k], b[k]) + reach)));
    for (let z = lo[2]; z <= hi[2]; z++) {
      for (let y = lo[1]; y <= hi[1]; y++) {
        for (let x = lo[0]; x <= hi[0]; x++) {
          const d = distanceToSegment([x, y, z], a, b);
          if (d > reach) continue;
          const v = background + (TUBE_INTENSITY - background) / (1 + Math.exp((d - radius) / 0.5));
          const i = (z * ny + y) * nx + x;
          out[i] = Math.max(out[i], Math.round(v));
        }
      }
    }
  }
  return out;
}

export function straightTube(): SyntheticCase {
  const dims: Vec3 = [64, 48, 24];
  const a: Vec3 = [6, 12, 6];
  const b: Vec3 = [57, 35, 17];
  return {
    name: 'straight-tube', radius: RADIUS, segments: [[a, b]], ends: [a, b], seed: a,
    volume: { data: renderTubes(dims, [[a, b]], RADIUS, 0), dims, spacing: [1, 1, 1] },
  };
}

export function yShape(): SyntheticCase {
  const dims: Vec3 = [64, 64, 24];
  const root: Vec3 = [6, 32, 12];
  const j: Vec3 = [30, 32, 12];
  const armA: Vec3 = [57, 10, 6];
  const armB: Vec3 = [57, 54, 18];
  const segments: [Vec3, Vec3][] = [[root, j], [j, armA], [j, armB]];
  return {
    name: 'y', radius: RADIUS, segments, junction: j, ends: [root, armA, armB], seed: root,
    volume: { data: renderTubes(dims, segments, RADIUS, 0), dims, spacing: [1, 1, 1] },
  };
}

/**
 * The straight tube on a noisy background (Gaussian, sd 6 around 20) with 60 isolated bright
 * specks: what a real stack looks like to a threshold. Seeded, so it is the same everywhere.
 */
export function noisyTube(): SyntheticCase {
  const clean = straightTube();
  const [nx, ny, nz] = clean.volume.dims;
  const [a, b] = clean.segments[0];
  const base = renderTubes(clean.volume.dims, clean.segments, RADIUS, 20);
  const rng = Rng.derive('neurotrace', 'conformance', 'noisy-tube');
  const data = new Uint8Array(base.length);
  for (let i = 0; i < base.length; i++) data[i] = Math.max(0, Math.min(255, Math.round(base[i] + 6 * rng.normal())));
  let placed = 0;
  while (placed < 60) {
    const x = rng.int(0, nx - 1), y = rng.int(0, ny - 1), z = rng.int(0, nz - 1);
    if (distanceToSegment([x, y, z], a, b) < RADIUS + 6) continue;
    data[(z * ny + y) * nx + x] = rng.int(120, 220);
    placed++;
  }
  return { ...clean, name: 'noisy-tube', volume: { data, dims: clean.volume.dims, spacing: [1, 1, 1] } };
}

export function conformanceCases(): SyntheticCase[] {
  return [straightTube(), yShape(), noisyTube()];
}

/**
 * A larger Y for the cancellation probe: big enough that a trace takes a while, so a cancel
 * sent after the first progress report lands mid-run.
 */
export function largeY(): SyntheticCase {
  const dims: Vec3 = [192, 192, 64];
  const root: Vec3 = [10, 96, 32];
  const j: Vec3 = [90, 96, 32];
  const segments: [Vec3, Vec3][] = [[root, j], [j, [182, 20, 10]], [j, [182, 172, 54]]];
  return {
    name: 'y', radius: 3, segments, junction: j, ends: [root, segments[1][1], segments[2][1]], seed: root,
    volume: { data: renderTubes(dims, segments, 3, 0), dims, spacing: [1, 1, 1] },
  };
}
