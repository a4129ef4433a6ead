import type { VoteTree } from './max-vote-tree.js';

/**
 * Trim unconfident branches (consensus.md §2.7): every leaf whose edge vote is below the
 * threshold is deleted, and so is every node left without children by a deletion, up to the
 * next branch point, whatever the votes of the edges on the way (the original compares the
 * deleted node's vote, not the parent's; kept, as it decides which terminal chains survive).
 * Isolated roots (vote 1) are leaves too, so they go whenever the threshold is above 1.
 *
 * Deliberate difference: deleting a root does not decrement the child count of node 0 (the
 * original's failed lookup of parent -1 falls back to row 0, which can delete the tree's root
 * and leave its children pointing at nothing).
 *
 * Returns one flag per node, 1 = deleted.
 */
export function trimUnconfident(tree: VoteTree, threshold: number): Uint8Array {
  const n = tree.parent.length;
  const children = new Int32Array(n);
  for (let i = 0; i < n; i++) if (tree.parent[i] >= 0) children[tree.parent[i]]++;
  const deleted = new Uint8Array(n);
  const stack: number[] = [];
  for (let i = 0; i < n; i++) if (children[i] === 0 && tree.edgeVote[i] < threshold) stack.push(i);
  while (stack.length > 0) {
    const r = stack.pop()!;
    if (deleted[r]) continue;
    deleted[r] = 1;
    const p = tree.parent[r];
    if (p >= 0 && --children[p] === 0) stack.push(p);
  }
  return deleted;
}
