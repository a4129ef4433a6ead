import { describe, expect, it } from 'vitest';
import { resampleTree } from '../../host/morph/resample.js';
import { branchPoints, childrenIndex, roots, tips, totalLength } from '../../host/morph/tree-index.js';
import { NeurotraceError, UsageError } from '../../host/core/errors.js';
import type { Tree } from '../../host/morph/tree.js';
import { isSortedTree, tree } from './tree-builders.js';

const xs = (t: Tree) => t.nodes.map((n) => +n.x.toFixed(9));

describe('resampleTree', () => {
  it('turns a straight line into evenly spaced nodes with linearly interpolated radius', () => {
    // Root r=1 at x=0, tip r=3 at x=10, uneven interior nodes that must disappear.
    const t = tree([[1, 1, 0, 0, 0, 1, -1], [2, 3, 3, 0, 0, 1.6, 1], [3, 3, 7, 0, 0, 2.4, 2], [4, 3, 10, 0, 0, 3, 3]]);
    const r = resampleTree(t, 1);
    expect(xs(r)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    r.nodes.forEach((n) => expect(n.radius).toBeCloseTo(1 + 0.2 * n.x, 12));
    expect(isSortedTree(r)).toBe(true);
    expect(r.nodes[0]).toMatchObject({ type: 1, parent: -1 });
    expect(r.nodes.slice(1).every((n) => n.type === 3)).toBe(true);
  });

  it('measures the step from the child end, leaving the shorter remainder next to the parent end', () => {
    const t = tree([[1, 1, 0, 0, 0, 1, -1], [2, 3, 4, 0, 0, 1, 1], [3, 3, 10.5, 0, 0, 1, 2]]);
    expect(xs(resampleTree(t, 2))).toEqual([0, 0.5, 2.5, 4.5, 6.5, 8.5, 10.5]);
  });

  it('does not emit a point on top of the upper node when the length is a multiple of the step', () => {
    const t = tree([[1, 1, 0, 0, 0, 1, -1], [2, 3, 3, 0, 0, 1, 1], [3, 3, 7, 0, 0, 1, 2], [4, 3, 10, 0, 0, 1, 3]]);
    expect(xs(resampleTree(t, 5))).toEqual([0, 5, 10]);
    expect(xs(resampleTree(t, 0.1)).length).toBe(101);
  });

  it('follows bends (arc length, not straight-line distance)', () => {
    const t = tree([[1, 1, 0, 0, 0, 1, -1], [2, 3, 3, 0, 0, 1, 1], [3, 3, 3, 4, 0, 1, 2]]);
    const r = resampleTree(t, 2);
    expect(r.nodes.map((n) => [+n.x.toFixed(9), +n.y.toFixed(9)])).toEqual([[0, 0], [1, 0], [3, 0], [3, 2], [3, 4]]);
    expect(totalLength(r)).toBeCloseTo(7, 12);
  });

  it('keeps roots, branch points and tips, with their ids renumbered parent first', () => {
    // Root at origin, branch point at x=4, two tips (one around a corner); a second root with one node.
    const t = tree([
      [1, 1, 0, 0, 0, 2, -1],
      [2, 3, 2, 0, 0, 1, 1],
      [3, 3, 4, 0, 0, 1, 2], // branch point
      [4, 3, 4, 3, 0, 1, 3],
      [5, 2, 4, -5, 0, 1, 3],
      [6, 3, 7, -5, 0, 1, 5], // corner at node 5 falls exactly on a step
      [9, 1, 50, 50, 50, 3, -1],
    ]);
    const r = resampleTree(t, 1);
    expect(isSortedTree(r)).toBe(true);
    const key = (n: { x: number; y: number; z: number }) => `${+n.x.toFixed(9)},${+n.y.toFixed(9)},${+n.z.toFixed(9)}`;
    const bp = branchPoints(r).map((i) => key(r.nodes[i]));
    expect(bp).toEqual(['4,0,0']);
    expect(roots(r).map((i) => key(r.nodes[i]))).toEqual(['0,0,0', '50,50,50']);
    expect(tips(r).map((i) => key(r.nodes[i])).sort()).toEqual(['4,3,0', '50,50,50', '7,-5,0']);
    expect(totalLength(r)).toBeCloseTo(totalLength(t), 9);
    // Steps of 1 on integer-length paths: every edge has length 1.
    const byId = new Map(r.nodes.map((n) => [n.id, n]));
    for (const n of r.nodes) if (n.parent > 0) expect(Math.hypot(n.x - byId.get(n.parent)!.x, n.y - byId.get(n.parent)!.y)).toBeCloseTo(1, 9);
    // New points on the branch towards the type-2 node take its type (the child side of their segment).
    const ch = childrenIndex(r);
    const bpRow = branchPoints(r)[0];
    expect(ch[bpRow].map((i) => r.nodes[i].type).sort()).toEqual([2, 3]);
  });

  it('keeps ESWC columns and source lines of kept nodes; new points copy their child-side node columns', () => {
    const t = tree([[1, 1, 0, 0, 0, 1, -1], [2, 3, 2, 0, 0, 1, 1]]);
    t.nodes[1].extra = [7, 1];
    t.nodes[1].line = 4;
    const r = resampleTree(t, 1);
    expect(r.nodes[1]).toEqual({ id: 2, type: 3, x: 1, y: 0, z: 0, radius: 1, parent: 1, extra: [7, 1] });
    expect(r.nodes[2]).toEqual({ id: 3, type: 3, x: 2, y: 0, z: 0, radius: 1, parent: 2, extra: [7, 1], line: 4 });
  });

  it('handles zero-length edges and single nodes', () => {
    const t = tree([[1, 1, 0, 0, 0, 1, -1], [2, 3, 0, 0, 0, 1, 1], [3, 3, 2, 0, 0, 1, 2]]);
    expect(xs(resampleTree(t, 1))).toEqual([0, 1, 2]);
    expect(resampleTree(tree([[4, 1, 1, 2, 3, 1, -1]]), 1).nodes).toEqual([{ id: 1, type: 1, x: 1, y: 2, z: 3, radius: 1, parent: -1 }]);
  });

  it('resamples a 200k-node chain without recursion', () => {
    const rows: [number, number, number, number, number, number, number][] = [];
    for (let i = 0; i < 200_000; i++) rows.push([i + 1, 3, i * 0.5, 0, 0, 1, i === 0 ? -1 : i]);
    const r = resampleTree(tree(rows.reverse()), 2);
    expect(r.nodes).toHaveLength(1 + Math.ceil(199_999 * 0.5 / 2));
    expect(isSortedTree(r)).toBe(true);
  });

  it('rejects a bad step, a step that would explode the tree, and parent cycles', () => {
    const t = tree([[1, 1, 0, 0, 0, 1, -1], [2, 3, 1000, 0, 0, 1, 1]]);
    expect(() => resampleTree(t, 0)).toThrow(new UsageError('resample: step must be a positive number, got 0'));
    expect(() => resampleTree(t, Number.NaN)).toThrow(UsageError);
    expect(() => resampleTree(t, 1e-6)).toThrow(/resample: step 0.000001 is too small|step 1e-6 is too small/);
    const c = tree([[1, 1, 0, 0, 0, 1, -1], [2, 3, 1, 0, 0, 1, 3], [3, 3, 2, 0, 0, 1, 2]]);
    c.nodes[2].parent = 2;
    expect(() => resampleTree(c, 1)).toThrow(NeurotraceError);
    expect(() => resampleTree(c, 1)).toThrow('resample: the tree has 1 parent cycle (through ids 2, 3); these nodes have no root');
  });
});
