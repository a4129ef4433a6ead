import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../host/core/paths.js';

// APP1's pruning rules one at a time, through the _testApp1Rule hook: node lists built by hand,
// answers worked out from the rule's definition (app1.md and the original's arithmetic).

type Vec3 = [number, number, number];
interface RuleOut { x: Float64Array; y: Float64Array; z: Float64Array; r: Float64Array; parent: Int32Array; nchild: Int32Array; count: number }
interface NodeSpec { p: Vec3; r: number; parent: number; nchild?: number }

const addon = createRequire(import.meta.url)(join(packageRoot(), 'build', 'Release', 'neurotrace_native.node')) as {
  _testApp1Rule(data: Uint8Array, dims: Vec3, nodes: Record<string, unknown>, opt: Record<string, unknown>): RuleOut;
  _testEdt(mask: Uint8Array, dims: Vec3, planar: boolean): Float32Array;
};

function image(dims: Vec3, fill = 0): { data: Uint8Array; dims: Vec3; set(x: number, y: number, z: number, v: number): void } {
  const data = new Uint8Array(dims[0] * dims[1] * dims[2]).fill(fill);
  return { data, dims, set: (x, y, z, v) => { data[(z * dims[1] + y) * dims[0] + x] = v; } };
}

function rule(img: { data: Uint8Array; dims: Vec3 }, nodes: NodeSpec[], opt: Record<string, unknown>): RuleOut {
  const arr = (f: (n: NodeSpec) => number) => Float64Array.from(nodes.map(f));
  const spec: Record<string, unknown> = {
    x: arr((n) => n.p[0]), y: arr((n) => n.p[1]), z: arr((n) => n.p[2]), r: arr((n) => n.r),
    parent: Int32Array.from(nodes.map((n) => n.parent)),
  };
  if (nodes.some((n) => n.nchild !== undefined)) {
    const counts = nodes.map((_, i) => nodes.filter((m) => m.parent === i + 1).length);
    spec.nchild = Int32Array.from(nodes.map((n, i) => n.nchild ?? counts[i]));
  }
  return addon._testApp1Rule(img.data, img.dims, spec, opt);
}
const positions = (o: RuleOut): Vec3[] => Array.from(o.x, (x, i) => [x, o.y[i], o.z[i]]);

describe('single-cover leaf pruning', () => {
  const img = image([30, 30, 30], 100);

  it('removes a leaf whose ball lies inside its parent\'s ball', () => {
    const nodes: NodeSpec[] = [{ p: [10, 10, 10], r: 4, parent: -1 }, { p: [11, 10, 10], r: 2, parent: 1 }];
    // The original counts the root's parent (-1) into row 0, so the root keeps a phantom child and
    // survives as a lone node ...
    const kept = rule(img, [{ ...nodes[0], nchild: 2 }, nodes[1]], { rule: 'singleCover' });
    expect(kept.count).toBe(1);
    expect(positions(kept)).toEqual([[10, 10, 10]]);
    expect(Array.from(kept.nchild)).toEqual([1]);
    // ... while with honest counters the childless root is an isolated node and goes as well.
    const fixed = rule(img, nodes, { rule: 'singleCover', bookkeepingQuirk: false });
    expect(fixed.count).toBe(2);
    expect(fixed.x.length).toBe(0);
  });

  it('keeps a leaf that no ancestor covers', () => {
    const out = rule(img, [{ p: [10, 10, 10], r: 2, parent: -1, nchild: 2 }, { p: [16, 10, 10], r: 2, parent: 1 }], { rule: 'singleCover' });
    expect(out.count).toBe(0);
    expect(out.x.length).toBe(2);
  });

  it('looks at most 10 ancestors up', () => {
    // A big node (r 12) at x = 3, then a chain of r = 1 nodes at unit steps ending in a leaf. The
    // chain nodes overlap each other by 2/7 of a ball, far below 0.9, so only the big node covers.
    const chain = (leafX: number): NodeSpec[] => {
      const nodes: NodeSpec[] = [{ p: [3, 15, 15], r: 12, parent: -1, nchild: 2 }];
      for (let x = 4; x <= leafX; x++) nodes.push({ p: [x, 15, 15], r: 1, parent: nodes.length });
      return nodes;
    };
    const far = rule(img, chain(14), { rule: 'singleCover' }); // the big node is the 11th ancestor
    expect(far.count).toBe(0);
    const near = rule(img, chain(13), { rule: 'singleCover' }); // 10th: leaves fall one pass at a time
    expect(near.count).toBe(10);
    expect(positions(near)).toEqual([[3, 15, 15]]);
  });
});

describe('multi-cover leaf pruning', () => {
  const img = image([30, 30, 30], 100);

  it('removes a leaf inside the ball of a larger node that is not its ancestor', () => {
    const nodes: NodeSpec[] = [
      { p: [4, 10, 10], r: 1, parent: -1, nchild: 3 },
      { p: [10, 10, 10], r: 3, parent: 1, nchild: 0 },
      { p: [11, 11, 10], r: 1, parent: 1, nchild: 0 },
    ];
    const single = rule(img, nodes, { rule: 'singleCover' });
    expect(single.count).toBe(0);
    const multi = rule(img, nodes, { rule: 'multiCover' });
    expect(multi.count).toBe(1);
    expect(positions(multi)).toEqual([[4, 10, 10], [10, 10, 10]]);
    expect(Array.from(multi.nchild)).toEqual([2, 0]);
  });

  it('keeps a leaf that is its own best coverer', () => {
    const nodes: NodeSpec[] = [
      { p: [4, 10, 10], r: 1, parent: -1, nchild: 3 },
      { p: [10, 10, 10], r: 3, parent: 1, nchild: 0 },
      { p: [13, 10, 10], r: 7, parent: 1, nchild: 0 },
    ];
    const out = rule(img, nodes, { rule: 'multiCover' });
    // node 3's centre lies in node 2's cube, but node 3 is its own largest coverer and stays;
    // node 2 lies inside node 3's ball (3 + 3 <= 7) and goes.
    expect(out.count).toBe(1);
    expect(positions(out)).toEqual([[4, 10, 10], [13, 10, 10]]);
  });
});

describe('inter-node pruning', () => {
  const img = image([30, 30, 30], 100);

  it('removes a single-child parent inside the current node\'s ball and re-links to the grandparent', () => {
    const nodes: NodeSpec[] = [
      { p: [4, 10, 10], r: 1, parent: -1 },
      { p: [11, 10, 10], r: 1, parent: 1 },
      { p: [10, 10, 10], r: 3, parent: 2 },
    ];
    const out = rule(img, nodes, { rule: 'internodes' });
    expect(out.count).toBe(1);
    expect(positions(out)).toEqual([[4, 10, 10], [10, 10, 10]]);
    expect(Array.from(out.parent)).toEqual([-1, 1]);
  });

  it('never removes a branch point or the root', () => {
    const nodes: NodeSpec[] = [
      { p: [10, 10, 10], r: 1, parent: -1 },
      { p: [11, 10, 10], r: 1, parent: 1 },
      { p: [11, 11, 10], r: 3, parent: 2 },
      { p: [11, 9, 10], r: 3, parent: 2 },
    ];
    const out = rule(img, nodes, { rule: 'internodes' });
    expect(out.count).toBe(0);
    expect(out.x.length).toBe(4);
  });
});

describe('branch-node pruning', () => {
  it('merges a branch node into the child that overlaps it, which takes its place', () => {
    const img = image([30, 30, 30], 100);
    const nodes: NodeSpec[] = [
      { p: [4, 10, 10], r: 1, parent: -1 },      // 1: P
      { p: [10, 10, 10], r: 2, parent: 1 },      // 2: B, two children
      { p: [10.5, 10, 10], r: 3, parent: 2 },    // 3: C1, contains B's ball
      { p: [10, 16, 10], r: 1, parent: 2 },      // 4: C2
    ];
    const out = rule(img, nodes, { rule: 'branchNodes' });
    expect(out.count).toBe(1);
    expect(positions(out)).toEqual([[4, 10, 10], [10.25, 10, 10], [10, 16, 10]]);
    expect(Array.from(out.r)).toEqual([1, (2 + 3 + 0.5) / 2, 1]);
    expect(Array.from(out.parent)).toEqual([-1, 1, 2]); // C1 under P, C2 under C1
    expect(Array.from(out.nchild)).toEqual([1, 1, 0]);
  });
});

describe('artefact-branch pruning', () => {
  // A bright trunk along x (y = 5) and a side chain of unit steps along +y over dark voxels.
  const make = (k: number, side: number, step = 1) => {
    const img = image([20, 80, 10], 0);
    for (let x = 0; x < 20; x++) img.set(x, 5, 5, 200);
    for (let y = 6; y < 80; y++) img.set(8, y, 5, side);
    const nodes: NodeSpec[] = [{ p: [2, 5, 5], r: 1, parent: -1 }];
    for (let x = 4; x <= 14; x += 2) nodes.push({ p: [x, 5, 5], r: 1, parent: nodes.length });
    const attach = nodes.findIndex((n) => n.p[0] === 8) + 1;
    let parent = attach;
    for (let i = 1; i <= k; i++) {
      nodes.push({ p: [8, 5 + i * step, 5], r: 1, parent });
      parent = nodes.length;
    }
    return { img, nodes };
  };

  it('removes a side chain once more than 30 squared edge lengths of it are dark (quirk A4)', () => {
    const keep = make(30, 0);
    expect(rule(keep.img, keep.nodes, { rule: 'artefact' }).count).toBe(0);
    const cut = make(31, 0);
    const out = rule(cut.img, cut.nodes, { rule: 'artefact' });
    expect(out.count).toBe(31);
    expect(out.x.length).toBe(7);
    expect(Math.max(...out.y)).toBe(5);
  });

  it('needs only 8 dark edges of length 2', () => {
    expect(rule(make(7, 0, 2).img, make(7, 0, 2).nodes, { rule: 'artefact' }).count).toBe(0);
    const out = rule(make(8, 0, 2).img, make(8, 0, 2).nodes, { rule: 'artefact' });
    expect(out.count).toBe(8);
  });

  it('keeps a side chain at or above visibleThresh', () => {
    const c = make(40, 30);
    expect(rule(c.img, c.nodes, { rule: 'artefact' }).count).toBe(0);
    expect(rule(c.img, c.nodes, { rule: 'artefact', visibleThresh: 31 }).count).toBe(40);
  });
});

describe('node geometry', () => {
  it('takes the mean of the nearest-voxel samples along an edge', () => {
    const img = image([10, 3, 3], 0);
    for (let x = 0; x < 10; x += 2) img.set(x, 1, 1, 100);
    const out = rule(img, [{ p: [0, 1, 1], r: 1, parent: -1 }, { p: [4, 1, 1], r: 1, parent: 1 }], { rule: 'edgeMean' });
    expect(out.count / 1000).toBe(50); // samples at x = 0, 1, 2, 3
    const coincident = rule(img, [{ p: [2, 1, 1], r: 1, parent: -1 }, { p: [2, 1, 1], r: 1, parent: 1 }], { rule: 'edgeMean' });
    expect(coincident.count / 1000).toBe(100);
  });

  it('moves a leaf into the bright ball next to it, and not the root or an inner node', () => {
    const img = image([30, 30, 30], 0);
    for (let z = 13; z <= 17; z++) for (let y = 13; y <= 17; y++) for (let x = 13; x <= 17; x++)
      if ((x - 15) ** 2 + (y - 15) ** 2 + (z - 15) ** 2 <= 4) img.set(x, y, z, 100);
    const nodes: NodeSpec[] = [
      { p: [5, 15, 15], r: 1, parent: -1 },
      { p: [8, 15, 15], r: 1, parent: 1 },
      { p: [12, 15, 15], r: 1, parent: 2 },
    ];
    const out = rule(img, nodes, { rule: 'condense' });
    // √0 = 0 at the leaf: search radius 10 reaches the ball; at its centre √100 = 10 gives radius 1
    expect(positions(out)).toEqual([[5, 15, 15], [8, 15, 15], [15, 15, 15]]);
  });

  it('smooths inner nodes towards their graph neighbours and keeps terminal nodes fixed', () => {
    const img = image([20, 20, 20], 0);
    const nodes: NodeSpec[] = [
      { p: [5, 5, 5], r: 1, parent: -1 },
      { p: [6, 7, 5], r: 1, parent: 1 },
      { p: [7, 5, 5], r: 1, parent: 2 },
    ];
    const out = rule(img, nodes, { rule: 'smooth' });
    // (0.1 (a + c) + image centroid (= b on a dark image) + 0.2 b) / (2 · 0.1 + 1 + 0.2)
    const b = positions(out)[1];
    expect(b[0]).toBeCloseTo(6, 10);
    expect(b[1]).toBeCloseTo((0.1 * 10 + 1.2 * 7) / 1.4, 10);
    expect(b[2]).toBeCloseTo(5, 10);
    expect(positions(out)[0]).toEqual([5, 5, 5]);
    expect(positions(out)[2]).toEqual([7, 5, 5]);
  });

  it('fits XY ring radii against mean + std of the image', () => {
    const img = image([40, 40, 9], 0);
    for (let z = 0; z < 9; z++) for (let y = 0; y < 40; y++) for (let x = 0; x < 40; x++)
      if ((y - 20) ** 2 + (z - 4) ** 2 <= 9) img.set(x, y, z, 200); // a tube of radius 3 along x
    const out = rule(img, [{ p: [20, 20, 4], r: 0, parent: -1 }, { p: [21, 20, 4], r: 0, parent: 1 }], { rule: 'radii' });
    expect(Array.from(out.r)).toEqual([4, 4]); // the ring at 4 is the first to reach the background
  });

  it('measures the overlap of one node\'s ball with another\'s', () => {
    const img = image([20, 20, 20], 100);
    const inside = rule(img, [{ p: [10, 10, 10], r: 2, parent: -1 }, { p: [10, 10, 10], r: 3, parent: 1 }], { rule: 'overlap' });
    expect(inside.count).toBe(1000);
    const apart = rule(img, [{ p: [5, 10, 10], r: 2, parent: -1 }, { p: [15, 10, 10], r: 3, parent: 1 }], { rule: 'overlap' });
    expect(apart.count).toBe(0);
    const dark = rule(image([20, 20, 20], 0), [{ p: [5, 10, 10], r: 2, parent: -1 }, { p: [15, 10, 10], r: 3, parent: 1 }], { rule: 'overlap' });
    expect(dark.count).toBe(1000); // a ball without intensity counts as covered
  });
});

describe('exact Euclidean distance transform (shared kernel)', () => {
  function brute(mask: Uint8Array, dims: Vec3, planar: boolean): number[] {
    const [nx, ny, nz] = dims;
    const out: number[] = [];
    for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) {
      if (!mask[(z * ny + y) * nx + x]) { out.push(0); continue; }
      let best = Infinity;
      for (let k = 0; k < nz; k++) {
        if (planar && k !== z) continue;
        for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++)
          if (!mask[(k * ny + j) * nx + i]) best = Math.min(best, (x - i) ** 2 + (y - j) ** 2 + (z - k) ** 2);
      }
      out.push(best);
    }
    return out;
  }

  it('matches a brute-force search, per slice and in 3-D', () => {
    const dims: Vec3 = [13, 11, 7];
    let s = 99;
    const mask = Uint8Array.from({ length: dims[0] * dims[1] * dims[2] }, () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 2 ** 32 < 0.9 ? 1 : 0;
    });
    for (const planar of [true, false]) {
      const got = Array.from(addon._testEdt(mask, dims, planar));
      const want = brute(mask, dims, planar).map((v) => (v === Infinity ? 3e38 : v));
      for (let i = 0; i < got.length; i++) expect(got[i]).toBeCloseTo(want[i] === 3e38 ? Math.fround(3e38) : want[i], 3);
    }
  });

  it('leaves foreground without any background at the infinity marker', () => {
    const out = addon._testEdt(new Uint8Array(8).fill(1), [2, 2, 2], false);
    expect(Array.from(out)).toEqual(new Array(8).fill(Math.fround(3e38)));
  });
});
