/**
 * Benches of the test-only plugins (test/fixtures/plugins) with the Consensus host variant: the
 * registry they run from and the demo dataset the noisy-gold plugins read their gold trees from.
 */
import { join } from 'node:path';
import { hostVersion, packageRoot } from '../../host/core/paths.js';
import { generateDemoDataset } from '../../host/dataset/synthetic/generate.js';
import { PluginRegistry } from '../../host/registry/registry.js';
import { tempDir } from './plugin-fixtures.js';

/** The test plugins and the Consensus plugin, plus any further plugin folders. */
export function testPluginRegistry(...extra: string[]): PluginRegistry {
  const root = packageRoot();
  return new PluginRegistry(hostVersion(), [
    { dir: join(root, 'test', 'fixtures', 'plugins'), source: 'path' },
    { dir: join(root, 'plugins', 'Consensus'), source: 'path' },
    ...extra.map((dir) => ({ dir, source: 'path' as const })),
  ]);
}

/** Generates a 2-image demo dataset and points the noisy-gold plugins at it; returns its folder. */
export async function noisyGoldDataset(prefix: string, seed: number): Promise<string> {
  const dir = join(tempDir(prefix), 'dataset');
  await generateDemoDataset(dir, { count: 2, seed });
  // Read by the noisy-gold test plugin in the bench's job processes (they inherit the environment).
  process.env.NT_TEST_NOISY_GOLD_DATASET = dir;
  return dir;
}
