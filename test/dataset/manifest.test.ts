import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileFormatError } from '../../host/core/errors.js';
import {
  datasetManifestProblem, readDatasetManifest, resolveImagePaths, writeDatasetManifest, type DatasetManifest,
} from '../../host/dataset/manifest.js';
import { tempDir } from './helpers.js';

const valid = (): DatasetManifest => ({
  manifestVersion: 1,
  name: 'unit',
  createdBy: { tool: 'neurotrace', version: '0.1.0', command: 'import', options: { layout: 'flat' } },
  images: [{
    id: 'a1', image: 'images/a1.tif', gold: 'gold/a1.swc', dims: [10, 20, 5], channels: 1, dtype: 'uint8', spacing: [0.3, 0.3, 1],
    seed: [1, 2, 3], sha256: 'a'.repeat(64), snr: 4.5,
    source: { kind: 'import', layout: 'flat', image: '/data/a1.tif', gold: '/data/a1.swc' },
  }],
});

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

describe('dataset manifest', () => {
  it('writes and reads back the same manifest', async () => {
    const { dir, cleanup } = tempDir('manifest');
    cleanups.push(cleanup);
    await writeDatasetManifest(dir, valid());
    expect(await readDatasetManifest(dir)).toEqual(valid());
    const p = resolveImagePaths(dir, valid().images[0]);
    expect(p.image).toBe(join(dir, 'images', 'a1.tif'));
    expect(p.gold).toBe(join(dir, 'gold', 'a1.swc'));
  });

  it('names the JSON path of the first problem', () => {
    const m = valid() as unknown as { images: Record<string, unknown>[] };
    delete m.images[0].dims;
    expect(datasetManifestProblem(m)).toBe('$.images[0].dims is required');
    const bad = valid();
    (bad.images[0] as { dims: number[] }).dims = [10, 20];
    expect(datasetManifestProblem(bad)).toMatch(/^\$\.images\[0\]\.dims /);
    const extra = valid() as unknown as Record<string, unknown>;
    extra.colour = 'red';
    expect(datasetManifestProblem(extra)).toBe('$.colour is not an allowed property');
    const dup = valid();
    dup.images.push({ ...dup.images[0] });
    expect(datasetManifestProblem(dup)).toBe("$.images[1].id: 'a1' is also the id of images[0]");
    const abs = valid();
    abs.images[0].image = '/etc/passwd';
    expect(datasetManifestProblem(abs)).toMatch(/^\$\.images\[0\]\.image /);
  });

  it('refuses to write an invalid manifest', async () => {
    const { dir, cleanup } = tempDir('manifest');
    cleanups.push(cleanup);
    const m = valid();
    m.images[0].sha256 = 'not-a-hash';
    await expect(writeDatasetManifest(dir, m)).rejects.toThrow(/dataset\.json: refusing to write an invalid manifest: \$\.images\[0\]\.sha256/);
  });

  it('gives one-line errors naming the file for missing, broken and invalid manifests', async () => {
    const { dir, cleanup } = tempDir('manifest');
    cleanups.push(cleanup);
    await expect(readDatasetManifest(join(dir, 'nope'))).rejects.toThrow(`${join(dir, 'nope', 'dataset.json')}: the dataset folder does not exist`);
    await expect(readDatasetManifest(dir)).rejects.toThrow(/dataset\.json: no dataset manifest here/);
    writeFileSync(join(dir, 'dataset.json'), '{ "manifestVersion": 1, ');
    await expect(readDatasetManifest(dir)).rejects.toThrow(FileFormatError);
    await expect(readDatasetManifest(dir)).rejects.toThrow(/dataset\.json: not valid JSON/);
    writeFileSync(join(dir, 'dataset.json'), JSON.stringify({ ...valid(), manifestVersion: 2 }));
    await expect(readDatasetManifest(dir)).rejects.toThrow(/dataset\.json: \$\.manifestVersion must be equal to constant/);
  });

  it('refuses entries that point outside the dataset folder', () => {
    const { dir, cleanup } = tempDir('manifest');
    cleanups.push(cleanup);
    mkdirSync(join(dir, 'images'));
    const e = { ...valid().images[0], image: '../other/a1.tif' };
    expect(() => resolveImagePaths(dir, e)).toThrow(/image 'a1': image path '\.\.\/other\/a1\.tif' points outside the dataset folder/);
  });
});
