import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../../host/core/volume.js';
import type { Tree } from '../../host/morph/tree.js';
import { Rng } from '../../host/dataset/rng.js';
import { branchesOf, growNeuron, morphologyFromSwc, toVoxelTree, totalLengthUm, type MorphNode } from '../../host/dataset/synthetic/morphology.js';

const voxel: Vec3 = [0.4, 0.4, 0.8];
const dims: Vec3 = [256, 256, 96];
const box: Vec3 = [(dims[0] - 1) * voxel[0], (dims[1] - 1) * voxel[1], (dims[2] - 1) * voxel[2]];

function children(nodes: MorphNode[]): number[][] {
  const c: number[][] = nodes.map(() => []);
  nodes.forEach((n, i) => n.parent >= 0 && c[n.parent].push(i));
  return c;
}

/** Path length (in x voxels) from the soma to the farthest tip, and that path's straight-line length. */
function longestPath(nodes: MorphNode[]): { path: number; chord: number } {
  const d = new Float64Array(nodes.length);
  let best = 0;
  for (let i = 1; i < nodes.length; i++) {
    const p = nodes[nodes[i].parent];
    d[i] = d[nodes[i].parent] + Math.hypot(nodes[i].x - p.x, nodes[i].y - p.y, nodes[i].z - p.z);
    if (d[i] > d[best]) best = i;
  }
  const s = nodes[0], t = nodes[best];
  return { path: d[best] / voxel[0], chord: Math.hypot(t.x - s.x, t.y - s.y, t.z - s.z) / voxel[0] };
}

describe('growNeuron (stochastic growth)', () => {
  for (const seed of [1, 2, 3]) {
    it(`grows a branched dendritic tree inside the box (seed ${seed})`, () => {
      const m = growNeuron(Rng.derive('morph', seed), 'dendrite', box, voxel);
      const n = m.nodes;
      expect(n[0].parent).toBe(-1);
      expect(n[0].type).toBe(1);
      const badParent = n.filter((node, i) => i > 0 && !(node.parent >= 0 && node.parent < i && node.type === 3));
      expect(badParent).toEqual([]);
      const outside = n.filter((node) => !(node.x > 0 && node.x < box[0] && node.y > 0 && node.y < box[1] && node.z > 0 && node.z < box[2]));
      expect(outside).toEqual([]);
      const ch = children(n);
      expect(ch[0].length).toBeGreaterThanOrEqual(4); // primary neurites
      const bifurcations = ch.filter((c, i) => i > 0 && c.length >= 2).length;
      expect(bifurcations).toBeGreaterThanOrEqual(6);
      const { path, chord } = longestPath(n);
      expect(path).toBeGreaterThan(150); // hundreds of voxels of neurite
      expect(path / chord).toBeGreaterThan(1.05); // tortuous, not straight
      expect(totalLengthUm(n) / voxel[0]).toBeGreaterThan(600);
    });
  }

  it('branches at realistic angles, less often at higher centrifugal order', () => {
    const angles: number[] = [];
    const perOrder = new Map<number, number>();
    for (const seed of [11, 12, 13, 14]) {
      const n = growNeuron(Rng.derive('angles', seed), 'dendrite', box, voxel).nodes;
      const ch = children(n);
      const order = new Int32Array(n.length);
      for (let i = 1; i < n.length; i++) {
        const p = n[i].parent;
        order[i] = p > 0 && ch[p].length > 1 ? order[p] + 1 : order[p];
      }
      for (let i = 1; i < n.length; i++) {
        if (ch[i].length === 2) {
          const [a, b] = ch[i].map((c) => [n[c].x - n[i].x, n[c].y - n[i].y, n[c].z - n[i].z]);
          const cos = (a[0] * b[0] + a[1] * b[1] + a[2] * b[2]) / (Math.hypot(...a) * Math.hypot(...b));
          angles.push((Math.acos(Math.max(-1, Math.min(1, cos))) * 180) / Math.PI);
          perOrder.set(order[i], (perOrder.get(order[i]) ?? 0) + 1);
        }
      }
    }
    angles.sort((x, y) => x - y);
    const median = angles[Math.floor(angles.length / 2)];
    expect(angles.length).toBeGreaterThan(30);
    expect(median).toBeGreaterThan(35);
    expect(median).toBeLessThan(80);
    // the per-µm branching probability falls by 0.7 per order: bifurcations do not double each order
    expect(perOrder.get(2) ?? 0).toBeLessThan(2 * (perOrder.get(1) ?? 0));
    expect(perOrder.get(0)).toBeGreaterThan(0);
  });

  it('tapers radii from stems to tips', () => {
    const n = growNeuron(Rng.derive('morph', 4), 'dendrite', box, voxel).nodes;
    const ch = children(n);
    const tips = n.filter((_, i) => i > 0 && ch[i].length === 0).map((t) => t.r);
    const stems = ch[0].map((i) => n[i].r);
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(stems)).toBeGreaterThan(1.5 * mean(tips));
    for (const run of branchesOf(n)) {
      for (let k = 1; k < run.length; k++) expect(n[run[k]].r).toBeLessThanOrEqual(n[run[k - 1]].r + 1e-9);
    }
    expect(Math.min(...tips)).toBeGreaterThanOrEqual(0.3);
  });

  it('grows axon-like cells with one long sparse axon and short dendrites', () => {
    const m = growNeuron(Rng.derive('morph', 5), 'axon', box, voxel);
    const n = m.nodes;
    const ch = children(n);
    const axonStems = ch[0].filter((i) => n[i].type === 2);
    expect(axonStems.length).toBe(1);
    expect(ch[0].length).toBeGreaterThanOrEqual(2);
    const axonLen = n.filter((x) => x.type === 2).length;
    const dendLen = n.filter((x) => x.type === 3).length;
    expect(axonLen).toBeGreaterThan(3 * dendLen);
    expect(longestPath(n).path).toBeGreaterThan(300);
  });

  it('is deterministic for a stream', () => {
    const a = growNeuron(Rng.derive('same'), 'dendrite', box, voxel);
    const b = growNeuron(Rng.derive('same'), 'dendrite', box, voxel);
    expect(b).toEqual(a);
  });

  it('writes voxel-unit trees with ids 1..n and the soma as the single root', () => {
    const m = growNeuron(Rng.derive('morph', 6), 'dendrite', box, voxel);
    const t = toVoxelTree(m, voxel);
    expect(t.nodes.map((x) => x.id)).toEqual(Array.from({ length: m.nodes.length }, (_, i) => i + 1));
    expect(t.nodes.filter((x) => x.parent === -1).length).toBe(1);
    expect(t.nodes[5].x).toBeCloseTo(m.nodes[5].x / voxel[0], 3);
    expect(t.nodes[5].z).toBeCloseTo(m.nodes[5].z / voxel[2], 3);
    expect(t.nodes[5].radius).toBeCloseTo(m.nodes[5].r / voxel[0], 3);
  });
});

describe('morphologyFromSwc', () => {
  const swc: Tree = {
    comments: [],
    nodes: [
      { id: 1, type: 1, x: 100, y: 100, z: 10, radius: 5, parent: -1 },
      { id: 2, type: 3, x: 130, y: 100, z: 12, radius: 1, parent: 1 },
      { id: 3, type: 3, x: 160, y: 120, z: 14, radius: 0.8, parent: 2 },
      { id: 4, type: 3, x: 160, y: 80, z: 8, radius: 0.8, parent: 2 },
      { id: 5, type: 2, x: 60, y: 100, z: 10, radius: 0.5, parent: 1 },
      // a second tree in the file: not part of the soma's component
      { id: 9, type: 3, x: 0, y: 0, z: 0, radius: 1, parent: -1 },
      { id: 10, type: 3, x: 5, y: 0, z: 0, radius: 1, parent: 9 },
    ],
  };

  it('places the soma component at the centre, augments it and resamples long edges', () => {
    const m = morphologyFromSwc(swc, 'cell.swc', Rng.derive('swc'), box, voxel, { units: 'micron' });
    const n = m.nodes;
    expect(n[0].type).toBe(1);
    expect(n[0].x).toBeCloseTo(box[0] / 2, 6);
    expect(n[0].y).toBeCloseTo(box[1] / 2, 6);
    expect(m.params.componentNodes).toBe(5);
    const step = 1.5 * voxel[0];
    for (let i = 1; i < n.length; i++) {
      const p = n[n[i].parent];
      expect(Math.hypot(n[i].x - p.x, n[i].y - p.y, n[i].z - p.z)).toBeLessThanOrEqual(step + 1e-9);
    }
    // total length scales with the sampled (and fitted) scale factor
    const original = 30.07 + Math.hypot(30, 20, 2) + Math.hypot(30, 20, 4) + 40;
    expect(totalLengthUm(n)).toBeCloseTo(original * Number(m.params.scale), 0);
    expect(n.filter((x) => x.type === 2).length).toBeGreaterThan(0);
  });

  it('converts SWCs given in voxel units with their voxel size', () => {
    const m = morphologyFromSwc(swc, 'cell.swc', Rng.derive('swc2'), box, voxel, { units: 'voxel', swcVoxelUm: [0.2, 0.2, 1] });
    expect(m.nodes.length).toBeGreaterThan(5);
    expect(m.nodes[0].r).toBeCloseTo(5 * 0.2 * Number(m.params.scale), 3);
  });
});
