import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { selectVariants } from '../../host/bench/bench.js';
import { RunStore } from '../../host/bench/run-store.js';
import { hostVersion, packageRoot } from '../../host/core/paths.js';
import { PluginRegistry } from '../../host/registry/registry.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/plugin-fixtures.js';

describe('both Consensus variants in the demo', () => {
  it('are part of the default (all) selection of the built-in plugins', () => {
    const ids = selectVariants(new PluginRegistry(hostVersion(), [{ dir: join(packageRoot(), 'plugins'), source: 'builtin' }]), 'all').map((r) => r.id);
    expect(ids).toContain('Consensus');
    expect(ids).toContain('Consensus-fixed');
  });

  it('run per image after the tracers and reach the leaderboard', () => {
    const dir = tempDir('nt-demo-consensus-');
    const r = cli(['demo', '--dir', dir, '--count', '1', '--jobs', '2', '--variants', 't-noisy-a,t-noisy-b,t-noisy-c,Consensus,Consensus-fixed'], {
      NEUROTRACE_PLUGIN_PATH: join(packageRoot(), 'test', 'fixtures', 'plugins'),
      NEUROTRACE_HOME: join(dir, 'home'),
      // The noisy-gold test tracer reads the gold standards of the dataset the demo generates.
      NT_TEST_NOISY_GOLD_DATASET: join(dir, 'dataset'),
    });
    expect(r.stderr).toContain('bench: 5 runs to do, 0 already done');
    expect(r.code).toBe(0);
    const store = RunStore.inDir(join(dir, 'bench'));
    const recs = store.all();
    store.close();
    expect(recs.map((x) => `${x.variant} ${x.status}`)).toEqual(
      ['Consensus ok', 'Consensus-fixed ok', 't-noisy-a ok', 't-noisy-b ok', 't-noisy-c ok']);
    for (const v of ['Consensus', 'Consensus-fixed']) {
      expect(recs.find((x) => x.variant === v)!.meta).toMatchObject({ inputs: 3, voters: 3, inputVariants: ['t-noisy-a', 't-noisy-b', 't-noisy-c'] });
      expect(r.stdout).toMatch(new RegExp(`^\\s*${v}\\s+1/1\\s+0\\s`, 'm'));
    }
  }, 60_000);
});
