import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { writeImage } from '../../host/io/write-image.js';
import { writeSwc } from '../../host/io/swc.js';
import { tempDir } from './helpers.js';

const cli = cliInProcess;

const t = tempDir('cli');
afterAll(() => t.cleanup());

describe('neurotrace dataset', () => {
  it('generate writes a dataset and info lists it', async () => {
    const dir = join(t.dir, 'gen');
    const g = await cli('dataset', 'generate', dir, '--count', '2', '--preset', 'dendrite-easy', '--dims', '96x96x32', '--seed', '7', '--quiet');
    expect(g.err).toBe('');
    expect(g.code).toBe(0);
    expect(g.out).toMatch(/^synthetic-dendrite-L1-seed7: 2 images, SNR [\d.]+–[\d.]+ -> /);
    const info = await cli('dataset', 'info', dir, '--verify');
    expect(info.code).toBe(0);
    const lines = info.out.trimEnd().split('\n');
    expect(lines[0]).toBe('synthetic-dendrite-L1-seed7 (generate by neurotrace 0.1.0): 2 images');
    expect(lines[1].split(/\s{2,}/)).toEqual(['id', 'dims', 'voxel size (µm)', 'SNR', 'CNR', 'gold nodes', 'gold length (µm)', 'sha256']);
    expect(lines[3]).toMatch(/^syn-001\s+96×96×32\s+[\d.]+×[\d.]+×[\d.]+\s+\d+\.\d\d\s+\d+\.\d\d\s+\d+\s+\d+\.\d\s+ok$/);
    const json = JSON.parse((await cli('dataset', 'info', dir, '--json')).out);
    expect(json.images).toHaveLength(2);
    expect(json.images[0].goldNodes).toBeGreaterThan(100);
    expect(json.images[0].goldLength).toBeGreaterThan(100);
  });

  it('import reads a flat folder and prints warnings on stderr', async () => {
    const src = join(t.dir, 'flat-src');
    mkdirSync(src);
    const data = new Uint8Array(24 * 24 * 6).fill(10);
    for (let x = 3; x < 21; x++) data[(3 * 24 + 12) * 24 + x] = 200;
    await writeImage(join(src, 'n1.v3draw'), { dtype: 'uint8', dims: [24, 24, 6], channels: 1, data, spacing: [1, 1, 1] });
    await writeSwc(join(src, 'n1.swc'), { comments: [], nodes: [{ id: 1, type: 1, x: 3, y: 12, z: 3, radius: 1, parent: -1 }, { id: 2, type: 3, x: 20, y: 12, z: 3, radius: 1, parent: 1 }] });
    await writeImage(join(src, 'n2.v3draw'), { dtype: 'uint8', dims: [24, 24, 6], channels: 1, data, spacing: [1, 1, 1] });
    const dir = join(t.dir, 'flat-ds');
    const r = await cli('dataset', 'import', src, dir, '--layout', 'flat', '--voxel-size', '0.2,0.2,1', '--quiet');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^flat-flat-src: 2 images/);
    expect(r.err).toMatch(/^warning: n2\.v3draw: no n2\.swc beside it; imported as unlabelled$/m);
    const info = await cli('dataset', 'info', dir);
    expect(info.out).toMatch(/n1\s+24×24×6\s+0\.2×0\.2×1\s+[\d.]+\s+[\d.]+\s+2\s+3\.4/);
    expect(info.out).toMatch(/n2\s+24×24×6\s+0\.2×0\.2×1\s+-\s+-\s+-\s+-/);
  });

  it('reports usage errors in one line with exit code 2', async () => {
    const bad = await cli('dataset', 'generate', join(t.dir, 'bad'), '--preset', 'nightmare');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^neurotrace: --preset 'nightmare': unknown word 'nightmare'; use L0\.\.L4/);
    expect(bad.err.trim().split('\n')).toHaveLength(1);
    const dims = await cli('dataset', 'generate', join(t.dir, 'bad'), '--dims', '64x64');
    expect(dims.err).toBe("neurotrace: --dims '64x64' must be three positive integers XxYxZ (e.g. 256x256x96)\n");
    const layout = await cli('dataset', 'import', t.dir, join(t.dir, '..', 'x'));
    expect(layout.err).toBe('neurotrace: --layout is required (gold166, diadem, flat)\n');
    const missing = await cli('dataset', 'info', join(t.dir, 'nothing'));
    expect(missing.code).toBe(1);
    expect(missing.err).toBe(`neurotrace: ${join(t.dir, 'nothing', 'dataset.json')}: the dataset folder does not exist\n`);
  });
});

describe('neurotrace dataset info --verify', () => {
  it('flags an image changed after generation and a missing gold, and exits non-zero', async () => {
    const dir = join(t.dir, 'verify');
    expect((await cli('dataset', 'generate', dir, '--count', '2', '--preset', 'easy', '--dims', '64x64x16', '--quiet')).code).toBe(0);
    const img = join(dir, 'images', 'syn-001.tif');
    const bytes = readFileSync(img);
    bytes[bytes.length - 1] ^= 0xff;
    writeFileSync(img, bytes);
    rmSync(join(dir, 'gold', 'syn-002.swc'));
    const r = await cli('dataset', 'info', dir, '--verify');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^syn-001\s.*\sFAILED$/m);
    expect(r.out).toMatch(/^syn-002\s.*\s-\s+-\s+ok$/m);
    expect(r.err).toContain(`warning: ${img}: sha256 `);
    expect(r.err).toContain(`warning: ${join(dir, 'gold', 'syn-002.swc')}: cannot read SWC file: no such file or directory`);
    expect(r.err).toMatch(/neurotrace: .*: 2 problems found \(see the warnings above\)\n$/);
  });
});
