import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot, hostVersion } from '../../host/core/paths.js';
import { PluginRegistry } from '../../host/registry/registry.js';
import { runBench } from '../../host/bench/bench.js';
import { benchImagesFromDataset } from '../../host/bench/dataset-images.js';
import { RunStore } from '../../host/bench/run-store.js';
import { buildLeaderboard, median, mean } from '../../host/bench/leaderboard.js';
import { scoreColumns } from '../../host/bench/score-columns.js';
import { writeReport } from '../../host/bench/report.js';
import { generateDemoDataset } from '../../host/dataset/synthetic/generate.js';
import { readSwc } from '../../host/io/swc.js';
import { tempDir } from '../helpers/plugin-fixtures.js';

const testPlugins = join(packageRoot(), 'test', 'fixtures', 'plugins');
const registry = () => new PluginRegistry(hostVersion(), [{ dir: testPlugins, source: 'path' }]);

let datasetDir: string;
beforeAll(async () => {
  datasetDir = join(tempDir('nt-bench-'), 'dataset');
  await generateDemoDataset(datasetDir, { count: 2, seed: 3 });
}, 120_000);

describe('bench fault isolation', () => {
  it('records crashes, hangs, memory blow-ups, errors and invalid trees, and completes the other cells', async () => {
    const out = tempDir('nt-bench-out-');
    const images = await benchImagesFromDataset(datasetDir);
    const summary = await runBench(registry(), {
      images, outDir: out, jobs: 2,
      variants: ['t-line', 't-segv', 't-hang', 't-oom', 't-throw', 't-invalid'],
    });
    const store = RunStore.inDir(out);
    const recs = store.all();
    store.close();
    expect(recs).toHaveLength(12);
    expect(summary.ran).toBe(12);
    const status = (v: string) => [...new Set(recs.filter((r) => r.variant === v).map((r) => r.status))];
    expect(status('t-line')).toEqual(['ok']);
    expect(status('t-segv')).toEqual(['crashed']);
    expect(status('t-hang')).toEqual(['timeout']);
    expect(status('t-oom')).toEqual(['oom']);
    expect(status('t-throw')).toEqual(['failed']);
    expect(status('t-invalid')).toEqual(['invalid']);
    const segv = recs.find((r) => r.variant === 't-segv')!;
    expect(segv.error).toMatch(/SIGSEGV/);
    expect(recs.find((r) => r.variant === 't-throw')!.error).toBe('no foreground above threshold');
    expect(recs.find((r) => r.variant === 't-invalid')!.error).toMatch(/invalid tree: .*(cycle|parent)/);
    expect(recs.find((r) => r.variant === 't-hang')!.wallSeconds).toBeGreaterThanOrEqual(3);
    // Successful runs are written, provenance-stamped and scored against the gold standard.
    for (const r of recs.filter((x) => x.status === 'ok')) {
      const swc = await readSwc(join(out, r.outputPath!));
      expect(swc.nodes.length).toBe(r.nodeCount);
      expect(swc.comments.some((c) => c.startsWith('variant t-line'))).toBe(true);
      expect(scoreColumns.find((c) => c.key === 'ESA')!.get(r.scores)).toBeGreaterThanOrEqual(0);
      expect(r.peakRssMiB).toBeGreaterThan(0);
      expect(r.cpuSeconds).toBeGreaterThan(0);
    }
    // Failed cells leave no output file behind.
    for (const r of recs.filter((x) => x.status !== 'ok')) {
      expect(existsSync(join(out, 'swc', r.imageId, `${r.variant}.swc`))).toBe(false);
    }
    expect(readdirSync(join(out, 'scratch')).length).toBe(0);
  }, 120_000);

  it('skips finished cells on a re-run and retries only failures with --rerun failed', async () => {
    const out = tempDir('nt-bench-out-');
    const images = await benchImagesFromDataset(datasetDir);
    const reg = registry();
    await runBench(reg, { images, outDir: out, jobs: 2, variants: ['t-line', 't-throw'] });
    const first = (() => { const s = RunStore.inDir(out); const a = s.all(); s.close(); return a; })();
    const again = await runBench(reg, { images, outDir: out, jobs: 2, variants: ['t-line', 't-throw'] });
    expect(again.ran).toBe(0);
    expect(again.skipped).toBe(4);
    const retry = await runBench(reg, { images, outDir: out, jobs: 2, variants: ['t-line', 't-throw'], rerun: 'failed' });
    expect(retry.ran).toBe(2);
    expect(retry.records.every((r) => r.variant === 't-throw')).toBe(true);
    const after = (() => { const s = RunStore.inDir(out); const a = s.all(); s.close(); return a; })();
    const okBefore = first.filter((r) => r.status === 'ok').map((r) => r.startedAt).sort();
    const okAfter = after.filter((r) => r.status === 'ok').map((r) => r.startedAt).sort();
    expect(okAfter).toEqual(okBefore);
  }, 120_000);

  it('computes the leaderboard from the run records', async () => {
    const out = tempDir('nt-bench-out-');
    const images = await benchImagesFromDataset(datasetDir);
    await runBench(registry(), { images, outDir: out, jobs: 2, variants: ['t-line', 't-throw'] });
    const store = RunStore.inDir(out);
    const recs = store.all();
    store.close();
    const { rows, paths } = await writeReport(out, recs);
    const line = rows.find((r) => r.variant === 't-line')!;
    const esa = scoreColumns.find((c) => c.key === 'ESA')!;
    const vals = recs.filter((r) => r.variant === 't-line').map((r) => esa.get(r.scores)!);
    expect(line.median.ESA).toBeCloseTo(median(vals)!, 12);
    expect(line.mean.ESA).toBeCloseTo(mean(vals)!, 12);
    expect(line.traced).toBe(2);
    const thr = rows.find((r) => r.variant === 't-throw')!;
    expect(thr.failures.failed).toBe(2);
    expect(thr.median.PDS).toBeNull();
    expect(buildLeaderboard(recs)).toHaveLength(2);
    for (const p of Object.values(paths)) expect(existsSync(p)).toBe(true);
  }, 120_000);
});
