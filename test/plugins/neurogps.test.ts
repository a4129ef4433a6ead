import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../host/core/paths.js';
import { CancelledError } from '../../host/core/errors.js';
import type { Vec3, Volume } from '../../host/core/volume.js';
import type { SwcNode, Tree } from '../../host/morph/tree.js';
import { PluginRegistry } from '../../host/registry/registry.js';
import { resolveParams } from '../../host/registry/params.js';
import { loadTracer } from '../../host/runtime/load-tracer.js';
import type { TraceResult } from '../../host/runtime/tracer.js';

// ---- synthetic images (NeuroGPSTree.md, "How to test") ----

function volume(dims: Vec3, background: number): Volume {
  return { data: new Uint8Array(dims[0] * dims[1] * dims[2]).fill(background), dims, spacing: [1, 1, 1] };
}

/** Sets every voxel within r of the segment a-b to `value`. */
function tube(vol: Volume, a: Vec3, b: Vec3, r: number, value: number): void {
  const [, ny] = vol.dims;
  const nx = vol.dims[0];
  const d = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
  const len2 = d[0] ** 2 + d[1] ** 2 + d[2] ** 2;
  const lo = [0, 1, 2].map((k) => Math.max(0, Math.floor(Math.min(a[k], b[k]) - r)));
  const hi = [0, 1, 2].map((k) => Math.min(vol.dims[k] - 1, Math.ceil(Math.max(a[k], b[k]) + r)));
  for (let z = lo[2]; z <= hi[2]; z++)
    for (let y = lo[1]; y <= hi[1]; y++)
      for (let x = lo[0]; x <= hi[0]; x++) {
        const t = len2 > 0 ? Math.max(0, Math.min(1, ((x - a[0]) * d[0] + (y - a[1]) * d[1] + (z - a[2]) * d[2]) / len2)) : 0;
        const q = [a[0] + t * d[0] - x, a[1] + t * d[1] - y, a[2] + t * d[2] - z];
        if (q[0] ** 2 + q[1] ** 2 + q[2] ** 2 <= r * r) vol.data[(z * ny + y) * nx + x] = value;
      }
}

/** Deterministic low noise (|n| <= amp) added to every voxel. */
function addNoise(vol: Volume, amp: number, seed = 7): void {
  let s = seed >>> 0;
  for (let i = 0; i < vol.data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const n = Math.round(((s / 2 ** 32) * 2 - 1) * amp);
    vol.data[i] = Math.max(0, Math.min(255, vol.data[i] + n));
  }
}

// ---- running the plugin the way the host does ----

const registry = new PluginRegistry('0.1.0', [{ dir: join(packageRoot(), 'plugins'), source: 'builtin' }]);
const scratchRoot = mkdtempSync(join(tmpdir(), 'nt-gps-'));
afterAll(() => rmSync(scratchRoot, { recursive: true, force: true }));

async function trace(vol: Volume, overrides: Record<string, unknown> = {}, variant = 'NeuroGPSTree', signal?: AbortSignal,
  progress: (f: number, note?: string) => void = () => {}): Promise<TraceResult> {
  const ref = registry.getVariant(variant);
  const params = resolveParams(ref, overrides);
  const tracer = await loadTracer(ref.plugin);
  const scratchDir = mkdtempSync(join(scratchRoot, 'job-'));
  const result = await tracer.trace({ volume: vol, params, seeds: [], signal: signal ?? new AbortController().signal, progress, scratchDir });
  expect(readdirSync(scratchDir)).toEqual([]); // the tracer writes nothing, let alone outside its scratch folder
  return result;
}

// The plugin defaults: 1 x 1 x 2 µm voxels, no downsampling, the low-resolution rules.
const DEFAULTS = { xRes: 1, yRes: 1, zRes: 2, binaryThreshold: 6, traceValue: 0, enhanceValue: 0 };

// ---- tree measurements ----

function byId(t: Tree): Map<number, SwcNode> {
  return new Map(t.nodes.map((n) => [n.id, n]));
}
function roots(t: Tree): SwcNode[] {
  return t.nodes.filter((n) => n.parent === -1);
}
/** Nodes with three or more neighbours: the bifurcations, wherever the root sits. */
function branchNodes(t: Tree): SwcNode[] {
  const deg = new Map<number, number>();
  for (const n of t.nodes) {
    if (n.parent === -1) continue;
    deg.set(n.id, (deg.get(n.id) ?? 0) + 1);
    deg.set(n.parent, (deg.get(n.parent) ?? 0) + 1);
  }
  return t.nodes.filter((n) => (deg.get(n.id) ?? 0) >= 3);
}
function pathLength(t: Tree): number {
  const m = byId(t);
  let len = 0;
  for (const n of t.nodes) {
    const p = m.get(n.parent);
    if (p) len += Math.hypot(n.x - p.x, n.y - p.y, n.z - p.z);
  }
  return len;
}
const xs = (t: Tree) => t.nodes.map((n) => n.x);

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
    const vol = volume([200, 100, 40], 10);
    tube(vol, [20, 50, 20], [180, 50, 20], 3, 120);
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
    expect(pathLength(tree)).toBeGreaterThan(160 - 8);
    expect(pathLength(tree)).toBeLessThan(166 + 16);
    // Radii stay in internal voxels: the tube is 1.5 internal voxels wide in x and y, 3 in z.
    const median = [...tree.nodes.map((n) => n.radius)].sort((a, b) => a - b)[tree.nodes.length >> 1];
    expect(median).toBeGreaterThan(1);
    expect(median).toBeLessThan(4);
  });

  it('keeps following the tube through low noise', async () => {
    const vol = volume([200, 100, 40], 12);
    tube(vol, [20, 50, 20], [180, 50, 20], 3, 120);
    addNoise(vol, 6);
    const { tree } = await trace(vol);
    expect(roots(tree)).toHaveLength(1);
    expect(Math.min(...xs(tree))).toBeLessThan(30);
    expect(Math.max(...xs(tree))).toBeGreaterThan(170);
    for (const n of tree.nodes) expect(Math.abs(n.y - 50)).toBeLessThan(3);
  });

  it('writes only the tree of the brightest seed for two separate tubes (test 2, quirk N1), both when fixed', async () => {
    const vol = volume([200, 120, 40], 10);
    tube(vol, [20, 30, 20], [180, 30, 20], 3, 80);
    tube(vol, [20, 90, 20], [180, 90, 20], 3, 160);
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
    const vol = volume([200, 160, 40], 10);
    tube(vol, [20, 80, 20], [100, 80, 20], 3, 120);
    tube(vol, [100, 80, 20], [180, 30, 20], 3, 120);
    tube(vol, [100, 80, 20], [180, 130, 20], 3, 120);
    const { tree } = await trace(vol);
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
    const vol = volume([160, 160, 60], 10);
    tube(vol, [20, 20, 10], [140, 130, 50], 3, 120);
    const { tree } = await trace(vol);
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
    expect(pathLength(tree)).toBeGreaterThan(len - 10);
  });

  it('uses the low-resolution rules with the plugin defaults (one path, one bifurcation)', async () => {
    const line = volume([200, 100, 40], 10);
    tube(line, [20, 50, 20], [180, 50, 20], 1.5, 120);
    const a = await trace(line, DEFAULTS);
    expect(a.meta).toMatchObject({ scaleX: 1, scaleY: 1, scaleZ: 1, highResolution: 0 });
    expect(roots(a.tree)).toHaveLength(1);
    expect(branchNodes(a.tree)).toHaveLength(0);
    expect(Math.min(...xs(a.tree))).toBeLessThan(22);
    expect(Math.max(...xs(a.tree))).toBeGreaterThan(178);
    const y = volume([200, 160, 40], 10);
    tube(y, [20, 80, 20], [100, 80, 20], 1.5, 120);
    tube(y, [100, 80, 20], [180, 30, 20], 1.5, 120);
    tube(y, [100, 80, 20], [180, 130, 20], 1.5, 120);
    const b = await trace(y, DEFAULTS);
    const br = branchNodes(b.tree);
    expect(br).toHaveLength(1);
    expect(Math.hypot(br[0].x - 100, br[0].y - 80)).toBeLessThan(8);
  });

  it('returns an empty reconstruction for an image without signal, and is deterministic', async () => {
    const empty = await trace(volume([64, 64, 16], 20));
    expect(empty.tree.nodes).toHaveLength(0);
    const vol = volume([120, 80, 30], 10);
    tube(vol, [10, 40, 15], [110, 40, 15], 3, 150);
    addNoise(vol, 5, 3);
    const r1 = await trace(vol);
    const r2 = await trace(vol);
    expect(r2.tree.nodes).toEqual(r1.tree.nodes);
  });

  it('refuses an image smaller than its downsampling factors with a clear message', async () => {
    await expect(trace(volume([1, 1, 1], 10))).rejects.toThrow(/neuroGpsTree: the 1x1x1 image is smaller than its downsampling factors 2x2x1/);
  });

  it('reports progress and rejects promptly with CancelledError when aborted', async () => {
    const vol = volume([200, 100, 40], 10);
    tube(vol, [20, 50, 20], [180, 50, 20], 3, 120);
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
