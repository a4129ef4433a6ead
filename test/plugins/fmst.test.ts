import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CancelledError } from '../../host/core/errors.js';
import { packageRoot } from '../../host/core/paths.js';
import type { Vec3, Volume } from '../../host/core/volume.js';
import type { SwcNode, Tree } from '../../host/morph/tree.js';
import { resolveParams } from '../../host/registry/params.js';
import { loadAddon } from '../../host/runtime/native-addon.js';
import { loadTracer } from '../../host/runtime/load-tracer.js';
import { registry, traceBuiltin } from '../helpers/builtin-tracers.js';
import { tempDir } from '../helpers/plugin-fixtures.js';
import { blankVolume, paintTube, tubeVolume } from '../helpers/synthetic-volumes.js';
import { byId, cableLength, roots } from '../helpers/tree-measures.js';

const trace = (v: Volume, variant = 'fastmarching_spanningtree', overrides: Record<string, unknown> = {}, signal?: AbortSignal) =>
  traceBuiltin(variant, v, { overrides, signal, allowScratchFiles: true });

function childCount(t: Tree): Map<number, number> {
  const m = new Map<number, number>(t.nodes.map((n) => [n.id, 0]));
  for (const n of t.nodes) if (n.parent !== -1) m.set(n.parent, (m.get(n.parent) ?? 0) + 1);
  return m;
}
function expectWellFormed(t: Tree): void {
  expect(roots(t)).toHaveLength(1);
  t.nodes.forEach((n, i) => {
    expect(n.id).toBe(i + 1);
    expect(n.parent).toBeLessThan(n.id); // parents precede children
  });
}

const straightTube = (value = 200): Volume => tubeVolume([64, 32, 32], [5, 16, 16], [58, 16, 16], 3, value);

describe('fastmarching_spanningtree manifest', () => {
  it('is a valid built-in plugin carrying the bench preset', () => {
    expect(registry.problems).toEqual([]);
    const ref = registry.getVariant('fastmarching_spanningtree');
    expect(ref.plugin.manifest.runtime).toEqual({ kind: 'native', addon: 'neurotrace_native', export: 'fastmarchingSpanningTree' });
    expect(resolveParams(ref)).toEqual({ threshold: 30, coverRate: 1, edgeWeight: 'chebyshev' });
    expect(ref.preset.benchCommand).toContain('-x fastmarching_spanningtree -f tracing_func');
    expect(resolveParams(registry.getVariant('fastmarching_spanningtree-geodesic')).edgeWeight).toBe('geodesic');
    expect(() => resolveParams(ref, { edgeWeight: 'fast' })).toThrow(/edgeWeight/);
    expect(() => resolveParams(ref, { threshold: 300 })).toThrow(/threshold/);
  });
});

describe('fastmarching_spanningtree tracing', () => {
  it('traces a straight tube as one path along its axis', async () => {
    const { tree, meta, scratchDir } = await trace(straightTube());
    expectWellFormed(tree);
    expect(meta).toMatchObject({ foregroundVoxels: 1660, trees: 1 });
    expect(Math.max(...childCount(tree).values())).toBe(1);
    for (const n of tree.nodes) {
      expect(Math.abs(n.y - 16)).toBeLessThanOrEqual(1);
      expect(Math.abs(n.z - 16)).toBeLessThanOrEqual(1);
      expect(n.x).toBeGreaterThanOrEqual(2);
      expect(n.x).toBeLessThanOrEqual(61);
    }
    // The tube spans x = 5..58 (caps to 2..61). Ball thinning spaces the nodes about 2r apart
    // and the short-segment rule trims a well-covered tip, so the path covers most of it.
    expect(cableLength(tree)).toBeGreaterThanOrEqual(42);
    expect(cableLength(tree)).toBeLessThanOrEqual(59);
    // Radius column = in-slice chessboard radius - 0.5: the axis of an r = 3 tube is 4 voxels
    // from the first background voxel of its slice, so 3.5; off-axis slices give 2.5.
    expect(Math.max(...tree.nodes.map((n) => n.radius))).toBe(3.5);
    for (const n of tree.nodes) expect([1.5, 2.5, 3.5]).toContain(n.radius);
    // The widest node comes first in key order, at the tube's start: the root is an end point,
    // the case where the original's segment pruning walked off the root (F3) - no crash here.
    expect(childCount(tree).get(roots(tree)[0].id)).toBe(1);
    // Nothing is written, not even into the scratch folder.
    expect(readdirSync(scratchDir)).toEqual([]);
  });

  it('uses a strict foreground threshold (> 30)', async () => {
    expect((await trace(straightTube(30))).tree.nodes).toEqual([]);
    const at31 = await trace(straightTube(31));
    expect(at31.tree.nodes.length).toBeGreaterThan(3);
    // A lower threshold makes value-30 voxels foreground again.
    expect((await trace(straightTube(30), 'fastmarching_spanningtree', { threshold: 29 })).tree.nodes.length).toBeGreaterThan(3);
  });

  it('finds one bifurcation near the junction of a Y, typed longest path first', async () => {
    const v = blankVolume([96, 96, 24]);
    paintTube(v, [10, 48, 12], [50, 48, 12], 3, 200);
    paintTube(v, [50, 48, 12], [85, 20, 12], 2, 200);
    paintTube(v, [50, 48, 12], [86, 88, 12], 2, 200);
    const { tree } = await trace(v);
    expectWellFormed(tree);
    const counts = childCount(tree);
    const branches = tree.nodes.filter((n) => counts.get(n.id)! >= 2);
    expect(branches).toHaveLength(1);
    expect(Math.hypot(branches[0].x - 50, branches[0].y - 48, branches[0].z - 12)).toBeLessThanOrEqual(4);
    const ids = byId(tree);
    // Types are segment counters: the longest root-to-leaf path is type 2, the other arm 3.
    expect(new Set(tree.nodes.map((n) => n.type))).toEqual(new Set([2, 3]));
    const arm = (n: SwcNode) => (n.x <= 50 ? 'trunk' : n.y < 48 ? 'up' : 'down');
    const armType = new Map<string, Set<number>>();
    for (const n of tree.nodes) armType.set(arm(n), (armType.get(arm(n)) ?? new Set()).add(n.type));
    expect(armType.get('trunk')).toEqual(new Set([2]));
    expect([...armType.get('up')!, ...armType.get('down')!].sort()).toEqual([2, 3]);
    // The clearly longer arm (down, to y = 88) is the type-2 one.
    expect(armType.get('down')).toEqual(new Set([2]));
    // Every leaf reaches its arm's end region.
    const leaves = tree.nodes.filter((n) => counts.get(n.id) === 0);
    expect(leaves).toHaveLength(2);
    for (const l of leaves) expect(l.x).toBeGreaterThan(75);
    // The type-3 arm is smoothed (off-grid coordinates); the type-2 path keeps voxel positions.
    expect(tree.nodes.filter((n) => n.type === 3).some((n) => !Number.isInteger(n.x) || !Number.isInteger(n.y))).toBe(true);
    for (const n of tree.nodes.filter((n) => n.type === 2)) expect(Number.isInteger(n.x) && Number.isInteger(n.y) && Number.isInteger(n.z)).toBe(true);
    expect(ids.size).toBe(tree.nodes.length);
  });

  it('joins two collinear fragments across a 6-voxel gap through the tree of trees', async () => {
    const v = blankVolume([80, 32, 32]);
    paintTube(v, [5, 16, 16], [34, 16, 16], 2, 200);
    paintTube(v, [43, 16, 16], [72, 16, 16], 2, 200); // caps end at x = 36 and start at x = 41
    const { tree, meta } = await trace(v);
    expect(meta?.trees).toBe(2);
    expectWellFormed(tree);
    const ids = byId(tree);
    const bridges = tree.nodes.filter((n) => {
      if (n.parent === -1) return false;
      const p = ids.get(n.parent)!;
      return Math.min(n.x, p.x) <= 36 && Math.max(n.x, p.x) >= 41;
    });
    expect(bridges).toHaveLength(1);
    const p = ids.get(bridges[0].parent)!;
    expect(Math.abs(bridges[0].y - p.y)).toBeLessThanOrEqual(1);
    expect(Math.abs(bridges[0].z - p.z)).toBeLessThanOrEqual(1);
    expect(tree.nodes.some((n) => n.x < 20) && tree.nodes.some((n) => n.x > 60)).toBe(true);
  });

  it('removes a tiny far-away speck', async () => {
    const v = blankVolume([80, 32, 32]);
    paintTube(v, [5, 16, 16], [60, 16, 16], 2, 200);
    v.data[(5 * 32 + 5) * 80 + 75] = 200;
    const { tree, meta } = await trace(v);
    expectWellFormed(tree);
    expect(meta?.foregroundVoxels).toBe(v.data.filter((x) => x > 30).length); // the speck was a node
    expect(tree.nodes.length).toBeGreaterThan(3);
    for (const n of tree.nodes) expect(Math.hypot(n.x - 75, n.y - 5, n.z - 5)).toBeGreaterThan(10);
  });

  it('returns an empty tree for an empty image', async () => {
    const { tree, meta } = await trace(blankVolume([16, 16, 8]));
    expect(tree.nodes).toEqual([]);
    expect(meta).toMatchObject({ foregroundVoxels: 0, graphNodes: 0 });
  });

  it('is deterministic', async () => {
    const v = blankVolume([64, 64, 24]);
    paintTube(v, [8, 32, 12], [56, 32, 12], 3, 180);
    paintTube(v, [32, 32, 12], [40, 60, 14], 2, 220);
    const a = await trace(v);
    const b = await trace(v);
    expect(b.tree).toEqual(a.tree);
  });

  it('traces with the geodesic link weights too', async () => {
    const { tree } = await trace(straightTube(), 'fastmarching_spanningtree-geodesic');
    expectWellFormed(tree);
    for (const n of tree.nodes) expect(Math.abs(n.y - 16)).toBeLessThanOrEqual(1);
    expect(cableLength(tree)).toBeGreaterThanOrEqual(42);
  });

  it('stops when cancelled while running', async () => {
    // Dense random foreground keeps the core busy (seconds) well past its first checkpoint.
    const v = blankVolume([96, 96, 96]);
    let s = 1;
    for (let i = 0; i < v.data.length; i++) { s = (Math.imul(s, 1103515245) + 12345) >>> 0; v.data[i] = s >>> 24; }
    const ref = registry.getVariant('fastmarching_spanningtree');
    const tracer = await loadTracer(ref.plugin);
    const ac = new AbortController();
    const notes: string[] = [];
    const run = tracer.trace({
      volume: v, params: resolveParams(ref), seeds: [], signal: ac.signal, scratchDir: tempDir('nt-fmst-'),
      progress: (_f, note) => { notes.push(note ?? ''); ac.abort(); }, // abort once the core reports
    });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(notes[0]).toBe('foreground nodes');
    expect(notes).not.toContain('tree ready');
  });
});

describe('fastmarching_spanningtree against the literal reference', () => {
  // test/fixtures/fmst/reference.py follows the card step by step with explicit link sets and
  // an emulation of APP2's heap; its outputs on these random tube-and-speck volumes (several
  // component trees, dropped fragments, a non-bench threshold and coverRate) are the expected rows.
  type Case = { name: string; dims: Vec3; params: Record<string, unknown>; voxels: [number, number][]; expected: number[][] };
  const { cases } = JSON.parse(readFileSync(join(packageRoot(), 'test', 'fixtures', 'fmst', 'cases.json'), 'utf8')) as { cases: Case[] };

  it.each(cases.map((c) => [c.name, c] as const))('%s matches node for node', async (_name, c) => {
    const v = blankVolume(c.dims);
    for (const [i, value] of c.voxels) v.data[i] = value;
    const { tree } = await trace(v, 'fastmarching_spanningtree', c.params);
    expect(c.expected.length).toBeGreaterThan(0);
    const got = tree.nodes.map((n) => [n.x, n.y, n.z, n.radius, n.type, n.parent === -1 ? -1 : n.parent - 1]);
    expect(got.length).toBe(c.expected.length);
    got.forEach((row, i) => row.forEach((value, k) => expect(value).toBeCloseTo(c.expected[i][k], 9)));
  });
});

describe('fastmarching_spanningtree node graph (steps 1-7)', () => {
  type Graph = { x: Int32Array; y: Int32Array; z: Int32Array; radius: Int32Array; cover: Float64Array; a: Int32Array; b: Int32Array; w: Float64Array };
  const fmstGraph = loadAddon('neurotrace_native').fmstGraph as (v: { data: Uint8Array; dims: number[] }, p: Record<string, unknown>) => Graph;

  function yGraph(): Volume {
    const v = blankVolume([64, 64, 16]);
    paintTube(v, [4, 32, 8], [32, 32, 8], 3, 200);
    paintTube(v, [32, 32, 8], [60, 8, 8], 2, 200);
    paintTube(v, [32, 32, 8], [60, 56, 8], 2, 200);
    return v;
  }

  it('weights every link 1024 x Chebyshev distance in the bench mode (quirk F1)', () => {
    const g = fmstGraph(yGraph() as { data: Uint8Array; dims: number[] }, { threshold: 30, coverRate: 1, edgeWeight: 'chebyshev' });
    expect(g.a.length).toBeGreaterThan(10);
    let longer = 0;
    for (let e = 0; e < g.a.length; e++) {
      const [a, b] = [g.a[e], g.b[e]];
      const cheb = Math.max(Math.abs(g.x[a] - g.x[b]), Math.abs(g.y[a] - g.y[b]), Math.abs(g.z[a] - g.z[b]));
      expect(g.w[e]).toBe(1024 * cheb);
      if (cheb > 1) longer++;
    }
    expect(longer).toBeGreaterThan(0); // thinning hands links on, so links span several voxels
  });

  it('weights links by the 1/r geodesic in the geodesic mode', () => {
    const g = fmstGraph(yGraph() as { data: Uint8Array; dims: number[] }, { threshold: 30, coverRate: 1, edgeWeight: 'geodesic' });
    for (let e = 0; e < g.a.length; e++) {
      const [a, b] = [g.a[e], g.b[e]];
      const cheb = Math.max(Math.abs(g.x[a] - g.x[b]), Math.abs(g.y[a] - g.y[b]), Math.abs(g.z[a] - g.z[b]));
      // Inside the neurite every step costs 1/r <= 1, so a link costs at most one unit per step
      // and at least cheb / (largest radius).
      expect(g.w[e]).toBeLessThanOrEqual(cheb + 1e-9);
      expect(g.w[e]).toBeGreaterThanOrEqual(cheb / Math.max(...g.radius) - 1e-9);
    }
  });

  it('keeps ball centres with in-slice radii and cover fractions', () => {
    const g = fmstGraph(yGraph() as { data: Uint8Array; dims: number[] }, { threshold: 30, coverRate: 1, edgeWeight: 'chebyshev' });
    expect(g.x.length).toBeGreaterThan(5);
    for (let i = 0; i < g.x.length; i++) {
      expect(g.radius[i]).toBeGreaterThanOrEqual(1);
      expect(g.radius[i]).toBeLessThanOrEqual(4);
      expect(g.cover[i]).toBeGreaterThanOrEqual(0);
      expect(g.cover[i]).toBeLessThan(1); // coverRate 1 removed every fully double-covered node
      expect(Math.abs(g.z[i] - 8)).toBeLessThanOrEqual(3);
    }
    // Node order is raster order (the original's voxel-key order).
    for (let i = 1; i < g.x.length; i++) {
      const k = (i2: number) => (g.z[i2] * 64 + g.y[i2]) * 64 + g.x[i2];
      expect(k(i)).toBeGreaterThan(k(i - 1));
    }
  });
});
