/**
 * Rivulet speed: the BigNeuron preset (threshold 2, quality, prune) on 256x256x128 synthetic
 * neurons (bench/lib/synthetic.ts) whose background noise is 0..2 (all background at threshold
 * 2), 0..3 (a quarter of the voxels become one-voxel foreground) and 0..8 (two thirds do: the
 * worst case, every branch fights noise). Prints the median wall time of --runs runs per case
 * and the peak RSS of this process. The goal: every case well under 10 minutes.
 * Run: npx tsc -p . && node dist/bench/rivulet.bench.js [--runs 3] [--noise 2,3,8] [--quality on|off]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nativeTracer } from '../host/runtime/native-addon.js';
import { nativeTracerAdapter } from '../host/runtime/native-runner.js';
import { neuronVolume, type Vec3 } from './lib/synthetic.js';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : def;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const dims: Vec3 = [256, 256, 128];
const runs = Number(arg('runs', '3'));
const noises = arg('noise', '2,3,8').split(',').map(Number);
const quality = arg('quality', 'on') !== 'off';
const params = { threshold: 2, quality, prune: true, branchType: 'random', randomSeed: 0 };
const tracer = nativeTracerAdapter(nativeTracer('neurotrace_native', 'rivulet2'), 'Rivulet');

console.log(`Rivulet on ${dims.join('x')}, quality ${quality ? 'on' : 'off'}, ${runs} run(s) per case`);
console.log('noise  foreground  median s   min s   nodes  branches traced/added  coverage  peak RSS MiB');
for (const noise of noises) {
  const vol = neuronVolume(dims, 1, { noise });
  let fg = 0;
  for (let i = 0; i < vol.data.length; i++) if (vol.data[i] > 2) fg++;
  const times: number[] = [];
  let last: { nodes: number; meta: Record<string, number | string> } | undefined;
  for (let r = 0; r < runs; r++) {
    const scratchDir = mkdtempSync(join(tmpdir(), 'nt-rivulet-bench-'));
    const t0 = performance.now();
    const res = await tracer.trace({ volume: { data: vol.data, dims, spacing: [1, 1, 1] }, params, seeds: [], signal: new AbortController().signal, progress: () => {}, scratchDir });
    times.push((performance.now() - t0) / 1000);
    rmSync(scratchDir, { recursive: true, force: true });
    last = { nodes: res.tree.nodes.length, meta: res.meta ?? {} };
  }
  const m = last!.meta;
  console.log([
    String(noise).padStart(5),
    `${(100 * fg / vol.data.length).toFixed(1)} %`.padStart(10),
    median(times).toFixed(2).padStart(9),
    Math.min(...times).toFixed(2).padStart(7),
    String(last!.nodes).padStart(7),
    `${m.branchesTraced}/${m.branchesAdded}`.padStart(22),
    Number(m.coverage).toFixed(4).padStart(9),
    (process.resourceUsage().maxRSS / 1024).toFixed(0).padStart(13),
  ].join('  '));
}
