import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CancelledError } from '../../host/core/errors.js';
import { hostVersion, packageRoot } from '../../host/core/paths.js';
import type { Vec3 } from '../../host/core/volume.js';
import type { SwcNode } from '../../host/morph/tree.js';
import { checkManifest } from '../../host/registry/manifest-validator.js';
import { resolveParams } from '../../host/registry/params.js';
import { registry, traceBuiltin, type TraceOptions } from '../helpers/builtin-tracers.js';
import { canvas, drawBall, drawTube, rng } from '../helpers/synthetic-volumes.js';
import { cableLength, roots } from '../helpers/tree-measures.js';

const trace = (data: Uint8Array, dims: Vec3, { variant = 'XY_3D_TreMap', ...opts }: TraceOptions & { variant?: string } = {}) =>
  traceBuiltin(variant, { data, dims }, { ...opts, allowScratchFiles: true });

/** Every structural promise of the output: ids 1..N in order, parents before children, radius 2. */
function expectWellFormed(nodes: SwcNode[]): void {
  nodes.forEach((n, i) => {
    expect(n.id).toBe(i + 1);
    expect(n.parent).toBeLessThan(n.id);
    expect(n.radius).toBe(2);
  });
}

describe('XY_3D_TreMap manifest', () => {
  const manifest = JSON.parse(readFileSync(join(packageRoot(), 'plugins', 'XY_3D_TreMap', 'plugin.json'), 'utf8'));

  it('validates against the plugin schema and is discovered without problems', () => {
    expect(checkManifest(manifest, hostVersion())).toEqual(expect.objectContaining({ ok: true }));
    expect(registry.problems.filter((p) => JSON.stringify(p).includes('XY_3D_TreMap'))).toEqual([]);
  });

  it('carries the card\'s bench values and the original -p string', () => {
    const v = manifest.variants.find((x: { id: string }) => x.id === 'XY_3D_TreMap');
    expect(v.params).toMatchObject({ mipPlane: 0, bkgThresh: 10, downsample256: false, gsdt: true, gap: false, lengthThresh: 5 });
    expect(v.benchCommand).toBe('vaa3d -x TReMap -f trace_mip -i <img> -p 0 1 10 0 1 0 5');
    expect(manifest.capabilities).toEqual({ dtypes: ['uint8'], seeds: 'none' });
    expect(manifest.resources).toEqual({ timeoutSec: 3600, memoryMiB: 8192 });
    expect(manifest.parameters.additionalProperties).toBe(false);
  });
});

describe('XY_3D_TreMap tracing', () => {
  it('maps a tube lying at one depth back to that depth, as one tree of type 2', async () => {
    const c = canvas([128, 64, 24]);
    drawTube(c, [10, 32, 12], [118, 32, 12], 2.5, 200, 60);
    const { tree, meta, scratchDir } = await trace(c.data as Uint8Array, c.dims);
    const nodes = tree.nodes;
    expectWellFormed(nodes);
    expect(nodes.length).toBeGreaterThanOrEqual(10);
    expect(roots(nodes)).toHaveLength(1);
    for (const n of nodes) {
      expect(Math.abs(n.z - 12)).toBeLessThanOrEqual(1);
      expect(Math.abs(n.y - 32)).toBeLessThanOrEqual(1.5);
      expect(n.type).toBe(2);
    }
    const xs = nodes.map((n) => n.x);
    expect(Math.min(...xs)).toBeLessThanOrEqual(13);
    expect(Math.max(...xs)).toBeGreaterThanOrEqual(115);
    expect(cableLength(nodes)).toBeGreaterThan(100);
    expect(cableLength(nodes)).toBeLessThan(116);
    expect(meta).toMatchObject({ components: 1, componentsTraced: 1, app2BkgThresh: 5, app2BkgThreshAuto: 0, rayLinksFailed: 0, chainsBroken: 0 });
    expect(readdirSync(scratchDir)).toEqual([]);  // nothing written, not even in its own scratch folder
  });

  it('follows the depth ramp of a tube inclined in z', async () => {
    const c = canvas([128, 64, 24]);
    const a: Vec3 = [10, 32, 4], b: Vec3 = [118, 32, 20];
    drawTube(c, a, b, 2.5, 200, 60);
    const { tree } = await trace(c.data as Uint8Array, c.dims);
    expectWellFormed(tree.nodes);
    expect(tree.nodes.length).toBeGreaterThanOrEqual(10);
    for (const n of tree.nodes) {
      const t = Math.max(0, Math.min(1, (n.x - a[0]) / (b[0] - a[0])));
      expect(Math.abs(n.z - (a[2] + t * (b[2] - a[2])))).toBeLessThanOrEqual(2);
    }
    const zs = tree.nodes.map((n) => n.z);
    expect(Math.max(...zs) - Math.min(...zs)).toBeGreaterThanOrEqual(13);
  });

  it('keeps each of two crossing tubes at its own depth away from the crossing', async () => {
    const c = canvas([128, 64, 24]);
    drawTube(c, [8, 32, 5], [120, 32, 5], 2.5, 200, 60);   // along x, shallow
    drawTube(c, [64, 3, 18], [64, 61, 18], 2.5, 200, 60);  // along y, deep; crosses at (64, 32)
    const { tree } = await trace(c.data as Uint8Array, c.dims);
    expectWellFormed(tree.nodes);
    const alongX = tree.nodes.filter((n) => Math.abs(n.y - 32) <= 3 && Math.abs(n.x - 64) > 8);
    const alongY = tree.nodes.filter((n) => Math.abs(n.x - 64) <= 3 && Math.abs(n.y - 32) > 8);
    expect(alongX.length).toBeGreaterThanOrEqual(6);
    expect(alongY.length).toBeGreaterThanOrEqual(3);
    for (const n of alongX) expect(Math.abs(n.z - 5)).toBeLessThanOrEqual(2);
    for (const n of alongY) expect(Math.abs(n.z - 18)).toBeLessThanOrEqual(2);
    // every node lies on one of the two tubes in projection
    for (const n of tree.nodes) expect(Math.min(Math.abs(n.y - 32), Math.abs(n.x - 64))).toBeLessThanOrEqual(3);
  });

  it('ignores a projection component under 400 pixels', async () => {
    const blob = canvas([96, 96, 24]);
    drawBall(blob, [48, 48, 12], 8, 220);  // a disc of about 200 pixels in the projection
    const alone = await trace(blob.data as Uint8Array, blob.dims);
    expect(alone.tree.nodes).toEqual([]);
    expect(alone.meta).toMatchObject({ components: 0, componentsTraced: 0 });

    drawTube(blob, [8, 15, 12], [88, 15, 12], 2.5, 200, 60);
    const both = await trace(blob.data as Uint8Array, blob.dims);
    expect(both.meta).toMatchObject({ components: 1 });
    expect(both.tree.nodes.length).toBeGreaterThan(5);
    for (const n of both.tree.nodes) expect(Math.abs(n.y - 15)).toBeLessThanOrEqual(1.5);
  });

  it('types components by projection size: 2 for the larger neuron, 3 for the next', async () => {
    const c = canvas([140, 80, 24]);
    drawTube(c, [10, 15, 8], [130, 15, 8], 2.5, 200, 60);   // long
    drawTube(c, [20, 60, 16], [110, 60, 16], 2.5, 200, 60); // shorter, 45 voxels away
    const { tree, meta } = await trace(c.data as Uint8Array, c.dims);
    expectWellFormed(tree.nodes);
    expect(meta).toMatchObject({ components: 2, componentsTraced: 2 });
    expect(roots(tree.nodes)).toHaveLength(2);
    const t2 = tree.nodes.filter((n) => n.type === 2), t3 = tree.nodes.filter((n) => n.type === 3);
    expect(t2.length + t3.length).toBe(tree.nodes.length);
    expect(t2.length).toBeGreaterThan(5);
    expect(t3.length).toBeGreaterThan(5);
    for (const n of t2) expect([Math.abs(n.y - 15) <= 1.5, Math.abs(n.z - 8) <= 1]).toEqual([true, true]);
    for (const n of t3) expect([Math.abs(n.y - 60) <= 1.5, Math.abs(n.z - 16) <= 1]).toEqual([true, true]);
  });

  it('projects along y with mipPlane 1 and recovers the row of the tube', async () => {
    const c = canvas([96, 40, 24]);
    drawTube(c, [8, 27, 12], [88, 27, 12], 2.5, 200, 60);
    const { tree } = await trace(c.data as Uint8Array, c.dims, { overrides: { mipPlane: 1 } });
    expectWellFormed(tree.nodes);
    expect(tree.nodes.length).toBeGreaterThan(5);
    for (const n of tree.nodes) {
      expect(Math.abs(n.y - 27)).toBeLessThanOrEqual(1);
      expect(Math.abs(n.z - 12)).toBeLessThanOrEqual(1.5);
    }
    expect(Math.max(...tree.nodes.map((n) => n.x)) - Math.min(...tree.nodes.map((n) => n.x))).toBeGreaterThan(70);
  });

  it('keeps the 2-D trace of a one-slice stack in its plane', async () => {
    const c = canvas([96, 48, 1]);
    drawTube(c, [8, 20, 0], [88, 20, 0], 2.5, 200, 60);
    const { tree } = await trace(c.data as Uint8Array, c.dims);
    expectWellFormed(tree.nodes);
    expect(tree.nodes.length).toBeGreaterThan(5);
    for (const n of tree.nodes) expect([n.z, Math.abs(n.y - 20) <= 1]).toEqual([0, true]);
    expect(cableLength(tree.nodes)).toBeGreaterThan(70);
  });

  it('labels the below-mean level of a dark image as regiongrow does, and returns an empty tree', async () => {
    const c = canvas([40, 40, 8]);
    const { tree, meta } = await trace(c.data as Uint8Array, c.dims);
    expect(tree.nodes).toEqual([]);
    expect(meta).toMatchObject({ components: 1, componentsFromBackground: 1, componentsTraced: 0 });
  });

  it('gives the same output on every run and differs from the -fixed variant only through the 2-D quirks', async () => {
    const c = canvas([128, 64, 24]);
    drawTube(c, [10, 20, 6], [100, 40, 18], 2, 190, 50);
    drawTube(c, [60, 30, 12], [118, 8, 10], 2, 170, 50);
    const a = await trace(c.data as Uint8Array, c.dims);
    const b = await trace(c.data as Uint8Array, c.dims);
    expect(b.tree.nodes).toEqual(a.tree.nodes);
    const fixed = await trace(c.data as Uint8Array, c.dims, { variant: 'XY_3D_TreMap-fixed' });
    expectWellFormed(fixed.tree.nodes);
    expect(fixed.tree.nodes.length).toBeGreaterThan(10);
  });

  it('reports monotone progress and stops with CancelledError when aborted', async () => {
    const c = canvas([64, 64, 16]);
    drawTube(c, [6, 32, 8], [58, 32, 8], 2.5, 200, 60);
    const seen: number[] = [];
    await trace(c.data as Uint8Array, c.dims, { progress: (f) => seen.push(f) });
    expect(seen.length).toBeGreaterThanOrEqual(4);
    expect(seen[seen.length - 1]).toBe(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]);

    // bright noise everywhere: the whole projection is one component with a huge 2-D trace
    const noisy = canvas([160, 160, 64]);
    const rand = rng(7);
    for (let i = 0; i < noisy.data.length; i++) noisy.data[i] = 20 + Math.floor(rand() * 200);
    const ac = new AbortController();
    const run = trace(noisy.data as Uint8Array, noisy.dims, {
      signal: ac.signal,
      progress: (_f, note) => { if (note?.startsWith('component')) ac.abort(); },
    });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
  });

  it('rejects parameters outside the schema with a message naming the parameter', () => {
    const ref = registry.getVariant('XY_3D_TreMap');
    expect(() => resolveParams(ref, { mipPlane: 3 })).toThrow(/mipPlane/);
    expect(() => resolveParams(ref, { bkgThresh: 300 })).toThrow(/bkgThresh/);
    expect(() => resolveParams(ref, { channel: 1 })).toThrow(/unknown parameter 'channel'/);
  });
});
