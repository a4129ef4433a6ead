import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { consensusRunner } from '../../host/bench/consensus-runner.js';
import { hostVersion, packageRoot } from '../../host/core/paths.js';
import type { RunRecord } from '../../host/generated/run-record.js';
import { writeSwc } from '../../host/io/swc.js';
import { PluginRegistry } from '../../host/registry/registry.js';
import { tempDir } from '../helpers/plugin-fixtures.js';
import { jitter, yTree } from './helpers.js';

const ref = new PluginRegistry(hostVersion(), [{ dir: join(packageRoot(), 'plugins', 'Consensus'), source: 'path' }]).getVariant('Consensus');

function rec(variant: string, outputPath: string | null, status: RunRecord['status'] = 'ok'): RunRecord {
  return {
    variant, imageId: 'img', plugin: `p-${variant}`, pluginVersion: '1.0.0', params: {}, imagePath: '/x/img.tif', imageSha256: 'abc',
    status, startedAt: '', finishedAt: '', wallSeconds: 1, outputPath,
  };
}

describe('consensus bench runner', () => {
  it('skips oversized and unreadable outputs (noting them) and fails naming them when none is usable', async () => {
    const out = tempDir('nt-consensus-runner-');
    mkdirSync(join(out, 'swc', 'img'), { recursive: true });
    const image = { id: 'img', imagePath: '/x/img.tif', goldPath: null, seed: null, spacing: [1, 1, 1] as [number, number, number] };
    for (const v of ['a', 'b', 'c']) await writeSwc(join(out, 'swc', 'img', `${v}.swc`), jitter(yTree(), 0.3, v.charCodeAt(0)));
    writeFileSync(join(out, 'swc', 'img', 'bad.swc'), '1 1 0 0 0 1 -1\n2 3 oops 0 0 1 1\n');
    // 'huge' is over the 20 000-node limit: dropped from its record alone (its file does not even exist).
    const records = [rec('a', 'swc/img/a.swc'), rec('b', 'swc/img/b.swc'), rec('c', 'swc/img/c.swc'), rec('bad', 'swc/img/bad.swc'), rec('failed', null, 'crashed'),
      { ...rec('huge', 'swc/img/huge.swc'), nodeCount: 25000 }];
    const run = consensusRunner();
    const ok = await run({ image, ref, records, outDir: out, store: undefined as never });
    expect(ok.status).toBe('ok');
    expect(ok.imageSha256).toBe('abc');
    expect(ok.meta).toMatchObject({ inputs: 5, voters: 3, voteThreshold: 2, dropped: 'huge: 25000 nodes, more than 20000 (likely an outlier)' });
    expect(String(ok.meta!.unreadable)).toMatch(/^bad: .*bad\.swc: line 2: x 'oops' is not a finite number$/);
    expect(ok.scores).toBeNull();
    expect(existsSync(join(out, 'swc', 'img', 'Consensus.eswc'))).toBe(true);

    const none = await run({ image, ref, records: [rec('bad', 'swc/img/bad.swc')], outDir: out, store: undefined as never });
    expect(none.status).toBe('failed');
    expect(none.error).toMatch(/^no inputs for the consensus: no usable output \(bad: .*line 2/);
    // The failed rerun removed the earlier consensus of this cell.
    expect(existsSync(join(out, 'swc', 'img', 'Consensus.eswc'))).toBe(false);
  });
});
