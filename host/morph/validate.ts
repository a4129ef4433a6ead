import { FileFormatError } from '../core/errors.js';
import type { SwcNode, Tree } from './tree.js';
import { idIndex, isRootMarker, parentIndex } from './tree-index.js';

/*
 * Structural checks from formats.md (c) "Validation list" that make a tree ambiguous or
 * untraversable. They are reported, never silently repaired: the caller decides whether to
 * refuse the file (assertValidTree) or to carry on (sortTree re-roots dangling pieces).
 */

export interface TreeIssue {
  kind: 'duplicate-id' | 'missing-parent' | 'cycle' | 'self-parent' | 'negative-radius' | 'non-finite';
  /** SWC id of the node concerned (for a cycle: its first node in file order). */
  id: number;
  /** Source line when the tree was read from a file. */
  line?: number;
  message: string;
}

/** How many node ids a cycle message lists before abbreviating. */
const CYCLE_IDS_SHOWN = 8;

function where(n: SwcNode): string {
  return n.line !== undefined ? `line ${n.line}: ` : '';
}

/** All issues, ordered by position in the file (row order). */
export function validateTree(tree: Tree): TreeIssue[] {
  const nodes = tree.nodes;
  const ids = idIndex(tree);
  const found: { row: number; issue: TreeIssue }[] = [];
  const add = (row: number, kind: TreeIssue['kind'], message: string) => {
    const n = nodes[row];
    found.push({ row, issue: { kind, id: n.id, ...(n.line !== undefined ? { line: n.line } : {}), message: `${where(n)}${message}` } });
  };

  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i];
    const first = ids.get(n.id)!;
    if (first !== i) {
      const f = nodes[first];
      add(i, 'duplicate-id', `duplicate id ${n.id} (first ${f.line !== undefined ? `on line ${f.line}` : `at row ${first + 1}`})`);
    }
    if (n.parent === n.id) add(i, 'self-parent', `node ${n.id} is its own parent`);
    else if (!isRootMarker(n.parent, ids) && !ids.has(n.parent)) add(i, 'missing-parent', `node ${n.id} has parent ${n.parent}, which is not in the tree`);
    for (const k of ['x', 'y', 'z', 'radius'] as const) {
      if (!Number.isFinite(n[k])) add(i, 'non-finite', `node ${n.id} has a non-finite ${k} (${n[k]})`);
    }
    if (n.radius < 0) add(i, 'negative-radius', `node ${n.id} has a negative radius ${n.radius}`);
  }

  for (const cycle of findCycles(tree)) {
    const shown = cycle.slice(0, CYCLE_IDS_SHOWN).map((r) => nodes[r].id);
    const path = cycle.length <= CYCLE_IDS_SHOWN ? `${shown.join(' -> ')} -> ${shown[0]}` : `${shown.join(' -> ')} -> … (${cycle.length} nodes)`;
    add(cycle[0], 'cycle', `parent cycle through ids ${path}; these nodes have no root`);
  }

  found.sort((a, b) => a.row - b.row);
  return found.map((f) => f.issue);
}

/**
 * Parent cycles (self-parents excluded, they are reported on their own), each as the rows on
 * it in parent order starting from its first row in file order. O(n), no recursion: every node has at
 * most one parent, so each walk either reaches a root, an explored node, or closes a loop.
 */
export function findCycles(tree: Tree, parents: Int32Array = parentIndex(tree)): number[][] {
  const n = parents.length;
  const walk = new Int32Array(n);
  const cycles: number[][] = [];
  for (let i = 0; i < n; i++) {
    if (walk[i] !== 0) continue;
    const w = i + 1;
    let v = i;
    while (v >= 0 && walk[v] === 0) {
      walk[v] = w;
      v = parents[v];
    }
    if (v >= 0 && walk[v] === w) {
      const cycle: number[] = [];
      let u = v;
      do {
        cycle.push(u);
        u = parents[u];
      } while (u !== v);
      let k = 0;
      for (let j = 1; j < cycle.length; j++) if (cycle[j] < cycle[k]) k = j;
      cycles.push(k === 0 ? cycle : [...cycle.slice(k), ...cycle.slice(0, k)]);
    }
  }
  return cycles;
}

/** How many issues assertValidTree spells out before summarising the rest. */
const ISSUES_SHOWN = 3;

/** Throws a one-line FileFormatError naming the first issues (with lines) when there are any. */
export function assertValidTree(tree: Tree, file: string): void {
  const issues = validateTree(tree);
  if (issues.length === 0) return;
  const shown = issues.slice(0, ISSUES_SHOWN).map((i) => i.message).join('; ');
  const more = issues.length > ISSUES_SHOWN ? `; and ${issues.length - ISSUES_SHOWN} more` : '';
  throw new FileFormatError(file, `invalid tree (${issues.length} problem${issues.length === 1 ? '' : 's'}): ${shown}${more}`);
}
