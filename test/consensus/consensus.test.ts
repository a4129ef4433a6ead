import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { consensus } from '../../host/consensus/consensus.js';
import { EXTRA_EDGE_FRACTION, EXTRA_EDGE_VOTE, EXTRA_NODE_FRACTION } from '../../host/consensus/output.js';
import { readSwc, writeSwc } from '../../host/io/swc.js';
import { neuronDistance } from '../../host/metrics/neuron-distance.js';
import { randomTree } from '../../host/metrics/random-tree.js';
import type { SwcNode, Tree } from '../../host/morph/tree.js';
import { branchPoints, parentIndex, roots, tips } from '../../host/morph/tree-index.js';
import { validateTree } from '../../host/morph/validate.js';
import { tempDir } from '../helpers/plugin-fixtures.js';
import { undirectedEdgeSet } from '../morph/tree-builders.js';
import { jitter, length, named, shifted, shuffled, withBranch, yTree } from './helpers.js';

function esa(a: Tree, b: Tree): number {
  const d = neuronDistance(a, b);
  if (!d.computable) throw new Error(d.reason);
  return d.esa;
}

/** A tree on the integer grid sampled every 2 voxels: a stem along x, a fork at x = 20 and a side branch along z. */
function gridTree(): Tree {
  const nodes: SwcNode[] = [];
  const add = (x: number, y: number, z: number, parent: number) => nodes.push({ id: nodes.length + 1, type: 3, x, y, z, radius: 1, parent }) ;
  add(0, 0, 0, -1);
  for (let x = 2; x <= 20; x += 2) add(x, 0, 0, nodes.length);
  const fork = nodes.length;
  let parent = fork;
  for (let y = 2; y <= 16; y += 2) { add(20, y, 0, parent); parent = nodes.length; }
  parent = fork;
  for (let y = -2; y >= -16; y -= 2) { add(20, y, 0, parent); parent = nodes.length; }
  parent = 5; // (8, 0, 0)
  for (let z = 2; z <= 10; z += 2) { add(8, 0, z, parent); parent = nodes.length; }
  return { nodes, comments: [] };
}

describe('consensus', () => {
  it('gives back the input when all inputs are identical', () => {
    const input = gridTree();
    const { tree, report } = consensus(named(Array.from({ length: 6 }, () => gridTree())));
    expect(report.used).toHaveLength(6);
    expect(report.voteThreshold).toBe(6);
    expect(tree.nodes).toHaveLength(input.nodes.length);
    expect(undirectedEdgeSet(tree)).toEqual(undirectedEdgeSet(input));
    const parents = parentIndex(tree);
    expect(roots(tree, parents).map((r) => [tree.nodes[r].x, tree.nodes[r].y, tree.nodes[r].z])).toEqual([[0, 0, 0]]);
    for (const n of tree.nodes) {
      expect(n.radius).toBe(1);
      expect(n.extra![EXTRA_NODE_FRACTION]).toBe(1);
      if (n.parent >= 0) expect(n.extra![EXTRA_EDGE_VOTE]).toBe(6);
    }
    expect(validateTree(tree)).toEqual([]);
  });

  it('gives back the geometry of an arbitrary input (ESA ~ 0, same length)', () => {
    const input = randomTree({ nodes: 400, seed: 5 });
    const { tree } = consensus(named(Array.from({ length: 6 }, () => input)));
    expect(esa(input, tree)).toBeLessThan(0.1);
    // Consensus nodes end up about 2 voxels apart (a cluster within 1 voxel of the previous
    // node joins it), which cuts the corners of this wiggly tree a little.
    expect(Math.abs(length(tree) - length(input)) / length(input)).toBeLessThan(0.1);
  });

  it('card test 1: three jittered Y trees at V = 2 give one Y with 3 votes on every edge', () => {
    const { tree, report } = consensus(named([1, 2, 3].map((s) => jitter(yTree(), 0.3, s))), { voteThreshold: 2, clusterDistance: 5 });
    expect(report.used).toHaveLength(3);
    const parents = parentIndex(tree);
    const r = roots(tree, parents);
    expect(r).toHaveLength(1);
    const root = tree.nodes[r[0]];
    expect(Math.hypot(root.x, root.y, root.z)).toBeLessThan(1);
    expect(branchPoints(tree, parents)).toHaveLength(1);
    expect(tips(tree, parents)).toHaveLength(2);
    for (const n of tree.nodes) {
      expect(n.extra![EXTRA_NODE_FRACTION]).toBe(1);
      if (n.parent >= 0) {
        expect(n.extra![EXTRA_EDGE_VOTE]).toBe(3);
        expect(n.extra![EXTRA_EDGE_FRACTION]).toBe(1);
      }
    }
    expect(esa(yTree(), tree)).toBeLessThan(0.5);
  });

  it('card test 2: a branch of one tree vanishes at V = 2 and survives at V = 1', () => {
    const trees = [1, 2, 3].map((s) => jitter(yTree(), 0.3, s));
    trees.push(withBranch(jitter(yTree(), 0.3, 4), 3, [0, 0, 1], 12));
    const near = (t: Tree) => t.nodes.some((n) => Math.hypot(n.x - 10, n.y, n.z - 11) < 1.5);
    expect(near(consensus(named(trees), { voteThreshold: 2 }).tree)).toBe(false);
    expect(near(consensus(named(trees), { voteThreshold: 1 }).tree)).toBe(true);
  });

  it('card test 3: a tree far from all others is dropped', () => {
    const trees = [1, 2, 3].map((s) => jitter(yTree(), 0.3, s));
    const inputs = named([...trees, shifted(yTree(), [200, 0, 0])]);
    const { report } = consensus(inputs, { voteThreshold: 2 });
    expect(report.used).toEqual(['tree00', 'tree01', 'tree02']);
    expect(report.dropped).toEqual([{ name: 'tree03', reason: 'no node within 5 voxels of another input' }]);
  });

  it('three noisy copies plus two outliers give a tree closer to the clean one than any copy', () => {
    const clean = randomTree({ nodes: 600, seed: 11 });
    const noisy = [21, 22, 23].map((s) => jitter(clean, 1, s));
    const tooLong = randomTree({ nodes: 6000, seed: 12 });
    const elsewhere = shifted(jitter(clean, 1, 24), [0, 0, 400]);
    const inputs = named([noisy[0], tooLong, noisy[1], elsewhere, noisy[2]]);
    const { tree, report } = consensus(inputs);
    expect(report.used).toEqual(['tree00', 'tree02', 'tree04']);
    expect(report.dropped.map((d) => d.name).sort()).toEqual(['tree01', 'tree03']);
    expect(report.dropped.find((d) => d.name === 'tree01')!.reason).toMatch(/total length .* outside \[0\.25, 4\]/);
    // Three voters are fewer than the default threshold 6: lowered to max(2, floor(3/3)).
    expect(report.voteThreshold).toBe(2);
    const consensusEsa = esa(clean, tree);
    for (const t of noisy) expect(consensusEsa).toBeLessThan(esa(clean, t));
    expect(consensusEsa).toBeLessThan(0.75 * Math.min(...noisy.map((t) => esa(clean, t))));
  });

  it('drops a branch present in only one input at the default threshold', () => {
    const clean = randomTree({ nodes: 500, seed: 31 });
    const copies = Array.from({ length: 8 }, (_, i) => jitter(clean, 0.5, 40 + i));
    const tipRow = tips(clean).at(-1)!;
    const from = clean.nodes[tipRow];
    copies[3] = withBranch(copies[3], from.id, [0, 0, 1], 25);
    const end = { x: from.x, y: from.y, z: from.z + 25 };
    const { tree, report } = consensus(named(copies));
    expect(report.voteThreshold).toBe(6);
    expect(report.used).toHaveLength(8);
    expect(tree.nodes.some((n) => Math.hypot(n.x - end.x, n.y - end.y, n.z - end.z) < 5)).toBe(false);
    expect(esa(clean, tree)).toBeLessThan(0.5);
    // ...and keeps it when voted by one tree is enough.
    const loose = consensus(named(copies), { voteThreshold: 1 }).tree;
    expect(loose.nodes.some((n) => Math.hypot(n.x - end.x, n.y - end.y, n.z - end.z) < 2)).toBe(true);
  });

  it('keeps only the part holding the first consensus node, as the original, or every part with spanningForest', () => {
    // Every input traces two separate neurites 40 voxels apart; the first input's root is on the first.
    const twoParts = (seed: number): Tree => {
      const a = jitter(randomTree({ nodes: 200, seed: 81 }), 0.5, seed);
      const b = shifted(jitter(randomTree({ nodes: 150, seed: 82 }), 0.5, seed + 100), [0, 0, 200]);
      return { comments: [], nodes: [...a.nodes, ...b.nodes.map((n) => ({ ...n, id: n.id + 1000, parent: n.parent < 0 ? -1 : n.parent + 1000 }))] };
    };
    const inputs = named([1, 2, 3, 4, 5, 6].map(twoParts));
    const original = consensus(inputs).tree;
    const forest = consensus(inputs, { spanningForest: true }).tree;
    const far = (t: Tree) => t.nodes.filter((n) => n.z > 150).length;
    expect(far(original)).toBe(0);
    expect(far(forest)).toBeGreaterThan(50);
    expect(roots(forest, parentIndex(forest))).toHaveLength(2);
    expect(forest.nodes.filter((n) => n.z <= 150).length).toBe(original.nodes.length);
  });

  it('is deterministic and independent of the order of the inputs', () => {
    const clean = randomTree({ nodes: 300, seed: 51 });
    const inputs = named(Array.from({ length: 7 }, (_, i) => jitter(clean, 1, 60 + i)));
    const first = consensus(inputs);
    for (const seed of [1, 2, 3]) {
      const again = consensus(shuffled(inputs, seed));
      expect(again.tree.nodes).toEqual(first.tree.nodes);
      expect(again.report).toEqual(first.report);
    }
    // Unnamed inputs are ordered by content.
    const anonymous = inputs.map((i) => ({ name: '', tree: i.tree }));
    const a = consensus(anonymous).tree.nodes;
    expect(consensus(shuffled(anonymous, 9)).tree.nodes).toEqual(a);
  });

  it('returns a lone surviving input as it is and names the reasons when nothing is usable', () => {
    const y = yTree();
    const single = consensus(named([y]));
    expect(single.report.single).toBe(true);
    expect(single.tree.nodes.map((n) => [n.x, n.y, n.z])).toEqual(y.nodes.map((n) => [n.x, n.y, n.z]));
    expect(() => consensus([])).toThrow('consensus: no input trees');
    expect(() => consensus(named([{ nodes: [], comments: [] }, { nodes: [], comments: [] }]))).toThrow(/none of the 2 input trees is usable \(tree00: empty tree; tree01: empty tree\)/);
    expect(() => consensus(named([yTree(), shifted(yTree(), [100, 0, 0])]))).toThrow(/no two of the 2 usable inputs come within 5 voxels/);
    expect(() => consensus(named([1, 2, 3].map((s) => jitter(yTree(), 0.3, s))), { fewInputs: 'fail' }))
      .toThrow('consensus: only 3 input trees left after input hygiene, fewer than the vote threshold 6');
    expect(() => consensus(named([yTree(), yTree()]), { voteThreshold: 0 })).toThrow('consensus: voteThreshold must be an integer >= 1 (got 0)');
    expect(() => consensus(named([yTree(), yTree()]), { bogus: 1 } as never)).toThrow(/unknown option 'bogus'/);
  });

  it('fails with the reason when no location gets enough votes', () => {
    // Three lines overlapping in pairs: no location is on all three.
    const line = (x0: number): Tree => ({
      comments: [],
      nodes: Array.from({ length: 21 }, (_, i) => ({ id: i + 1, type: 3, x: x0 + i, y: 0, z: 0, radius: 1, parent: i === 0 ? -1 : i })),
    });
    const inputs = named([line(0), line(15), line(30)]);
    expect(() => consensus(inputs, { voteThreshold: 3 })).toThrow('consensus: no location was traced by 3 of the 3 inputs (vote threshold 3)');
    expect(consensus(inputs, { voteThreshold: 2 }).tree.nodes.length).toBeGreaterThan(0);
  });

  it('writes ESWC with the vote columns that reads back unchanged', async () => {
    const { tree } = consensus(named([1, 2, 3, 4].map((s) => jitter(yTree(), 0.3, s))), { voteThreshold: 3 });
    const file = join(tempDir('nt-consensus-'), 'c.eswc');
    await writeSwc(file, tree);
    const back = await readSwc(file);
    expect(back.comments).toContain('n,type,x,y,z,radius,parent,seg_id,level,edge_vote,node_vote_fraction,edge_vote_fraction');
    expect(back.nodes).toHaveLength(tree.nodes.length);
    back.nodes.forEach((n, i) => {
      expect(n.extra).toHaveLength(5);
      expect(n.extra![EXTRA_EDGE_VOTE]).toBe(tree.nodes[i].extra![EXTRA_EDGE_VOTE]);
      expect(n.radius).toBeCloseTo(tree.nodes[i].radius, 6);
    });
  });
});
