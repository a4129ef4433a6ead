import type { Vec3 } from '../core/volume.js';
import { sortTree } from '../morph/sort.js';
import type { Tree } from '../morph/tree.js';
import { childCounts, parentIndex } from '../morph/tree-index.js';

/**
 * The row to root a tree at near a soma position (the `standardize` rule, consensus.md §1 step 3,
 * reused by soma_sort §2.8): the first root within `radius` in row order; otherwise the node
 * within `radius` with the most children (ties: the nearer) if it has any child; otherwise the
 * node nearest to the soma. -1 for an empty tree.
 */
export function somaRootRow(tree: Tree, soma: Vec3, radius: number): number {
  const parents = parentIndex(tree);
  const counts = childCounts(parents);
  let chosen = -1, bestC = 0, bestD = Infinity, nearest = -1, nearestD = Infinity;
  for (let r = 0; r < tree.nodes.length; r++) {
    const n = tree.nodes[r];
    const d = Math.hypot(n.x - soma[0], n.y - soma[1], n.z - soma[2]);
    if (d < nearestD) { nearestD = d; nearest = r; }
    if (d > radius) continue;
    if (parents[r] < 0) return r;
    if (counts[r] > bestC || (counts[r] === bestC && d < bestD)) { chosen = r; bestC = counts[r]; bestD = d; }
  }
  return chosen >= 0 && bestC >= 1 ? chosen : nearest;
}

/**
 * soma_sort (§2.8): re-root at somaRootRow and sort, joining pieces whose closest nodes are
 * within `bridge`, so ids are 1..n with parents first and the soma piece first.
 */
export function rerootAtSoma(tree: Tree, soma: Vec3, radius: number, bridge: number): Tree {
  const row = somaRootRow(tree, soma, radius);
  if (row < 0) return { nodes: [], comments: [...tree.comments] };
  return sortTree(tree, { rootId: tree.nodes[row].id, linkThreshold: bridge, mergeDuplicates: true });
}
