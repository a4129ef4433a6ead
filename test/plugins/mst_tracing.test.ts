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

// ---- synthetic images (MST_Tracing.md, "How to test") ----

function volume(dims: Vec3, background: number): Volume {
  return { data: new Uint8Array(dims[0] * dims[1] * dims[2]).fill(background), dims, spacing: [1, 1, 1] };
}

/** Sets every voxel within r of the segment a–b to `value`. */
function tube(vol: Volume, a: Vec3, b: Vec3, r: number, value: number): void {
  const [nx, ny, nz] = vol.dims;
  const d = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
  const len2 = d[0] ** 2 + d[1] ** 2 + d[2] ** 2;
  const lo = [0, 1, 2].map((k) => Math.max(0, Math.floor(Math.min(a[k], b[k]) - r)));
  const hi = [0, 1, 2].map((k) => Math.min(vol.dims[k] - 1, Math.ceil(Math.max(a[k], b[k]) + r)));
  for (let z = lo[2]; z <= hi[2]; z++) {
    for (let y = lo[1]; y <= hi[1]; y++) {
      for (let x = lo[0]; x <= hi[0]; x++) {
        const t = len2 > 0 ? Math.max(0, Math.min(1, ((x - a[0]) * d[0] + (y - a[1]) * d[1] + (z - a[2]) * d[2]) / len2)) : 0;
        const q = [a[0] + t * d[0] - x, a[1] + t * d[1] - y, a[2] + t * d[2] - z];
        if (q[0] ** 2 + q[1] ** 2 + q[2] ** 2 <= r * r) vol.data[(z * ny + y) * nx + x] = value;
      }
    }
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
const scratchRoot = mkdtempSync(join(tmpdir(), 'nt-mst-'));
afterAll(() => rmSync(scratchRoot, { recursive: true, force: true }));

async function trace(vol: Volume, overrides: Record<string, unknown> = {}, variant = 'MST_Tracing', signal?: AbortSignal): Promise<TraceResult> {
  const ref = registry.getVariant(variant);
  const params = resolveParams(ref, overrides);
  const tracer = await loadTracer(ref.plugin);
  const scratchDir = mkdtempSync(join(scratchRoot, 'job-'));
  const result = await tracer.trace({
    volume: vol, params, seeds: [], signal: signal ?? new AbortController().signal, progress: () => {}, scratchDir,
  });
  expect(readdirSync(scratchDir)).toEqual([]); // the tracer writes nothing, let alone outside its scratch folder
  return result;
}

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
function cableLength(t: Tree): number {
  const ids = byId(t);
  let len = 0;
  for (const n of t.nodes) {
    if (n.parent === -1) continue;
    const p = ids.get(n.parent)!;
    len += Math.hypot(n.x - p.x, n.y - p.y, n.z - p.z);
  }
  return len;
}
function parentsPrecedeChildren(t: Tree): boolean {
  const seen = new Set<number>();
  for (const n of t.nodes) {
    if (n.parent !== -1 && !seen.has(n.parent)) return false;
    seen.add(n.id);
  }
  return true;
}
function distToSegment(p: SwcNode, a: Vec3, b: Vec3): number {
  const d = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
  const len2 = d[0] ** 2 + d[1] ** 2 + d[2] ** 2;
  const t = Math.max(0, Math.min(1, ((p.x - a[0]) * d[0] + (p.y - a[1]) * d[1] + (p.z - a[2]) * d[2]) / len2));
  return Math.hypot(a[0] + t * d[0] - p.x, a[1] + t * d[1] - p.y, a[2] + t * d[2] - p.z);
}

// Block centres for Ws = 5 are 2, 7, 12, ...: a tube on y = z = 22 stays in one row of blocks,
// so the seed MST is a chain along it.
const AXIS_Y = 22, AXIS_Z = 22;

describe('MST_Tracing', () => {
  it('traces a straight tube as one unbranched path along its axis', async () => {
    const vol = volume([80, 40, 40], 10);
    const a: Vec3 = [5, AXIS_Y, AXIS_Z], b: Vec3 = [74, AXIS_Y, AXIS_Z];
    tube(vol, a, b, 2, 200);
    const { tree, meta } = await trace(vol);

    expect(meta!.threshold).toBeGreaterThan(10);
    expect(meta!.threshold).toBeLessThan(12);
    expect(meta!.seeds).toBe(16); // one per 5-block the tube (x = 3..76 with its caps) touches
    expect(meta!.edgesSkipped).toBe(0);
    expect(roots(tree)).toHaveLength(1);
    expect(branchNodes(tree)).toEqual([]);
    expect(parentsPrecedeChildren(tree)).toBe(true);
    expect(Math.abs(cableLength(tree) - 69)).toBeLessThanOrEqual(5);
    for (const n of tree.nodes) {
      expect(Math.hypot(n.y - AXIS_Y, n.z - AXIS_Z)).toBeLessThan(0.5); // on the axis ...
      expect(n.x).toBeGreaterThanOrEqual(3); // ... within the tube and its end caps
      expect(n.x).toBeLessThanOrEqual(76);
      expect(n.type).toBe(2);
      expect(n.radius).toBeGreaterThanOrEqual(1);
      expect(n.radius).toBeLessThanOrEqual(4);
    }
    // Coordinates carry Vaa3D's 3-decimal SWC precision.
    for (const n of tree.nodes) expect(Math.abs(n.x * 1000 - Math.round(n.x * 1000))).toBeLessThan(1e-6);
  });

  it('gives a Y exactly one bifurcation, within Ws of the junction', async () => {
    const vol = volume([100, 90, 40], 10);
    const j: Vec3 = [47, 42, AXIS_Z];
    const stem: Vec3 = [7, 42, AXIS_Z], up: Vec3 = [92, 82, AXIS_Z], down: Vec3 = [92, 7, AXIS_Z];
    tube(vol, stem, j, 2, 200);
    tube(vol, j, up, 2, 200);
    tube(vol, j, down, 2, 200);
    const { tree } = await trace(vol);
    expect(roots(tree)).toHaveLength(1);
    const br = branchNodes(tree);
    expect(br).toHaveLength(1);
    expect(Math.hypot(br[0].x - j[0], br[0].y - j[1], br[0].z - j[2])).toBeLessThanOrEqual(5);
    for (const n of tree.nodes) {
      expect(Math.min(distToSegment(n, stem, j), distToSegment(n, j, up), distToSegment(n, j, down))).toBeLessThan(2.5);
    }
    // All three arms are reached.
    const reach = (p: Vec3) => Math.min(...tree.nodes.map((n) => Math.hypot(n.x - p[0], n.y - p[1], n.z - p[2])));
    for (const end of [stem, up, down]) expect(reach(end)).toBeLessThan(8);
  });

  it('makes no seeds in background-only blocks, even with noise (I <= 2th + 30)', async () => {
    const vol = volume([80, 40, 40], 10);
    tube(vol, [5, AXIS_Y, AXIS_Z], [74, AXIS_Y, AXIS_Z], 2, 200);
    addNoise(vol, 5);
    const { tree, meta } = await trace(vol);
    expect(meta!.seeds).toBe(16);
    expect(roots(tree)).toHaveLength(1);
    expect(branchNodes(tree)).toEqual([]);
  });

  it('keeps tubes more than 6·Ws apart as separate trees and links closer ones', async () => {
    const run = async (gap: number) => {
      const vol = volume([140, 40, 40], 10);
      tube(vol, [5, AXIS_Y, AXIS_Z], [44, AXIS_Y, AXIS_Z], 2, 200);
      tube(vol, [45 + gap, AXIS_Y, AXIS_Z], [84 + gap, AXIS_Y, AXIS_Z], 2, 200);
      return (await trace(vol)).tree;
    };
    const far = await run(40);
    expect(roots(far)).toHaveLength(2);
    const near = await run(20);
    expect(roots(near)).toHaveLength(1);
    expect(branchNodes(near)).toEqual([]);
    // The link spans the gap in one straight step (sort_swc joins the closest node pair).
    const ids = byId(near);
    const longest = Math.max(...near.nodes.filter((n) => n.parent !== -1).map((n) => {
      const p = ids.get(n.parent)!;
      return Math.hypot(n.x - p.x, n.y - p.y, n.z - p.z);
    }));
    expect(longest).toBeGreaterThan(15);
    expect(longest).toBeLessThanOrEqual(30);
  });

  it('removes a short spur in post-processing', async () => {
    const vol = volume([80, 40, 40], 10);
    const a: Vec3 = [5, AXIS_Y, AXIS_Z], b: Vec3 = [74, AXIS_Y, AXIS_Z];
    tube(vol, a, b, 2, 200);
    tube(vol, [37, AXIS_Y, AXIS_Z], [37, 28, AXIS_Z], 1.5, 200); // reaches into the next block row
    const { tree, meta } = await trace(vol);
    expect(meta!.seeds).toBe(17); // the spur has its own seed ...
    expect(meta!.edgesSkipped).toBe(0); // ... and GD traces its edge ...
    expect(branchNodes(tree)).toEqual([]); // ... but its short chain is pruned
    for (const n of tree.nodes) expect(distToSegment(n, a, b)).toBeLessThan(1.5);
  });

  it('uses fewer seeds and a coarser tree with windowSize 10', async () => {
    const vol = volume([80, 40, 40], 10);
    tube(vol, [5, 25, 25], [74, 25, 25], 2, 200);
    const coarse = await trace(vol, { windowSize: 10 });
    const fine = await trace(vol);
    expect(coarse.meta!.seeds).toBe(8); // blocks 0-9, 10-19, ..., 70-79
    expect(coarse.meta!.seeds as number).toBeLessThan(fine.meta!.seeds as number);
    expect(roots(coarse.tree)).toHaveLength(1);
    expect(coarse.tree.nodes.length).toBeLessThan(fine.tree.nodes.length);
  });

  it('returns an empty reconstruction when there are no seeds (quirk S6)', async () => {
    const { tree, meta } = await trace(volume([30, 30, 10], 50));
    expect(meta!.seeds).toBe(0);
    expect(tree.nodes).toEqual([]);
    const one = volume([30, 30, 10], 0);
    tube(one, [1, 1, 1], [3, 3, 3], 1, 200); // a single block lights up: one seed, no edge
    const single = await trace(one);
    expect(single.meta!.seeds).toBe(1);
    expect(single.tree.nodes).toEqual([]);
  });

  it('skips an MST edge that GD cannot trace across zero-valued blocks', async () => {
    const vol = volume([80, 40, 40], 0);
    // Zeros at x = 33..39 empty the 3×3×3 blocks of the grid layers x = 34, 36, 38.
    tube(vol, [5, AXIS_Y, AXIS_Z], [30, AXIS_Y, AXIS_Z], 2, 200);
    tube(vol, [42, AXIS_Y, AXIS_Z], [74, AXIS_Y, AXIS_Z], 2, 200);
    const { tree, meta } = await trace(vol);
    expect(meta!.edgesSkipped).toBe(1);
    // sort_swc then links the two pieces (they are closer than 6·Ws).
    expect(roots(tree)).toHaveLength(1);
  });

  it('honours the S1 bright-voxel quirk switch', async () => {
    // Blocks whose weighted centroid falls between two bright spots need the bright-voxel
    // medoid; with th ≈ 0 the kept test needs I > 30 + th, and the fixed one I > 30 too,
    // so raise the background: th ≈ 40 makes the kept test I > 110 and the fixed one I > 70.
    const vol = volume([20, 20, 20], 40);
    // Two 90-valued spots in the corners of one block: centroid between them is dark.
    for (const [x, y, z] of [[5, 5, 5], [9, 9, 9]]) vol.data[(z * 20 + y) * 20 + x] = 90;
    const kept = await trace(vol, { windowSize: 5 });
    const fixed = await trace(vol, { windowSize: 5 }, 'MST_Tracing-fixed');
    expect(kept.meta!.seeds).toBe(0); // 90 is not > 2·th + 30
    expect(fixed.meta!.seeds).toBe(1); // 90 > th + 30: the medoid of the two spots is a seed
  });

  it('is deterministic', async () => {
    const vol = volume([60, 50, 30], 10);
    tube(vol, [5, 10, 12], [50, 40, 17], 2, 180);
    tube(vol, [30, 26, 15], [55, 5, 12], 2, 160);
    addNoise(vol, 6, 3);
    const a = await trace(vol);
    const b = await trace(vol);
    expect(b.tree.nodes).toEqual(a.tree.nodes);
    expect(a.tree.nodes.length).toBeGreaterThan(10);
    expect(parentsPrecedeChildren(a.tree)).toBe(true);
  });

  it('stops with CancelledError when the run is aborted', async () => {
    const vol = volume([200, 200, 100], 0);
    addNoise(vol, 120, 11);
    const ac = new AbortController();
    const pending = trace(vol, {}, 'MST_Tracing', ac.signal);
    ac.abort();
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
  });

  it('rejects parameters outside the manifest ranges', () => {
    const ref = registry.getVariant('MST_Tracing');
    expect(() => resolveParams(ref, { windowSize: 0 })).toThrow(/windowSize/);
    expect(() => resolveParams(ref, { windowSize: 2.5 })).toThrow(/windowSize/);
    expect(() => resolveParams(ref, { channel: 1 })).toThrow(/unknown parameter 'channel'/);
    expect(resolveParams(ref, {})).toEqual({ windowSize: 5, keepBrightTestQuirk: true, keepMedoidDistanceQuirk: true });
  });
});
