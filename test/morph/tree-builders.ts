import type { SwcNode, Tree } from '../../host/morph/tree.js';

/** Node from `[id, type, x, y, z, radius, parent]`. */
export function n(id: number, type: number, x: number, y: number, z: number, radius: number, parent: number): SwcNode {
  return { id, type, x, y, z, radius, parent };
}

export function tree(rows: [number, number, number, number, number, number, number][], comments: string[] = []): Tree {
  return { nodes: rows.map((r) => n(...r)), comments };
}

/** A straight chain of `count` nodes along x (spacing 1), ids 1..count, listed root first. */
export function chain(count: number): Tree {
  const nodes: SwcNode[] = new Array(count);
  for (let i = 0; i < count; i++) nodes[i] = n(i + 1, 3, i, 0, 0, 1, i === 0 ? -1 : i);
  return { nodes, comments: [] };
}

/** Deterministic PRNG (mulberry32) so randomised tests are reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Edges as a set of "parentPos>childPos" strings, so trees can be compared across renumbering. */
export function edgeSet(t: Tree): Set<string> {
  const byId = new Map(t.nodes.map((x) => [x.id, x]));
  const key = (x: SwcNode) => `${x.x},${x.y},${x.z}`;
  const out = new Set<string>();
  for (const c of t.nodes) {
    const p = byId.get(c.parent);
    if (p) out.add(`${key(p)}>${key(c)}`);
  }
  return out;
}

/** Undirected version of edgeSet. */
export function undirectedEdgeSet(t: Tree): Set<string> {
  const byId = new Map(t.nodes.map((x) => [x.id, x]));
  const key = (x: SwcNode) => `${x.x},${x.y},${x.z}`;
  const out = new Set<string>();
  for (const c of t.nodes) {
    const p = byId.get(c.parent);
    if (p) out.add([key(p), key(c)].sort().join('|'));
  }
  return out;
}

/** True when ids are 1..N in order and every parent precedes its child. */
export function isSortedTree(t: Tree): boolean {
  return t.nodes.every((x, i) => x.id === i + 1 && (x.parent === -1 || (x.parent >= 1 && x.parent < x.id)));
}
