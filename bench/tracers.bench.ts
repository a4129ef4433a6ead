/**
 * npm run bench:tracers [-- --variants a,b --repeats N --sizes small,medium,large]
 * Every registered tracer variant on the same three generated images (small, medium, large),
 * each run isolated as in `neurotrace bench`; prints median wall time, peak RSS and PDS.
 */
import 'reflect-metadata';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PluginRegistry } from '../host/registry/registry.js';
import { hostVersion } from '../host/core/paths.js';
import { generateDataset } from '../host/dataset/synthetic/generate.js';
import { benchImagesFromDataset } from '../host/bench/dataset-images.js';
import { runBench, selectVariants } from '../host/bench/bench.js';
import { median } from '../host/bench/leaderboard.js';
import { scoreColumns } from '../host/bench/score-columns.js';
import { formatTable } from '../host/cli/format.js';
import type { Vec3 } from '../host/core/volume.js';

const SIZES: Record<string, Vec3> = { small: [128, 128, 48], medium: [256, 256, 96], large: [256, 256, 128] };

const { values } = parseArgs({ options: { variants: { type: 'string', default: 'all' }, repeats: { type: 'string', default: '1' }, sizes: { type: 'string', default: 'small,medium,large' }, timeout: { type: 'string', default: '600' } } });
const repeats = Math.max(1, Number(values.repeats));
const sizes = values.sizes!.split(',');
const root = mkdtempSync(join(tmpdir(), 'neurotrace-bench-tracers-'));
const registry = new PluginRegistry(hostVersion());
const refs = selectVariants(registry, values.variants === 'all' ? 'all' : values.variants!.split(',')).filter((r) => r.plugin.manifest.runtime.kind !== 'host');
const pds = scoreColumns.find((c) => c.key === 'PDS')!;

const rows: (string | number)[][] = [];
for (const size of sizes) {
  const dims = SIZES[size];
  if (!dims) throw new Error(`unknown size '${size}' (small, medium, large)`);
  const dataDir = join(root, `data-${size}`);
  await generateDataset(dataDir, { count: 1, seed: 11, preset: 'medium', dims });
  const images = await benchImagesFromDataset(dataDir);
  const results = new Map<string, { wall: number[]; rss: number[]; pds: number[]; status: string[] }>();
  for (let rep = 0; rep < repeats; rep++) {
    const out = join(root, `out-${size}-${rep}`);
    const summary = await runBench(registry, { images, outDir: out, variants: refs.map((r) => r.id), jobs: 1, timeoutSec: Number(values.timeout) });
    for (const r of summary.records) {
      const e = results.get(r.variant) ?? { wall: [], rss: [], pds: [], status: [] };
      e.status.push(r.status);
      if (r.status === 'ok') {
        e.wall.push(r.wallSeconds);
        if (r.peakRssMiB != null) e.rss.push(r.peakRssMiB);
        const p = pds.get(r.scores);
        if (p !== null) e.pds.push(p);
      }
      results.set(r.variant, e);
    }
  }
  for (const ref of refs) {
    const e = results.get(ref.id)!;
    const f = (v: number | null, d: number) => (v === null ? '-' : v.toFixed(d));
    rows.push([ref.id, `${size} ${dims.join('x')}`, f(median(e.wall), 2), f(median(e.rss), 0), f(median(e.pds), 3), [...new Set(e.status)].join(',')]);
  }
  process.stderr.write(`done: ${size}\n`);
}
process.stdout.write(`bench:tracers, ${repeats} run(s) per cell, medians (wall s = tracing only)\n`);
process.stdout.write(formatTable(['variant', 'image', 'wall s', 'peak RSS MiB', 'PDS', 'status'], rows));
