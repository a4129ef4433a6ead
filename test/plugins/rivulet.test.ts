import { describe, expect, it } from 'vitest';
import type { Vec3, Volume } from '../../host/core/volume.js';
import type { SwcNode, Tree } from '../../host/morph/tree.js';
import { resolveParams } from '../../host/registry/params.js';
import { loadAddon, type NativeTracerFn } from '../../host/runtime/native-addon.js';
import { registry, traceBuiltin } from '../helpers/builtin-tracers.js';

type Seg = [Vec3, Vec3];

function segDist(p: Vec3, [a, b]: Seg): number {
  const d = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
  const len2 = d[0] ** 2 + d[1] ** 2 + d[2] ** 2;
  let t = ((p[0] - a[0]) * d[0] + (p[1] - a[1]) * d[1] + (p[2] - a[2]) * d[2]) / len2;
  t = Math.max(0, Math.min(1, t));
  return Math.hypot(p[0] - a[0] - t * d[0], p[1] - a[1] - t * d[1], p[2] - a[2] - t * d[2]);
}

/** Soma ball (250) plus tubes (150) along segments, on zero or on 0..noise background. */
function neuron(dims: Vec3, soma: { c: Vec3; r: number }, tubes: Seg[], opts: { tubeRadius?: number; noise?: number; seed?: number; extra?: (p: Vec3) => number } = {}): Volume {
  const [nx, ny, nz] = dims;
  const data = new Uint8Array(nx * ny * nz);
  let s = opts.seed ?? 7;
  const rand = () => ((s = (s * 1103515245 + 12345) >>> 0) >>> 16) / 65536;
  const tr = opts.tubeRadius ?? 2;
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++) {
        const p: Vec3 = [x, y, z];
        const i = (z * ny + y) * nx + x;
        let v = opts.noise ? Math.floor(rand() * (opts.noise + 1)) : 0;
        if (Math.hypot(x - soma.c[0], y - soma.c[1], z - soma.c[2]) <= soma.r) v = 250;
        else if (tubes.some((t) => segDist(p, t) <= tr)) v = 150;
        if (opts.extra) v = Math.max(v, opts.extra(p));
        data[i] = v;
      }
  return { data, dims, spacing: [1, 1, 1] };
}

// The tracer never writes anything, not even into its scratch folder: traceBuiltin checks.
const trace = (volume: Volume, overrides: Record<string, unknown> = {}) => traceBuiltin('Rivulet', volume, { overrides });

function childrenOf(tree: Tree): Map<number, SwcNode[]> {
  const m = new Map<number, SwcNode[]>();
  for (const n of tree.nodes) m.set(n.parent, [...(m.get(n.parent) ?? []), n]);
  return m;
}

const dist = (n: SwcNode, p: Vec3) => Math.hypot(n.x - p[0], n.y - p[1], n.z - p[2]);

describe('Rivulet manifest', () => {
  it('is valid and resolves the bench preset', () => {
    expect(registry.problems.filter((p) => p.file.includes('Rivulet'))).toEqual([]);
    const ref = registry.getVariant('Rivulet');
    expect(ref.plugin.manifest.runtime).toEqual({ kind: 'native', addon: 'neurotrace_native', export: 'rivulet2' });
    expect(resolveParams(ref)).toEqual({ threshold: 2, quality: true, prune: true, branchType: 'random', randomSeed: 0 });
    expect(() => resolveParams(ref, { threshold: 300 })).toThrow(/threshold/);
    expect(() => resolveParams(ref, { branchType: 'red' })).toThrow(/branchType/);
  });
});

describe('Rivulet tracer', () => {
  const tube = neuron([96, 48, 48], { c: [10, 24, 24], r: 6 }, [[[10, 24, 24], [90, 24, 24]]]);

  it('traces a tube with a soma as one branch from the tip to the soma mask', async () => {
    const { tree, meta } = await trace(tube);
    const [soma, ...rest] = tree.nodes;
    // Soma first: type 1, root, radius 2 * floor(max D) where max D is about the ball radius.
    expect(soma).toMatchObject({ x: 10, y: 24, z: 24, type: 1, parent: -1, radius: 12 });
    expect(meta?.somaRadius).toBe(12);
    const kids = childrenOf(tree);
    expect(kids.get(soma.id)).toHaveLength(1);
    // A single unbranched chain: every branch node has at most one child.
    for (const n of rest) expect((kids.get(n.id) ?? []).length).toBeLessThanOrEqual(1);
    const tip = rest.find((n) => !kids.has(n.id))!;
    expect(tip.x).toBeGreaterThanOrEqual(88);
    // The head stops on entering the soma mask, 1.5 * 12 = 18 voxels from the centre.
    const head = kids.get(soma.id)![0];
    expect(head.x).toBeGreaterThan(26);
    expect(head.x).toBeLessThan(30);
    expect(rest.length).toBeGreaterThanOrEqual(60);
    expect(rest.length).toBeLessThanOrEqual(66);
    // The path follows the axis (the tip starts on the tube wall, then converges).
    for (const n of rest) expect(Math.hypot(n.y - 24, n.z - 24)).toBeLessThanOrEqual(2.5);
    const late = rest.filter((n) => n.x < 80);
    expect(Math.max(...late.map((n) => Math.hypot(n.y - 24, n.z - 24)))).toBeLessThan(0.5);
    for (const n of rest) expect(n.radius).toBe(1);
    expect(meta?.coverage).toBeGreaterThanOrEqual(0.98);
    expect(meta?.unattachedBranches).toBe(0);
  });

  it('attaches the second arm of a Y to the first near the junction', async () => {
    const junction: Vec3 = [50, 32, 24];
    const y = neuron([100, 64, 48], { c: [10, 32, 24], r: 6 }, [[[10, 32, 24], junction], [junction, [90, 12, 24]], [junction, [90, 52, 24]]]);
    const { tree, meta } = await trace(y);
    const kids = childrenOf(tree);
    const forks = tree.nodes.filter((n) => (kids.get(n.id) ?? []).length > 1);
    expect(forks).toHaveLength(1);
    expect(dist(forks[0], junction)).toBeLessThanOrEqual(3);
    const tips = tree.nodes.filter((n) => !kids.has(n.id));
    expect(tips).toHaveLength(2);
    expect(tips.map((t) => Math.round(t.y / 20)).sort()).toEqual([1, 3]);  // one tip per arm (y ~ 12 and ~ 52)
    expect(meta?.branchesAdded).toBe(2);
    expect(meta?.coverage).toBeGreaterThanOrEqual(0.98);
  });

  it('drops an isolated noise blob', async () => {
    const blob = (p: Vec3) => (p[0] >= 70 && p[0] <= 72 && p[1] >= 6 && p[1] <= 8 && p[2] >= 38 && p[2] <= 40 ? 200 : 0);
    const withBlob = neuron([96, 48, 48], { c: [10, 24, 24], r: 6 }, [[[10, 24, 24], [90, 24, 24]]], { extra: blob });
    for (const prune of [true, false]) {
      const { tree, meta } = await trace(withBlob, { prune });
      expect(tree.nodes.some((n) => dist(n, [71, 7, 39]) < 4)).toBe(false);
      expect(meta?.branchesTraced).toBeGreaterThan(meta!.branchesAdded as number);
    }
    const clean = await trace(tube);
    const noisy = await trace(withBlob);
    expect(noisy.tree.nodes.map((n) => [n.x, n.y, n.z])).toEqual(clean.tree.nodes.map((n) => [n.x, n.y, n.z]));
  });

  it('discards a disconnected parallel tube as low confidence', async () => {
    // The front reaches the far tube only through 26 voxels of background, along its whole
    // length at once; back-tracking from it heads straight across the gap, the online
    // confidence collapses and every such branch is dropped (and erased as noise).
    const two = neuron([96, 64, 48], { c: [10, 20, 24], r: 6 }, [[[10, 20, 24], [90, 20, 24]], [[30, 50, 24], [90, 50, 24]]]);
    for (const prune of [true, false]) {
      const { tree, meta } = await trace(two, { prune });
      expect(tree.nodes.some((n) => n.y > 40)).toBe(false);
      expect(tree.nodes.some((n) => dist(n, [89, 20, 24]) < 3)).toBe(true);
      expect(meta?.branchesTraced).toBeGreaterThan(meta!.branchesAdded as number);
      expect(meta?.coverage).toBeGreaterThanOrEqual(0.98);
    }
  });

  it('prune removes exactly the leaf chains shorter than 5 voxels', async () => {
    const noisy = neuron([80, 48, 40], { c: [12, 24, 20], r: 5 }, [[[12, 24, 20], [70, 10, 20]], [[12, 24, 20], [70, 40, 28]]], { noise: 3, seed: 11 });
    const open = (await trace(noisy, { prune: false })).tree;
    const pruned = (await trace(noisy, { prune: true })).tree;
    // Every head found a parent here, so only the leaf rule can remove nodes.
    expect(open.nodes.filter((n) => n.parent === -1)).toHaveLength(1);
    const byId = new Map(open.nodes.map((n) => [n.id, n]));
    const kids = childrenOf(open);
    const removed = new Set<number>();
    for (const leaf of open.nodes.filter((n) => !kids.has(n.id))) {
      const chain: SwcNode[] = [];
      for (let at: SwcNode | undefined = leaf; at && (kids.get(at.id) ?? []).length <= 1; at = byId.get(at.parent)) chain.push(at);
      let len = 0;
      for (let k = 0; k + 1 < chain.length; k++) len += dist(chain[k], [chain[k + 1].x, chain[k + 1].y, chain[k + 1].z]);
      if (len < 5) for (const c of chain) removed.add(c.id);
    }
    expect(removed.size).toBeGreaterThan(0);
    const key = (n: SwcNode) => `${n.x},${n.y},${n.z}`;
    expect(pruned.nodes.map(key)).toEqual(open.nodes.filter((n) => !removed.has(n.id)).map(key));
  });

  it('covers at least 98 % of a noisy foreground and stays a valid tree', async () => {
    // Background noise 0..3 with threshold 2: scattered one-voxel foreground everywhere.
    const noisy = neuron([80, 48, 40], { c: [12, 24, 20], r: 5 }, [[[12, 24, 20], [70, 10, 20]], [[12, 24, 20], [70, 40, 28]]], { noise: 3, seed: 11 });
    const { tree, meta } = await trace(noisy);
    expect(meta?.coverage).toBeGreaterThanOrEqual(0.98);
    const ids = new Set(tree.nodes.map((n) => n.id));
    for (const n of tree.nodes) if (n.parent !== -1) expect(ids.has(n.parent)).toBe(true);
    expect(tree.nodes.filter((n) => n.parent === -1)).toHaveLength(1);
    // Both arms are reached.
    expect(tree.nodes.some((n) => dist(n, [66, 12, 20]) < 4)).toBe(true);
    expect(tree.nodes.some((n) => dist(n, [66, 38, 27]) < 4)).toBe(true);
  });

  it('is deterministic, with seeded random or fixed branch types', async () => {
    const a = await trace(tube, { prune: false });
    const b = await trace(tube, { prune: false });
    expect(b.tree).toEqual(a.tree);
    const types = new Set(a.tree.nodes.slice(1).map((n) => n.type));
    expect(types.size).toBe(1);
    const t = [...types][0];
    expect(t).toBeGreaterThanOrEqual(0);
    expect(t).toBeLessThanOrEqual(255);
    const fixed = await trace(tube, { branchType: 3 });
    expect(fixed.tree.nodes[0].type).toBe(1);
    expect(fixed.tree.nodes.slice(1).every((n) => n.type === 3)).toBe(true);
    expect(fixed.tree.nodes.map((n) => [n.x, n.y, n.z])).toEqual(a.tree.nodes.map((n) => [n.x, n.y, n.z]));
  });

  it('reports coordinates in the input grid, not the foreground crop', async () => {
    const shifted = neuron([120, 70, 60], { c: [40, 40, 30], r: 6 }, [[[40, 40, 30], [110, 40, 30]]]);
    const { tree, meta } = await trace(shifted);
    expect(tree.nodes[0]).toMatchObject({ x: 40, y: 40, z: 30 });
    expect([meta?.somaX, meta?.somaY, meta?.somaZ]).toEqual([40, 40, 30]);
    expect(Math.max(...tree.nodes.map((n) => n.x))).toBeGreaterThanOrEqual(108);
  });

  it('first-order marching also traces the tube', async () => {
    const { tree } = await trace(tube, { quality: false });
    const kids = childrenOf(tree);
    expect(kids.get(tree.nodes[0].id)).toHaveLength(1);
    expect(tree.nodes.length).toBeGreaterThan(55);
  });

  it('rejects an image with nothing above the threshold', async () => {
    const dark = neuron([20, 20, 20], { c: [10, 10, 10], r: -1 }, [], { noise: 2 });
    await expect(trace(dark)).rejects.toThrow(/no voxel is brighter than threshold 2/);
  });

  it('stops when cancelled through the shared flag', async () => {
    const fn = loadAddon('neurotrace_native').rivulet2 as NativeTracerFn;
    const ref = registry.getVariant('Rivulet');
    await expect(fn({ data: tube.data, dims: [...tube.dims], spacing: [1, 1, 1] }, resolveParams(ref), new Float64Array(0), { cancel: new Int32Array([1]) }))
      .rejects.toThrow(/cancelled/);
  });
});
