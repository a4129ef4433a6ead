import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../../host/core/volume.js';
import type { SwcNode, Tree } from '../../host/morph/tree.js';
import { checkStraightTube, checkY, nodesOutside, treeShape, axisCoverage } from '../../host/plugin-dev/tree-shape.js';
import { noisyTube, straightTube, yShape, distanceToSegment } from '../../host/plugin-dev/synthetic-images.js';

/** Nodes every `step` voxels from a to b, chained to `parent` (an id, or -1). */
function chain(nodes: SwcNode[], a: Vec3, b: Vec3, parent: number, step = 1): number {
  const len = Math.hypot(b[0] - a[0], b[1] - a[1], b[2] - a[2]);
  const n = Math.max(1, Math.round(len / step));
  let p = parent;
  for (let k = parent < 0 ? 0 : 1; k <= n; k++) {
    const t = k / n;
    const id = nodes.length + 1;
    nodes.push({ id, type: 3, x: a[0] + t * (b[0] - a[0]), y: a[1] + t * (b[1] - a[1]), z: a[2] + t * (b[2] - a[2]), radius: 1, parent: p });
    p = id;
  }
  return p;
}

const tree = (nodes: SwcNode[]): Tree => ({ nodes, comments: [] });

describe('synthetic images', () => {
  it('draws bright tubes on the segments and leaves the background dark', () => {
    const c = straightTube();
    const [nx, ny] = c.volume.dims;
    const at = (p: Vec3) => c.volume.data[(p[2] * ny + p[1]) * nx + p[0]];
    expect(at([6, 12, 6])).toBeGreaterThan(150);
    expect(at([31, 23, 11])).toBeGreaterThan(150); // near the middle of the axis
    expect(at([60, 2, 2])).toBe(0);
    const [a, b] = c.segments[0];
    for (let i = 0; i < c.volume.data.length; i += 97) {
      const p: Vec3 = [i % nx, Math.floor(i / nx) % ny, Math.floor(i / (nx * ny))];
      if (distanceToSegment(p, a, b) > c.radius + 3) expect(c.volume.data[i]).toBe(0);
    }
  });

  it('is reproducible: the noisy tube is the same on every call', () => {
    const a = noisyTube(), b = noisyTube();
    expect(Buffer.from(a.volume.data).equals(Buffer.from(b.volume.data))).toBe(true);
    let bright = 0;
    for (const v of a.volume.data) if (v >= 120) bright++;
    expect(bright).toBeGreaterThan(200); // the tube plus the specks
  });
});

describe('tree shape checks', () => {
  const tube = straightTube();
  const [a, b] = tube.segments[0];

  it('accepts one path along the tube axis', () => {
    const nodes: SwcNode[] = [];
    chain(nodes, a, b, -1);
    const v = checkStraightTube(tree(nodes), tube);
    expect(v.ok).toBe(true);
    expect(v.detail).toMatch(/1 root, 2 tips, 0 branch points/);
  });

  it('ignores short surface spurs but not a real side branch', () => {
    const nodes: SwcNode[] = [];
    chain(nodes, a, b, -1);
    const mid = nodes[20];
    chain(nodes, [mid.x, mid.y, mid.z], [mid.x, mid.y + 2, mid.z], mid.id); // 2-voxel spur
    expect(checkStraightTube(tree(nodes), tube).ok).toBe(true);
    expect(treeShape(tree(nodes), 7).tips).toBe(2);
    const m2 = nodes[30];
    chain(nodes, [m2.x, m2.y, m2.z], [m2.x, m2.y + 3, m2.z + 10], m2.id); // 10 voxels off the axis
    const v = checkStraightTube(tree(nodes), tube);
    expect(v.ok).toBe(false);
    expect(v.detail).toMatch(/not a single path/);
  });

  it('fails two pieces, a short trace and nodes far from the axis', () => {
    const nodes: SwcNode[] = [];
    chain(nodes, a, [20, 18, 9], -1);
    chain(nodes, [40, 28, 13], b, -1);
    expect(checkStraightTube(tree(nodes), tube).detail).toMatch(/2 separate pieces/);
    const half: SwcNode[] = [];
    chain(half, a, [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2, (a[2] + b[2]) / 2], -1);
    expect(checkStraightTube(tree(half), tube).detail).toMatch(/only 5\d% of the axis covered/);
    const off: SwcNode[] = [];
    chain(off, [a[0], a[1] + 6, a[2]], [b[0], b[1] + 6, b[2]], -1);
    expect(checkStraightTube(tree(off), tube).detail).toMatch(/nodes up to 6\.0 vox from the axis \(limit 5\)/);
  });

  it('measures axis coverage along edges, however sparse the nodes', () => {
    const sparse: SwcNode[] = [];
    chain(sparse, a, b, -1, 10);
    expect(sparse.length).toBeLessThan(8);
    expect(axisCoverage(tree(sparse), a, b, 1)).toBeCloseTo(1, 5);
    expect(checkStraightTube(tree(sparse), tube).ok).toBe(true);
    // Two pieces covering the two ends: the gap between them is not covered.
    const ends: SwcNode[] = [];
    const at = (t: number): Vec3 => [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]), a[2] + t * (b[2] - a[2])];
    chain(ends, a, at(0.3), -1, 10);
    chain(ends, at(0.7), b, -1, 10);
    expect(axisCoverage(tree(ends), a, b, 1)).toBeCloseTo(0.6, 5);
  });

  it('finds exactly one bifurcation in a traced Y, near the junction', () => {
    const y = yShape();
    const [[r, j], [, armA], [, armB]] = y.segments;
    const nodes: SwcNode[] = [];
    const jid = chain(nodes, r, j, -1);
    chain(nodes, j, armA, jid);
    chain(nodes, j, armB, jid);
    const v = checkY(tree(nodes), y);
    expect(v.ok).toBe(true);
    expect(v.detail).toMatch(/3 tips, 1 branch point \(0\.0 vox from the junction\)/);
    // The same tree rooted at an arm tip: the shape does not depend on where the root is.
    const moved: SwcNode[] = [];
    const t1 = chain(moved, armA, j, -1);
    chain(moved, j, r, t1);
    chain(moved, j, armB, t1);
    expect(checkY(tree(moved), y).ok).toBe(true);
  });

  it('fails a Y whose branch point is far from the junction, or that has none', () => {
    const y = yShape();
    const [[r, j], [, armA], [, armB]] = y.segments;
    const nodes: SwcNode[] = [];
    const early = chain(nodes, r, [18, 32, 12], -1);
    chain(nodes, [18, 32, 12], armA, early);
    chain(nodes, [18, 32, 12], armB, early);
    expect(checkY(tree(nodes), y).detail).toMatch(/bifurcation is 12\.0 vox from the junction/);
    const line: SwcNode[] = [];
    chain(line, r, armA, -1);
    expect(checkY(tree(line), y).detail).toMatch(/expected one bifurcation and 3 tips/);
    void j;
  });

  it('reports nodes outside the image (1-based or scaled coordinates)', () => {
    const nodes: SwcNode[] = [];
    chain(nodes, [0, 0, 0], [63, 47, 23], -1);
    expect(nodesOutside(tree(nodes), tube.volume.dims)).toHaveLength(0);
    const shifted = nodes.map((n) => ({ ...n, x: n.x + 1 }));
    expect(nodesOutside(tree(shifted), tube.volume.dims).length).toBeGreaterThan(0);
  });
});
