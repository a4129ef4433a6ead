import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { existsSync, readdirSync } from 'node:fs';
import { packageRoot } from '../../host/core/paths.js';
import { RunStore } from '../../host/bench/run-store.js';
import { generateDemoDataset } from '../../host/dataset/synthetic/generate.js';
import { tempDir } from '../helpers/plugin-fixtures.js';

const bin = join(packageRoot(), 'bin', 'neurotrace.js');
const env = { ...process.env, NEUROTRACE_PLUGIN_PATH: join(packageRoot(), 'test', 'fixtures', 'plugins'), NEUROTRACE_HOME: tempDir('nt-home-') };

function records(out: string) {
  if (!existsSync(join(out, 'runs.sqlite'))) return [];
  const s = RunStore.inDir(out);
  try { return s.all(); } finally { s.close(); }
}

function bench(dataset: string, out: string) {
  return spawn(process.execPath, [bin, 'bench', dataset, '--variants', 't-slow,t-line', '--jobs', '1', '--out', out], { env, stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('bench resume', () => {
  it('loses no finished record and runs nothing twice after kill -9', async () => {
    const dir = tempDir('nt-resume-');
    const dataset = join(dir, 'dataset');
    const out = join(dir, 'bench');
    await generateDemoDataset(dataset, { count: 2, seed: 5 });
    const first = bench(dataset, out);
    // Wait until at least one record is in, then kill the bench without warning.
    const t0 = Date.now();
    while (records(out).length < 1 && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 100));
    first.kill('SIGKILL');
    await new Promise((r) => first.on('close', r));
    const before = records(out);
    expect(before.length).toBeGreaterThanOrEqual(1);
    expect(before.length).toBeLessThan(4);

    const second = bench(dataset, out);
    let stderr = '';
    second.stderr.on('data', (d) => { stderr += d; });
    const code = await new Promise((r) => second.on('close', r));
    expect(code).toBe(0);
    expect(stderr).toContain(`${4 - before.length} runs to do, ${before.length} already done`);
    const after = records(out);
    expect(after).toHaveLength(4);
    for (const b of before) {
      const a = after.find((r) => r.variant === b.variant && r.imageId === b.imageId)!;
      expect(a.startedAt).toBe(b.startedAt);
    }
    expect(after.every((r) => r.status === 'ok')).toBe(true);
    for (const img of readdirSync(join(out, 'swc'))) {
      expect(readdirSync(join(out, 'swc', img)).filter((f) => !f.endsWith('.swc'))).toEqual([]);
    }
  }, 180_000);
});
