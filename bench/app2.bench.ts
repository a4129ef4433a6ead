/**
 * APP2 speed and memory: sparse synthetic neurons (a few branching tubes, < 1 % foreground, noisy
 * background) of 256^3, 512x512x256 and 1024x1024x200 voxels, traced by `app2` and `app2new3`
 * (GSDT on) with the root given, both as registered (256-cube downsampling) and at full
 * resolution; `app2new3 -gsdt` is app2new3 with the distance transform switched off, so the last
 * lines can show what GSDT itself costs. Every trace runs in a fresh child process (peak RSS per
 * run); the table shows medians of 3 runs.
 * Run: npx tsc -p . && npm run bench:app2 [-- --runs N --sizes 256,512]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { neuronVolume, type Vec3 } from './lib/synthetic.js';

interface ChildResult { traceMs: number; uptimeMs: number; maxRssMiB: number; nodes: number; meta: Record<string, number> }

const here = dirname(fileURLToPath(import.meta.url));
const manifest = JSON.parse(readFileSync(join(here, '..', '..', 'plugins', 'app2', 'plugin.json'), 'utf8')) as {
  parameters: { properties: Record<string, { default?: unknown }> };
  variants: { id: string; params: Record<string, unknown> }[];
};

function paramsFor(variant: string, overrides: Record<string, unknown>): Record<string, unknown> {
  const p: Record<string, unknown> = {};
  for (const [k, s] of Object.entries(manifest.parameters.properties)) if (s.default !== undefined) p[k] = s.default;
  const v = manifest.variants.find((x) => x.id === variant);
  if (!v) throw new Error(`plugins/app2/plugin.json: no variant '${variant}'`);
  return { ...p, ...v.params, ...overrides };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : def;
}

const sizes: Record<string, Vec3> = { '256': [256, 256, 256], '512': [512, 512, 256], '1024': [1024, 1024, 200] };
const runs = Number(arg('runs', '3'));
const chosen = arg('sizes', '256,512,1024').split(',');
const cacheDir = join(tmpdir(), 'neurotrace-bench-app2');
mkdirSync(cacheDir, { recursive: true });
const child = join(here, 'lib', 'trace-child.js');

const rows: string[][] = [];
for (const key of chosen) {
  const dims = sizes[key];
  if (!dims) throw new Error(`--sizes: unknown size '${key}' (use 256, 512, 1024)`);
  const file = join(cacheDir, `neuron-${dims.join('x')}-s1.u8`);
  const metaFile = `${file}.json`;
  if (!existsSync(file) || !existsSync(metaFile)) {
    const vol = neuronVolume(dims, 1);
    writeFileSync(file, vol.data);
    writeFileSync(metaFile, JSON.stringify({ soma: vol.soma, foreground: vol.foreground }));
  }
  const info = JSON.parse(readFileSync(metaFile, 'utf8')) as { soma: Vec3; foreground: number };
  for (const [label, variant, extra] of [['app2', 'app2', {}], ['app2new3', 'app2new3', {}], ['app2new3 -gsdt', 'app2new3', { gsdt: false }]] as const) {
    for (const [mode, over] of [['registered', {}], ['full-res', { downsample256: false }]] as const) {
      const results: ChildResult[] = [];
      for (let r = 0; r < runs; r++) {
        const params = paramsFor(variant, { ...extra, ...over });
        const outText = execFileSync(process.execPath, [child, file, ...dims.map(String), JSON.stringify(params), JSON.stringify([info.soma])], {
          encoding: 'utf8', maxBuffer: 1 << 24,
        });
        results.push(JSON.parse(outText.trim().split('\n').pop()!) as ChildResult);
      }
      rows.push([
        dims.join('x'), (100 * info.foreground).toFixed(2) + '%', label, mode,
        median(results.map((x) => x.traceMs)).toFixed(0), median(results.map((x) => x.uptimeMs)).toFixed(0),
        median(results.map((x) => x.maxRssMiB)).toFixed(0), String(results[0].nodes), String(results[0].meta.nodesInitial ?? ''),
      ]);
      process.stderr.write(`done ${rows[rows.length - 1].join(' ')}\n`);
    }
  }
}

const head = ['volume', 'fg', 'variant', 'mode', 'trace ms', 'process ms', 'peak RSS MiB', 'nodes', 'FM nodes'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i])).join('  ');
console.log(`APP2 benchmark: medians of ${runs} runs, root given, fresh process per run`);
console.log(line(head));
for (const r of rows) console.log(line(r));
const ms = (vol: string, label: string, mode: string) => Number(rows.find((r) => r[0] === vol && r[2] === label && r[3] === mode)?.[4]);
console.log('\nGSDT cost (trace-time ratios): app2new3 / app2new3 -gsdt, and app2new3 / app2');
for (const vol of [...new Set(rows.map((r) => r[0]))])
  for (const mode of ['registered', 'full-res'])
    console.log(`  ${vol} ${mode}: ${(ms(vol, 'app2new3', mode) / ms(vol, 'app2new3 -gsdt', mode)).toFixed(2)}x, ${(ms(vol, 'app2new3', mode) / ms(vol, 'app2', mode)).toFixed(2)}x`);
