import { readSwc } from '../../host/io/swc.js';
import type { SwcNode, Tree } from '../../host/morph/tree.js';

export const FIXTURES = new URL('../fixtures/metrics/', import.meta.url).pathname;

export function fixture(name: string): Promise<Tree> {
  return readSwc(`${FIXTURES}${name}.swc`);
}

/** A tree from rows [id, x, y, z, parent] (type 3, radius 1). */
export function tree(rows: [number, number, number, number, number][], radius = 1): Tree {
  return { comments: [], nodes: rows.map(([id, x, y, z, parent]): SwcNode => ({ id, type: 3, x, y, z, radius, parent })) };
}

/** Rounds to the 6 significant digits Vaa3D and the card print. */
export function sig6(v: number): number {
  return Number(v.toPrecision(6));
}
