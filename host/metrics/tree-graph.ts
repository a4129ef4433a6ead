import { NeurotraceError } from '../core/errors.js';
import type { Tree } from '../morph/tree.js';

/**
 * A tree in flat arrays for the metrics, tolerant of what real SWC files contain: any node
 * order, several roots, parents that do not exist (treated as roots, as our reader does, not
 * Vaa3D's "first row" fallback), duplicate ids (the last row wins, as in Vaa3D's id hash) and
 * self-parents (a root here; neuron_distance keeps their zero-length edge itself).
 * Children lists keep file order, which several reference metrics depend on.
 */
export interface TreeGraph {
  readonly n: number;
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly z: Float64Array;
  readonly r: Float64Array;
  readonly ids: Float64Array;
  /** Row index of the parent, -1 for a root. */
  readonly parent: Int32Array;
  /** Children of row i are childIdx[childStart[i] .. childStart[i+1]), in file order. */
  readonly childStart: Int32Array;
  readonly childIdx: Int32Array;
  /** Root rows in file order. */
  readonly roots: number[];
}

export function buildTreeGraph(tree: Tree): TreeGraph {
  const nodes = tree.nodes;
  const n = nodes.length;
  const x = new Float64Array(n), y = new Float64Array(n), z = new Float64Array(n), r = new Float64Array(n);
  const ids = new Float64Array(n);
  const rowOf = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const nd = nodes[i];
    x[i] = nd.x; y[i] = nd.y; z[i] = nd.z; r[i] = nd.radius; ids[i] = nd.id;
    rowOf.set(nd.id, i);
  }
  const parent = new Int32Array(n);
  const childCount = new Int32Array(n + 1);
  const roots: number[] = [];
  for (let i = 0; i < n; i++) {
    const pid = nodes[i].parent;
    const p = pid < 0 ? undefined : rowOf.get(pid);
    if (p === undefined || p === i) {
      parent[i] = -1;
      roots.push(i);
    } else {
      parent[i] = p;
      childCount[p]++;
    }
  }
  const childStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) childStart[i + 1] = childStart[i] + childCount[i];
  const fill = childStart.slice(0, n);
  const childIdx = new Int32Array(childStart[n]);
  for (let i = 0; i < n; i++) if (parent[i] >= 0) childIdx[fill[parent[i]]++] = i;
  return { n, x, y, z, r, ids, parent, childStart, childIdx, roots };
}

export function childCountOf(g: TreeGraph, i: number): number {
  return g.childStart[i + 1] - g.childStart[i];
}

export function dist3(g: TreeGraph, i: number, j: number): number {
  const dx = g.x[i] - g.x[j], dy = g.y[i] - g.y[j], dz = g.z[i] - g.z[j];
  return Math.sqrt(dx * dx + dy * dy + dz * dz);
}

/**
 * Rows in depth-first pre-order from each root (roots in file order, children in file order).
 * Rows on a parent cycle are never reached from a root; metrics that walk the tree refuse them.
 */
export function preorder(g: TreeGraph, name: string): Int32Array {
  const order = new Int32Array(g.n);
  let k = 0;
  const stack: number[] = [];
  for (const root of g.roots) {
    stack.push(root);
    while (stack.length) {
      const v = stack.pop()!;
      order[k++] = v;
      for (let c = g.childStart[v + 1] - 1; c >= g.childStart[v]; c--) stack.push(g.childIdx[c]);
    }
  }
  if (k !== g.n) {
    let bad = -1;
    const seen = new Uint8Array(g.n);
    for (let i = 0; i < k; i++) seen[order[i]] = 1;
    for (let i = 0; i < g.n && bad < 0; i++) if (!seen[i]) bad = i;
    throw new NeurotraceError(`${name}: parent links form a cycle (through node id ${g.ids[bad]}); fix or sort the SWC first`);
  }
  return order;
}

/** Path length from each row to its root, along the tree (needs a pre-order). */
export function rootPathLengths(g: TreeGraph, order: Int32Array): Float64Array {
  const out = new Float64Array(g.n);
  for (let k = 0; k < order.length; k++) {
    const v = order[k];
    const p = g.parent[v];
    out[v] = p < 0 ? 0 : out[p] + dist3(g, v, p);
  }
  return out;
}
