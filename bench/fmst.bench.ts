/**
 * FMST (fastmarching_spanningtree) speed on 256x256x128 uint8 volumes: a clean synthetic neuron
 * (soma + branching tubes on 0), the same neuron on Gaussian noise (mean 15, sd 8: ~3 % of the
 * background above the threshold 30), and a worst case with random values in every background
 * voxel (~88 % foreground). Both link weightings. Prints the median wall time of N runs per
 * cell (the goal: every cell well under 10 minutes).
 * Run: npx tsc -p . && node dist/bench/fmst.bench.js [--runs N]
 */
import { performance } from 'node:perf_hooks';
import { loadAddon } from '../host/runtime/native-addon.js';
import type { NativeTracerFn } from '../host/runtime/native-addon.js';

type Vec3 = [number, number, number];

function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function neuron(dims: Vec3, background: 'clean' | 'noise' | 'dense'): Uint8Array {
  const [nx, ny, nz] = dims;
  const data = new Uint8Array(nx * ny * nz);
  const r = rng(12345);
  const tube = (a: Vec3, b: Vec3, rad: number, value: number) => {
    const d = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
    const len2 = d[0] ** 2 + d[1] ** 2 + d[2] ** 2 || 1;
    const lo = [0, 1, 2].map((i) => Math.max(0, Math.floor(Math.min(a[i], b[i]) - rad - 1)));
    const hi = [0, 1, 2].map((i) => Math.min(dims[i] - 1, Math.ceil(Math.max(a[i], b[i]) + rad + 1)));
    for (let z = lo[2]; z <= hi[2]; z++) for (let y = lo[1]; y <= hi[1]; y++) for (let x = lo[0]; x <= hi[0]; x++) {
      const t = Math.max(0, Math.min(1, ((x - a[0]) * d[0] + (y - a[1]) * d[1] + (z - a[2]) * d[2]) / len2));
      if ((a[0] + t * d[0] - x) ** 2 + (a[1] + t * d[1] - y) ** 2 + (a[2] + t * d[2] - z) ** 2 <= rad * rad) {
        const i = (z * ny + y) * nx + x;
        data[i] = Math.max(data[i], value);
      }
    }
  };
  const soma: Vec3 = [nx / 2, ny / 2, nz / 2];
  tube(soma, soma, 10, 220);
  const grow = (p: Vec3, dir: Vec3, len: number, rad: number, depth: number) => {
    if (depth > 5 || len < 8) return;
    const q = [0, 1, 2].map((i) => Math.max(2, Math.min(dims[i] - 3, p[i] + dir[i] * len * (i === 2 ? 0.4 : 1)))) as Vec3;
    tube(p, q, rad, 150 + Math.floor(r() * 80));
    for (const side of [-1, 1]) {
      const ang = Math.atan2(dir[1], dir[0]) + side * 0.6 + (r() - 0.5) * 0.3;
      grow(q, [Math.cos(ang), Math.sin(ang), (r() - 0.5) * 0.5], len * 0.75, Math.max(1, rad * 0.8), depth + 1);
    }
  };
  for (let k = 0; k < 5; k++) grow(soma, [Math.cos((k * 2 * Math.PI) / 5), Math.sin((k * 2 * Math.PI) / 5), 0], 45, 3.5, 0);
  for (let i = 0; i < data.length; i++) {
    if (background === 'noise') {
      let g = 0;
      for (let k = 0; k < 6; k++) g += r();
      const n = Math.round(15 + 8 * (g - 3) * Math.SQRT2);
      data[i] = Math.max(0, Math.min(255, data[i] ? data[i] + n - 15 : n));
    } else if (background === 'dense' && data[i] === 0) {
      data[i] = Math.floor(r() * 256);
    }
  }
  return data;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--runs');
  const runs = i >= 0 ? Number(process.argv[i + 1]) : 3;
  const trace = loadAddon('neurotrace_native').fastmarchingSpanningTree as NativeTracerFn;
  const dims: Vec3 = [256, 256, 128];
  console.log(`fastmarching_spanningtree, ${dims.join('x')} uint8, median of ${runs} run(s)`);
  console.log('background  weights    fg voxels  graph nodes  trees  out nodes  median s');
  for (const bg of ['clean', 'noise', 'dense'] as const) {
    const data = neuron(dims, bg);
    for (const edgeWeight of ['chebyshev', 'geodesic']) {
      const times: number[] = [];
      let meta: Record<string, number> = {};
      for (let k = 0; k < runs; k++) {
        const t0 = performance.now();
        const out = await trace({ data, dims, spacing: [1, 1, 1] }, { threshold: 30, coverRate: 1, edgeWeight }, new Float64Array(0), { cancel: new Int32Array(1) });
        times.push((performance.now() - t0) / 1000);
        meta = out.meta;
      }
      console.log(`${bg.padEnd(11)} ${edgeWeight.padEnd(10)} ${String(meta.foregroundVoxels).padStart(9)}  ${String(meta.graphNodes).padStart(11)}  ${String(meta.trees).padStart(5)}  ${String(meta.outputNodes).padStart(9)}  ${median(times).toFixed(2).padStart(8)}`);
    }
  }
}

await main();
