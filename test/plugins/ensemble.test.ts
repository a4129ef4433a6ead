/**
 * EnsembleNeuronTracerBasic / V2n / V2s (EnsembleNeuronTracer.md and the variant cards, "How to
 * test"): the transliterated dilation (EN1), the contrast stretch (EN5), the masks, tube traces,
 * the Y-ignoring 256 rule (EN2) and the shared root (EN3).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hostVersion, packageRoot } from '../../host/core/paths.js';
import type { Vec3 } from '../../host/core/volume.js';
import { checkManifest } from '../../host/registry/manifest-validator.js';
import { traceBuiltin } from '../helpers/builtin-tracers.js';
import { canvas, cleanTube, drawTube, paintTube, tubeVolume, voxelIndex } from '../helpers/synthetic-volumes.js';
import { cableLength, roots } from '../helpers/tree-measures.js';
import { expectValidForest, hooks } from './ent-helpers.js';

const manifest = JSON.parse(readFileSync(join(packageRoot(), 'plugins', 'EnsembleNeuronTracer', 'plugin.json'), 'utf8')) as {
  variants: { id: string; params: Record<string, unknown>; benchCommand?: string }[];
};
const h = hooks();
type Images = { out: Uint8Array; lo?: number; hi?: number; scale?: number };
const images = (op: string, data: Uint8Array, dims: Vec3, extra?: unknown) => h._testEnsembleImages(op, data, dims, extra) as Images;
const on = (img: Uint8Array) => [...img.keys()].filter((i) => img[i] === 255);

describe('EnsembleNeuronTracer manifest', () => {
  it('validates, with one preset per BigNeuron label differing only in the mask', () => {
    expect(checkManifest(manifest, hostVersion())).toEqual(expect.objectContaining({ ok: true }));
    const byId = Object.fromEntries(manifest.variants.map((v) => [v.id, v]));
    expect(Object.keys(byId)).toEqual(['EnsembleNeuronTracerBasic', 'EnsembleNeuronTracerV2n', 'EnsembleNeuronTracerV2s']);
    const shared = { contrastPercent: 50, niblackK: 0.2, sauvolaK: 0.5, sauvolaR: 128, combineDistance: 2, thirdImage: 'mask' };
    expect(byId.EnsembleNeuronTracerBasic.params).toEqual({ ...shared, binarization: 'nonzero', contrastStretch: false });
    expect(byId.EnsembleNeuronTracerV2n.params).toEqual({ ...shared, binarization: 'niblack', contrastStretch: true });
    expect(byId.EnsembleNeuronTracerV2s.params).toEqual({ ...shared, binarization: 'sauvola', contrastStretch: true });
    for (const v of manifest.variants) expect(v.benchCommand).toBe(`vaa3d -x ${v.id} -f tracing_func -i <img>`);
  });
});

describe('EnsembleNeuronTracer image steps', () => {
  it('dilates a single voxel into itself and its (-1,-1,-1) and (+1,-1,-1) neighbours (quirk EN1)', () => {
    const dims: Vec3 = [11, 11, 11];
    const m = new Uint8Array(11 ** 3);
    m[voxelIndex(dims, 5, 5, 5)] = 255;
    expect(on(images('dilate', m, dims).out)).toEqual([voxelIndex(dims, 4, 4, 4), voxelIndex(dims, 6, 4, 4), voxelIndex(dims, 5, 5, 5)]);
    // linear offsets wrap: from x = 0 the (-1, -1, -1) write lands at the end of the row above
    m.fill(0);
    m[voxelIndex(dims, 0, 5, 5)] = 255;
    expect(on(images('dilate', m, dims).out)).toEqual([voxelIndex(dims, 1, 4, 4), voxelIndex(dims, 10, 3, 4), voxelIndex(dims, 0, 5, 5)].sort((a, b) => a - b));
    // nothing is written when the farthest backward offset would be negative
    m.fill(0);
    m[voxelIndex(dims, 5, 0, 1)] = 255;
    expect(on(images('dilate', m, dims).out)).toEqual([voxelIndex(dims, 5, 0, 1)]);
  });

  it('runs the unreachable closing as the card reads it when asked', () => {
    const dims: Vec3 = [7, 7, 7];
    const d = new Uint8Array(343).fill(255);
    const out = images('closing', new Uint8Array(343), dims, d).out;
    expect(out[voxelIndex(dims, 3, 3, 3)]).toBe(255);  // all eight offsets inside and 255
    expect(out[voxelIndex(dims, 0, 0, 0)]).toBe(0);  // a backward offset is negative: left as it was
    expect(out[voxelIndex(dims, 6, 6, 6)]).toBe(0);  // forward offsets past the end count as background
    const m = new Uint8Array(343);
    m[voxelIndex(dims, 3, 3, 3)] = 255;
    const single = images('closing', m, dims, images('dilate', m, dims).out).out;
    expect(on(single)).toEqual([voxelIndex(dims, 3, 3, 3)]);  // a lone voxel's added neighbours are not closed
  });

  it('stretches from the median to one below the maximum (Contrast(W, 50))', () => {
    const img = new Uint8Array(1000);
    img.fill(100, 600, 900);
    img.fill(201, 900);
    const r = images('stretch', img, [1000, 1, 1], 50);
    expect([r.lo, r.hi]).toEqual([0, 200]);  // cdf(0) = 600 > 500; cdf(200) = 900 is the last below 1000
    expect(r.scale).toBeCloseTo(1.275, 6);
    expect([r.out[0], r.out[600], r.out[999]]).toEqual([0, 127, 255]);
    // a background over half the image becomes 0
    const bg = new Uint8Array(1000).fill(40);
    bg.fill(200, 700);
    const s = images('stretch', bg, [1000, 1, 1], 50);
    expect([s.lo, s.hi, s.out[0], s.out[999]]).toEqual([40, 199, 0, 255]);
    // hi <= lo (the original divides by zero): scale 255, so only values above lo survive
    const flat = images('stretch', new Uint8Array(100).fill(7), [100, 1, 1], 50);
    expect(flat.scale).toBe(255);
    expect(flat.out.every((v) => v === 0)).toBe(true);
  });
});

describe('EnsembleNeuronTracer tracing', () => {
  it('Basic traces a tube on 0 as one path; the dilated trace adds only what lies over 2 voxels away', async () => {
    const tube = cleanTube();
    const { tree, meta } = await traceBuiltin('EnsembleNeuronTracerBasic', tube);
    expect(meta!.maskVoxels).toBe(tube.data.filter((v) => v > 0).length);
    expect(meta!.trace1Nodes).toBeGreaterThan(45);
    expect(tree.nodes.length).toBe((meta!.trace1Nodes as number) + (meta!.appendedFromTrace2 as number) + (meta!.appendedFromTrace3 as number));
    expect(meta!.appendedFromTrace3).toBe(0);  // the third run traces the mask again, from the same root
    expectValidForest(tree);
    expect(roots(tree).length).toBeLessThanOrEqual(1 + (meta!.orphansKeptAsRoots as number));
    // the first trace comes first, unchanged; everything stays inside the tube
    const first = tree.nodes.slice(0, meta!.trace1Nodes as number);
    expect(cableLength({ nodes: first, comments: [] })).toBeGreaterThanOrEqual(48);
    for (const n of tree.nodes) {
      expect(Math.hypot(n.y - 16, n.z - 16)).toBeLessThanOrEqual(2.5);
      expect(n.radius).toBeGreaterThanOrEqual(1);  // from the grey image: 200 > 40 inside the tube
      expect(n.radius).toBeLessThanOrEqual(4);
    }
    // appended nodes are more than 2 voxels from every node of the first trace
    for (const n of tree.nodes.slice(first.length)) {
      expect(Math.min(...first.map((m) => Math.hypot(n.x - m.x, n.y - m.y, n.z - m.z)))).toBeGreaterThan(2);
    }
  });

  it('Basic counts every non-zero voxel as foreground: a background of 5 is traced all over', async () => {
    const { tree, meta } = await traceBuiltin('EnsembleNeuronTracerBasic', tubeVolume([24, 24, 24], [3, 12, 12], [20, 12, 12], 2, 200, 5));
    expect(meta!.maskVoxels).toBe(24 ** 3);
    for (const k of ['x', 'y', 'z'] as const) {
      const v = tree.nodes.map((n) => n[k]);
      expect(Math.max(...v) - Math.min(...v)).toBeGreaterThanOrEqual(20);
    }
    const tube = await traceBuiltin('EnsembleNeuronTracerBasic', tubeVolume([24, 24, 24], [3, 12, 12], [20, 12, 12], 2, 200));
    for (const n of tube.tree.nodes) expect(Math.hypot(n.y - 12, n.z - 12)).toBeLessThanOrEqual(2);
  });

  it('V2n and V2s stretch, then threshold: Sauvola keeps more of a tube\'s dim wall than Niblack', async () => {
    const c = canvas([64, 32, 32], 'uint8', 40);
    drawTube(c, [6, 16, 16], [58, 16, 16], 3, 200, 60);
    const n = await traceBuiltin('EnsembleNeuronTracerV2n', c);
    const s = await traceBuiltin('EnsembleNeuronTracerV2s', c);
    for (const r of [n, s]) {
      expect(r.meta).toMatchObject({ stretchLow: 40, stretchHigh: 199 });  // the background is the median
      expect(cableLength(r.tree)).toBeGreaterThan(45);
      for (const nd of r.tree.nodes) expect(Math.hypot(nd.y - 16, nd.z - 16)).toBeLessThanOrEqual(3);
    }
    expect(s.meta!.maskThreshold as number).toBeLessThan(n.meta!.maskThreshold as number);
    expect(s.meta!.maskVoxels as number).toBeGreaterThan(n.meta!.maskVoxels as number);
    // a tube of one value: after the stretch every non-zero voxel is 255, so Niblack's threshold is
    // 255 and the mask is empty (faithful: nothing is above the mean), while Sauvola keeps it
    const flat = cleanTube();
    const fn = await traceBuiltin('EnsembleNeuronTracerV2n', flat);
    expect(fn.meta).toMatchObject({ maskThreshold: 255, maskVoxels: 0 });
    expect(fn.tree.nodes).toHaveLength(0);
    const fs = await traceBuiltin('EnsembleNeuronTracerV2s', flat);
    expect(fs.meta!.maskVoxels).toBe(flat.data.filter((v) => v > 0).length);
  });

  it('skips downsampling when only Y exceeds 256 (quirk EN2)', async () => {
    const t = await traceBuiltin('EnsembleNeuronTracerBasic', tubeVolume([32, 300, 8], [16, 10, 4], [16, 290, 4], 2, 200));
    expect(t.meta).toMatchObject({ downsampleXY: 1, downsampleZ: 1 });
    expect(Math.max(...t.tree.nodes.map((n) => n.y))).toBeGreaterThan(280);
    const w = await traceBuiltin('EnsembleNeuronTracerBasic', tubeVolume([300, 32, 8], [10, 16, 4], [290, 16, 4], 2, 200));
    expect(w.meta!.downsampleXY).toBeCloseTo(300 / 256, 12);
    expect(w.meta!.downsampleZ).toBe(1);
  });

  it('keeps the first runs\' root when a later run\'s own peak is not higher (quirk EN3)', async () => {
    // B runs along x (radius 3.4): the mask's distance-transform peak. A runs along y (radius 3):
    // the dilation widens it in x on both sides, so the dilated image's peak is on A
    const image = tubeVolume([72, 72, 24], [8, 56, 12], [64, 56, 12], 3.4, 200);
    paintTube(image, [20, 6, 12], [20, 44, 12], 3, 200);
    const { meta } = await traceBuiltin('EnsembleNeuronTracerBasic', image);
    expect(meta!.root1Y).toBeGreaterThan(50);  // on B
    expect(meta!.root2Moved).toBe(1);
    expect(meta!.root2Y).toBeLessThan(48);  // on A
    expect(meta!.root3Moved).toBe(0);  // the mask again: its peak equals run 1's, not above run 2's
    expect([meta!.root3X, meta!.root3Y, meta!.root3Z]).toEqual([meta!.root2X, meta!.root2Y, meta!.root2Z]);
  });

  it('traces with the card\'s closing as the third image and returns a valid forest', async () => {
    const c = canvas([64, 32, 32]);
    drawTube(c, [6, 16, 16], [58, 16, 16], 3, 200, 60);
    const { tree, meta } = await traceBuiltin('EnsembleNeuronTracerBasic', c, { overrides: { thirdImage: 'closing' } });
    expectValidForest(tree);
    expect(meta!.trace3Nodes).toBeGreaterThan(0);
    expect(cableLength(tree)).toBeGreaterThan(45);
  });
});
