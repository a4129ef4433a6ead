import { afterEach, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ImageStack, Vec3 } from '../../host/core/volume.js';
import { readImage } from '../../host/io/read-image.js';
import { readSwc, writeSwc } from '../../host/io/swc.js';
import { writeImage } from '../../host/io/write-image.js';
import type { Tree } from '../../host/morph/tree.js';
import { Rng } from '../../host/dataset/rng.js';
import { readDatasetManifest, resolveImagePaths } from '../../host/dataset/manifest.js';
import { importDataset } from '../../host/dataset/import/import-dataset.js';
import type { ImportSource } from '../../host/generated/dataset-manifest.js';
import { snapshot, tempDir } from './helpers.js';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});
function scratch(label: string): string {
  const t = tempDir(label);
  cleanups.push(t.cleanup);
  return t.dir;
}

/** A noisy volume with a bright rod along x at (y0, z0), and its gold (0-based voxels, soma first). */
function rod(dims: Vec3, y0: number, z0: number, seed: string, spacing: Vec3 = [1, 1, 1], unit?: string): { stack: ImageStack; gold: Tree } {
  const r = Rng.derive(seed);
  const data = new Uint8Array(dims[0] * dims[1] * dims[2]);
  for (let z = 0; z < dims[2]; z++) for (let y = 0; y < dims[1]; y++) for (let x = 0; x < dims[0]; x++) {
    const d2 = (y - y0) ** 2 + (z - z0) ** 2;
    data[(z * dims[1] + y) * dims[0] + x] = Math.max(0, Math.min(255, Math.round(20 + 80 * Math.exp(-d2 / 2) * (x >= 3 && x <= dims[0] - 4 ? 1 : 0) + 3 * r.normal())));
  }
  const gold: Tree = {
    comments: ['test gold'],
    nodes: [
      { id: 1, type: 1, x: 3, y: y0, z: z0, radius: 1, parent: -1 },
      { id: 2, type: 3, x: (dims[0] - 1) / 2, y: y0, z: z0, radius: 1, parent: 1 },
      { id: 3, type: 3, x: dims[0] - 4, y: y0, z: z0, radius: 1, parent: 2 },
    ],
  };
  return { stack: { dtype: 'uint8', dims, channels: 1, data, spacing, ...(unit ? { unit } : {}) }, gold };
}

async function sliceFiles(folder: string, stack: ImageStack, name: (z: number) => string): Promise<void> {
  mkdirSync(folder, { recursive: true });
  const plane = stack.dims[0] * stack.dims[1];
  for (let z = 0; z < stack.dims[2]; z++) {
    await writeImage(join(folder, name(z)), { ...stack, dims: [stack.dims[0], stack.dims[1], 1], data: stack.data.slice(z * plane, (z + 1) * plane) });
  }
}

describe('import --layout gold166', () => {
  async function fixture(): Promise<{ src: string; a: ReturnType<typeof rod>; b: ReturnType<typeof rod> }> {
    const src = scratch('g166');
    const a = rod([40, 30, 12], 15, 6, 'a');
    const b = rod([36, 28, 10], 12.4, 4.6, 'b', [0.25, 0.25, 0.9], 'micron');
    const c = rod([20, 20, 6], 10, 3, 'c');
    mkdirSync(join(src, 'groupA', 'cellA.v3dpbd'), { recursive: true });
    mkdirSync(join(src, 'groupA', 'cellB'), { recursive: true });
    mkdirSync(join(src, 'groupB', 'cellC'), { recursive: true });
    await writeImage(join(src, 'groupA', 'cellA.v3dpbd', 'cellA.v3dpbd'), a.stack);
    await writeSwc(join(src, 'groupA', 'cellA.v3dpbd', 'cellA.v3dpbd_gold_stamp.swc'), a.gold);
    writeFileSync(join(src, 'groupA', 'cellA.v3dpbd', 'cellA.marker'), '4,16,7,1,1,,,255,0,0\n');
    await writeImage(join(src, 'groupA', 'cellB', 'cellB.tif'), b.stack);
    await writeSwc(join(src, 'groupA', 'cellB', 'annotation.swc'), b.gold);
    await writeImage(join(src, 'groupB', 'cellC', 'cellC.v3draw'), c.stack);
    return { src, a, b };
  }

  it('imports one image per folder with its gold, never touching the originals', async () => {
    const { src, a, b } = await fixture();
    const before = snapshot(src);
    const dir = join(scratch('g166-out'), 'ds');
    const { manifest, warnings } = await importDataset(src, dir, { layout: 'gold166' });
    expect(snapshot(src)).toEqual(before);
    expect(manifest.images.map((e) => e.id)).toEqual(['cellA', 'cellB', 'cellC']);
    expect(warnings.some((w) => /no gold SWC beside cellC\.v3draw; imported as unlabelled/.test(w))).toBe(true);
    const [ea, eb, ec] = manifest.images;
    // images are copied byte for byte, gold SWCs verbatim
    expect(readFileSync(resolveImagePaths(dir, ea).image).equals(before.get('groupA/cellA.v3dpbd/cellA.v3dpbd')!)).toBe(true);
    expect(readFileSync(resolveImagePaths(dir, ea).gold!).equals(before.get('groupA/cellA.v3dpbd/cellA.v3dpbd_gold_stamp.swc')!)).toBe(true);
    expect(ea.image).toBe('images/cellA.v3dpbd');
    expect(ea.dims).toEqual([40, 30, 12]);
    expect(ea.spacingKnown).toBe(false);
    expect(ea.spacing).toEqual([1, 1, 1]);
    expect(eb.spacingKnown).toBeUndefined();
    expect(eb.spacing).toEqual([0.25, 0.25, 0.9]);
    expect(ea.seed).toEqual([3, 15, 6]);
    expect(eb.seed).toEqual([b.gold.nodes[0].x, b.gold.nodes[0].y, b.gold.nodes[0].z]);
    expect(ec.gold).toBeUndefined();
    expect(ec.seed).toEqual([9.5, 9.5, 2.5]);
    expect((ec.source as ImportSource).seedFrom).toBe('centre');
    // SNR against the gold: rod ~100 over a background of 20 ± 3
    expect(ea.snr).toBeGreaterThan(15);
    expect(ec.snr).toBeUndefined();
    expect((ea.source as ImportSource).gold).toBe(join(src, 'groupA', 'cellA.v3dpbd', 'cellA.v3dpbd_gold_stamp.swc'));
    expect(await readDatasetManifest(dir)).toEqual(manifest);
    expect(a.gold.nodes.length).toBe(3);
  });

  it('applies --voxel-size and --link', async () => {
    const { src } = await fixture();
    const dir = join(scratch('g166-link'), 'ds');
    const { manifest } = await importDataset(src, dir, { layout: 'gold166', voxelSize: [0.3, 0.3, 1.1], link: true, seed: 'none' });
    for (const e of manifest.images) {
      expect(e.spacing).toEqual([0.3, 0.3, 1.1]);
      expect(e.seed).toBeUndefined();
      expect((e.source as ImportSource).transfer).toBe('link');
    }
    expect(statSync(resolveImagePaths(dir, manifest.images[0]).image).ino).toBe(statSync(join(src, 'groupA', 'cellA.v3dpbd', 'cellA.v3dpbd')).ino);
  });

  it('refuses a folder with two images or two SWCs, naming it', async () => {
    const { src } = await fixture();
    copyFileSync(join(src, 'groupA', 'cellB', 'cellB.tif'), join(src, 'groupA', 'cellB', 'cellB2.tif'));
    await expect(importDataset(src, join(scratch('x'), 'ds'), { layout: 'gold166' })).rejects.toThrow(`${join(src, 'groupA', 'cellB')}: holds 2 images (cellB.tif, cellB2.tif)`);
  });
});

describe('import --layout diadem', () => {
  it('assembles numbered slice TIFFs (1.tif = z 0) into one volume and matches golds by stack name', async () => {
    const src = scratch('diadem');
    const op1 = rod([32, 24, 6], 10, 2, 'op1');
    const op10 = rod([30, 20, 11], 8, 5, 'op10');
    await sliceFiles(join(src, 'Image Stacks', 'OP_1'), op1.stack, (z) => `${z + 1}.tif`);
    await sliceFiles(join(src, 'Image Stacks', 'OP_10'), op10.stack, (z) => `${String(z + 1).padStart(3, '0')}.tif`);
    mkdirSync(join(src, 'Gold Standard'));
    await writeSwc(join(src, 'Gold Standard', 'OP_10.swc'), op10.gold);
    await writeSwc(join(src, 'Gold Standard', 'OP_1.swc'), op1.gold);
    const table = join(src, 'scaling.csv');
    writeFileSync(table, 'swc_file,id,x_y_pix_size,z_pix_size\nOP_1.swc,1,0.3,1.0\nOP_10.swc,2,0.33,0.99\n');
    const before = snapshot(src);
    const dir = join(scratch('diadem-out'), 'ds');
    const { manifest } = await importDataset(src, dir, { layout: 'diadem', voxelTable: table });
    expect(snapshot(src)).toEqual(before);
    expect(manifest.images.map((e) => e.id)).toEqual(['OP_1', 'OP_10']);
    const [e1, e10] = manifest.images;
    expect(e1.dims).toEqual([32, 24, 6]);
    expect(e10.dims).toEqual([30, 20, 11]);
    expect(e1.spacing).toEqual([0.3, 0.3, 1]);
    expect(e10.spacing).toEqual([0.33, 0.33, 0.99]);
    expect((e1.source as ImportSource).slices).toBe(6);
    expect((e1.source as ImportSource).transfer).toBe('assembled');
    expect((e10.source as ImportSource).gold).toBe(join(src, 'Gold Standard', 'OP_10.swc'));
    for (const [e, orig] of [[e1, op1], [e10, op10]] as const) {
      const img = await readImage(resolveImagePaths(dir, e).image);
      expect(img.dims).toEqual(orig.stack.dims);
      expect(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength).equals(Buffer.from(orig.stack.data))).toBe(true);
      for (let a = 0; a < 3; a++) expect(img.spacing[a]).toBeCloseTo(e.spacing[a], 6);
      expect((await readSwc(resolveImagePaths(dir, e).gold!)).nodes.length).toBe(3);
      expect(e.snr).toBeGreaterThan(15);
    }
  });

  it('names a missing slice', async () => {
    const src = scratch('diadem-gap');
    const s = rod([16, 16, 4], 8, 2, 'g');
    await sliceFiles(join(src, 'stacks', 'NC_01'), s.stack, (z) => `${z < 2 ? z + 1 : z + 2}.tif`);
    await expect(importDataset(src, join(scratch('o'), 'ds'), { layout: 'diadem' })).rejects.toThrow(
      `${join(src, 'stacks', 'NC_01')}: slice 3.tif is missing (slices run from 1.tif to 5.tif)`);
  });

  it('names a slice that does not match the others', async () => {
    const src = scratch('diadem-size');
    const s = rod([16, 16, 3], 8, 1, 'g');
    await sliceFiles(join(src, 'NC_02'), s.stack, (z) => `${z + 1}.tif`);
    await writeImage(join(src, 'NC_02', '2.tif'), { ...s.stack, dims: [15, 16, 1], data: new Uint8Array(15 * 16) });
    await expect(importDataset(src, join(scratch('o'), 'ds'), { layout: 'diadem' })).rejects.toThrow(/2\.tif: is 15×16 uint8 but .*1\.tif is 16×16 uint8/);
  });
});

describe('import --layout flat', () => {
  it('pairs name.<ext> with name.swc, converts µm golds, and imports unpaired images unlabelled', async () => {
    const src = scratch('flat');
    const a = rod([30, 30, 8], 14, 4, 'fa', [0.5, 0.5, 2], 'micron');
    const b = rod([20, 20, 5], 9, 2, 'fb');
    await writeImage(join(src, 'a.tif'), a.stack);
    const umGold: Tree = { comments: [], nodes: a.gold.nodes.map((n) => ({ ...n, x: n.x * 0.5, y: n.y * 0.5, z: n.z * 2, radius: n.radius * 0.5 })) };
    await writeSwc(join(src, 'a.swc'), umGold);
    await writeImage(join(src, 'b.v3draw'), b.stack);
    await writeSwc(join(src, 'stray.swc'), b.gold);
    const seeds = join(scratch('seeds'), 'seeds.csv');
    writeFileSync(seeds, 'id,x,y,z\na,1,2,3\n');
    const dir = join(scratch('flat-out'), 'ds');
    const { manifest, warnings } = await importDataset(src, dir, { layout: 'flat', goldUnits: 'micron', seed: { table: seeds } });
    expect(manifest.images.map((e) => e.id)).toEqual(['a', 'b']);
    expect(warnings).toEqual(expect.arrayContaining([
      expect.stringMatching(/b\.v3draw: no b\.swc beside it; imported as unlabelled/),
      expect.stringMatching(/stray\.swc: no image named 'stray\.<ext>' beside it; skipped/),
      expect.stringMatching(/^b: no row in .*seeds\.csv; no seed recorded/),
    ]));
    const gold = await readSwc(resolveImagePaths(dir, manifest.images[0]).gold!);
    expect(gold.nodes.map((n) => [n.x, n.y, n.z])).toEqual(a.gold.nodes.map((n) => [n.x, n.y, n.z]));
    expect(manifest.images[0].seed).toEqual([1, 2, 3]);
    expect(manifest.images[0].snr).toBeGreaterThan(15);
    expect(manifest.images[1].seed).toBeUndefined();
  });

  it('warns when a voxel-unit gold lies mostly outside its image (a µm file given as voxels)', async () => {
    const src = scratch('flat-um');
    const a = rod([20, 20, 5], 9, 2, 'fu');
    await writeImage(join(src, 'a.v3draw'), a.stack);
    await writeSwc(join(src, 'a.swc'), { comments: [], nodes: a.gold.nodes.map((n) => ({ ...n, x: n.x * 10 + 100 })) });
    const { warnings } = await importDataset(src, join(scratch('o'), 'ds'), { layout: 'flat' });
    expect(warnings.some((w) => /3 of 3 gold nodes lie outside the 20×20×5 image; is a\.swc in µm \(use --gold-units micron\)\?/.test(w))).toBe(true);
  });
});

describe('import errors', () => {
  it('names a truncated image', async () => {
    const src = scratch('trunc');
    const a = rod([20, 20, 5], 9, 2, 't');
    await writeImage(join(src, 'a.v3draw'), a.stack);
    truncateSync(join(src, 'a.v3draw'), 500);
    await expect(importDataset(src, join(scratch('o'), 'ds'), { layout: 'flat' })).rejects.toThrow(new RegExp(`^${join(src, 'a.v3draw').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
  });

  it('names the line of a broken gold SWC', async () => {
    const src = scratch('badswc');
    const a = rod([20, 20, 5], 9, 2, 's');
    await writeImage(join(src, 'a.v3draw'), a.stack);
    writeFileSync(join(src, 'a.swc'), '1 1 0 0 0 1 -1\n2 3 1 1 banana 1 1\n');
    await expect(importDataset(src, join(scratch('o'), 'ds'), { layout: 'flat' })).rejects.toThrow(new RegExp(`a\\.swc: line 2: `));
  });

  it('refuses a gold SWC whose parents do not resolve', async () => {
    const src = scratch('badtree');
    const a = rod([20, 20, 5], 9, 2, 's');
    await writeImage(join(src, 'a.v3draw'), a.stack);
    writeFileSync(join(src, 'a.swc'), '1 1 0 0 0 1 -1\n2 3 1 1 1 1 7\n');
    await expect(importDataset(src, join(scratch('o'), 'ds'), { layout: 'flat' })).rejects.toThrow(/a\.swc: invalid tree \(1 problem\): line 2: node 2 has parent 7, which is not in the tree/);
  });

  it('reports an empty source, a missing source and an output inside the source', async () => {
    const src = scratch('empty');
    await expect(importDataset(src, join(scratch('o'), 'ds'), { layout: 'gold166' })).rejects.toThrow(
      `${src}: no images found for layout gold166 (expected one folder per image holding the image (.v3dpbd, .v3draw, .tif) and its .swc)`);
    await expect(importDataset(join(src, 'nope'), join(scratch('o'), 'ds'), { layout: 'flat' })).rejects.toThrow(`${join(src, 'nope')}: the source folder does not exist`);
    await expect(importDataset(src, join(src, 'ds'), { layout: 'flat' })).rejects.toThrow(/must not be the source folder or inside it/);
    await expect(importDataset(src, join(scratch('o'), 'ds'), { layout: 'nested' as never })).rejects.toThrow("--layout 'nested' must be one of gold166, diadem, flat");
  });

  it('refuses to replace an existing dataset unless asked', async () => {
    const src = scratch('again');
    const a = rod([20, 20, 5], 9, 2, 'ag');
    await writeImage(join(src, 'a.v3draw'), a.stack);
    const dir = join(scratch('o'), 'ds');
    await importDataset(src, dir, { layout: 'flat' });
    await expect(importDataset(src, dir, { layout: 'flat' })).rejects.toThrow(/dataset\.json already exists/);
    await expect(importDataset(src, dir, { layout: 'flat', overwrite: true })).resolves.toBeDefined();
  });
});

describe('rootPoint (default import seed)', () => {
  it('prefers a soma root, else the root of the largest piece', async () => {
    const { rootPoint } = await import('../../host/dataset/import/import-dataset.js');
    const n = (id: number, type: number, x: number, parent: number) => ({ id, type, x, y: 0, z: 0, radius: 1, parent });
    expect(rootPoint({ comments: [], nodes: [n(1, 3, 0, -1), n(2, 3, 1, 1), n(5, 1, 9, -1)] })).toEqual([9, 0, 0]);
    // children listed before their root, two pieces: the larger (root id 10) wins
    expect(rootPoint({ comments: [], nodes: [n(1, 3, 0, -1), n(2, 3, 1, 1), n(11, 3, 6, 10), n(12, 3, 7, 11), n(10, 3, 5, -1)] })).toEqual([5, 0, 0]);
  });
});
