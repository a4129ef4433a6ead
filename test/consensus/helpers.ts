import type { SwcNode, Tree } from '../../host/morph/tree.js';
import { mulberry32 } from '../../host/metrics/random-tree.js';
import type { ConsensusInput } from '../../host/consensus/inputs.js';

/** The card's `Y` tree (metrics.md): a stem along x that forks at (10,0,0) into two 45° arms. */
export function yTree(): Tree {
  const rows: [number, number, number, number][] = [
    [1, 0, 0, -1], [2, 5, 0, 1], [3, 10, 0, 2], [4, 15, 5, 3], [5, 20, 10, 4], [6, 15, -5, 3], [7, 20, -10, 6],
  ];
  return { comments: [], nodes: rows.map(([id, x, y, parent]): SwcNode => ({ id, type: id === 1 ? 1 : 3, x, y, z: 0, radius: 1, parent })) };
}

/** A copy with every coordinate moved by up to ±amount (uniform), seeded. */
export function jitter(tree: Tree, amount: number, seed: number): Tree {
  const rnd = mulberry32(seed);
  return {
    comments: [],
    nodes: tree.nodes.map((n) => ({ ...n, x: n.x + (rnd() * 2 - 1) * amount, y: n.y + (rnd() * 2 - 1) * amount, z: n.z + (rnd() * 2 - 1) * amount })),
  };
}

/** Appends a straight branch of `length` voxels (1-voxel steps) from the node with id `from`, heading along `dir`. */
export function withBranch(tree: Tree, from: number, dir: [number, number, number], length: number): Tree {
  const base = tree.nodes.find((n) => n.id === from)!;
  const norm = Math.hypot(...dir);
  let id = Math.max(...tree.nodes.map((n) => n.id));
  let parent = from;
  const extra: SwcNode[] = [];
  for (let s = 1; s <= length; s++) {
    id++;
    extra.push({ id, type: 3, x: base.x + (dir[0] / norm) * s, y: base.y + (dir[1] / norm) * s, z: base.z + (dir[2] / norm) * s, radius: 1, parent });
    parent = id;
  }
  return { comments: [], nodes: [...tree.nodes.map((n) => ({ ...n })), ...extra] };
}

export function shifted(tree: Tree, d: [number, number, number]): Tree {
  return { comments: [], nodes: tree.nodes.map((n) => ({ ...n, x: n.x + d[0], y: n.y + d[1], z: n.z + d[2] })) };
}

export function named(trees: Tree[], prefix = 'tree'): ConsensusInput[] {
  return trees.map((tree, i) => ({ name: `${prefix}${String(i).padStart(2, '0')}`, tree }));
}

/** Total length of a tree (sum of edge lengths). */
export function length(tree: Tree): number {
  const byId = new Map(tree.nodes.map((n) => [n.id, n]));
  let s = 0;
  for (const n of tree.nodes) {
    const p = byId.get(n.parent);
    if (p) s += Math.hypot(n.x - p.x, n.y - p.y, n.z - p.z);
  }
  return s;
}

/** Seeded Fisher–Yates shuffle (a copy). */
export function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const rnd = mulberry32(seed);
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
