// XY_3D_TreMap speed (goal: well under 10 minutes on 256×256×128): a sparse synthetic neuron on a
// noisy background at 256×256×128 and 512×512×128, and the worst case for the 2-D stage, bright
// noise everywhere (the whole projection is one component). Prints the median wall time of a few
// runs and where the time went; never asserts on timing.
//   npm run build && node dist/bench/tremap.bench.js [runs]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../host/core/paths.js';
import { PluginRegistry } from '../host/registry/registry.js';
import { resolveParams } from '../host/registry/params.js';
import { loadTracer } from '../host/runtime/load-tracer.js';
import { canvas, neuronVolume, rng, type Vec3 } from './lib/synthetic.js';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function brightNoise(dims: Vec3): Uint8Array {
  const c = canvas(dims);
  const rand = rng(7);
  for (let i = 0; i < c.data.length; i++) c.data[i] = 20 + Math.floor(rand() * 200);
  return c.data as Uint8Array;
}

const runs = Number(process.argv[2] ?? '3');
const registry = new PluginRegistry('0.1.0', [{ dir: join(packageRoot(), 'plugins'), source: 'builtin' }]);
const ref = registry.getVariant('XY_3D_TreMap');
const params = resolveParams(ref);
const tracer = await loadTracer(ref.plugin);
const cases: { label: string; dims: Vec3; data: () => Uint8Array }[] = [
  { label: 'neuron 256x256x128', dims: [256, 256, 128], data: () => neuronVolume([256, 256, 128], 1).data },
  { label: 'neuron 512x512x128', dims: [512, 512, 128], data: () => neuronVolume([512, 512, 128], 2).data },
  { label: 'bright noise 256x256x128', dims: [256, 256, 128], data: () => brightNoise([256, 256, 128]) },
];
console.log(`XY_3D_TreMap, median of ${runs} runs`);
for (const c of cases) {
  const data = c.data();
  const wall: number[] = [];
  let meta: Record<string, unknown> = {};
  let nodes = 0;
  for (let r = 0; r < runs; r++) {
    const scratchDir = mkdtempSync(join(tmpdir(), 'nt-bench-tremap-'));
    const t0 = performance.now();
    const out = await tracer.trace({ volume: { data, dims: c.dims, spacing: [1, 1, 1] }, params, seeds: [],
      signal: new AbortController().signal, progress: () => {}, scratchDir });
    wall.push(performance.now() - t0);
    rmSync(scratchDir, { recursive: true, force: true });
    meta = out.meta ?? {};
    nodes = out.tree.nodes.length;
  }
  const ms = (k: string) => Math.round(Number(meta[k] ?? 0));
  console.log(`${c.label.padEnd(26)} ${(median(wall) / 1000).toFixed(2).padStart(7)} s  nodes ${nodes}  ` +
    `links ${meta.rayLinks}  (projection ${ms('msProjection')} ms, 2-D APP2 ${ms('msApp2')} ms, ` +
    `reverse mapping ${ms('msReverseMapping')} ms, assembly ${ms('msAssemble')} ms)`);
}
