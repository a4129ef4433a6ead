// MST_Tracing speed on 256×256×128 synthetic images (goal: well under 10 minutes each).
// Prints the median wall time of a few runs; never asserts on timing.
//   npm run build && node dist/bench/mst_tracing.bench.js [runs]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../host/core/paths.js';
import type { Vec3, Volume } from '../host/core/volume.js';
import { PluginRegistry } from '../host/registry/registry.js';
import { resolveParams } from '../host/registry/params.js';
import { loadTracer } from '../host/runtime/load-tracer.js';

const DIMS: Vec3 = [256, 256, 128];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function paintTube(vol: Volume, a: Vec3, b: Vec3, r: number, value: number): void {
  const [nx, ny] = vol.dims;
  const d = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
  const len2 = d[0] ** 2 + d[1] ** 2 + d[2] ** 2 || 1;
  const lo = [0, 1, 2].map((k) => Math.max(0, Math.floor(Math.min(a[k], b[k]) - r)));
  const hi = [0, 1, 2].map((k) => Math.min(vol.dims[k] - 1, Math.ceil(Math.max(a[k], b[k]) + r)));
  for (let z = lo[2]; z <= hi[2]; z++) for (let y = lo[1]; y <= hi[1]; y++) for (let x = lo[0]; x <= hi[0]; x++) {
    const t = Math.max(0, Math.min(1, ((x - a[0]) * d[0] + (y - a[1]) * d[1] + (z - a[2]) * d[2]) / len2));
    if ((a[0] + t * d[0] - x) ** 2 + (a[1] + t * d[1] - y) ** 2 + (a[2] + t * d[2] - z) ** 2 <= r * r) {
      const i = (z * ny + y) * nx + x;
      vol.data[i] = Math.max(vol.data[i], value);
    }
  }
}

/** A random branching neuron (about 60 segments) on a noisy background of 10 ± 8. */
function neuronImage(): Volume {
  const rand = rng(42);
  const vol: Volume = { data: new Uint8Array(DIMS[0] * DIMS[1] * DIMS[2]), dims: DIMS, spacing: [1, 1, 1] };
  for (let i = 0; i < vol.data.length; i++) vol.data[i] = Math.round(10 + (rand() * 2 - 1) * 8);
  const tips: Vec3[] = [[128, 128, 64]];
  for (let s = 0; s < 60; s++) {
    const from = tips[Math.floor(rand() * tips.length)];
    const to: Vec3 = [0, 1, 2].map((k) => Math.max(2, Math.min(DIMS[k] - 3, from[k] + (rand() * 2 - 1) * (k === 2 ? 20 : 45)))) as Vec3;
    paintTube(vol, from, to, 1 + rand() * 2, Math.round(80 + rand() * 120));
    tips.push(to);
  }
  return vol;
}

/** Uniform noise 0..255: every block can yield a seed, the worst case for the seed tree. */
function noiseImage(): Volume {
  const rand = rng(7);
  const vol: Volume = { data: new Uint8Array(DIMS[0] * DIMS[1] * DIMS[2]), dims: DIMS, spacing: [1, 1, 1] };
  for (let i = 0; i < vol.data.length; i++) vol.data[i] = Math.floor(rand() * 256);
  return vol;
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 3);
  const registry = new PluginRegistry('0.1.0', [{ dir: join(packageRoot(), 'plugins'), source: 'builtin' }]);
  const ref = registry.getVariant('MST_Tracing');
  const tracer = await loadTracer(ref.plugin);
  const params = resolveParams(ref, {});
  const scratch = mkdtempSync(join(tmpdir(), 'nt-mst-bench-'));
  try {
    for (const [name, make] of [['neuron', neuronImage], ['noise', noiseImage]] as const) {
      const volume = make();
      const times: number[] = [];
      let summary = '';
      for (let r = 0; r < runs; r++) {
        const t0 = performance.now();
        const out = await tracer.trace({ volume, params, seeds: [], signal: new AbortController().signal, progress: () => {}, scratchDir: scratch });
        times.push((performance.now() - t0) / 1000);
        summary = `seeds ${out.meta?.seeds}, edges traced ${out.meta?.edgesTraced}, skipped ${out.meta?.edgesSkipped}, nodes ${out.tree.nodes.length}, trees ${out.meta?.trees}`;
      }
      times.sort((a, b) => a - b);
      console.log(`MST_Tracing ${name} ${DIMS.join('x')}: median ${times[Math.floor(times.length / 2)].toFixed(2)} s over ${runs} run(s); ${summary}`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
