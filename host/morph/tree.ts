/**
 * The reconstruction model shared by readers, tracers, metrics and consensus: SWC nodes in
 * 0-based voxel coordinates (x column, y row, z slice). parent is the parent node's id, -1 for
 * a root. Node order is not significant; sortTree() gives parent-before-child order.
 */
export interface SwcNode {
  id: number;
  type: number;
  x: number;
  y: number;
  z: number;
  radius: number;
  parent: number;
  /** ESWC and other extra columns, in file order. */
  extra?: number[];
  /** 1-based line of the source file the node was read from, so problems can point at it. */
  line?: number;
}

export interface Tree {
  nodes: SwcNode[];
  /** Header comment lines without the leading '#', in file order. */
  comments: string[];
}

export function emptyTree(): Tree {
  return { nodes: [], comments: [] };
}

/** A tree from parallel arrays whose parent field is an array index (-1 for roots), as native cores return. */
export function treeFromArrays(a: {
  x: ArrayLike<number>; y: ArrayLike<number>; z: ArrayLike<number>; radius: ArrayLike<number>;
  type: ArrayLike<number>; parent: ArrayLike<number>;
}): Tree {
  const n = a.x.length;
  const nodes: SwcNode[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const p = a.parent[i];
    nodes[i] = { id: i + 1, type: a.type[i], x: a.x[i], y: a.y[i], z: a.z[i], radius: a.radius[i], parent: p < 0 ? -1 : p + 1 };
  }
  return { nodes, comments: [] };
}
