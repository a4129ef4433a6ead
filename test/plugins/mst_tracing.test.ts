import { describe, expect, it } from 'vitest';
import { CancelledError } from '../../host/core/errors.js';
import type { Vec3, Volume } from '../../host/core/volume.js';
import type { Tree } from '../../host/morph/tree.js';
import { resolveParams } from '../../host/registry/params.js';
import { registry, traceBuiltin } from '../helpers/builtin-tracers.js';
import { addNoise, blankVolume, paintTube, tubeVolume, yVolume, type YShape } from '../helpers/synthetic-volumes.js';
import { branchNodes, byId, cableLength, distToSegment, expectTracedY, roots } from '../helpers/tree-measures.js';

const trace = (vol: Volume, overrides: Record<string, unknown> = {}, variant = 'MST_Tracing', signal?: AbortSignal) =>
  traceBuiltin(variant, vol, { overrides, signal });

// ---- tree measurements ----

function parentsPrecedeChildren(t: Tree): boolean {
  const seen = new Set<number>();
  for (const n of t.nodes) {
    if (n.parent !== -1 && !seen.has(n.parent)) return false;
    seen.add(n.id);
  }
  return true;
}

// Block centres for Ws = 5 are 2, 7, 12, ...: a tube on y = z = 22 stays in one row of blocks,
// so the seed MST is a chain along it.
const AXIS_Y = 22, AXIS_Z = 22;

describe('MST_Tracing', () => {
  it('traces a straight tube as one unbranched path along its axis', async () => {
    const a: Vec3 = [5, AXIS_Y, AXIS_Z], b: Vec3 = [74, AXIS_Y, AXIS_Z];
    const { tree, meta } = await trace(tubeVolume([80, 40, 40], a, b, 2, 200, 10));

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
    const y: YShape = { stem: [7, 42, AXIS_Z], junction: [47, 42, AXIS_Z], arms: [[92, 82, AXIS_Z], [92, 7, AXIS_Z]] };
    const { tree } = await trace(yVolume([100, 90, 40], y, 2, 200, 10));
    expectTracedY(tree, y, 5);
  });

  it('makes no seeds in background-only blocks, even with noise (I <= 2th + 30)', async () => {
    const vol = tubeVolume([80, 40, 40], [5, AXIS_Y, AXIS_Z], [74, AXIS_Y, AXIS_Z], 2, 200, 10);
    addNoise(vol, 5);
    const { tree, meta } = await trace(vol);
    expect(meta!.seeds).toBe(16);
    expect(roots(tree)).toHaveLength(1);
    expect(branchNodes(tree)).toEqual([]);
  });

  it('keeps tubes more than 6·Ws apart as separate trees and links closer ones', async () => {
    const run = async (gap: number) => {
      const vol = blankVolume([140, 40, 40], 10);
      paintTube(vol, [5, AXIS_Y, AXIS_Z], [44, AXIS_Y, AXIS_Z], 2, 200);
      paintTube(vol, [45 + gap, AXIS_Y, AXIS_Z], [84 + gap, AXIS_Y, AXIS_Z], 2, 200);
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
    const vol = blankVolume([80, 40, 40], 10);
    const a: Vec3 = [5, AXIS_Y, AXIS_Z], b: Vec3 = [74, AXIS_Y, AXIS_Z];
    paintTube(vol, a, b, 2, 200);
    paintTube(vol, [37, AXIS_Y, AXIS_Z], [37, 28, AXIS_Z], 1.5, 200); // reaches into the next block row
    const { tree, meta } = await trace(vol);
    expect(meta!.seeds).toBe(17); // the spur has its own seed ...
    expect(meta!.edgesSkipped).toBe(0); // ... and GD traces its edge ...
    expect(branchNodes(tree)).toEqual([]); // ... but its short chain is pruned
    for (const n of tree.nodes) expect(distToSegment(n, a, b)).toBeLessThan(1.5);
  });

  it('uses fewer seeds and a coarser tree with windowSize 10', async () => {
    const vol = tubeVolume([80, 40, 40], [5, 25, 25], [74, 25, 25], 2, 200, 10);
    const coarse = await trace(vol, { windowSize: 10 });
    const fine = await trace(vol);
    expect(coarse.meta!.seeds).toBe(8); // blocks 0-9, 10-19, ..., 70-79
    expect(coarse.meta!.seeds as number).toBeLessThan(fine.meta!.seeds as number);
    expect(roots(coarse.tree)).toHaveLength(1);
    expect(coarse.tree.nodes.length).toBeLessThan(fine.tree.nodes.length);
  });

  it('returns an empty reconstruction when there are no seeds (quirk S6)', async () => {
    const { tree, meta } = await trace(blankVolume([30, 30, 10], 50));
    expect(meta!.seeds).toBe(0);
    expect(tree.nodes).toEqual([]);
    const one = blankVolume([30, 30, 10], 0);
    paintTube(one, [1, 1, 1], [3, 3, 3], 1, 200); // a single block lights up: one seed, no edge
    const single = await trace(one);
    expect(single.meta!.seeds).toBe(1);
    expect(single.tree.nodes).toEqual([]);
  });

  it('skips an MST edge that GD cannot trace across zero-valued blocks', async () => {
    const vol = blankVolume([80, 40, 40], 0);
    // Zeros at x = 33..39 empty the 3×3×3 blocks of the grid layers x = 34, 36, 38.
    paintTube(vol, [5, AXIS_Y, AXIS_Z], [30, AXIS_Y, AXIS_Z], 2, 200);
    paintTube(vol, [42, AXIS_Y, AXIS_Z], [74, AXIS_Y, AXIS_Z], 2, 200);
    const { tree, meta } = await trace(vol);
    expect(meta!.edgesSkipped).toBe(1);
    // sort_swc then links the two pieces (they are closer than 6·Ws).
    expect(roots(tree)).toHaveLength(1);
  });

  it('honours the S1 bright-voxel quirk switch', async () => {
    // Blocks whose weighted centroid falls between two bright spots need the bright-voxel
    // medoid; with th ≈ 0 the kept test needs I > 30 + th, and the fixed one I > 30 too,
    // so raise the background: th ≈ 40 makes the kept test I > 110 and the fixed one I > 70.
    const vol = blankVolume([20, 20, 20], 40);
    // Two 90-valued spots in the corners of one block: centroid between them is dark.
    for (const [x, y, z] of [[5, 5, 5], [9, 9, 9]]) vol.data[(z * 20 + y) * 20 + x] = 90;
    const kept = await trace(vol, { windowSize: 5 });
    const fixed = await trace(vol, { windowSize: 5 }, 'MST_Tracing-fixed');
    expect(kept.meta!.seeds).toBe(0); // 90 is not > 2·th + 30
    expect(fixed.meta!.seeds).toBe(1); // 90 > th + 30: the medoid of the two spots is a seed
  });

  it('is deterministic', async () => {
    const vol = blankVolume([60, 50, 30], 10);
    paintTube(vol, [5, 10, 12], [50, 40, 17], 2, 180);
    paintTube(vol, [30, 26, 15], [55, 5, 12], 2, 160);
    addNoise(vol, 6, 3);
    const a = await trace(vol);
    const b = await trace(vol);
    expect(b.tree.nodes).toEqual(a.tree.nodes);
    expect(a.tree.nodes.length).toBeGreaterThan(10);
    expect(parentsPrecedeChildren(a.tree)).toBe(true);
  });

  it('stops with CancelledError when the run is aborted', async () => {
    const vol = blankVolume([200, 200, 100], 0);
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
