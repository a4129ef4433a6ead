import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { hostVersion, packageRoot } from '../../host/core/paths.js';
import { runBench } from '../../host/bench/bench.js';
import { benchImagesFromDataset } from '../../host/bench/dataset-images.js';
import { hostVariantRunners } from '../../host/bench/host-variants.js';
import { RunStore } from '../../host/bench/run-store.js';
import { generateDemoDataset } from '../../host/dataset/synthetic/generate.js';
import { PluginRegistry } from '../../host/registry/registry.js';
import { tempDir } from '../helpers/plugin-fixtures.js';

const registry = () => new PluginRegistry(hostVersion(), [
  { dir: join(packageRoot(), 'test', 'fixtures', 'plugins'), source: 'path' },
  { dir: join(packageRoot(), 'plugins', 'Consensus'), source: 'path' },
]);

describe('bench folders written before host cells kept an input digest', () => {
  it('open as they are, and their host cells are recomputed once, then skipped', async () => {
    const dir = tempDir('nt-host-upgrade-');
    const dataset = join(dir, 'dataset');
    await generateDemoDataset(dataset, { count: 1, seed: 6 });
    const images = await benchImagesFromDataset(dataset);
    const out = join(dir, 'bench');
    const opts = { images, outDir: out, jobs: 2, variants: ['t-line', 'Consensus'], hostVariants: hostVariantRunners() };
    await runBench(registry(), opts);
    // The table as earlier versions created it: no inputsDigest column.
    const db = new Database(join(out, 'runs.sqlite'));
    db.exec('ALTER TABLE runs DROP COLUMN inputsDigest');
    db.close();

    const store = RunStore.inDir(out);
    const old = store.get('Consensus', 'syn-001')!;
    store.close();
    expect(old.status).toBe('ok');
    expect(old.inputsDigest).toBeNull();

    const upgraded = await runBench(registry(), opts);
    expect(upgraded.records.map((r) => r.variant)).toEqual(['Consensus']);
    expect(upgraded.records[0].inputsDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(await runBench(registry(), opts)).toMatchObject({ ran: 0, skipped: 2 });
  }, 60_000);
});
