/**
 * Synthetic light-microscopy volumes for tests and benchmarks: tubes with a bright axis that fades
 * towards the wall (as real neurites image), balls for somata, and a seeded random branching
 * "neuron" with background noise. Everything is deterministic for a given seed.
 */
export type Vec3 = [number, number, number];
export type Voxels = Uint8Array | Uint16Array | Float32Array;

export interface Canvas<T extends Voxels = Voxels> {
  data: T;
  dims: Vec3;
}

export function canvas(dims: Vec3, kind: 'uint8' | 'uint16' | 'float32' = 'uint8', fill = 0): Canvas {
  const n = dims[0] * dims[1] * dims[2];
  const data = kind === 'uint8' ? new Uint8Array(n) : kind === 'uint16' ? new Uint16Array(n) : new Float32Array(n);
  if (fill) data.fill(fill);
  return { data, dims };
}

function put(c: Canvas, x: number, y: number, z: number, v: number): void {
  const i = (z * c.dims[1] + y) * c.dims[0] + x;
  if (v > c.data[i]) c.data[i] = v;
}

/**
 * A tube around segment a-b: voxels within `radius` of the segment get
 * peak - (peak - edge) * distance / radius (the brighter value wins where shapes overlap).
 */
export function drawTube(c: Canvas, a: Vec3, b: Vec3, radius: number, peak: number, edge = peak): void {
  const [nx, ny, nz] = c.dims;
  const lo = [0, 1, 2].map((k) => Math.max(0, Math.floor(Math.min(a[k], b[k]) - radius)));
  const hi = [nx - 1, ny - 1, nz - 1].map((m, k) => Math.min(m, Math.ceil(Math.max(a[k], b[k]) + radius)));
  const d = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
  const len2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
  for (let z = lo[2]; z <= hi[2]; z++)
    for (let y = lo[1]; y <= hi[1]; y++)
      for (let x = lo[0]; x <= hi[0]; x++) {
        let t = len2 > 0 ? ((x - a[0]) * d[0] + (y - a[1]) * d[1] + (z - a[2]) * d[2]) / len2 : 0;
        t = Math.max(0, Math.min(1, t));
        const px = a[0] + t * d[0] - x, py = a[1] + t * d[1] - y, pz = a[2] + t * d[2] - z;
        const dist = Math.sqrt(px * px + py * py + pz * pz);
        if (dist <= radius) put(c, x, y, z, Math.round(peak - (peak - edge) * (dist / radius)));
      }
}

export function drawBall(c: Canvas, centre: Vec3, radius: number, value: number): void {
  drawTube(c, centre, centre, radius, value, value);
}

/** mulberry32: a tiny seeded PRNG, so generated volumes are reproducible. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface NeuronVolume {
  data: Uint8Array;
  dims: Vec3;
  soma: Vec3;
  /** Fraction of voxels above the bench threshold of 10. */
  foreground: number;
}

/**
 * A sparse branching neuron: a soma ball and `branches` random-walk neurites with occasional
 * side branches, radius 1.5-3, peak 120-220, on background noise of 0..noise (below the
 * threshold of 10) with rare bright specks. Neurite count and length grow with the volume's
 * largest side, capped by a length budget of `fill` of the voxels, so foreground stays < 1 %.
 */
export function neuronVolume(dims: Vec3, seed = 1, opts: { branches?: number; noise?: number; fill?: number } = {}): NeuronVolume {
  const [nx, ny, nz] = dims;
  const rand = rng(seed);
  const c = canvas(dims) as Canvas<Uint8Array>;
  const noise = opts.noise ?? 8;
  const n = nx * ny * nz;
  for (let i = 0; i < n; i++) c.data[i] = Math.floor(rand() * (noise + 1));
  for (let i = 0, specks = Math.floor(n * 2e-5); i < specks; i++) c.data[Math.floor(rand() * n)] = 60 + Math.floor(rand() * 100);
  const soma: Vec3 = [Math.floor(nx / 2), Math.floor(ny / 2), Math.floor(nz / 2)];
  drawBall(c, soma, Math.max(3, Math.min(nx, ny, nz) / 40), 250);
  const budget = (opts.fill ?? 0.004) * n / 20;  // ~20 voxels per unit of tube length
  let used = 0;
  const stack: { p: Vec3; dir: Vec3; depth: number }[] = [];
  const scale = Math.max(nx, ny, nz) / 256;  // bigger volumes get more and longer neurites
  const branches = opts.branches ?? Math.round(6 * scale);
  for (let b = 0; b < branches; b++) {
    const th = (2 * Math.PI * b) / branches + rand() * 0.5, ph = (rand() - 0.5) * 0.6;
    stack.push({ p: [...soma] as Vec3, dir: [Math.cos(th) * Math.cos(ph), Math.sin(th) * Math.cos(ph), Math.sin(ph)], depth: 0 });
  }
  while (stack.length && used < budget) {
    const { p, dir, depth } = stack.shift()!;
    let cur = p, d = dir;
    const radius = Math.max(1.5, 3 - depth * 0.5), peak = 120 + Math.floor(rand() * 100);
    const steps = Math.round((20 + rand() * 30) * scale);
    for (let s = 0; s < steps && used < budget; s++) {
      const nd: Vec3 = [d[0] + (rand() - 0.5) * 0.5, d[1] + (rand() - 0.5) * 0.5, d[2] + (rand() - 0.5) * 0.2];
      const l = Math.hypot(...nd);
      d = [nd[0] / l, nd[1] / l, nd[2] / l];
      const next: Vec3 = [cur[0] + d[0] * 8, cur[1] + d[1] * 8, cur[2] + d[2] * 8];
      if (next.some((v, k) => v < 4 || v > dims[k] - 5)) break;
      drawTube(c, cur, next, radius, peak, Math.max(40, peak * 0.4));
      used += 8;
      cur = next;
      if (rand() < 0.08 && depth < 3) {
        const side: Vec3 = [d[1], -d[0], d[2] * 0.5];
        const sl = Math.hypot(...side) || 1;
        stack.push({ p: [...cur] as Vec3, dir: [side[0] / sl, side[1] / sl, side[2] / sl], depth: depth + 1 });
      }
    }
  }
  let fg = 0;
  for (let i = 0; i < n; i++) if (c.data[i] > 10) fg++;
  return { data: c.data, dims, soma, foreground: fg / n };
}
