import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CancelledError } from '../../host/core/errors.js';
import { hostVersion } from '../../host/core/paths.js';
import type { Vec3 } from '../../host/core/volume.js';
import type { SwcNode, Tree } from '../../host/morph/tree.js';
import { checkManifest } from '../../host/registry/manifest-validator.js';
import { resolveParams } from '../../host/registry/params.js';
import type { TraceResult } from '../../host/runtime/tracer.js';
import { formatMarkers, readHandover } from '../../plugins/nctuTW_GD/index.js';
import { registry, traceBuiltin } from '../helpers/builtin-tracers.js';
import { canvas, drawBall, drawTube, type Canvas } from '../helpers/synthetic-volumes.js';
import { cableLength, distToSegment } from '../helpers/tree-measures.js';

interface Run extends TraceResult { markers: Vec3[] | undefined; markerText: string | undefined; scratch: string[] }

/** A run of the variant, with what it left in its scratch folder and the end-point marker file, if any. */
async function trace(c: Canvas, variant = 'nctuTW_GD', overrides: Record<string, unknown> = {}, signal?: AbortSignal): Promise<Run> {
  const { scratchDir, ...r } = await traceBuiltin(variant, c, { overrides, signal, allowScratchFiles: true });
  const scratch = readdirSync(scratchDir);
  const markerText = scratch.includes('EndPoints3D.marker') ? readFileSync(join(scratchDir, 'EndPoints3D.marker'), 'utf8') : undefined;
  const markers = markerText === undefined ? undefined : markerText.trim().split('\n').map((l) => l.split(',').map(Number) as Vec3);
  return { ...r, markers, markerText, scratch };
}

const dist = (a: { x: number; y: number; z: number } | Vec3, b: Vec3) => {
  const p = Array.isArray(a) ? a : [a.x, a.y, a.z];
  return Math.hypot(p[0] - b[0], p[1] - b[1], p[2] - b[2]);
};
/**
 * The segments Vaa3D wrote share their meeting points as separate nodes with identical
 * coordinates; joining those (as sort_swc would) gives the tree whose degrees are counted here.
 */
function joinedDegrees(t: Tree): Map<string, number> {
  const key = (n: SwcNode) => `${n.x},${n.y},${n.z}`;
  const ids = new Map(t.nodes.map((n) => [n.id, n]));
  const edges = new Set<string>();
  for (const n of t.nodes) {
    if (n.parent === -1) continue;
    const a = key(n), b = key(ids.get(n.parent)!);
    if (a !== b) edges.add(a < b ? `${a}|${b}` : `${b}|${a}`);
  }
  const deg = new Map<string, number>();
  for (const e of edges) for (const k of e.split('|')) deg.set(k, (deg.get(k) ?? 0) + 1);
  return deg;
}
const branchPoints = (t: Tree): Vec3[] =>
  [...joinedDegrees(t)].filter(([, d]) => d >= 3).map(([k]) => k.split(',').map(Number) as Vec3);

/** Soma ball r = 6 (250) at (32, 10, 16) and a tube r = 2 (150) along +y from it. */
function somaTube(dims: Vec3 = [64, 128, 32], end: Vec3 = [32, 118, 16]): Canvas {
  const c = canvas(dims);
  drawTube(c, [32, 10, 16], end, 2, 150);
  drawBall(c, [32, 10, 16], 6, 250);
  return c;
}

describe('nctuTW_GD manifest', () => {
  it('validates and carries the plugin\'s fixed settings', () => {
    const ref = registry.getVariant('nctuTW_GD');
    expect(checkManifest(ref.plugin.manifest, hostVersion())).toEqual(expect.objectContaining({ ok: true }));
    expect(ref.preset.params).toMatchObject({
      binThreshold: 0.9, cc2dThreshold: 9, cc3dThreshold: 30, somaBoxRadius: 4, repairMinComponent: 2, graphStep: 2,
      keepSearchQuirk: true, keepEndpointRowQuirk: true,
    });
    expect(ref.preset.benchCommand).toBe('vaa3d -x tips_GD -f tracing_func -i <img>');
    expect(() => resolveParams(ref, { binThreshold: 0 })).toThrow(/binThreshold/);
    expect(() => resolveParams(ref, { channel: 1 })).toThrow(/unknown parameter 'channel'/);
  });

  it('round-trips the marker hand-over file in 0-based voxel coordinates', () => {
    const pts: Vec3[] = [[32, 10, 16], [0, 117, 3]];
    const text = formatMarkers(pts);
    expect(text).toBe('32,10,16\n0,117,3\n');
    expect(readHandover(text, 'EndPoints3D.marker')).toEqual(pts);
    expect(() => readHandover('1,2\n', 'EndPoints3D.marker')).toThrow(/EndPoints3D.marker: line 1/);
  });
});

describe('nctuTW_GD tracing', () => {
  it('finds the soma and the far tip of a tube and traces one path between them', async () => {
    const r = await trace(somaTube());
    expect(r.scratch).toEqual(['EndPoints3D.marker']); // the only file, in the job's scratch folder
    expect(r.markerText).toMatch(/^(\d+,\d+,\d+\n)+$/);
    const [soma, ...tips] = r.markers!;
    expect(dist(soma, [32, 10, 16])).toBeLessThanOrEqual(3);
    expect(tips).toHaveLength(1);
    expect(dist(tips[0], [32, 118, 16])).toBeLessThanOrEqual(4);
    expect(r.meta).toMatchObject({ tips: 1, pathsTraced: 1, segments: 1 });
    const nodes = r.tree.nodes;
    expect(nodes.filter((n) => n.parent === -1)).toHaveLength(1);
    expect(branchPoints(r.tree)).toEqual([]);
    expect(Math.abs(cableLength(r.tree) - 108)).toBeLessThanOrEqual(6);
    for (const n of nodes) {
      expect(n.type).toBe(2);
      expect(distToSegment(n, [32, 10, 16], [32, 118, 16])).toBeLessThanOrEqual(2.5);
      expect(n.radius).toBeGreaterThanOrEqual(1);
    }
  });

  it('gives a Y two tips and, once the segments are joined, one branch point near the junction', async () => {
    const c = canvas([64, 128, 32]);
    const j: Vec3 = [32, 64, 16];
    drawTube(c, [32, 10, 16], j, 2, 150);
    // Each branch end lies in image rows (y, z) the other branch does not reach, or lies first
    // in them: the kept row quirk N4 stops the endpoint scan of a row at its first endpoint.
    drawTube(c, j, [8, 84, 16], 2, 150);
    drawTube(c, j, [56, 112, 16], 2, 150);
    drawBall(c, [32, 10, 16], 6, 250);
    const r = await trace(c);
    const tips = r.markers!.slice(1);
    expect(tips).toHaveLength(2);
    for (const end of [[8, 84, 16], [56, 112, 16]] as Vec3[]) expect(Math.min(...tips.map((t) => dist(t, end)))).toBeLessThanOrEqual(4);
    expect(r.meta).toMatchObject({ pathsTraced: 2, segments: 3 }); // stem and two branches
    expect(r.tree.nodes.filter((n) => n.parent === -1)).toHaveLength(3);
    const bps = branchPoints(r.tree);
    expect(bps).toHaveLength(1);
    expect(dist(bps[0], j)).toBeLessThanOrEqual(5);
  });

  it('does not make a tip of a short spur beside the stem', async () => {
    const c = somaTube();
    drawTube(c, [32, 60, 16], [35, 60, 16], 1, 150); // three voxels out of the tube wall
    const r = await trace(c);
    expect(r.markers!.slice(1)).toHaveLength(1);
    for (const n of r.tree.nodes) expect(distToSegment(n, [32, 10, 16], [32, 118, 16])).toBeLessThanOrEqual(2.5);
  });

  it('bridges a detached fragment in the skeleton but cannot trace GD across zeros', async () => {
    const make = (gapValue: number) => {
      const c = somaTube([64, 128, 32], [32, 60, 16]);
      drawTube(c, [32, 70, 16], [32, 118, 16], 2, 150); // zeros at y = 63..67 between the caps
      if (gapValue) drawTube(c, [32, 61, 16], [32, 69, 16], 1, gapValue);
      return c;
    };
    const cut = await trace(make(0));
    expect(cut.meta!.bridges).toBe(1);
    const tips = cut.markers!.slice(1);
    expect(tips.some((t) => dist(t, [32, 118, 16]) <= 4)).toBe(true); // the repair made the fragment reachable
    expect(cut.meta!.pathsTraced).toBe(0); // ... but every GD block between them is 0
    expect(cut.tree.nodes).toEqual([]);
    const joined = await trace(make(20));
    expect(joined.meta!.pathsTraced).toBe(1);
    expect(Math.max(...joined.tree.nodes.map((n) => n.y))).toBeGreaterThan(112);
  });

  it('misses the far end of a tube lying along x while the row quirk N4 is kept', async () => {
    const c = canvas([128, 64, 32]);
    drawTube(c, [10, 32, 16], [118, 32, 16], 2, 150);
    drawBall(c, [10, 32, 16], 6, 250);
    // The far end shares its image rows with the near end, where the endpoint scan stops.
    const kept = await trace(c);
    expect(Math.min(...kept.markers!.slice(1).map((t) => dist(t, [118, 32, 16])))).toBeGreaterThan(50);
    const fixed = await trace(c, 'nctuTW_GD-fixed');
    const tips = fixed.markers!.slice(1);
    expect(tips).toHaveLength(1);
    expect(dist(tips[0], [118, 32, 16])).toBeLessThanOrEqual(4);
    expect(Math.abs(cableLength(fixed.tree) - 108)).toBeLessThanOrEqual(6);
  });

  it('returns nothing, and writes no marker file, for an empty image', async () => {
    const r = await trace(canvas([20, 20, 10]));
    expect(r.tree.nodes).toEqual([]);
    expect(r.scratch).toEqual([]);
  });

  it('is deterministic', async () => {
    const c = canvas([64, 96, 24]);
    drawTube(c, [20, 10, 12], [40, 80, 14], 2, 160);
    drawTube(c, [28, 40, 12], [58, 70, 10], 2, 140);
    drawBall(c, [20, 10, 12], 5, 240);
    const a = await trace(c);
    const b = await trace(c);
    expect(b.tree.nodes).toEqual(a.tree.nodes);
    expect(b.markerText).toBe(a.markerText);
    expect(a.tree.nodes.length).toBeGreaterThan(10);
  });

  it('stops with CancelledError when the run is aborted', async () => {
    const c = canvas([200, 200, 60]);
    for (let i = 0; i < c.data.length; i++) c.data[i] = 1 + (i % 7); // everything foreground
    const ac = new AbortController();
    const pending = trace(c, 'nctuTW_GD', {}, ac.signal);
    ac.abort();
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
  });
});
