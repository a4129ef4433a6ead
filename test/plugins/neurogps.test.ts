import { describe, expect, it } from 'vitest';
import { CancelledError } from '../../host/core/errors.js';
import type { Volume } from '../../host/core/volume.js';
import type { Tree } from '../../host/morph/tree.js';
import { resolveParams } from '../../host/registry/params.js';
import { registry, traceBuiltin } from '../helpers/builtin-tracers.js';
import { addNoise, blankVolume, paintTube, tubeVolume, yVolume, type YShape } from '../helpers/synthetic-volumes.js';
import { branchNodes, cableLength, roots } from '../helpers/tree-measures.js';

const trace = (vol: Volume, overrides: Record<string, unknown> = {}, variant = 'NeuroGPSTree', signal?: AbortSignal,
  progress?: (f: number, note?: string) => void) => traceBuiltin(variant, vol, { overrides, signal, progress });

// The plugin defaults: 1 x 1 x 2 µm voxels, no downsampling, the low-resolution rules.
const DEFAULTS = { xRes: 1, yRes: 1, zRes: 2, binaryThreshold: 6, traceValue: 0, enhanceValue: 0 };

const xs = (t: Tree) => t.nodes.map((n) => n.x);

/** A stem along x into the junction at (100, 80, 20), arms to the upper and lower right. */
const Y: YShape = { stem: [20, 80, 20], junction: [100, 80, 20], arms: [[180, 30, 20], [180, 130, 20]] };

describe('NeuroGPSTree plugin', () => {
  it('offers the BigNeuron updated run and a quirk-fixed variant', () => {
    const bench = resolveParams(registry.getVariant('NeuroGPSTree'), {});
    expect(bench).toMatchObject({ xRes: 0.5, yRes: 0.5, zRes: 1, binaryThreshold: 15, traceValue: 10, enhanceValue: 150, firstTreeOnly: true, zSliceQuirk: true, crossMergeFlagQuirk: true });
    expect(registry.getVariant('NeuroGPSTree').preset.benchCommand).toBe('vaa3d -x NeuroGPSTree -f tracing_func -i <img> -p 0.5 0.5 1 15 10 150');
    const fixed = resolveParams(registry.getVariant('NeuroGPSTree-fixed'), {});
    expect(fixed).toMatchObject({ xRes: 0.5, binaryThreshold: 15, firstTreeOnly: false, zSliceQuirk: false, crossMergeFlagQuirk: false });
    expect(() => resolveParams(registry.getVariant('NeuroGPSTree'), { xRes: 0 })).toThrow(/xRes/);
    expect(() => resolveParams(registry.getVariant('NeuroGPSTree'), { somaFile: 'x.swc' })).toThrow(/somaFile/);
  });

  it('traces a straight tube as one path along its axis (test 1)', async () => {
    const vol = tubeVolume([200, 100, 40], [20, 50, 20], [180, 50, 20], 3, 120, 10);
    const { tree, meta } = await trace(vol);
    expect(meta).toMatchObject({ scaleX: 2, scaleY: 2, scaleZ: 1, highResolution: 1, writtenTrees: 1 });
    expect(roots(tree)).toHaveLength(1);
    expect(branchNodes(tree)).toHaveLength(0);
    expect(tree.nodes.every((n) => n.type === 0)).toBe(true);
    // Internal coordinates x 2: the tube's voxels 17..183 along x, axis y = 50, z = 20.
    expect(Math.min(...xs(tree))).toBeLessThan(24);
    expect(Math.max(...xs(tree))).toBeGreaterThan(176);
    expect(Math.min(...xs(tree))).toBeGreaterThan(17 - 8);
    expect(Math.max(...xs(tree))).toBeLessThan(183 + 8);
    for (const n of tree.nodes) {
      expect(Math.abs(n.y - 50)).toBeLessThan(2.5);
      expect(Math.abs(n.z - 20)).toBeLessThan(3.5);
    }
    expect(cableLength(tree)).toBeGreaterThan(160 - 8);
    expect(cableLength(tree)).toBeLessThan(166 + 16);
    // Radii stay in internal voxels: the tube is 1.5 internal voxels wide in x and y, 3 in z.
    const median = [...tree.nodes.map((n) => n.radius)].sort((a, b) => a - b)[tree.nodes.length >> 1];
    expect(median).toBeGreaterThan(1);
    expect(median).toBeLessThan(4);
  });

  it('keeps following the tube through low noise', async () => {
    const vol = tubeVolume([200, 100, 40], [20, 50, 20], [180, 50, 20], 3, 120, 12);
    addNoise(vol, 6);
    const { tree } = await trace(vol);
    expect(roots(tree)).toHaveLength(1);
    expect(Math.min(...xs(tree))).toBeLessThan(30);
    expect(Math.max(...xs(tree))).toBeGreaterThan(170);
    for (const n of tree.nodes) expect(Math.abs(n.y - 50)).toBeLessThan(3);
  });

  it('writes only the tree of the brightest seed for two separate tubes (test 2, quirk N1), both when fixed', async () => {
    const vol = tubeVolume([200, 120, 40], [20, 30, 20], [180, 30, 20], 3, 80, 10);
    paintTube(vol, [20, 90, 20], [180, 90, 20], 3, 160);
    // Without enhancement the two tubes keep their brightness (8-bit 80 and 160).
    const { tree, meta } = await trace(vol, { enhanceValue: 255 });
    expect(meta).toMatchObject({ trees: 2, writtenTrees: 1 });
    expect(roots(tree)).toHaveLength(1);
    for (const n of tree.nodes) expect(Math.abs(n.y - 90)).toBeLessThan(3);
    const all = await trace(vol, { enhanceValue: 255 }, 'NeuroGPSTree-fixed');
    expect(roots(all.tree)).toHaveLength(2);
    expect(all.tree.nodes.some((n) => Math.abs(n.y - 30) < 3)).toBe(true);
    expect(all.tree.nodes.some((n) => Math.abs(n.y - 90) < 3)).toBe(true);
  });

  it('joins the branches of a Y with exactly one bifurcation near the junction', async () => {
    const { tree } = await trace(yVolume([200, 160, 40], Y, 3, 120, 10));
    expect(roots(tree)).toHaveLength(1);
    const br = branchNodes(tree);
    expect(br).toHaveLength(1);
    expect(Math.hypot(br[0].x - 100, br[0].y - 80, br[0].z - 20)).toBeLessThan(10);
    // All three arms are reached.
    expect(tree.nodes.some((n) => n.x < 30 && Math.abs(n.y - 80) < 3)).toBe(true);
    expect(tree.nodes.some((n) => n.x > 170 && n.y < 45)).toBe(true);
    expect(tree.nodes.some((n) => n.x > 170 && n.y > 115)).toBe(true);
  });

  it('follows an oblique 3-D tube', async () => {
    const { tree } = await trace(tubeVolume([160, 160, 60], [20, 20, 10], [140, 130, 50], 3, 120, 10));
    expect(roots(tree)).toHaveLength(1);
    expect(branchNodes(tree)).toHaveLength(0);
    const d = [120, 110, 40];
    const len = Math.hypot(...d);
    for (const n of tree.nodes) {
      // Distance from the axis segment: tight along the tube, looser in the rounded end caps.
      const v = [n.x - 20, n.y - 20, n.z - 10];
      const t = (v[0] * d[0] + v[1] * d[1] + v[2] * d[2]) / (len * len);
      const c = Math.max(0, Math.min(1, t));
      const off = Math.hypot(v[0] - c * d[0], v[1] - c * d[1], v[2] - c * d[2]);
      expect(off).toBeLessThan(t > 0.05 && t < 0.95 ? 1.5 : 10); // the end test lets a tip run ~2 internal steps past the cap
    }
    expect(cableLength(tree)).toBeGreaterThan(len - 10);
  });

  it('uses the low-resolution rules with the plugin defaults (one path, one bifurcation)', async () => {
    const line = tubeVolume([200, 100, 40], [20, 50, 20], [180, 50, 20], 1.5, 120, 10);
    const a = await trace(line, DEFAULTS);
    expect(a.meta).toMatchObject({ scaleX: 1, scaleY: 1, scaleZ: 1, highResolution: 0 });
    expect(roots(a.tree)).toHaveLength(1);
    expect(branchNodes(a.tree)).toHaveLength(0);
    expect(Math.min(...xs(a.tree))).toBeLessThan(22);
    expect(Math.max(...xs(a.tree))).toBeGreaterThan(178);
    const y = yVolume([200, 160, 40], Y, 1.5, 120, 10);
    const b = await trace(y, DEFAULTS);
    const br = branchNodes(b.tree);
    expect(br).toHaveLength(1);
    expect(Math.hypot(br[0].x - 100, br[0].y - 80)).toBeLessThan(8);
  });

  it('returns an empty reconstruction for an image without signal, and is deterministic', async () => {
    const empty = await trace(blankVolume([64, 64, 16], 20));
    expect(empty.tree.nodes).toHaveLength(0);
    const vol = tubeVolume([120, 80, 30], [10, 40, 15], [110, 40, 15], 3, 150, 10);
    addNoise(vol, 5, 3);
    const r1 = await trace(vol);
    const r2 = await trace(vol);
    expect(r2.tree.nodes).toEqual(r1.tree.nodes);
  });

  it('refuses an image smaller than its downsampling factors with a clear message', async () => {
    await expect(trace(blankVolume([1, 1, 1], 10))).rejects.toThrow(/neuroGpsTree: the 1x1x1 image is smaller than its downsampling factors 2x2x1/);
  });

  it('reports progress and rejects promptly with CancelledError when aborted', async () => {
    const vol = tubeVolume([200, 100, 40], [20, 50, 20], [180, 50, 20], 3, 120, 10);
    const ac = new AbortController();
    const notes: string[] = [];
    const run = trace(vol, {}, 'NeuroGPSTree', ac.signal, (_f, note) => {
      notes.push(note ?? '');
      if (note === 'seed selection') ac.abort();
    });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(notes).toContain('local binarisation');
  });
});
