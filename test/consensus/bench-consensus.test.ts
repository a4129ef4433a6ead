import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runBench } from '../../host/bench/bench.js';
import { benchImagesFromDataset } from '../../host/bench/dataset-images.js';
import { hostVariantRunners } from '../../host/bench/host-variants.js';
import { RunStore } from '../../host/bench/run-store.js';
import { scoreColumns } from '../../host/bench/score-columns.js';
import type { RunRecord } from '../../host/generated/run-record.js';
import { readSwc } from '../../host/io/swc.js';
import { tempDir } from '../helpers/plugin-fixtures.js';
import { noisyGoldDataset, testPluginRegistry } from '../helpers/noisy-gold.js';

const registry = () => testPluginRegistry();
const NOISY = ['t-noisy-a', 't-noisy-b', 't-noisy-c', 't-noisy-d', 't-noisy-spur'];

let datasetDir: string;
beforeAll(async () => {
  datasetDir = await noisyGoldDataset('nt-consensus-bench-', 3);
}, 120_000);

async function bench(variants: string[]): Promise<{ out: string; recs: RunRecord[] }> {
  const out = tempDir('nt-consensus-bench-out-');
  const images = await benchImagesFromDataset(datasetDir);
  await runBench(registry(), { images, outDir: out, jobs: 2, variants, hostVariants: hostVariantRunners() });
  const store = RunStore.inDir(out);
  const recs = store.all();
  store.close();
  return { out, recs };
}

const esa = scoreColumns.find((c) => c.key === 'ESA')!;

describe('Consensus in the bench', () => {
  it('is computed per image from the other variants’ successful outputs and scored like a variant', async () => {
    const { out, recs } = await bench([...NOISY, 't-noisy-far', 't-throw', 'Consensus', 'Consensus-fixed']);
    expect(recs).toHaveLength(18);
    for (const imageId of ['syn-001', 'syn-002']) {
      const mine = recs.filter((r) => r.imageId === imageId);
      const c = mine.find((r) => r.variant === 'Consensus')!;
      expect(c.status).toBe('ok');
      expect(c.error).toBeNull();
      expect(c.plugin).toBe('Consensus');
      expect(c.params).toMatchObject({ voteThreshold: 6, clusterDistance: 5 });
      // It ran after every other cell of its image had finished.
      for (const r of mine.filter((x) => !x.variant.startsWith('Consensus'))) expect(c.startedAt >= r.finishedAt).toBe(true);
      // The other host variant neither feeds this one nor is fed by it.
      const fixed = mine.find((r) => r.variant === 'Consensus-fixed')!;
      expect(fixed.status).toBe('ok');
      expect(fixed.params).toMatchObject({ spanningForest: true });
      expect(fixed.meta).toMatchObject({ inputs: 6, voters: 5 });
      // Six successful inputs (t-throw failed); the far copy has no neighbour; five voters lower the threshold to 2.
      expect(c.meta).toMatchObject({ inputs: 6, voters: 5, voteThreshold: 2 });
      expect(String(c.meta!.dropped)).toMatch(/^t-noisy-far: no node within 5 voxels of another input$/);

      expect(c.outputPath).toBe(join('swc', imageId, 'Consensus.eswc'));
      const tree = await readSwc(join(out, c.outputPath!));
      expect(tree.nodes).toHaveLength(c.nodeCount!);
      expect(tree.comments).toContain('variant Consensus');
      expect(tree.nodes.every((n) => n.extra?.length === 5 && n.radius > 0 && n.radius <= 1)).toBe(true);
      const ano = readFileSync(join(out, 'swc', imageId, 'Consensus_SelectedNeurons.ano'), 'utf8');
      expect(ano.trim().split('\n').sort()).toEqual(NOISY.map((v) => `SWCFILE=${v}.swc`).sort());

      // Better than every noisy input against the gold standard, and without the spur of one of them.
      const consensusEsa = esa.get(c.scores)!;
      for (const v of NOISY) expect(consensusEsa).toBeLessThan(esa.get(mine.find((r) => r.variant === v)!.scores)!);
      const spur = await readSwc(join(out, 'swc', imageId, 't-noisy-spur.swc'));
      const end = spur.nodes[spur.nodes.length - 1];
      expect(tree.nodes.some((n) => Math.hypot(n.x - end.x, n.y - end.y, n.z - end.z) < 5)).toBe(false);
    }
  }, 180_000);

  it('records why there is no consensus when no other variant succeeded, and leaves no file', async () => {
    const { out, recs } = await bench(['t-throw', 'Consensus']);
    const c = recs.filter((r) => r.variant === 'Consensus');
    expect(c).toHaveLength(2);
    for (const r of c) {
      expect(r.status).toBe('failed');
      expect(r.error).toBe('no inputs for the consensus: no other variant produced a tree on this image');
      expect(r.outputPath).toBeNull();
      expect(existsSync(join(out, 'swc', r.imageId, 'Consensus.eswc'))).toBe(false);
    }
  }, 180_000);

  it('returns the only successful input as it is', async () => {
    const { recs } = await bench(['t-noisy-a', 'Consensus']);
    for (const r of recs.filter((x) => x.variant === 'Consensus')) {
      expect(r.status).toBe('ok');
      expect(r.meta).toMatchObject({ inputs: 1, voters: 1, single: 'one input survived and is returned as it is' });
      expect(r.nodeCount).toBe(recs.find((x) => x.variant === 't-noisy-a' && x.imageId === r.imageId)!.nodeCount);
    }
  }, 180_000);
});
