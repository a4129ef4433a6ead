/**
 * Signal-to-noise of an image with respect to its gold tree (synthetic_data.md §3, "SNR_local"):
 *
 *   SNR = (median I on centre-line voxels − median I on background) / σ_bg
 *   CNR = (median I on centre-line voxels − median I on background) / √(σ_fg² + σ_bg²)
 *
 * σ = 1.4826 · MAD (a robust standard deviation). Centre-line voxels are the voxels nearest to
 * points every ¼ voxel along each gold edge. Background voxels are those farther than 3·r + 3
 * voxels from every gold edge (r = the edge's larger radius, x voxels); along z the distance is
 * measured in units of zScale⁻¹ slices, so with zScale = σ_xy/σ_z the exclusion zone stretches with
 * the PSF and blurred signal above and below a neurite does not count as background.
 *
 * Integer images use grouped-data estimators: each integer value stands for a unit-wide bin
 * with its voxels spread uniformly inside, and medians/MADs are read from that piecewise-linear
 * distribution. The plain median of integers moves in whole steps, which at a background σ of
 * 2–3 grey levels (a clean 8-bit image) would change the SNR in jumps of 20 %.
 */
import type { Vec3, Volume } from '../core/volume.js';
import type { Tree } from '../morph/tree.js';
import { capsuleRowInterval } from './capsule.js';

export interface SnrMeasurement {
  snr: number;
  cnr: number;
  /** Median intensity on the centre line. */
  foreground: number;
  /** Median background intensity. */
  background: number;
  /** Robust σ of the background. */
  noiseSigma: number;
  /** Robust σ of the centre-line intensities. */
  foregroundSigma: number;
  foregroundVoxels: number;
  backgroundVoxels: number;
}

function edgesOf(tree: Tree): [number, number][] {
  const idx = new Map<number, number>();
  tree.nodes.forEach((n, i) => idx.set(n.id, i));
  const out: [number, number][] = [];
  tree.nodes.forEach((n, i) => {
    const p = n.parent >= 0 ? idx.get(n.parent) : undefined;
    out.push([i, p === undefined ? i : p]);
  });
  return out;
}

/** Sorted unique linear indices of the centre-line voxels inside the image. */
export function centerlineIndices(tree: Tree, dims: Vec3): Int32Array {
  const [nx, ny, nz] = dims;
  const set = new Set<number>();
  const add = (x: number, y: number, z: number) => {
    const i = Math.round(x), j = Math.round(y), k = Math.round(z);
    if (i >= 0 && j >= 0 && k >= 0 && i < nx && j < ny && k < nz) set.add((k * ny + j) * nx + i);
  };
  for (const [a, b] of edgesOf(tree)) {
    const p = tree.nodes[a], q = tree.nodes[b];
    const L = Math.hypot(p.x - q.x, p.y - q.y, p.z - q.z);
    const steps = Math.max(1, Math.ceil(L / 0.25));
    for (let s = 0; s <= steps; s++) {
      const t = s / steps;
      add(p.x + (q.x - p.x) * t, p.y + (q.y - p.y) * t, p.z + (q.z - p.z) * t);
    }
  }
  return Int32Array.from([...set].sort((u, v) => u - v));
}

/** 1 for voxels within 3·r + 3 voxels of the tree (z distances multiplied by zScale), 0 elsewhere. */
export function nearTreeMask(tree: Tree, dims: Vec3, zScale = 1): Uint8Array {
  const [nx, ny, nz] = dims;
  const mask = new Uint8Array(nx * ny * nz);
  for (const [a, b] of edgesOf(tree)) {
    const p = tree.nodes[a], q = tree.nodes[b];
    const R = 3 * Math.max(p.radius, q.radius, 0) + 3;
    const pz = p.z * zScale, qz = q.z * zScale;
    const j0 = Math.max(0, Math.ceil(Math.min(p.y, q.y) - R)), j1 = Math.min(ny - 1, Math.floor(Math.max(p.y, q.y) + R));
    const k0 = Math.max(0, Math.ceil((Math.min(pz, qz) - R) / zScale)), k1 = Math.min(nz - 1, Math.floor((Math.max(pz, qz) + R) / zScale));
    for (let k = k0; k <= k1; k++) {
      for (let j = j0; j <= j1; j++) {
        const iv = capsuleRowInterval(p.x, p.y, pz, q.x, q.y, qz, R, j, k * zScale);
        if (!iv) continue;
        const i0 = Math.max(0, Math.ceil(iv[0])), i1 = Math.min(nx - 1, Math.floor(iv[1]));
        if (i0 <= i1) mask.fill(1, (k * ny + j) * nx + i0, (k * ny + j) * nx + i1 + 1);
      }
    }
  }
  return mask;
}

/** A histogram of integer values read as a piecewise-uniform density (value v spread over [v − ½, v + ½)). */
export class GroupedHistogram {
  readonly total: number;
  private readonly prefix: Float64Array;

  constructor(readonly counts: Float64Array) {
    this.prefix = new Float64Array(counts.length + 1);
    for (let b = 0; b < counts.length; b++) this.prefix[b + 1] = this.prefix[b] + counts[b];
    this.total = this.prefix[counts.length];
  }

  static of(values: ArrayLike<number>): GroupedHistogram {
    let max = 0;
    for (let i = 0; i < values.length; i++) if (values[i] > max) max = values[i];
    const h = new Float64Array(max + 1);
    for (let i = 0; i < values.length; i++) h[values[i]]++;
    return new GroupedHistogram(h);
  }

  /** Mass below x. */
  cdf(x: number): number {
    const b = Math.floor(x + 0.5);
    if (b < 0) return 0;
    if (b >= this.counts.length) return this.total;
    return this.prefix[b] + this.counts[b] * (x - (b - 0.5));
  }

  median(): number {
    const half = this.total / 2;
    let lo = 0, hi = this.counts.length - 1;
    // first bin whose upper cumulative count reaches half
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.prefix[mid + 1] >= half) hi = mid;
      else lo = mid + 1;
    }
    return lo - 0.5 + (half - this.prefix[lo]) / this.counts[lo];
  }

  /** Median absolute deviation from c: the t with mass(|v − c| < t) = total/2. */
  mad(c: number): number {
    const half = this.total / 2;
    let lo = 0, hi = this.counts.length + Math.abs(c);
    for (let it = 0; it < 60; it++) {
      const t = (lo + hi) / 2;
      if (this.cdf(c + t) - this.cdf(c - t) >= half) hi = t;
      else lo = t;
    }
    return (lo + hi) / 2;
  }
}

function exactMedian(sorted: Float64Array): number {
  const n = sorted.length;
  return n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

/** Median and robust σ (1.4826·MAD) of a set of values. */
export function robustLocationScale(values: ArrayLike<number>, integer: boolean): { median: number; sigma: number } {
  if (integer) {
    const h = GroupedHistogram.of(values);
    const m = h.median();
    return { median: m, sigma: 1.4826 * h.mad(m) };
  }
  const s = Float64Array.from(values).sort();
  const m = exactMedian(s);
  const dev = s.map((v) => Math.abs(v - m)).sort();
  return { median: m, sigma: 1.4826 * exactMedian(dev) };
}

export function snrFromStats(fg: { median: number; sigma: number }, bg: { median: number; sigma: number }, fgCount: number, bgCount: number): SnrMeasurement {
  const contrast = fg.median - bg.median;
  return {
    snr: contrast / bg.sigma,
    cnr: contrast / Math.sqrt(fg.sigma * fg.sigma + bg.sigma * bg.sigma),
    foreground: fg.median, background: bg.median, noiseSigma: bg.sigma, foregroundSigma: fg.sigma,
    foregroundVoxels: fgCount, backgroundVoxels: bgCount,
  };
}

/** At most this many background voxels are sorted for float images (every k-th one, evenly spread). */
const FLOAT_BG_SAMPLE = 1 << 21;

/** Median and robust σ of integer data given as a histogram (value → count). */
export function robustFromCounts(counts: Float64Array): { median: number; sigma: number } {
  const gh = new GroupedHistogram(counts);
  const m = gh.median();
  return { median: m, sigma: 1.4826 * gh.mad(m) };
}

/**
 * SNR/CNR of one channel against a tree in its voxel coordinates; undefined when the tree has no
 * centre-line voxel inside the image or nothing is left for background.
 */
export function measureSnr(vol: Volume, tree: Tree, opts: { zScale?: number } = {}): SnrMeasurement | undefined {
  return measureSnrAt(vol, centerlineIndices(tree, vol.dims), nearTreeMask(tree, vol.dims, opts.zScale ?? 1));
}

/** measureSnr with the centre-line voxels and the near-tree mask already computed. */
export function measureSnrAt(vol: Volume, fgIdx: Int32Array, near: Uint8Array): SnrMeasurement | undefined {
  if (fgIdx.length === 0) return undefined;
  const data = vol.data;
  const integer = !(data instanceof Float32Array);
  const fgVals = new Float64Array(fgIdx.length);
  for (let q = 0; q < fgIdx.length; q++) fgVals[q] = data[fgIdx[q]];
  let bgCount = 0;
  let bg: { median: number; sigma: number };
  if (integer) {
    const h = new Float64Array(data instanceof Uint8Array ? 256 : 65536);
    for (let i = 0; i < data.length; i++) {
      if (near[i]) continue;
      h[data[i]]++;
      bgCount++;
    }
    if (bgCount === 0) return undefined;
    bg = robustFromCounts(h);
  } else {
    for (let i = 0; i < data.length; i++) if (!near[i]) bgCount++;
    if (bgCount === 0) return undefined;
    const stride = Math.max(1, Math.ceil(bgCount / FLOAT_BG_SAMPLE));
    const sample: number[] = [];
    let seen = 0;
    for (let i = 0; i < data.length; i++) {
      if (near[i]) continue;
      if (seen++ % stride === 0) sample.push(data[i]);
    }
    bg = robustLocationScale(sample, false);
  }
  const fg = robustLocationScale(fgVals, integer);
  return snrFromStats(fg, bg, fgIdx.length, bgCount);
}
