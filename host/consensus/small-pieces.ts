import type { SwcNode, Tree } from '../morph/tree.js';

/**
 * Removes small pieces of a sorted tree (§2.8): scanning from the end, a piece (a root and the
 * rows up to the next root) goes when its non-root nodes are fewer than `fraction` of the
 * nodes still in the list. The soma piece can go too. Ids are renumbered 1..n. A piece ends
 * where the next root starts (the card's "rows b..end" read as the piece itself: counting the
 * kept pieces after it as well would keep every small piece that precedes a large one).
 */
export function removeSmallPieces(tree: Tree, fraction: number): { tree: Tree; removedPieces: number } {
  const nodes = tree.nodes;
  const keep = new Uint8Array(nodes.length).fill(1);
  let size = nodes.length, end = nodes.length, removedPieces = 0;
  for (let b = nodes.length - 1; b >= 0; b--) {
    if (nodes[b].parent >= 0) continue;
    const len = end - b;
    if (len - 1 < fraction * size) {
      keep.fill(0, b, end);
      size -= len;
      removedPieces++;
    }
    end = b;
  }
  const newId = new Map<number, number>();
  const out: SwcNode[] = [];
  for (let r = 0; r < nodes.length; r++) if (keep[r]) newId.set(nodes[r].id, out.push(nodes[r]));
  return {
    tree: { comments: [...tree.comments], nodes: out.map((n) => ({ ...n, id: newId.get(n.id)!, parent: n.parent < 0 ? -1 : newId.get(n.parent) ?? -1 })) },
    removedPieces,
  };
}
