import { describe, expect, it } from 'vitest';
import { CancelledError } from '../../host/core/errors.js';
import { checkManifest } from '../../host/registry/manifest-validator.js';
import { hostVersion } from '../../host/core/paths.js';
import type { Vec3 } from '../../host/core/volume.js';
import { canvas, drawBall, drawTube } from '../helpers/synthetic-volumes.js';
import { app2Params, childCounts, manifest, pathLength, roots, traceApp2 } from '../native/helpers/app2.js';

// A neurite images brightest on its axis; the profile (peak on the axis, `edge` at the wall)
// is what keeps APP2's path central, so every tube here has one.
function straightTube(): { data: Uint8Array; dims: Vec3 } {
  const c = canvas([64, 32, 32]);
  drawTube(c, [5, 16, 16], [58, 16, 16], 2.5, 200, 60);
  drawBall(c, [5, 16, 16], 4, 250);
  return { data: c.data as Uint8Array, dims: c.dims };
}

describe('app2 manifest', () => {
  it('validates against the plugin schema, with every preset inside the parameter schema', () => {
    const r = checkManifest(manifest, hostVersion());
    expect(r).toEqual(expect.objectContaining({ ok: true }));
  });

  it('carries exactly the card\'s bench values per BigNeuron label', () => {
    const bench = Object.fromEntries(manifest.variants.map((v) => [v.id, v.params]));
    expect(Object.keys(bench)).toEqual(['app2', 'app2new1', 'app2new2', 'app2new3']);
    const fields = (p: Record<string, unknown>) => [p.bkgThresh, p.gsdt, p.gap, p.resample, p.lengthThresh, p.downsample256, p.radiusFrom2D];
    expect(fields(bench.app2)).toEqual([10, false, false, false, 5, true, true]);
    expect(fields(bench.app2new1)).toEqual(['AUTO', true, true, false, 5, true, true]);
    expect(fields(bench.app2new2)).toEqual(['AUTO', false, true, false, 5, true, true]);
    expect(fields(bench.app2new3)).toEqual([10, true, true, false, 5, true, true]);
  });
});

describe('app2 tracing', () => {
  it('traces a straight tube as one unbranched path from the soma', async () => {
    const { data, dims } = straightTube();
    const { tree, meta } = await traceApp2(data, dims, app2Params('app2'));
    const nodes = tree.nodes;
    const rs = roots(nodes);
    expect(rs).toHaveLength(1);
    expect(nodes[0].parent).toBe(-1);  // sorted: root first
    expect(Math.hypot(rs[0].x - 5, rs[0].y - 16, rs[0].z - 16)).toBeLessThanOrEqual(1.5);
    expect(Math.max(...childCounts(nodes).values())).toBe(1);
    expect(pathLength(nodes)).toBeGreaterThanOrEqual(50);
    expect(pathLength(nodes)).toBeLessThanOrEqual(56);
    for (const n of nodes) {
      expect(Math.hypot(n.y - 16, n.z - 16)).toBeLessThanOrEqual(1);
      expect(n.type).toBe(20);  // one segment: bottom of the heat map
      expect(n.radius).toBeGreaterThanOrEqual(2);
      expect(n.radius).toBeLessThanOrEqual(4);
    }
    // parents precede children, ids 1..N
    nodes.forEach((n, i) => {
      expect(n.id).toBe(i + 1);
      expect(n.parent).toBeLessThan(n.id);
    });
    expect(meta).toMatchObject({ bkgThreshUsed: 10, bkgThreshAuto: 0, downsampleXY: 1, downsampleZ: 1 });
  });

  it('finds exactly one bifurcation near the junction of a Y', async () => {
    const c = canvas([96, 64, 24]);
    const j: Vec3 = [44, 32, 12];
    drawTube(c, [8, 32, 12], j, 2.5, 200, 60);
    for (const s of [1, -1]) {
      const a = (s * 30 * Math.PI) / 180;
      drawTube(c, j, [j[0] + 40 * Math.cos(a), j[1] + 40 * Math.sin(a), 12], 2.5, 200, 60);
    }
    drawBall(c, [8, 32, 12], 4, 250);
    const { tree } = await traceApp2(c.data, c.dims, app2Params('app2'));
    const kids = childCounts(tree.nodes);
    const branchIds = [...kids.entries()].filter(([, k]) => k >= 2).map(([id]) => id);
    expect(branchIds).toHaveLength(1);
    const b = tree.nodes[branchIds[0] - 1];
    expect(kids.get(b.id)).toBe(2);
    expect(Math.hypot(b.x - j[0], b.y - j[1], b.z - j[2])).toBeLessThanOrEqual(3);
  });

  it('crosses a one-voxel gap only in gap mode, and never a two-voxel gap', async () => {
    const make = (gapWidth: number) => {
      const c = canvas([72, 24, 24]);
      drawTube(c, [6, 12, 12], [66, 12, 12], 2.5, 200, 60);
      for (let x = 36; x < 36 + gapWidth; x++) for (let z = 0; z < 24; z++) for (let y = 0; y < 24; y++) c.data[(z * 24 + y) * 72 + x] = 0;
      return c;
    };
    const seeds: Vec3[] = [[8, 12, 12]];
    const one = make(1);
    const off = await traceApp2(one.data, one.dims, app2Params('app2'), { seeds });
    expect(Math.max(...off.tree.nodes.map((n) => n.x))).toBeLessThan(36);
    const on = await traceApp2(one.data, one.dims, app2Params('app2new2'), { seeds });
    expect(roots(on.tree.nodes)).toHaveLength(1);
    expect(Math.max(...on.tree.nodes.map((n) => n.x))).toBeGreaterThan(60);
    const two = make(2);
    const wide = await traceApp2(two.data, two.dims, app2Params('app2new2'), { seeds });
    expect(Math.max(...wide.tree.nodes.map((n) => n.x))).toBeLessThan(36);
  });

  it('keeps a GSDT trace of a thick tube on its medial axis', async () => {
    // radius 6, fading to 20 at the wall so APP2's radius estimate (threshold 40) stays at 6:
    // with unit node spacing and r >= 7 leaf pruning would eat the whole straight chain
    const c = canvas([80, 40, 40]);
    drawTube(c, [6, 20, 20], [74, 20, 20], 6, 200, 20);
    const { tree } = await traceApp2(c.data, c.dims, app2Params('app2new3'), { seeds: [[8, 20, 20]] });
    const inner = tree.nodes.filter((n) => n.x > 14 && n.x < 66);
    expect(inner.length).toBeGreaterThan(30);
    for (const n of inner) expect(Math.hypot(n.y - 20, n.z - 20)).toBeLessThanOrEqual(1);
  });

  it('traces on the per-slice GSDT of the soma search when no seed is given (Q9), unless switched off', async () => {
    const c = canvas([80, 40, 40]);
    drawTube(c, [6, 20, 20], [74, 20, 20], 6, 200, 20);
    drawBall(c, [8, 20, 20], 7, 250);
    const quirk = await traceApp2(c.data, c.dims, app2Params('app2new3'));
    expect(quirk.meta?.gsdtPlanar).toBe(1);
    const fixed = await traceApp2(c.data, c.dims, app2Params('app2new3', { gsdtFromRootSearch: false }));
    expect(fixed.meta?.gsdtPlanar).toBe(0);
    const seeded = await traceApp2(c.data, c.dims, app2Params('app2new3'), { seeds: [[8, 20, 20]] });
    expect(seeded.meta?.gsdtPlanar).toBe(0);
    for (const r of [quirk, fixed]) {
      const inner = r.tree.nodes.filter((n) => n.x > 20 && n.x < 66);
      expect(inner.length).toBeGreaterThan(30);
      for (const n of inner) expect(Math.hypot(n.y - 20, n.z - 20)).toBeLessThanOrEqual(1.5);
    }
  });

  it('derives the AUTO threshold from the mean and excludes the background', async () => {
    const dims: Vec3 = [50, 50, 50];
    const c = canvas(dims, 'uint8', 20);
    drawTube(c, [4, 25, 25], [46, 25, 25], 4.2, 200, 200);
    let sum = 0, tube = 0;
    for (const v of c.data) { sum += v; if (v === 200) tube++; }
    expect(tube / c.data.length).toBeGreaterThan(0.018);
    expect(tube / c.data.length).toBeLessThan(0.022);
    const expected = Math.floor(sum / c.data.length);
    expect(expected).toBe(23);
    const { tree, meta } = await traceApp2(c.data, dims, app2Params('app2new2'), { seeds: [[6, 25, 25]] });
    expect(meta).toMatchObject({ bkgThreshUsed: 23, bkgThreshAuto: 1 });
    for (const n of tree.nodes) expect(Math.hypot(n.y - 25, n.z - 25)).toBeLessThanOrEqual(4.2);
    const later = await traceApp2(c.data, dims, app2Params('app2new2', { autoRule: 'mean+0.5std' }), { seeds: [[6, 25, 25]] });
    expect(later.meta?.bkgThreshUsed).toBeGreaterThan(23);
  });

  it('downsamples a 600x600x60 image and reports coordinates in the original grid', async () => {
    const dims: Vec3 = [600, 600, 60];
    const c = canvas(dims);
    drawTube(c, [40, 300, 30], [560, 300, 30], 5, 200, 80);
    drawBall(c, [40, 300, 30], 9, 250);
    const { tree, meta } = await traceApp2(c.data, dims, app2Params('app2'));
    expect(meta).toMatchObject({ downsampleXY: 600 / 256, downsampleZ: 1, tracingNx: 256, tracingNy: 256, tracingNz: 60 });
    const xs = tree.nodes.map((n) => n.x);
    expect(Math.max(...xs)).toBeLessThanOrEqual(599);
    expect(Math.max(...xs)).toBeGreaterThan(500);
    expect(Math.min(...xs)).toBeLessThan(60);
    for (const n of tree.nodes.filter((m) => m.x > 60 && m.x < 540)) {  // between the soma and the end cap
      expect(Math.abs(n.y - 300)).toBeLessThanOrEqual(4);
      expect(Math.abs(n.z - 30)).toBeLessThanOrEqual(2);
    }
  });

  it('traces uint16 input after min-max conversion to 8 bits', async () => {
    const { data, dims } = straightTube();
    const wide = new Uint16Array(data.length);
    for (let i = 0; i < data.length; i++) wide[i] = data[i] * 160 + 300;  // 300..40300
    const { tree, meta } = await traceApp2(wide, dims, app2Params('app2'));
    expect(meta?.downsampleXY).toBe(1);
    expect(roots(tree.nodes)).toHaveLength(1);
    expect(pathLength(tree.nodes)).toBeGreaterThan(45);
    for (const n of tree.nodes) expect(Math.hypot(n.y - 16, n.z - 16)).toBeLessThanOrEqual(1);
  });

  it('traces float32 and brightfield (inverted) images like the plain 8-bit one', async () => {
    const { data, dims } = straightTube();
    const plain = await traceApp2(data, dims, app2Params('app2'));
    const asFloat = await traceApp2(Float32Array.from(data, (v) => v / 255), dims, app2Params('app2'));
    const dark = Uint8Array.from(data, (v) => 255 - v);
    const bright = await traceApp2(dark, dims, app2Params('app2', { brightfield: true }));
    for (const r of [asFloat, bright]) {
      expect(r.tree.nodes.map((n) => [n.x, n.y, n.z, n.parent])).toEqual(plain.tree.nodes.map((n) => [n.x, n.y, n.z, n.parent]));
    }
  });

  it('resamples every 10 voxels with the plugin defaults (resample on)', async () => {
    const { data, dims } = straightTube();
    const { tree } = await traceApp2(data, dims, app2Params('app2', { resample: true }));
    const byId = new Map(tree.nodes.map((n) => [n.id, n]));
    expect(tree.nodes.length).toBeLessThanOrEqual(8);
    for (const n of tree.nodes) {
      const p = byId.get(n.parent);
      if (p) expect(Math.hypot(n.x - p.x, n.y - p.y, n.z - p.z)).toBeLessThanOrEqual(10.5);
    }
    expect(pathLength(tree.nodes)).toBeGreaterThan(45);
  });

  it('runs with the clean-mode quirk switches and still yields one valid tree', async () => {
    const { data, dims } = straightTube();
    const { tree } = await traceApp2(data, dims, app2Params('app2', { keepDeletedSegments: false, minMaxQuirk: false, coverageTmax: 256, smooth: false }));
    expect(roots(tree.nodes)).toHaveLength(1);
    for (const n of tree.nodes) {
      expect(Number.isInteger(n.x) && Number.isInteger(n.y) && Number.isInteger(n.z)).toBe(true);  // unsmoothed voxel positions
      expect(Math.hypot(n.y - 16, n.z - 16)).toBeLessThanOrEqual(1);
    }
  });

  it('uses the first seed as the root', async () => {
    const { data, dims } = straightTube();
    const seed: Vec3 = [50, 16, 16];
    const { tree, meta } = await traceApp2(data, dims, app2Params('app2'), { seeds: [seed] });
    expect(meta).toMatchObject({ rootX: 50, rootY: 16, rootZ: 16 });
    const r = tree.nodes[0];
    expect(r.parent).toBe(-1);
    expect(Math.hypot(r.x - 50, r.y - 16, r.z - 16)).toBeLessThanOrEqual(1);
    expect(Math.min(...tree.nodes.map((n) => n.x))).toBeLessThan(12);
  });

  it('reaches further seeds as targets (multi-marker mode)', async () => {
    const { data, dims } = straightTube();
    const { tree } = await traceApp2(data, dims, app2Params('app2'), { seeds: [[6, 16, 16], [40, 16, 16]] });
    expect(roots(tree.nodes)).toHaveLength(1);
    expect(Math.max(...tree.nodes.map((n) => n.x))).toBeGreaterThanOrEqual(38);
  });

  it('reports progress and rejects promptly with CancelledError when aborted', async () => {
    const { data, dims } = straightTube();
    const seen: number[] = [];
    await traceApp2(data, dims, app2Params('app2'), { progress: (f) => seen.push(f) });
    expect(seen.length).toBeGreaterThanOrEqual(5);
    expect(seen[seen.length - 1]).toBe(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]);

    // a volume that is all signal keeps the fast marching busy for long enough to be stopped
    const big = canvas([200, 200, 200], 'uint8', 150);
    const ac = new AbortController();
    const run = traceApp2(big.data, big.dims, app2Params('app2', { downsample256: false }), {
      seeds: [[100, 100, 100]],
      signal: ac.signal,
      progress: (_f, note) => { if (note === 'fast-marching tree') ac.abort(); },
    });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
  });

  it('rejects seeds outside the image and impossible option combinations with a clear message', async () => {
    const { data, dims } = straightTube();
    await expect(traceApp2(data, dims, app2Params('app2'), { seeds: [[70, 16, 16]] })).rejects.toThrow(/app2: seed 1 \(70, 16, 16\) lies outside the 64x32x32 image/);
    await expect(traceApp2(data, dims, app2Params('app2', { intensityThreshold: true }), { seeds: [[6, 16, 16]] })).rejects.toThrow(/parameter 'intensityThreshold' needs at least two seeds/);
    await expect(traceApp2(data, dims, { ...app2Params('app2'), bkgThresh: 'auto' })).rejects.toThrow(/parameter 'bkgThresh' must be a number from 0 to 255 or "AUTO"/);
  });
});
