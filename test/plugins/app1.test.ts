import { describe, expect, it } from 'vitest';
import { CancelledError } from '../../host/core/errors.js';
import { hostVersion } from '../../host/core/paths.js';
import { checkManifest } from '../../host/registry/manifest-validator.js';
import type { Vec3 } from '../../host/core/volume.js';
import { resolveParams } from '../../host/registry/params.js';
import { registry, traceBuiltin } from '../helpers/builtin-tracers.js';
import { canvas, drawBall, drawTube, voxelIndex, type Canvas } from '../helpers/synthetic-volumes.js';
import { branchNodes, cableLength, distToSegment, nearestNodeDistance, roots } from '../helpers/tree-measures.js';

// ---- running the plugin the way the host does (APP1 writes no files at all) ----

const trace = (c: Canvas, overrides: Record<string, unknown> = {}, variant = 'app1', opts: { seeds?: Vec3[]; signal?: AbortSignal } = {}) =>
  traceBuiltin(variant, c, { overrides, ...opts });

// ---- synthetic images ----

/** Background 25: below imgTH 40, but it lifts the 11³ block means APP1's dark-leaf pruning tests. */
const BG = 25;

function setVoxel(c: Canvas, x: number, y: number, z: number, v: number): void {
  c.data[voxelIndex(c.dims, x, y, z)] = v;
}

function tubeWithSoma(): Canvas {
  const c = canvas([64, 32, 32], 'uint8', BG);
  drawTube(c, [6, 16, 16], [58, 16, 16], 2, 200);
  drawBall(c, [6, 16, 16], 4, 200);
  return c;
}

// ---- tests ----

describe('app1 manifest', () => {
  const ref = registry.getVariant('app1');

  it('validates against the plugin schema and carries the bench values', () => {
    expect(checkManifest(ref.plugin.manifest, hostVersion())).toEqual(expect.objectContaining({ ok: true }));
    expect(ref.preset.params).toMatchObject({ bkgThresh: 40, downsample256: true, visibleThresh: 30 });
    expect(ref.preset.benchCommand).toBe('vaa3d -x vn2 -f app1 -i <img> -p NULL 0 40 1');
    expect(registry.getVariant('app1-fixed').preset.params).toMatchObject({
      bkgThresh: 40, keepCondenseQuirk: true, keepCoverCubeQuirk: false, keepCubeTypoQuirk: false, keepBookkeepingQuirk: false,
    });
  });

  it('rejects parameters outside the manifest ranges', () => {
    expect(() => resolveParams(ref, { bkgThresh: 256 })).toThrow(/bkgThresh/);
    expect(() => resolveParams(ref, { bkgThresh: 'auto' })).toThrow(/bkgThresh/);
    expect(() => resolveParams(ref, { downsampleFactor: 0 })).toThrow(/downsampleFactor/);
    expect(() => resolveParams(ref, { channel: 0 })).toThrow(/unknown parameter 'channel'/);
    expect(resolveParams(ref, { bkgThresh: 'AUTO' }).bkgThresh).toBe('AUTO');
  });
});

describe('app1 tracing', () => {
  it('traces a straight tube as one unbranched chain from the soma to the far end', async () => {
    const { tree, meta } = await trace(tubeWithSoma());
    expect(meta).toMatchObject({ threshold: 40, graphStep: 1, zThickness: 1, rootX: 6, rootY: 16 });
    expect(Math.abs((meta!.rootZ as number) - 16)).toBeLessThanOrEqual(1); // GSDT maximum in the soma
    expect(roots(tree)).toHaveLength(1);
    expect(branchNodes(tree)).toEqual([]);
    expect(Math.abs(cableLength(tree) - 53)).toBeLessThanOrEqual(4);
    expect(Math.max(...tree.nodes.map((n) => n.x))).toBeGreaterThanOrEqual(52);
    for (const n of tree.nodes) {
      expect(n.type).toBe(2);
      // on the axis, or inside the soma ball
      expect(Math.min(Math.hypot(n.y - 16, n.z - 16), Math.hypot(n.x - 6, n.y - 16, n.z - 16) - 3)).toBeLessThanOrEqual(1);
      expect(n.radius).toBeGreaterThanOrEqual(1);
      expect(n.radius).toBeLessThanOrEqual(5);
      // Vaa3D's SWC writer keeps three decimals
      expect(Math.abs(n.x * 1000 - Math.round(n.x * 1000))).toBeLessThan(1e-6);
    }
    expect(meta!.coveredLeavesPruned as number).toBeGreaterThan(500); // the all-path tree was dense
  });

  it('prunes a thin dim tube away entirely when nothing lifts its 11³ block means above 40 (GD dark-leaf pruning)', async () => {
    const c = canvas([64, 32, 32]);
    drawTube(c, [6, 16, 16], [58, 16, 16], 2, 200);
    drawBall(c, [6, 16, 16], 4, 200);
    const { tree, meta } = await trace(c);
    expect(meta!.nodesAfterDarkPruning as number).toBeLessThan((meta!.treeNodes as number) / 3);
    expect(Math.max(...tree.nodes.map((n) => n.x))).toBeLessThan(20); // only the soma survives
  });

  it('gives a Y exactly one bifurcation, within 3 voxels of the junction', async () => {
    const c = canvas([80, 80, 24], 'uint8', BG);
    const j: Vec3 = [40, 40, 12], stem: Vec3 = [8, 40, 12], up: Vec3 = [72, 70, 12], down: Vec3 = [72, 10, 12];
    drawTube(c, stem, j, 2, 200);
    drawTube(c, j, up, 2, 200);
    drawTube(c, j, down, 2, 200);
    drawBall(c, stem, 4, 200);
    const { tree } = await trace(c);
    expect(roots(tree)).toHaveLength(1);
    const br = branchNodes(tree);
    expect(br).toHaveLength(1);
    expect(Math.hypot(br[0].x - j[0], br[0].y - j[1], br[0].z - j[2])).toBeLessThanOrEqual(3);
    for (const n of tree.nodes) expect(Math.min(distToSegment(n, stem, j), distToSegment(n, j, up), distToSegment(n, j, down))).toBeLessThan(4.5);
    for (const end of [up, down]) expect(nearestNodeDistance(tree, end)).toBeLessThan(8);
  });

  it('cannot cross a stretch at or below the threshold (graph edges there are dropped)', async () => {
    const make = () => {
      const c = canvas([64, 64, 24], 'uint8', BG);
      drawTube(c, [6, 16, 12], [58, 16, 12], 2, 200);
      drawBall(c, [6, 16, 12], 4, 200);
      // a side branch whose first three voxels beyond the trunk wall are 35
      drawTube(c, [40, 22, 12], [40, 56, 12], 2, 200);
      for (let y = 19; y <= 21; y++) for (let z = 10; z <= 14; z++) for (let x = 38; x <= 42; x++)
        if ((x - 40) ** 2 + (z - 12) ** 2 <= 4) setVoxel(c, x, y, z, 35);
      return c;
    };
    const tip: Vec3 = [40, 56, 12];
    const cut = await trace(make());
    expect(Math.max(...cut.tree.nodes.map((n) => n.y))).toBeLessThan(21); // nothing beyond the stretch
    expect(roots(cut.tree)).toHaveLength(1);
    const open = await trace(make(), { bkgThresh: 30 }); // -p NULL 0 30 1
    expect(nearestNodeDistance(open.tree, tip)).toBeLessThan(8);
    expect(roots(open.tree)).toHaveLength(1);
  });

  it('uses graph step 2 on a 512×512 image and keeps grid nodes on even coordinates', async () => {
    const c = canvas([512, 512, 40], 'uint8', BG);
    drawTube(c, [20, 256, 20], [490, 256, 20], 3, 200);
    drawBall(c, [20, 256, 20], 6, 220);
    const { tree, meta } = await trace(c);
    expect(meta).toMatchObject({ graphStep: 2, zThickness: 2 }); // dfactor_xy 2, dfactor_z 1
    // Away from the soma the nodes are step-2 grid nodes on the axis (smoothing moves them by
    // hundredths of a voxel at most on a straight tube).
    const axial = tree.nodes.filter((n) => Math.hypot(n.x - 20, n.y - 256, n.z - 20) > 10);
    expect(axial.length).toBeGreaterThan(20);
    for (const n of axial) {
      expect(Math.abs(n.y - 256)).toBeLessThan(0.05);
      expect(Math.abs(n.z - 20)).toBeLessThan(0.05);
      expect(Math.abs(n.x / 2 - Math.round(n.x / 2))).toBeLessThan(0.025);
    }
    expect(roots(tree)).toHaveLength(1);
    expect(branchNodes(tree)).toEqual([]);
    expect(Math.max(...tree.nodes.map((n) => n.x))).toBeGreaterThan(470);
  });

  it('keeps step 1 when only Y exceeds 256 (quirk A5), and not in app1-fixed', async () => {
    const c = canvas([64, 600, 16], 'uint8', BG);
    drawTube(c, [32, 20, 8], [32, 580, 8], 2, 200);
    drawBall(c, [32, 20, 8], 4, 220);
    const kept = await trace(c);
    expect(kept.meta).toMatchObject({ graphStep: 1 });
    const fixed = await trace(c, {}, 'app1-fixed');
    expect(fixed.meta).toMatchObject({ graphStep: 2 }); // 600 / 256 = 2.34
    for (const r of [kept, fixed]) {
      expect(roots(r.tree)).toHaveLength(1);
      expect(Math.max(...r.tree.nodes.map((n) => n.y))).toBeGreaterThan(560);
    }
  });

  it('traces the tube the same way in app1-fixed', async () => {
    const { tree } = await trace(tubeWithSoma(), {}, 'app1-fixed');
    expect(roots(tree)).toHaveLength(1);
    expect(branchNodes(tree)).toEqual([]);
    expect(Math.abs(cableLength(tree) - 53)).toBeLessThanOrEqual(4);
  });

  it('takes the root from a seed', async () => {
    const { meta, tree } = await trace(tubeWithSoma(), {}, 'app1', { seeds: [[30, 16, 16]] });
    expect(meta).toMatchObject({ rootX: 30, rootY: 16, rootZ: 16 });
    expect(nearestNodeDistance(tree, [58, 16, 16])).toBeLessThan(6);
  });

  it('traces GD paths from the root to target seeds (marker mode)', async () => {
    const one = await trace(tubeWithSoma(), {}, 'app1', { seeds: [[6, 16, 16], [55, 16, 16]] });
    expect(one.meta).toMatchObject({ pathsTraced: 1, segments: 1, trees: 1 });
    // a single target: listed target first, each node's parent the next, the root last
    const n = one.tree.nodes;
    expect([n[0].x, n[0].y, n[0].z]).toEqual([55, 16, 16]);
    expect([n[n.length - 1].x, n[n.length - 1].y, n[n.length - 1].z]).toEqual([6, 16, 16]);
    expect(n[n.length - 1].parent).toBe(-1);
    for (const node of n) expect(Math.hypot(node.y - 16, node.z - 16)).toBeLessThanOrEqual(1);
    expect(Math.abs(cableLength(one.tree) - 49)).toBeLessThanOrEqual(2);

    const c = canvas([80, 80, 24], 'uint8', BG);
    const j: Vec3 = [40, 40, 12];
    drawTube(c, [8, 40, 12], j, 2, 200);
    drawTube(c, j, [72, 70, 12], 2, 200);
    drawTube(c, j, [72, 10, 12], 2, 200);
    const two = await trace(c, {}, 'app1', { seeds: [[8, 40, 12], [70, 69, 12], [70, 11, 12]] });
    expect(two.meta).toMatchObject({ pathsTraced: 2, segments: 3, trees: 3 }); // stem and two branches
    for (const t of [[70, 69, 12], [70, 11, 12]] as Vec3[]) expect(nearestNodeDistance(two.tree, t)).toBeLessThan(0.01);
  });

  it('derives AUTO from the channel mean', async () => {
    const c = tubeWithSoma();
    const mean = (c.data as Uint8Array).reduce((s, v) => s + v, 0) / c.data.length;
    const { meta } = await trace(c, { bkgThresh: 'AUTO' });
    expect(meta!.threshold).toBe(Math.trunc(mean));
    expect(meta!.threshold).toBeGreaterThan(BG);
  });

  it('is deterministic', async () => {
    const c = canvas([60, 50, 30], 'uint8', BG);
    drawTube(c, [5, 10, 12], [50, 40, 17], 2, 180);
    drawTube(c, [30, 26, 15], [55, 5, 12], 2, 160);
    drawBall(c, [5, 10, 12], 4, 220);
    const a = await trace(c);
    const b = await trace(c);
    expect(b.tree.nodes).toEqual(a.tree.nodes);
    expect(a.tree.nodes.length).toBeGreaterThan(5);
  });

  it('stops with CancelledError when the run is aborted', async () => {
    const c = canvas([200, 200, 100], 'uint8', 60); // everything above imgTH: a large graph
    const ac = new AbortController();
    const pending = trace(c, {}, 'app1', { signal: ac.signal });
    ac.abort();
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
  });
});
