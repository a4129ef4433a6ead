import type { Vec3 } from '../core/volume.js';
import type { SwcNode, Tree } from './tree.js';

/*
 * Topology helpers shared by I/O, metrics, consensus and tests. Everything here works on row
 * indices into tree.nodes (not SWC ids), accepts nodes in any order and never recurses, so
 * 200k-node chains are fine.
 *
 * Root rule (formats.md "recommended tolerant reader"): a node is a root when its parent is
 * negative, when it is 0 and no node has id 0 (files numbered from 1 that mark roots with 0),
 * or when the parent id does not resolve (dangling) or is the node itself. validateTree()
 * reports the last two; here they only must not break traversals.
 */

/** SWC id -> row of its first occurrence. */
export function idIndex(tree: Tree): Map<number, number> {
  const m = new Map<number, number>();
  const nodes = tree.nodes;
  for (let i = 0; i < nodes.length; i++) if (!m.has(nodes[i].id)) m.set(nodes[i].id, i);
  return m;
}

/** Whether a parent field marks a root by convention (not a dangling reference). */
export function isRootMarker(parent: number, ids: Map<number, number>): boolean {
  return parent < 0 || (parent === 0 && !ids.has(0));
}

/** Row -> parent row, -1 for roots (see the root rule above). */
export function parentIndex(tree: Tree, ids: Map<number, number> = idIndex(tree)): Int32Array {
  const nodes = tree.nodes;
  const out = new Int32Array(nodes.length);
  for (let i = 0; i < nodes.length; i++) {
    const p = nodes[i].parent;
    const row = p < 0 ? undefined : ids.get(p);
    out[i] = row === undefined || row === i ? -1 : row;
  }
  return out;
}

/** Row -> rows of its children, each list ascending (file order). */
export function childrenIndex(tree: Tree, parents: Int32Array = parentIndex(tree)): number[][] {
  const out: number[][] = Array.from({ length: tree.nodes.length }, () => []);
  for (let i = 0; i < parents.length; i++) if (parents[i] >= 0) out[parents[i]].push(i);
  return out;
}

/** Number of children per row. */
export function childCounts(parents: Int32Array): Int32Array {
  const out = new Int32Array(parents.length);
  for (let i = 0; i < parents.length; i++) if (parents[i] >= 0) out[parents[i]]++;
  return out;
}

/** Rows of root nodes, in file order. */
export function roots(tree: Tree, parents: Int32Array = parentIndex(tree)): number[] {
  const out: number[] = [];
  for (let i = 0; i < parents.length; i++) if (parents[i] < 0) out.push(i);
  return out;
}

/** Rows without children (a lone root counts as a tip). */
export function tips(tree: Tree, parents: Int32Array = parentIndex(tree)): number[] {
  const c = childCounts(parents);
  const out: number[] = [];
  for (let i = 0; i < c.length; i++) if (c[i] === 0) out.push(i);
  return out;
}

/** Rows with two or more children. */
export function branchPoints(tree: Tree, parents: Int32Array = parentIndex(tree)): number[] {
  const c = childCounts(parents);
  const out: number[] = [];
  for (let i = 0; i < c.length; i++) if (c[i] >= 2) out.push(i);
  return out;
}

/**
 * Rows in depth-first pre-order from each root in file order, children in file order: every
 * parent comes before its children. Nodes on a parent cycle are unreachable and left out
 * (validateTree reports them), so the result can be shorter than tree.nodes.
 */
export function preorder(tree: Tree, parents: Int32Array = parentIndex(tree), children: number[][] = childrenIndex(tree, parents)): number[] {
  const out: number[] = [];
  const stack: number[] = [];
  for (let r = 0; r < parents.length; r++) {
    if (parents[r] >= 0) continue;
    stack.push(r);
    while (stack.length > 0) {
      const v = stack.pop()!;
      out.push(v);
      const ch = children[v];
      for (let k = ch.length - 1; k >= 0; k--) stack.push(ch[k]);
    }
  }
  return out;
}

/** Euclidean distance between two nodes, each axis scaled by spacing (voxel -> µm) when given. */
export function edgeLength(a: SwcNode, b: SwcNode, spacing?: Vec3): number {
  const sx = spacing ? spacing[0] : 1, sy = spacing ? spacing[1] : 1, sz = spacing ? spacing[2] : 1;
  const dx = (a.x - b.x) * sx, dy = (a.y - b.y) * sy, dz = (a.z - b.z) * sz;
  return Math.sqrt(dx * dx + dy * dy + dz * dz);
}

/** Sum of all parent-child edge lengths (the usual "total length" feature). */
export function totalLength(tree: Tree, spacing?: Vec3, parents: Int32Array = parentIndex(tree)): number {
  const nodes = tree.nodes;
  let sum = 0;
  for (let i = 0; i < nodes.length; i++) if (parents[i] >= 0) sum += edgeLength(nodes[i], nodes[parents[i]], spacing);
  return sum;
}

/** Row -> path length along the tree to its root (0 at roots, NaN for nodes on a parent cycle). */
export function pathLengthToRoot(tree: Tree, spacing?: Vec3, parents: Int32Array = parentIndex(tree)): Float64Array {
  const out = new Float64Array(tree.nodes.length).fill(Number.NaN);
  for (const v of preorder(tree, parents)) {
    const p = parents[v];
    out[v] = p < 0 ? 0 : out[p] + edgeLength(tree.nodes[v], tree.nodes[p], spacing);
  }
  return out;
}
