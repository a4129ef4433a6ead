import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../host/core/errors.js';
import { runBench, type BenchOptions } from '../../host/bench/bench.js';
import { benchImagesFromDataset } from '../../host/bench/dataset-images.js';
import { hostVariantRunners } from '../../host/bench/host-variants.js';
import { RunStore } from '../../host/bench/run-store.js';
import type { RunRecord } from '../../host/generated/run-record.js';
import { manifest, tempDir, writePlugin } from '../helpers/plugin-fixtures.js';
import { noisyGoldDataset, testPluginRegistry } from '../helpers/noisy-gold.js';

const registry = testPluginRegistry;
const IMAGES = ['syn-001', 'syn-002'];

let datasetDir: string;
beforeAll(async () => {
  datasetDir = await noisyGoldDataset('nt-host-variants-', 4);
}, 120_000);

async function bench(out: string, variants: string[], more: Partial<BenchOptions> = {}) {
  const images = await benchImagesFromDataset(datasetDir);
  return runBench(registry(), {
    images, outDir: out, jobs: 2, variants, hostVariants: hostVariantRunners(), ...more,
  });
}

function stored(out: string): RunRecord[] {
  const s = RunStore.inDir(out);
  try { return s.all(); } finally { s.close(); }
}

const cell = (recs: RunRecord[], variant: string, imageId: string) => recs.find((r) => r.variant === variant && r.imageId === imageId)!;

describe('host variants follow the bench’s own selection', () => {
  it('feeds Consensus only the selected tracer variants and records them in its meta', async () => {
    const out = tempDir('nt-host-sel-');
    // An earlier bench in the same folder left t-noisy-c and t-line outputs: not this bench's selection.
    await bench(out, ['t-noisy-c', 't-line']);
    const run = await bench(out, ['t-noisy-b', 't-noisy-a', 'Consensus', 'Consensus-fixed']);
    expect(run.ran).toBe(8);
    const recs = stored(out);
    for (const imageId of IMAGES) {
      for (const v of ['Consensus', 'Consensus-fixed']) {
        const c = cell(recs, v, imageId);
        expect(c.status).toBe('ok');
        expect(c.meta).toMatchObject({ inputs: 2, voters: 2, inputVariants: ['t-noisy-a', 't-noisy-b'] });
        expect(c.inputsDigest).toMatch(/^[0-9a-f]{64}$/);
        const ano = readFileSync(join(out, 'swc', imageId, `${v}_SelectedNeurons.ano`), 'utf8');
        expect(ano.trim().split('\n')).toEqual(['SWCFILE=t-noisy-a.swc', 'SWCFILE=t-noisy-b.swc']);
      }
      // Tracer records carry no digest: only host cells depend on other cells.
      expect(cell(recs, 't-noisy-a', imageId).inputsDigest).toBeNull();
    }

    // Narrowing the selection in the same folder recomputes the consensus from what is left.
    const narrower = await bench(out, ['t-noisy-a', 'Consensus']);
    expect(narrower.records.map((r) => r.variant)).toEqual(['Consensus', 'Consensus']);
    for (const imageId of IMAGES) {
      const c = cell(stored(out), 'Consensus', imageId);
      expect(c.meta).toMatchObject({ inputs: 1, voters: 1, inputVariants: ['t-noisy-a'], single: 'one input survived and is returned as it is' });
    }
  }, 60_000);

  it('recomputes host cells exactly for the images whose tracer runs changed and skips the others', async () => {
    const out = tempDir('nt-host-rerun-');
    const variants = ['t-noisy-a', 't-noisy-b', 't-noisy-c', 'Consensus', 'Consensus-fixed'];
    await bench(out, variants);
    const first = stored(out);

    // Nothing changed: every cell, host cells included, is skipped.
    const same = await bench(out, variants);
    expect(same).toMatchObject({ ran: 0, skipped: 10 });

    // One tracer cell of syn-002 ended badly (as after a crash); --rerun failed re-runs it alone,
    // then both consensus cells of syn-002, and nothing of syn-001.
    const store = RunStore.inDir(out);
    store.put({ ...cell(first, 't-noisy-b', 'syn-002'), status: 'crashed', outputPath: null, error: 'killed by signal SIGSEGV' });
    store.close();
    const retry = await bench(out, variants, { rerun: 'failed' });
    expect(retry.records.map((r) => `${r.variant}@${r.imageId}`).sort()).toEqual(['Consensus-fixed@syn-002', 'Consensus@syn-002', 't-noisy-b@syn-002']);
    expect(retry.skipped).toBe(7);
    const after = stored(out);
    for (const v of ['Consensus', 'Consensus-fixed']) {
      expect(cell(after, v, 'syn-001').startedAt).toBe(cell(first, v, 'syn-001').startedAt);
      const redone = cell(after, v, 'syn-002');
      expect(redone.startedAt > cell(after, 't-noisy-b', 'syn-002').finishedAt).toBe(true);
      expect(redone.inputsDigest).not.toBe(cell(first, v, 'syn-002').inputsDigest);
      expect(redone.meta).toMatchObject({ inputs: 3, inputVariants: ['t-noisy-a', 't-noisy-b', 't-noisy-c'] });
    }

    // A new tracer variant in the folder gives every image a new input: all host cells are redone.
    const wider = await bench(out, ['t-noisy-d', ...variants]);
    expect(wider.records.map((r) => r.variant).sort()).toEqual(['Consensus', 'Consensus', 'Consensus-fixed', 'Consensus-fixed', 't-noisy-d', 't-noisy-d']);
    for (const imageId of IMAGES) expect(cell(stored(out), 'Consensus', imageId).meta).toMatchObject({ inputs: 4 });
  }, 60_000);

  it('scores host cells in the bench’s units and redoes them, alone, when the units change', async () => {
    const out = tempDir('nt-host-units-');
    const variants = ['t-noisy-a', 't-noisy-b', 'Consensus'];
    await bench(out, variants);
    const voxels = stored(out);
    for (const imageId of IMAGES) expect(cell(voxels, 'Consensus', imageId).scores).toMatchObject({ units: 'voxel' });
    const microns = await bench(out, variants, { physicalUnits: true });
    expect(microns.records.map((r) => r.variant)).toEqual(['Consensus', 'Consensus']);
    for (const r of microns.records) expect(r.scores).toMatchObject({ units: 'micron' });
    expect(await bench(out, variants, { physicalUnits: true })).toMatchObject({ ran: 0, skipped: 6 });
  }, 60_000);

  it('takes only runs traced with the bench’s seed setting (--no-seed)', async () => {
    const out = tempDir('nt-host-seed-');
    const variants = ['t-noisy-a', 't-line', 'Consensus'];
    await bench(out, variants);
    // The seeded tracer runs are finished cells, but not what a --no-seed bench traces.
    const unseeded = await bench(out, variants, { noSeed: true });
    expect(unseeded.records.map((r) => r.variant)).toEqual(['Consensus', 'Consensus']);
    for (const r of unseeded.records) {
      const img = (await benchImagesFromDataset(datasetDir)).find((i) => i.id === r.imageId)!;
      expect(r.status).toBe('failed');
      expect(r.meta).toMatchObject({ inputs: 0, inputVariants: [] });
      expect(r.meta!.excludedInputs).toBe(`t-line: traced with seed (${img.seed!.join(', ')}), this bench passes none; `
        + `t-noisy-a: traced with seed (${img.seed!.join(', ')}), this bench passes none`);
    }
    // Re-traced without seeds, t-line works (from the brightest voxel) and noisy-gold cannot: one input.
    await bench(out, variants, { noSeed: true, rerun: 'all' });
    const recs = stored(out);
    for (const imageId of IMAGES) {
      expect(cell(recs, 't-noisy-a', imageId).status).toBe('failed');
      expect(cell(recs, 't-line', imageId).seed).toBeNull();
      const c = cell(recs, 'Consensus', imageId);
      expect(c.status).toBe('ok');
      expect(c.meta).toMatchObject({ inputs: 1, inputVariants: ['t-line'] });
      expect(c.meta!.excludedInputs).toBeUndefined();
    }
  }, 60_000);

  it('refuses a selection of host variants alone, and records a host service it does not know', async () => {
    const out = tempDir('nt-host-usage-');
    await expect(bench(out, ['Consensus', 'Consensus-fixed'])).rejects.toThrow(UsageError);
    await expect(bench(out, ['Consensus'])).rejects.toThrow(/--variants selects only host-computed variants \(Consensus\)/);
    expect(existsSync(join(out, 'runs.sqlite'))).toBe(false);

    const plugins = tempDir('nt-host-plugins-');
    const file = writePlugin(plugins, 'mystery', manifest({
      id: 'mystery', runtime: { kind: 'host', service: 'mystery' }, variants: [{ id: 'Mystery', params: {} }],
    }));
    const images = await benchImagesFromDataset(datasetDir);
    const run = await runBench(registry(plugins), { images, outDir: out, jobs: 2, variants: ['t-line', 'Mystery'], hostVariants: hostVariantRunners() });
    expect(run.ran).toBe(4);
    for (const r of run.records.filter((x) => x.variant === 'Mystery')) {
      expect(r.status).toBe('failed');
      expect(r.error).toBe(`${file}: host service 'mystery' is not provided by this neurotrace`);
      expect(r.meta).toMatchObject({ inputs: 1, inputVariants: ['t-line'] });
    }
  }, 60_000);
});
