import { UsageError } from '../core/errors.js';
import type { SwcNode, Tree } from './tree.js';
import { idIndex, isRootMarker, parentIndex } from './tree-index.js';
import { linkPieces } from './link-pieces.js';

export interface SortOptions {
  /** Merge nodes at exactly the same x, y, z into the first of them (Vaa3D sort_swc always does). */
  mergeDuplicates?: boolean;
  /** Join separate pieces whose closest nodes are within this distance (coordinate units). Default: no links. */
  linkThreshold?: number;
  /** Id of the node to root the first tree at (re-roots its piece). Default: the first root in file order. */
  rootId?: number;
}

/*
 * Vaa3D sort_swc semantics (vaa3d-notes.md 2.7, consensus.md 4.1): the parent links are read as
 * an undirected graph, traversed depth-first in pre-order from the root (neighbours in file
 * order), and renumbered 1..N so every parent precedes its children. The first tree comes from
 * the chosen root; every other piece follows as its own tree.
 *
 * Deliberate differences from Vaa3D (its behaviour is a crash risk or an accident of its code):
 * - iterative DFS and CSR adjacency instead of recursion and an O(n²) matrix;
 * - a later piece starts at its own root (parent -1) when it has one, so sorting an unsorted but
 *   valid forest never flips edges; Vaa3D starts at the piece's first row in the list;
 * - dangling parents and self-parents are treated as "no parent" (validateTree reports them).
 */
export function sortTree(tree: Tree, opts: SortOptions = {}): Tree {
  const nodes = tree.nodes;
  const n = nodes.length;
  const comments = [...tree.comments];
  if (n === 0) {
    if (opts.rootId !== undefined) throw new UsageError(`sort: root id ${opts.rootId} is not in the tree (the tree is empty)`);
    return { nodes: [], comments };
  }
  if (opts.linkThreshold !== undefined && !(opts.linkThreshold >= 0 && Number.isFinite(opts.linkThreshold))) {
    throw new UsageError(`sort: link threshold must be a finite number >= 0, got ${opts.linkThreshold}`);
  }
  const ids = idIndex(tree);
  const parents = parentIndex(tree, ids);
  const rep = representatives(nodes, opts.mergeDuplicates ?? false);

  const edgeA: number[] = [], edgeB: number[] = [];
  for (let i = 0; i < n; i++) {
    if (parents[i] < 0) continue;
    const a = rep[i], b = rep[parents[i]];
    if (a !== b) { edgeA.push(a); edgeB.push(b); }
  }

  // Start candidates: the requested root, then real roots, then parentless rows, then the rest.
  const starts: number[] = [];
  if (opts.rootId !== undefined) {
    const row = ids.get(opts.rootId);
    if (row === undefined) throw new UsageError(`sort: root id ${opts.rootId} is not in the tree`);
    starts.push(rep[row]);
  }
  for (let i = 0; i < n; i++) if (rep[i] === i && isRootMarker(nodes[i].parent, ids)) starts.push(i);
  for (let i = 0; i < n; i++) if (rep[i] === i && parents[i] < 0) starts.push(i);
  for (let i = 0; i < n; i++) if (rep[i] === i) starts.push(i);

  if (opts.linkThreshold !== undefined) {
    const { label, count } = pieceLabels(n, rep, edgeA, edgeB);
    const xyz = new Float64Array(3 * n);
    for (let i = 0; i < n; i++) {
      xyz[3 * i] = nodes[i].x; xyz[3 * i + 1] = nodes[i].y; xyz[3 * i + 2] = nodes[i].z;
      if (!(Number.isFinite(nodes[i].x) && Number.isFinite(nodes[i].y) && Number.isFinite(nodes[i].z))) label[i] = -1;
    }
    for (const [a, b] of linkPieces(xyz, label, count, opts.linkThreshold)) { edgeA.push(a); edgeB.push(b); }
  }

  const { offsets, adj } = adjacency(n, edgeA, edgeB);
  const newId = new Int32Array(n);
  const outParent: number[] = [];
  const outRow: number[] = [];
  const stack = new Int32Array(n);
  const next = offsets.slice(0, n);
  for (const s of starts) {
    if (newId[s] !== 0) continue;
    let top = 0;
    stack[0] = s;
    outRow.push(s); outParent.push(-1); newId[s] = outRow.length;
    while (top >= 0) {
      const v = stack[top];
      if (next[v] < offsets[v + 1]) {
        const u = adj[next[v]++];
        if (newId[u] !== 0) continue;
        outRow.push(u); outParent.push(newId[v]); newId[u] = outRow.length;
        stack[++top] = u;
      } else {
        top--;
      }
    }
  }

  const out: SwcNode[] = new Array(outRow.length);
  for (let k = 0; k < outRow.length; k++) {
    const src = nodes[outRow[k]];
    const node: SwcNode = { ...src, id: k + 1, parent: outParent[k] };
    if (src.extra) node.extra = [...src.extra];
    out[k] = node;
  }
  return { nodes: out, comments };
}

/** Row -> the row that stands for it: itself, or the first row at exactly the same position. */
function representatives(nodes: SwcNode[], merge: boolean): Int32Array {
  const rep = Int32Array.from({ length: nodes.length }, (_, i) => i);
  if (!merge) return rep;
  const first = new Map<string, number>();
  for (let i = 0; i < nodes.length; i++) {
    const { x, y, z } = nodes[i];
    if (!(Number.isFinite(x) && Number.isFinite(y) && Number.isFinite(z))) continue;
    const key = `${x},${y},${z}`;
    const f = first.get(key);
    if (f === undefined) first.set(key, i);
    else rep[i] = f;
  }
  return rep;
}

/** Undirected adjacency in CSR form, each neighbour list ascending (file order). */
function adjacency(n: number, a: number[], b: number[]): { offsets: Int32Array; adj: Int32Array } {
  const offsets = new Int32Array(n + 1);
  for (let e = 0; e < a.length; e++) { offsets[a[e] + 1]++; offsets[b[e] + 1]++; }
  for (let i = 0; i < n; i++) offsets[i + 1] += offsets[i];
  const fill = offsets.slice(0, n);
  const adj = new Int32Array(offsets[n]);
  for (let e = 0; e < a.length; e++) { adj[fill[a[e]]++] = b[e]; adj[fill[b[e]]++] = a[e]; }
  for (let i = 0; i < n; i++) if (offsets[i + 1] - offsets[i] > 1) adj.subarray(offsets[i], offsets[i + 1]).sort();
  return { offsets, adj };
}

/** Connected-piece label per representative row (0..count-1), -1 for merged-away rows. */
function pieceLabels(n: number, rep: Int32Array, a: number[], b: number[]): { label: Int32Array; count: number } {
  const uf = Int32Array.from({ length: n }, (_, i) => i);
  const find = (x: number): number => {
    while (uf[x] !== x) { uf[x] = uf[uf[x]]; x = uf[x]; }
    return x;
  };
  for (let e = 0; e < a.length; e++) {
    const ra = find(a[e]), rb = find(b[e]);
    if (ra !== rb) uf[ra] = rb;
  }
  const label = new Int32Array(n).fill(-1);
  const byRoot = new Int32Array(n).fill(-1);
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (rep[i] !== i) continue;
    const r = find(i);
    if (byRoot[r] < 0) byRoot[r] = count++;
    label[i] = byRoot[r];
  }
  return { label, count };
}
