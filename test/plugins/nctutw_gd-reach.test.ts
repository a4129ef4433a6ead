import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../host/core/paths.js';
import { traceBuiltin } from '../helpers/builtin-tracers.js';

// Why the faithful nctuTW_GD returns nothing on images whose background is non-zero nearly
// everywhere. Each step below is the original's behaviour, checked against its source
// (Dijkstra.cpp Single_Dijkstra_GridGraph_3D_Ver2, Image3D.cpp Endpoint3D, IPT thinning_1frT):
//  1. the grey threshold (a percentile of the non-zero voxels) falls inside the noise, so the
//     cleaned and dilated slices are solid, and the thinning (whose one-pixel frame is never
//     thinned) removes nothing: the skeleton, and the repaired image, are the whole volume;
//  2. a solid block's only 3-D endpoints are its corners, and with quirk N4 only the four at x = 0;
//  3. the path search explores neighbours through the linear index, so exploring a voxel at
//     x = W−1 marks the x = 0 voxels of the next rows (and slices) visited without queueing them:
//     the x = 0 face is never reached when the search gets to x = W−1 first;
//  4. no endpoint is reachable, hence no tip. The original then popped from an empty endpoint list
//     (a crash); the port returns an empty reconstruction.

type Vec3 = [number, number, number];
const addon = createRequire(import.meta.url)(join(packageRoot(), 'build', 'Release', 'neurotrace_native.node')) as {
  _testNctu(stage: string, img: Uint8Array, dims: Vec3, opt?: Record<string, unknown>): unknown;
};
const triples = (a: Float64Array): Vec3[] => Array.from({ length: a.length / 3 }, (_, i) => [a[3 * i], a[3 * i + 1], a[3 * i + 2]]);
const index = (d: Vec3, x: number, y: number, z: number) => (z * d[1] + y) * d[0] + x;

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** Voxels of the face x = const that the search gave a predecessor. */
function reachedOnFace(pred: Float64Array, d: Vec3, x: number): number {
  let n = 0;
  for (let z = 0; z < d[2]; z++) for (let y = 0; y < d[1]; y++) if (pred[index(d, x, y, z)] >= 0) n++;
  return n;
}

describe('path search over a solid block (Single_Dijkstra_GridGraph_3D_Ver2)', () => {
  const dims: Vec3 = [16, 12, 4];
  const solid = new Uint8Array(16 * 12 * 4).fill(255);
  const cost = new Uint8Array(solid.length);
  const search = (source: Vec3, searchQuirk: boolean) =>
    addon._testNctu('search', solid, dims, { source, cost, searchQuirk }) as Float64Array;

  it('never reaches the x = 0 face once it has got to x = W−1 first: row-end exploration marks those voxels visited unqueued', () => {
    const pred = search([8, 6, 2], true);
    expect(pred[index(dims, 8, 6, 2)]).toBe(index(dims, 8, 6, 2));
    expect(reachedOnFace(pred, dims, 0)).toBe(0);
    expect(reachedOnFace(pred, dims, 15)).toBe(12 * 4);
    expect(reachedOnFace(pred, dims, 1)).toBe(12 * 4); // the voxels right next to the lost face are reached
  });

  it('loses the x = W−1 face instead when the search gets to x = 0 first', () => {
    const pred = search([3, 6, 2], true);
    expect(reachedOnFace(pred, dims, 0)).toBe(12 * 4);
    expect(reachedOnFace(pred, dims, 15)).toBe(0);
  });

  it('the true Dijkstra of nctuTW_GD-fixed reaches every voxel', () => {
    const pred = search([8, 6, 2], false);
    expect(pred.every((p) => p >= 0)).toBe(true);
  });

  it('a solid block\'s 3-D endpoints are its corners; with N4 only the four at x = 0', () => {
    expect(triples(addon._testNctu('endpoints3d', solid, dims, { rowQuirk: true }) as Float64Array)).toEqual([[0, 0, 0], [0, 11, 0], [0, 0, 3], [0, 11, 3]]);
    expect(triples(addon._testNctu('endpoints3d', solid, dims, { rowQuirk: false }) as Float64Array)).toEqual([
      [0, 0, 0], [15, 0, 0], [0, 11, 0], [15, 11, 0], [0, 0, 3], [15, 0, 3], [0, 11, 3], [15, 11, 3],
    ]);
  });
});

/** A soma (250) and a tube (150) from it to tip in a background of noise 8..16 with no zero voxel. */
function noisyNeuron(soma: Vec3, tip: Vec3): { data: Uint8Array; dims: Vec3 } {
  const dims: Vec3 = [48, 48, 16];
  const data = new Uint8Array(dims[0] * dims[1] * dims[2]);
  const rnd = lcg(1);
  for (let i = 0; i < data.length; i++) data[i] = 8 + Math.floor(rnd() * 9);
  const d = [tip[0] - soma[0], tip[1] - soma[1], tip[2] - soma[2]];
  const len2 = d[0] ** 2 + d[1] ** 2 + d[2] ** 2;
  for (let z = 0; z < dims[2]; z++) {
    for (let y = 0; y < dims[1]; y++) {
      for (let x = 0; x < dims[0]; x++) {
        const t = Math.max(0, Math.min(1, ((x - soma[0]) * d[0] + (y - soma[1]) * d[1] + (z - soma[2]) * d[2]) / len2));
        if (Math.hypot(x - soma[0] - t * d[0], y - soma[1] - t * d[1], z - soma[2] - t * d[2]) <= 2) data[index(dims, x, y, z)] = 150;
        if (Math.hypot(x - soma[0], y - soma[1], z - soma[2]) <= 5) data[index(dims, x, y, z)] = 250;
      }
    }
  }
  return { data, dims };
}

describe('nctuTW_GD on a noise-saturated image', () => {
  it('returns nothing: the skeleton is the whole volume and none of its four x = 0 corner endpoints is reached', async () => {
    const img = noisyNeuron([34, 24, 8], [6, 24, 8]);
    const r = await traceBuiltin('nctuTW_GD', img, { allowScratchFiles: true });
    expect(r.tree.nodes).toEqual([]);
    expect(r.meta).toMatchObject({ graphNodes: 48 * 48 * 16, skeletonComponents: 1, endpoints: 4, reachableEndpoints: 0, tips: 0 });
    expect(r.meta).toMatchObject({ sourceX: 34, sourceY: 24, sourceZ: 8 });
    // The hand-over file holds the soma alone.
    expect(readFileSync(join(r.scratchDir, 'EndPoints3D.marker'), 'utf8')).toBe('34,24,8\n');
  });

  it('traces once the soma lies nearer x = 0, where the search reaches that face first', async () => {
    const r = await traceBuiltin('nctuTW_GD', noisyNeuron([14, 24, 8], [42, 24, 8]), { allowScratchFiles: true });
    expect(r.meta).toMatchObject({ graphNodes: 48 * 48 * 16, endpoints: 4, reachableEndpoints: 4, tips: 1 });
    expect(r.tree.nodes.length).toBeGreaterThan(0);
  });

  it('nctuTW_GD-fixed reaches all eight corners, so its tips are volume corners rather than the neurite\'s end', async () => {
    const r = await traceBuiltin('nctuTW_GD-fixed', noisyNeuron([34, 24, 8], [6, 24, 8]), { allowScratchFiles: true });
    expect(r.meta).toMatchObject({ graphNodes: 48 * 48 * 16, endpoints: 8, reachableEndpoints: 8 });
    expect(r.tree.nodes.length).toBeGreaterThan(0);
    const rows = readFileSync(join(r.scratchDir, 'EndPoints3D.marker'), 'utf8').trim().split('\n').map((l) => l.split(',').map(Number));
    expect(rows[0]).toEqual([34, 24, 8]);
    expect(rows.length).toBeGreaterThan(1);
    for (const [x, y, z] of rows.slice(1)) {
      expect([0, 47]).toContain(x);
      expect([0, 47]).toContain(y);
      expect([0, 15]).toContain(z);
    }
  });
});
