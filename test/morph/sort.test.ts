import { describe, expect, it } from 'vitest';
import { sortTree } from '../../host/morph/sort.js';
import { totalLength, roots } from '../../host/morph/tree-index.js';
import { validateTree } from '../../host/morph/validate.js';
import { UsageError } from '../../host/core/errors.js';
import type { SwcNode, Tree } from '../../host/morph/tree.js';
import { chain, edgeSet, isSortedTree, rng, tree, undirectedEdgeSet } from './tree-builders.js';

const pos = (t: Tree) => t.nodes.map((n) => [n.id, n.x, n.y, n.parent]);

/** Unsorted forest: the first root in file order is id 1 (row 2), a second tree hangs off id 21. */
const forest = () => tree([
  [7, 3, 2, 1, 0, 1, 3],
  [3, 3, 1, 0, 0, 1, 1],
  [1, 1, 0, 0, 0, 1, -1],
  [20, 3, 50, 0, 0, 1, 21],
  [2, 3, 1, -1, 0, 1, 1],
  [21, 1, 49, 0, 0, 1, -1],
  [8, 3, 2, -1, 0, 1, 3],
], ['name forest']);

describe('sortTree', () => {
  it('renumbers an unsorted forest 1..N in DFS pre-order from the first root, neighbours in file order', () => {
    const s = sortTree(forest());
    expect(pos(s)).toEqual([
      [1, 0, 0, -1], [2, 1, 0, 1], [3, 2, 1, 2], [4, 2, -1, 2], [5, 1, -1, 1],
      [6, 49, 0, -1], [7, 50, 0, 6],
    ]);
    expect(isSortedTree(s)).toBe(true);
    expect(edgeSet(s)).toEqual(edgeSet(forest()));
    expect(s.comments).toEqual(['name forest']);
  });

  it('keeps type, radius, extra columns and source lines, copying extra arrays', () => {
    const t = tree([[5, 3, 1, 0, 0, 0.5, 9], [9, 1, 0, 0, 0, 4, -1]]);
    t.nodes[0].extra = [1, 2];
    t.nodes[0].line = 12;
    const s = sortTree(t);
    expect(s.nodes).toEqual([
      { id: 1, type: 1, x: 0, y: 0, z: 0, radius: 4, parent: -1 },
      { id: 2, type: 3, x: 1, y: 0, z: 0, radius: 0.5, parent: 1, extra: [1, 2], line: 12 },
    ]);
    expect(s.nodes[1].extra).not.toBe(t.nodes[0].extra);
  });

  it('is idempotent', () => {
    const once = sortTree(forest());
    expect(sortTree(once)).toEqual(once);
  });

  it('re-roots the first tree at rootId, reversing the edges above it', () => {
    const s = sortTree(forest(), { rootId: 7 });
    expect(pos(s)).toEqual([
      [1, 2, 1, -1], [2, 1, 0, 1], [3, 0, 0, 2], [4, 1, -1, 3], [5, 2, -1, 2],
      [6, 49, 0, -1], [7, 50, 0, 6],
    ]);
    expect(undirectedEdgeSet(s)).toEqual(undirectedEdgeSet(forest()));
  });

  it('refuses an unknown rootId', () => {
    expect(() => sortTree(forest(), { rootId: 99 })).toThrow(UsageError);
    expect(() => sortTree(forest(), { rootId: 99 })).toThrow('sort: root id 99 is not in the tree');
  });

  it('starts later pieces at their own root so valid trees keep their direction', () => {
    // The second tree is listed leaf first; Vaa3D would root it at the leaf.
    const t = tree([[1, 1, 0, 0, 0, 1, -1], [12, 3, 12, 0, 0, 1, 11], [11, 3, 11, 0, 0, 1, 10], [10, 1, 10, 0, 0, 1, -1]]);
    const s = sortTree(t);
    expect(pos(s)).toEqual([[1, 0, 0, -1], [2, 10, 0, -1], [3, 11, 0, 2], [4, 12, 0, 3]]);
  });

  it('merges nodes at identical positions only when asked', () => {
    const t = tree([
      [1, 1, 0, 0, 0, 1, -1],
      [2, 3, 1, 0, 0, 1, 1],
      [3, 3, 1, 0, 0, 2, 1], // same place as 2
      [4, 3, 2, 0, 0, 1, 3],
      [5, 3, 1, 1, 0, 1, 2],
      [6, 3, 2, 0, 0, 1, 4], // same place as its parent 4
    ]);
    expect(sortTree(t).nodes).toHaveLength(6);
    const m = sortTree(t, { mergeDuplicates: true });
    expect(pos(m)).toEqual([[1, 0, 0, -1], [2, 1, 0, 1], [3, 2, 0, 2], [4, 1, 1, 2]]);
    expect(m.nodes[1].radius).toBe(1); // the first row at a position stands for the others
  });

  it('links separate pieces within linkThreshold, none by default', () => {
    const t = tree([
      [1, 1, 0, 0, 0, 1, -1], [2, 3, 1, 0, 0, 1, 1], [3, 3, 3, 0, 0, 1, 2],
      [10, 3, 8, 0, 0, 1, -1], [11, 3, 7, 0, 0, 1, 10], [12, 3, 5, 0, 0, 1, 11],
      [20, 3, 100, 0, 0, 1, -1], [21, 3, 101, 0, 0, 1, 20],
    ]);
    expect(roots(sortTree(t))).toHaveLength(3);
    expect(roots(sortTree(t, { linkThreshold: 1.5 }))).toHaveLength(3);
    const linked = sortTree(t, { linkThreshold: 2 });
    expect(pos(linked)).toEqual([
      [1, 0, 0, -1], [2, 1, 0, 1], [3, 3, 0, 2], [4, 5, 0, 3], [5, 7, 0, 4], [6, 8, 0, 5],
      [7, 100, 0, -1], [8, 101, 0, 7],
    ]);
    expect(isSortedTree(linked)).toBe(true);
  });

  it('links coincident nodes of different pieces with threshold 0', () => {
    const t = tree([[1, 1, 0, 0, 0, 1, -1], [2, 3, 1, 0, 0, 1, 1], [3, 1, 1, 0, 0, 1, -1], [4, 3, 2, 0, 0, 1, 3]]);
    expect(roots(sortTree(t, { linkThreshold: 0 }))).toHaveLength(1);
  });

  it('rejects a negative or non-finite link threshold', () => {
    expect(() => sortTree(forest(), { linkThreshold: -1 })).toThrow('sort: link threshold must be a finite number >= 0, got -1');
    expect(() => sortTree(forest(), { linkThreshold: Number.NaN })).toThrow(UsageError);
  });

  it('links exactly the minimum spanning forest edges within the threshold (random pieces vs brute force)', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const r = rng(seed);
      const rows: [number, number, number, number, number, number, number][] = [];
      const pieceOf: number[] = [];
      for (let p = 0; p < 40; p++) {
        let x = r() * 60, y = r() * 60, z = r() * 20;
        const len = 2 + Math.floor(r() * 6);
        for (let k = 0; k < len; k++) {
          const id = rows.length + 1;
          rows.push([id, 3, x, y, z, 1, k === 0 ? -1 : id - 1]);
          pieceOf.push(p);
          x += r() * 2 - 1; y += r() * 2 - 1; z += r() * 2 - 1;
        }
      }
      const t = tree(rows);
      const threshold = 6;
      // Kruskal over every cross-piece pair: the MSF weight and piece count are unique even with ties.
      const pairs: [number, number, number][] = [];
      for (let i = 0; i < rows.length; i++) {
        for (let j = i + 1; j < rows.length; j++) {
          if (pieceOf[i] === pieceOf[j]) continue;
          const d = Math.hypot(rows[i][2] - rows[j][2], rows[i][3] - rows[j][3], rows[i][4] - rows[j][4]);
          if (d <= threshold) pairs.push([d, pieceOf[i], pieceOf[j]]);
        }
      }
      pairs.sort((a, b) => a[0] - b[0]);
      const uf = Array.from({ length: 40 }, (_, i) => i);
      const find = (a: number): number => (uf[a] === a ? a : (uf[a] = find(uf[a])));
      let weight = 0, groups = 40;
      for (const [d, a, b] of pairs) {
        const ra = find(a), rb = find(b);
        if (ra !== rb) { uf[ra] = rb; weight += d; groups--; }
      }
      const s = sortTree(t, { linkThreshold: threshold });
      expect(isSortedTree(s)).toBe(true);
      expect(s.nodes).toHaveLength(rows.length);
      expect(roots(s)).toHaveLength(groups);
      expect(totalLength(s) - totalLength(t)).toBeCloseTo(weight, 9);
    }
  });

  it('treats dangling and self parents as roots and breaks cycles, keeping every node', () => {
    const t = tree([[1, 1, 0, 0, 0, 1, -1], [2, 3, 1, 0, 0, 1, 99], [3, 3, 2, 0, 0, 1, 3], [4, 3, 3, 0, 0, 1, 5], [5, 3, 4, 0, 0, 1, 4]]);
    const s = sortTree(t);
    expect(s.nodes).toHaveLength(5);
    expect(isSortedTree(s)).toBe(true);
    expect(validateTree(s)).toEqual([]);
    expect(pos(s)).toEqual([[1, 0, 0, -1], [2, 1, 0, -1], [3, 2, 0, -1], [4, 3, 0, -1], [5, 4, 0, 4]]);
  });

  it('sorts a 200k-node chain listed child first without overflowing the stack', () => {
    const t = chain(200_000);
    t.nodes.reverse();
    const s = sortTree(t);
    expect(s.nodes).toHaveLength(200_000);
    expect(isSortedTree(s)).toBe(true);
    expect(s.nodes[199_999]).toMatchObject({ id: 200_000, x: 199_999, parent: 199_999 });
  });

  it('links two 100k-node pieces at scale', () => {
    const t = chain(200_000);
    t.nodes[100_000].parent = -1;
    const nodes: SwcNode[] = [...t.nodes].reverse();
    expect(roots(sortTree({ nodes, comments: [] }))).toHaveLength(2);
    const s = sortTree({ nodes, comments: [] }, { linkThreshold: 1 });
    expect(roots(s)).toEqual([0]);
    expect(s.nodes[0].x).toBe(100_000); // reversed list: the piece root at x = 100000 comes first
    expect(isSortedTree(s)).toBe(true);
  });

  it('returns an empty tree for an empty tree', () => {
    expect(sortTree({ nodes: [], comments: ['c'] })).toEqual({ nodes: [], comments: ['c'] });
  });
});
