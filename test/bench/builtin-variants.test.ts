/**
 * Every built-in variant end to end: `neurotrace bench` runs each one on a generated image in its
 * own job process and scores its tree against the image's gold standard.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBench, selectVariants, type BenchSummary } from '../../host/bench/bench.js';
import { benchImagesFromDataset } from '../../host/bench/dataset-images.js';
import { hostVariantRunners } from '../../host/bench/host-variants.js';
import { scoreColumns } from '../../host/bench/score-columns.js';
import { hostVersion, packageRoot } from '../../host/core/paths.js';
import { generateDataset } from '../../host/dataset/synthetic/generate.js';
import { PluginRegistry } from '../../host/registry/registry.js';
import { tempDir } from '../helpers/plugin-fixtures.js';

const registry = new PluginRegistry(hostVersion(), [{ dir: join(packageRoot(), 'plugins'), source: 'builtin' }]);
const column = (key: string) => scoreColumns.find((c) => c.key === key)!;

/**
 * Variants that faithfully return an empty reconstruction on this image, and why (each manifest
 * says so): every voxel of the generated image is above nctuTW_GD's grey threshold, so its
 * skeleton is the whole volume and the original's search never reaches an end point.
 */
const EMPTY_HERE = new Map([['nctuTW_GD', { reachableEndpoints: 0, tips: 0 }]]);

describe('every built-in variant in neurotrace bench', () => {
  const ids = selectVariants(registry, 'all').map((r) => r.id);
  let summary: BenchSummary;

  beforeAll(async () => {
    const dir = tempDir('nt-builtin-e2e-');
    await generateDataset(join(dir, 'data'), { count: 1, seed: 5, preset: 'easy', dims: [96, 96, 32], threads: 1 });
    const images = await benchImagesFromDataset(join(dir, 'data'));
    summary = await runBench(registry, { images, outDir: join(dir, 'bench'), variants: 'all', jobs: 2, timeoutSec: 300, hostVariants: hostVariantRunners() });
  }, 600_000);

  it('traces the image with each of them and scores every tree against the gold standard', () => {
    expect(ids.length).toBeGreaterThanOrEqual(27);
    const byVariant = new Map(summary.records.map((r) => [r.variant, r]));
    expect([...byVariant.keys()].sort()).toEqual([...ids].sort());
    for (const id of ids) {
      const r = byVariant.get(id)!;
      expect({ id, status: r.status, error: r.error }).toEqual({ id, status: 'ok', error: null });
      const empty = EMPTY_HERE.get(id);
      if (empty) {
        expect(r.nodeCount).toBe(0);
        expect(r.meta).toMatchObject(empty);
        continue;
      }
      expect({ id, traced: (r.nodeCount ?? 0) > 0, scoreError: r.scoreError }).toEqual({ id, traced: true, scoreError: null });
      // a tree on the neuron: its entire-structure distance to the gold is a few voxels (the
      // worst, EnsembleNeuronTracerBasic, traces the whole background offset: about 16)
      expect({ id, esa: column('ESA').get(r.scores)! < 20 }).toEqual({ id, esa: true });
      expect(column('PDS').get(r.scores)).not.toBeNull();
    }
  });
});
