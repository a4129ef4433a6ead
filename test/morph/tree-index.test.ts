import { describe, expect, it } from 'vitest';
import {
  branchPoints, childrenIndex, edgeLength, idIndex, parentIndex, pathLengthToRoot, preorder, roots, tips, totalLength,
} from '../../host/morph/tree-index.js';
import { chain, tree } from './tree-builders.js';

// Rows: 0 root, 1 and 3 children of 0 (branch), 2 child of 1, 4 listed before nothing odd.
const Y = () => tree([
  [10, 1, 0, 0, 0, 1, -1],
  [11, 3, 3, 4, 0, 1, 10],
  [12, 3, 3, 4, 2, 1, 11],
  [13, 3, 0, 0, 5, 1, 10],
]);

describe('tree-index', () => {
  it('maps ids to rows and parents to rows', () => {
    const t = Y();
    expect([...idIndex(t)]).toEqual([[10, 0], [11, 1], [12, 2], [13, 3]]);
    expect([...parentIndex(t)]).toEqual([-1, 0, 1, 0]);
  });

  it('lists children, roots, tips and branch points as rows', () => {
    const t = Y();
    expect(childrenIndex(t)).toEqual([[1, 3], [2], [], []]);
    expect(roots(t)).toEqual([0]);
    expect(tips(t)).toEqual([2, 3]);
    expect(branchPoints(t)).toEqual([0]);
  });

  it('treats parent -1, any negative, 0 without a node 0, dangling and self parents as roots', () => {
    const t = tree([[1, 1, 0, 0, 0, 1, -1], [2, 1, 0, 0, 0, 1, -3], [3, 1, 0, 0, 0, 1, 0], [4, 3, 0, 0, 0, 1, 77], [5, 3, 0, 0, 0, 1, 5], [6, 3, 0, 0, 0, 1, 4]]);
    expect(roots(t)).toEqual([0, 1, 2, 3, 4]);
    const z = tree([[0, 1, 0, 0, 0, 1, -1], [1, 3, 0, 0, 0, 1, 0]]);
    expect(roots(z)).toEqual([0]);
  });

  it('measures lengths, optionally in physical units', () => {
    const t = Y();
    expect(totalLength(t)).toBeCloseTo(5 + 2 + 5, 12);
    expect(totalLength(t, [1, 1, 2])).toBeCloseTo(5 + 4 + 10, 12);
    expect(edgeLength(t.nodes[0], t.nodes[1], [2, 1, 1])).toBeCloseTo(Math.hypot(6, 4), 12);
    expect([...pathLengthToRoot(t)]).toEqual([0, 5, 7, 5]);
  });

  it('gives a parent-first pre-order and leaves cycle nodes out', () => {
    const t = tree([[3, 3, 0, 0, 0, 1, 2], [2, 3, 0, 0, 0, 1, 1], [1, 1, 0, 0, 0, 1, -1], [4, 3, 0, 0, 0, 1, 1], [8, 3, 0, 0, 0, 1, 9], [9, 3, 0, 0, 0, 1, 8]]);
    expect(preorder(t)).toEqual([2, 1, 0, 3]);
    expect(Number.isNaN(pathLengthToRoot(t)[4])).toBe(true);
  });

  it('walks a 200k-node chain listed child first without recursion', () => {
    const t = chain(200_000);
    t.nodes.reverse();
    const order = preorder(t);
    expect(order).toHaveLength(200_000);
    expect(order[0]).toBe(199_999);
    expect(pathLengthToRoot(t)[0]).toBe(199_999);
  });
});
