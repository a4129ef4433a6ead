import type { SwcNode, Tree } from '../morph/tree.js';

/**
 * Seeded random neuron-like trees for the metrics' property tests and benchmarks: long
 * unbranched runs of short steps (as tracers write them) that occasionally fork.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RandomTreeOptions {
  nodes: number;
  seed?: number;
  /** mean step between a node and its parent (voxels) */
  step?: number;
  /** chance that a new node starts a branch from a random earlier node */
  branchChance?: number;
  /** side of the box the tree is kept in */
  extent?: number;
}

export function randomTree(opts: RandomTreeOptions): Tree {
  const rnd = mulberry32(opts.seed ?? 1);
  const step = opts.step ?? 1.5, branch = opts.branchChance ?? 0.03, extent = opts.extent ?? 40 * Math.cbrt(opts.nodes);
  const nodes: SwcNode[] = [];
  const dir: [number, number, number][] = [];
  const c = extent / 2;
  nodes.push({ id: 1, type: 1, x: c, y: c, z: c / 4, radius: 3, parent: -1 });
  dir.push([1, 0, 0]);
  let tip = 0;
  for (let i = 1; i < opts.nodes; i++) {
    const from = rnd() < branch || i === 1 ? Math.floor(rnd() * i) : tip;
    const d = dir[from];
    // wander: keep most of the parent's direction
    let nx = d[0] + (rnd() - 0.5) * 0.8, ny = d[1] + (rnd() - 0.5) * 0.8, nz = d[2] + (rnd() - 0.5) * 0.3;
    const p = nodes[from];
    if (p.x < 0 || p.x > extent) nx = -Math.sign(p.x - c) * Math.abs(nx) || 1;
    if (p.y < 0 || p.y > extent) ny = -Math.sign(p.y - c) * Math.abs(ny) || 1;
    if (p.z < 0 || p.z > extent / 4) nz = -Math.sign(p.z - c / 4) * Math.abs(nz) || 1;
    const len = Math.hypot(nx, ny, nz) || 1;
    const s = step * (0.5 + rnd());
    nodes.push({
      id: i + 1, type: 3,
      x: p.x + (nx / len) * s, y: p.y + (ny / len) * s, z: p.z + (nz / len) * s,
      radius: 0.5 + rnd() * 1.5, parent: p.id,
    });
    dir.push([nx / len, ny / len, nz / len]);
    tip = i;
  }
  return { nodes, comments: [] };
}

/** A copy with every coordinate moved by up to +-amount. */
export function jitterTree(tree: Tree, amount: number, seed = 2): Tree {
  const rnd = mulberry32(seed);
  return {
    comments: [...tree.comments],
    nodes: tree.nodes.map((n) => ({ ...n, x: n.x + (rnd() * 2 - 1) * amount, y: n.y + (rnd() * 2 - 1) * amount, z: n.z + (rnd() * 2 - 1) * amount })),
  };
}

/** The same tree with rows shuffled and ids renumbered (offset and scattered), parents remapped. */
export function shuffleAndRenumber(tree: Tree, seed = 3): Tree {
  const rnd = mulberry32(seed);
  const order = tree.nodes.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const newId = new Map<number, number>();
  order.forEach((row, k) => newId.set(tree.nodes[row].id, 1000 + 7 * k));
  return {
    comments: [...tree.comments],
    nodes: order.map((row) => {
      const n = tree.nodes[row];
      return { ...n, id: newId.get(n.id)!, parent: n.parent < 0 ? -1 : newId.get(n.parent) ?? n.parent };
    }),
  };
}
