import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { readSwc, writeSwc } from '../../host/io/swc.js';
import { randomTree } from '../../host/metrics/random-tree.js';
import { tempDir } from '../helpers/plugin-fixtures.js';
import { jitter, shifted } from './helpers.js';

const cli = cliInProcess;

afterEach(() => vi.restoreAllMocks());

let dir: string;
let files: string[];
beforeAll(async () => {
  dir = tempDir('nt-consensus-cli-');
  const clean = randomTree({ nodes: 300, seed: 8 });
  mkdirSync(join(dir, 'recons'));
  files = [];
  for (let i = 0; i < 7; i++) {
    const f = join(dir, 'recons', `tracer${i}.swc`);
    await writeSwc(f, i === 6 ? shifted(clean, [0, 0, 300]) : jitter(clean, 0.8, 100 + i));
    files.push(f);
  }
  writeFileSync(join(dir, 'recons', 'notes.txt'), 'not a tree');
  writeFileSync(join(dir, 'list.ano'), files.slice(0, 4).map((f) => `SWCFILE=${f}`).join('\n') + '\n');
});

describe('neurotrace consensus', () => {
  it('builds the consensus of a folder with the Gold166 defaults and writes ESWC plus the selected list', async () => {
    const out = join(dir, 'c.eswc');
    const r = await cli('consensus', join(dir, 'recons'), '-o', out);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^consensus of 6 of 7 trees \(vote threshold 6, cluster distance 5\): \d+ nodes -> .*c\.eswc$/m);
    expect(r.out).toContain(`dropped ${files[6]}: no node within 5 voxels of another input`);
    const tree = await readSwc(out);
    expect(tree.nodes.length).toBeGreaterThan(50);
    expect(tree.nodes[0].extra).toHaveLength(5);
    const ano = readFileSync(join(dir, 'c_SelectedNeurons.ano'), 'utf8');
    // Files outside the list's own folder are written with absolute paths.
    expect(ano.trim().split('\n')).toEqual(files.slice(0, 6).map((f) => `SWCFILE=${f}`));
  });

  it('reads .ano lists, takes --vote-threshold/--cluster-distance and reports a lowered threshold', async () => {
    const out = join(dir, 'c4.swc');
    const r = await cli('consensus', join(dir, 'list.ano'), files[5], '-o', out, '--vote-threshold', '3', '--cluster-distance', '4', '--json');
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.out);
    expect(rep).toMatchObject({ inputs: 5, voteThreshold: 3, requestedVoteThreshold: 3, clusterDistance: 4 });
    const plain = readFileSync(out, 'utf8').split('\n').find((l) => l && !l.startsWith('#'))!;
    expect(plain.trim().split(/\s+/)).toHaveLength(7);
    const low = await cli('consensus', files[0], files[1], files[2], '-o', join(dir, 'c3.eswc'));
    expect(low.out).toContain('vote threshold 2, lowered from 6');
    const fail = await cli('consensus', files[0], files[1], files[2], '-o', join(dir, 'c3f.eswc'), '--few-inputs', 'fail');
    expect(fail.code).toBe(1);
    expect(fail.err).toBe('neurotrace: consensus: only 3 input trees left after input hygiene, fewer than the vote threshold 6\n');
  });

  it('writes the median input with --median, and its distance table', async () => {
    const out = join(dir, 'median.swc');
    const r = await cli('consensus', ...files.slice(0, 5), '-o', out, '--median');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^median of 5 trees: .*tracer\d\.swc \(summed distance [\d.]+\) -> /);
    const csv = readFileSync(join(dir, 'median_median_distances.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('swc_file_name1,swc_file_name2,sum_distance,structure_difference,max_distance');
    expect(csv).toHaveLength(1 + 10);
    expect(existsSync(join(dir, 'median_ranked_by_distance.ano'))).toBe(true);
    const chosen = r.out.match(/: (.*\.swc) \(/)![1];
    expect((await readSwc(out)).nodes.map((n) => n.x)).toEqual((await readSwc(chosen)).nodes.map((n) => n.x));
  });

  it('names the argument and the problem in one line', async () => {
    const cases: [string[], number, string | RegExp][] = [
      [['consensus', join(dir, 'nope'), '-o', join(dir, 'x.eswc')], 2, `neurotrace: ${join(dir, 'nope')}: no such file or folder\n`],
      [['consensus', join(dir, 'recons', 'notes.txt'), '-o', join(dir, 'x.eswc')], 2, /notes\.txt: not an \.swc, \.eswc or \.ano file \(extension '\.txt'\)\n$/],
      [['consensus', files[0], '-o', join(dir, 'x.eswc'), '--vote-threshold', '2.5'], 2, 'neurotrace: --vote-threshold must be a whole number >= 1 (got "2.5")\n'],
      [['consensus', files[0], '-o', join(dir, 'x.eswc'), '--cluster-distance', '0'], 2, 'neurotrace: --cluster-distance must be a number > 0 (got "0")\n'],
      [['consensus', files[0], '-o', join(dir, 'x.txt')], 2, /-o .*x\.txt: the output must end in \.eswc or \.swc\n$/],
      [['consensus', files[0], '-o', join(dir, 'x.eswc'), '--few-inputs', 'never'], 2, 'neurotrace: --few-inputs must be lower or fail (got "never")\n'],
    ];
    for (const [args, code, msg] of cases) {
      const r = await cli(...args);
      expect(r.code, args.join(' ')).toBe(code);
      if (typeof msg === 'string') expect(r.err).toBe(msg);
      else expect(r.err).toMatch(msg);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
    const missing = await cli('consensus', files[0]);
    expect(missing.code).not.toBe(0);
    expect(missing.err).toMatch(/required option '-o, --output <file>'/);
  });
});
