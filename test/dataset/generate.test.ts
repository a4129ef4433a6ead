import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256File } from '../../host/core/hash.js';
import type { Vec3 } from '../../host/core/volume.js';
import { readImage } from '../../host/io/read-image.js';
import { readSwc } from '../../host/io/swc.js';
import { readDatasetManifest, resolveImagePaths } from '../../host/dataset/manifest.js';
import { measureSnr, nearTreeMask, robustLocationScale } from '../../host/dataset/snr.js';
import { generateDataset, generateDemoDataset } from '../../host/dataset/synthetic/generate.js';
import type { SyntheticSource } from '../../host/generated/dataset-manifest.js';
import { snapshot, tempDir } from './helpers.js';

const cleanups: (() => void)[] = [];
afterAll(() => cleanups.forEach((c) => c()));
function scratch(label: string): string {
  const t = tempDir(label);
  cleanups.push(t.cleanup);
  return t.dir;
}

const small: Vec3 = [96, 96, 32];

describe('generateDataset', () => {
  it('is deterministic: the same seed gives byte-identical files in any folder', async () => {
    const a = scratch('det-a'), b = scratch('det-b'), c = scratch('det-c');
    await generateDataset(a, { count: 2, seed: 42, preset: 'medium', dims: small });
    await generateDataset(b, { count: 2, seed: 42, preset: 'medium', dims: small });
    await generateDataset(c, { count: 2, seed: 43, preset: 'medium', dims: small });
    const sa = snapshot(a), sb = snapshot(b), sc = snapshot(c);
    expect([...sa.keys()]).toEqual([
      'dataset.json', 'gold/syn-001.swc', 'gold/syn-001.um.swc', 'gold/syn-002.swc', 'gold/syn-002.um.swc', 'images/syn-001.tif', 'images/syn-002.tif',
    ]);
    for (const [k, v] of sa) expect(v.equals(sb.get(k)!), k).toBe(true);
    expect(sa.get('images/syn-001.tif')!.equals(sc.get('images/syn-001.tif')!)).toBe(false);
  });

  it('writes a valid manifest whose hashes, dims and spacing match the files', async () => {
    const dir = scratch('manifest');
    const m = await generateDataset(dir, { count: 2, seed: 3, preset: 'axon-easy', dims: small });
    expect(await readDatasetManifest(dir)).toEqual(m);
    for (const e of m.images) {
      const p = resolveImagePaths(dir, e);
      expect(await sha256File(p.image)).toBe(e.sha256);
      expect(await sha256File(p.gold!)).toBe(e.goldSha256);
      const img = await readImage(p.image);
      expect(img.dims).toEqual(e.dims);
      expect(img.dtype).toBe('uint8');
      for (let a = 0; a < 3; a++) expect(img.spacing[a]).toBeCloseTo(e.spacing[a], 6);
      const gold = await readSwc(p.gold!);
      const root = gold.nodes.find((n) => n.parent === -1)!;
      expect(root.type).toBe(1);
      expect([root.x, root.y, root.z]).toEqual(e.seed);
      expect(gold.nodes.filter((n) => n.type === 2).length).toBeGreaterThan(0);
      const um = await readSwc(p.goldMicron!);
      expect(um.nodes[7].x).toBeCloseTo(gold.nodes[7].x * e.spacing[0], 2);
      expect(um.nodes[7].z).toBeCloseTo(gold.nodes[7].z * e.spacing[2], 2);
      const src = e.source as SyntheticSource;
      expect(src.kind).toBe('synthetic');
      expect(src.level).toBe('L1');
      expect(src.morphology).toBe('axon');
    }
  });

  it('puts the gold on the rendered signal: intensity at gold nodes is well above background', async () => {
    const dir = scratch('signal');
    const m = await generateDataset(dir, { count: 2, seed: 11, preset: 'L1', dims: [128, 128, 40] });
    for (const e of m.images) {
      const p = resolveImagePaths(dir, e);
      const img = await readImage(p.image);
      const gold = await readSwc(p.gold!);
      const [nx, ny] = img.dims;
      const atNodes = gold.nodes.map((n) => img.data[(Math.round(n.z) * ny + Math.round(n.y)) * nx + Math.round(n.x)]);
      const near = nearTreeMask(gold, img.dims, 1);
      const bg: number[] = [];
      for (let i = 0; i < img.data.length; i++) if (!near[i]) bg.push(img.data[i]);
      const b = robustLocationScale(bg, true);
      const f = robustLocationScale(atNodes, true);
      expect(f.median).toBeGreaterThan(b.median + 5 * b.sigma);
      // and a gold line shifted by 3 voxels in y is much darker than the gold itself
      const shifted = gold.nodes.map((n) => img.data[(Math.round(n.z) * ny + Math.min(ny - 1, Math.round(n.y) + 3)) * nx + Math.round(n.x)]);
      expect(robustLocationScale(shifted, true).median).toBeLessThan(b.median + 0.5 * (f.median - b.median));
    }
  });

  it('hits the requested SNR within 20 % on every difficulty level, and records it', async () => {
    const dir = scratch('snr');
    const m = await generateDataset(dir, { count: 5, seed: 5, preset: 'ladder', dims: [128, 128, 40] });
    expect(m.images.map((e) => (e.source as SyntheticSource).level)).toEqual(['L0', 'L1', 'L2', 'L3', 'L4']);
    const targets = m.images.map((e) => (e.source as SyntheticSource).snrTarget);
    expect(Math.max(...targets)).toBeGreaterThanOrEqual(20);
    expect(Math.min(...targets)).toBeLessThanOrEqual(2);
    for (const e of m.images) {
      const src = e.source as SyntheticSource;
      expect(Math.abs(e.snr! / src.snrTarget - 1)).toBeLessThan(0.2);
      // the recorded SNR is what snr.ts measures on the written file
      const p = resolveImagePaths(dir, e);
      const img = await readImage(p.image);
      const zScale = (src.params.calibration as { snrZScale: number }).snrZScale;
      const again = measureSnr({ data: img.data, dims: img.dims, spacing: img.spacing }, await readSwc(p.gold!), { zScale })!;
      expect(again.snr).toBeCloseTo(e.snr!, 1);
      expect(e.cnr).toBeGreaterThan(0);
    }
    // harder levels: coarser z, more blur, more distractors
    const params = m.images.map((e) => (e.source as SyntheticSource).params as { zRatio: number; distractors: { blobs: unknown[]; fibres: unknown[] } });
    expect(params[0].zRatio).toBe(1);
    expect(params[4].zRatio).toBe(4);
    expect(params[4].distractors.blobs.length).toBeGreaterThanOrEqual(15);
    expect(params[0].distractors.blobs.length + params[0].distractors.fibres.length).toBe(0);
  });

  it('writes 16-bit images in a 12-bit range and .v3draw with a voxel-size table', async () => {
    const dir = scratch('v3draw');
    const m = await generateDataset(dir, { count: 1, seed: 9, preset: 'L2', dims: small, bitDepth: 16, format: 'v3draw' });
    const e = m.images[0];
    expect(e.image).toBe('images/syn-001.v3draw');
    expect(e.dtype).toBe('uint16');
    const img = await readImage(resolveImagePaths(dir, e).image);
    expect(img.dtype).toBe('uint16');
    const max = img.data.reduce((a, v) => Math.max(a, v), 0);
    expect(max).toBeLessThanOrEqual(4095);
    expect(max).toBeGreaterThan(1000);
    expect(readFileSync(join(dir, 'voxel_sizes.csv'), 'utf8')).toBe(`id,x_um,y_um,z_um\nsyn-001,${e.spacing.join(',')}\n`);
  });

  it('uses a supplied SWC as the morphology', async () => {
    const dir = scratch('swc');
    const swc = join(scratch('swc-input'), 'cell.swc');
    const lines = ['1 1 0 0 0 4 -1'];
    // a 3-branch cell in µm, 40 µm per branch
    let id = 2;
    for (const [dx, dy] of [[1, 0], [-0.5, 0.8], [-0.5, -0.8]]) {
      let parent = 1;
      for (let s = 1; s <= 8; s++) {
        lines.push(`${id} 3 ${dx * 5 * s} ${dy * 5 * s} ${s * 0.2} ${1.2 - s * 0.08} ${parent}`);
        parent = id++;
      }
    }
    writeFileSync(swc, lines.join('\n') + '\n');
    const m = await generateDataset(dir, { count: 2, seed: 1, preset: 'easy', dims: small, fromSwc: swc });
    expect(m.createdBy.options?.fromSwc).toBe('cell.swc');
    for (const e of m.images) {
      expect((e.source as SyntheticSource).morphology).toBe('swc');
      const gold = await readSwc(resolveImagePaths(dir, e).gold!);
      expect(gold.nodes.length).toBeGreaterThan(25); // resampled
      const root = gold.nodes.find((n) => n.parent === -1)!;
      expect(root.x).toBeCloseTo((small[0] - 1) / 2, 3);
      expect(e.snr).toBeGreaterThan(5);
    }
  });

  it('refuses bad options and existing datasets with one-line usage errors', async () => {
    const dir = scratch('bad');
    await expect(generateDataset(dir, { count: 0, seed: 1, preset: 'easy' })).rejects.toThrow('--count 0 must be an integer from 1 to 100000');
    await expect(generateDataset(dir, { count: 1, seed: 1, preset: 'easy', dims: [16, 96, 32] })).rejects.toThrow(/--dims 16x96x32 must be three integers/);
    await expect(generateDataset(dir, { count: 1, seed: 1, preset: 'wobbly' })).rejects.toThrow(/--preset 'wobbly': unknown word 'wobbly'/);
    await expect(generateDataset(dir, { count: 1, seed: 1, preset: 'easy-hard' })).rejects.toThrow(/names two difficulty levels/);
    await expect(generateDataset(dir, { count: 1, seed: -1, preset: 'easy' })).rejects.toThrow('--seed -1 must be a non-negative integer');
    await expect(generateDataset(dir, { count: 1, seed: 1, preset: 'easy', dims: small, fromSwc: join(dir, 'missing.swc') })).rejects.toThrow(/missing\.swc: cannot read SWC file: no such file/);
    await generateDataset(dir, { count: 1, seed: 1, preset: 'easy', dims: small });
    await expect(generateDataset(dir, { count: 1, seed: 1, preset: 'easy', dims: small })).rejects.toThrow(/dataset\.json already exists; choose an empty folder or pass --overwrite/);
    await expect(generateDataset(dir, { count: 1, seed: 2, preset: 'easy', dims: small, overwrite: true })).resolves.toBeDefined();
    // replacing a dataset removes the files only the old one listed
    await generateDataset(dir, { count: 2, seed: 2, preset: 'easy', dims: small, overwrite: true });
    await generateDataset(dir, { count: 1, seed: 2, preset: 'easy', dims: small, overwrite: true, format: 'v3draw' });
    expect([...snapshot(dir).keys()]).toEqual(['dataset.json', 'gold/syn-001.swc', 'gold/syn-001.um.swc', 'images/syn-001.v3draw', 'voxel_sizes.csv']);
  });
});

describe('generateDemoDataset', () => {
  it('makes a few small easy images and may be re-run in the same folder', async () => {
    const dir = scratch('demo');
    const m = await generateDemoDataset(dir);
    expect(m.createdBy.command).toBe('demo');
    expect(m.images.length).toBe(3);
    expect(m.images.map((e) => e.dims)).toEqual([[128, 128, 48], [128, 128, 48], [128, 128, 48]]);
    expect(m.images.map((e) => (e.source as SyntheticSource).morphology)).toEqual(['dendrite', 'axon', 'dendrite']);
    const again = await generateDemoDataset(dir, { count: 2, seed: 4 });
    expect(again.images.length).toBe(2);
    expect((await readDatasetManifest(dir)).images.length).toBe(2);
  });

  it('never replaces a dataset that is not a demo', async () => {
    const dir = scratch('demo-real');
    await generateDataset(dir, { count: 1, seed: 1, preset: 'easy', dims: small });
    await expect(generateDemoDataset(dir)).rejects.toThrow(/already exists/);
  });
});
