/**
 * Worst cases (issue 6: no variant may take more than 10 minutes on a 256x256x128 image): each
 * variant with a known slowest kind of input runs on that adversarial 256x256x128 uint8 image,
 * every run in a fresh process (as `neurotrace bench` isolates runs) with a time limit; prints
 * the median seconds of the tracing call per cell.
 *   app2                      solid: every voxel 200 (everything is foreground)
 *   app1                      solid, and noise (uniform random values: half the voxels above
 *                             its mean threshold, millions of nodes through its cover pruning)
 *   EnsembleNeuronTracerBasic l2-offset: `dataset generate --preset L2`, whose detector offset puts
 *                             every voxel >= 1 (its mask), and bench:tracers' "large" image
 *   meanshift                 noise (every voxel a signal voxel for the mean shift), and solid
 *                             (every voxel a cluster member deep inside foreground)
 *   fastmarching_spanningtree dense: a neuron with random values in every background voxel
 *                             (~88 % above its threshold)
 * Also available with --pairs: half (x < 128 at 255, the rest 0: deep foreground beside real
 * background, so foreground-relative thresholds such as app1's mean + std still see it).
 * Run: npm run build && npm run bench:worst [-- --runs 3 --timeout 900 --only app2,app1
 *      --pairs app2:noise,meanshift:solid]
 * The same file is its own child: `--child <variant> <image>` runs one trace and prints JSON.
 */
import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { neuronVolume, rng } from './lib/synthetic.js';
import { channelOf, type Vec3 } from '../host/core/volume.js';
import { hostVersion } from '../host/core/paths.js';
import { benchImagesFromDataset } from '../host/bench/dataset-images.js';
import { generateDataset } from '../host/dataset/synthetic/generate.js';
import { readImage } from '../host/io/read-image.js';
import { writeImage } from '../host/io/write-image.js';
import { PluginRegistry } from '../host/registry/registry.js';
import { resolveParams } from '../host/registry/params.js';
import { loadTracer } from '../host/runtime/load-tracer.js';

const DIMS: Vec3 = [256, 256, 128];
const DEFAULT_PAIRS: [string, string][] = [
  ['app2', 'solid'],
  ['app1', 'solid'],
  ['app1', 'noise'],
  ['EnsembleNeuronTracerBasic', 'l2-offset'],
  ['EnsembleNeuronTracerBasic', 'medium-large'],
  ['meanshift', 'noise'],
  ['meanshift', 'solid'],
  ['fastmarching_spanningtree', 'dense'],
];

interface ChildResult { seconds: number; nodes: number; maxRssMiB: number; meta: Record<string, unknown> }

async function child(variant: string, image: string): Promise<void> {
  const registry = new PluginRegistry(hostVersion());
  const ref = registry.getVariant(variant);
  const tracer = await loadTracer(ref.plugin);
  const volume = channelOf(await readImage(image), 0);
  const scratchDir = mkdtempSync(join(tmpdir(), 'nt-worst-'));
  try {
    const t0 = performance.now();
    const res = await tracer.trace({
      volume, params: resolveParams(ref, {}), seeds: [], signal: new AbortController().signal, progress: () => {}, scratchDir,
    });
    const out: ChildResult = {
      seconds: (performance.now() - t0) / 1000,
      nodes: res.tree.nodes.length,
      maxRssMiB: process.resourceUsage().maxRSS / 1024,
      meta: res.meta ?? {},
    };
    process.stdout.write(JSON.stringify(out) + '\n');
  } finally {
    rmSync(scratchDir, { recursive: true, force: true });
  }
}

async function writeU8(path: string, data: Uint8Array): Promise<void> {
  await writeImage(path, { data, dims: DIMS, channels: 1, dtype: 'uint8', spacing: [1, 1, 1] });
}

// The adversarial images, made once per cache folder (generation is deterministic).
async function imagePath(dir: string, name: string): Promise<string> {
  const file = join(dir, `${name}.tif`);
  if (name === 'l2-offset' || name === 'medium-large') {
    const data = join(dir, `dataset-${name}`);
    const existing = await benchImagesFromDataset(data).catch(() => []);
    if (existing.length) return existing[0].imagePath;
    await generateDataset(data, name === 'l2-offset'
      ? { count: 1, seed: 1, preset: 'L2', dims: DIMS, overwrite: true }
      : { count: 1, seed: 11, preset: 'medium', dims: DIMS, overwrite: true });  // bench:tracers' "large"
    return (await benchImagesFromDataset(data))[0].imagePath;
  }
  if (existsSync(file)) return file;
  const n = DIMS[0] * DIMS[1] * DIMS[2];
  const r = rng(20240607);
  let data: Uint8Array;
  if (name === 'solid') data = new Uint8Array(n).fill(200);
  else if (name === 'half') {
    data = new Uint8Array(n);
    for (let i = 0; i < n; i += DIMS[0]) data.fill(255, i, i + DIMS[0] / 2);
  } else if (name === 'noise') data = Uint8Array.from({ length: n }, () => Math.floor(r() * 256));
  else if (name === 'dense') {
    data = neuronVolume(DIMS, 1).data;
    for (let i = 0; i < n; i++) if (data[i] <= 10) data[i] = Math.floor(r() * 256);
  } else throw new Error(`unknown image '${name}' (solid, half, noise, dense, l2-offset, medium-large)`);
  await writeU8(file, data);
  return file;
}

function runChild(variant: string, image: string, timeoutSec: number): Promise<ChildResult | string> {
  return new Promise((resolve) => {
    execFile(process.execPath, [fileURLToPath(import.meta.url), '--child', variant, image],
      { timeout: timeoutSec * 1000, killSignal: 'SIGKILL', maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
        if (err) resolve((err as { killed?: boolean }).killed ? `timeout (> ${timeoutSec} s)` : `failed: ${(stderr || err.message).trim().split('\n').pop()}`);
        else resolve(JSON.parse(stdout.trim().split('\n').pop()!) as ChildResult);
      });
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '3' }, timeout: { type: 'string', default: '900' },
      only: { type: 'string' }, pairs: { type: 'string' }, cache: { type: 'string' },
    },
  });
  const runs = Math.max(1, Number(values.runs));
  const timeoutSec = Number(values.timeout);
  let pairs = values.pairs ? values.pairs.split(',').map((p) => p.split(':') as [string, string]) : DEFAULT_PAIRS;
  if (values.only) {
    const keep = new Set(values.only.split(','));
    pairs = pairs.filter(([v]) => keep.has(v));
  }
  const cache = values.cache ?? join(tmpdir(), 'neurotrace-bench-worst');
  mkdirSync(cache, { recursive: true });
  const rows: string[][] = [];
  const stages: string[] = [];
  for (const [variant, name] of pairs) {
    const image = await imagePath(cache, name);
    const secs: number[] = [];
    let last: ChildResult | undefined;
    let problem = '';
    for (let k = 0; k < runs && !problem; k++) {
      const r = await runChild(variant, image, timeoutSec);
      if (typeof r === 'string') problem = r;
      else { secs.push(r.seconds); last = r; }
    }
    rows.push([variant, name, secs.length ? median(secs).toFixed(1) : '-', secs.map((s) => s.toFixed(1)).join(' '),
      last ? String(last.nodes) : '-', last ? last.maxRssMiB.toFixed(0) : '-', problem || 'ok']);
    process.stderr.write(`done ${rows[rows.length - 1].join('  ')}\n`);
    // the tracers' own stage notes (meta keys msXxx), from the last run
    const notes = Object.entries(last?.meta ?? {}).filter(([k, v]) => /^ms[A-Z]/.test(k) && typeof v === 'number');
    if (notes.length) stages.push(`  ${variant} on ${name}: ${notes.map(([k, v]) => `${k.slice(2)} ${((v as number) / 1000).toFixed(1)}`).join(', ')}`);
  }
  const head = ['variant', 'image', 'median s', 'runs s', 'nodes', 'peak RSS MiB', 'status'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(`worst cases, ${DIMS.join('x')} uint8, median of ${runs} run(s), fresh process per run, limit ${timeoutSec} s`);
  console.log(line(head));
  for (const r of rows) console.log(line(r));
  if (stages.length) console.log(`\nstage seconds, as the tracers report them (last run):\n${stages.join('\n')}`);
}

const i = process.argv.indexOf('--child');
if (i >= 0) {
  child(process.argv[i + 1], process.argv[i + 2]).catch((e: unknown) => {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(1);
  });
} else {
  main().catch((e: unknown) => {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(1);
  });
}
