import type { SwcNode, Tree } from '../morph/tree.js';
import { parentIndex } from '../morph/tree-index.js';

/**
 * A tree as parallel arrays indexed by row, parent as a row (-1 for roots): the form the
 * consensus stages work on, so positions can be updated in place without touching SwcNode objects.
 */
export interface FlatTree {
  x: Float64Array;
  y: Float64Array;
  z: Float64Array;
  parent: Int32Array;
}

export function flatten(tree: Tree): FlatTree {
  const n = tree.nodes.length;
  const x = new Float64Array(n), y = new Float64Array(n), z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const nd = tree.nodes[i];
    x[i] = nd.x; y[i] = nd.y; z[i] = nd.z;
  }
  return { x, y, z, parent: parentIndex(tree) };
}

/** Back to SWC nodes (ids = rows + 1, type 3, radius 1): geometry and topology are all the later stages use. */
export function unflatten(t: FlatTree): Tree {
  const n = t.x.length;
  const nodes: SwcNode[] = new Array(n);
  for (let i = 0; i < n; i++) {
    nodes[i] = { id: i + 1, type: 3, x: t.x[i], y: t.y[i], z: t.z[i], radius: 1, parent: t.parent[i] < 0 ? -1 : t.parent[i] + 1 };
  }
  return { nodes, comments: [] };
}
