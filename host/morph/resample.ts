import { NeurotraceError, UsageError } from '../core/errors.js';
import type { SwcNode, Tree } from './tree.js';
import { childCounts, childrenIndex, parentIndex, roots, totalLength } from './tree-index.js';
import { findCycles } from './validate.js';

/** Refuse steps that would create more nodes than any tracer output needs (and exhaust memory). */
const MAX_OUTPUT_NODES = 20_000_000;

/*
 * Vaa3D resample_swc (vaa3d-notes.md 2.7): the tree is cut into unbranched paths between
 * critical nodes (roots, tips, branch points), which are kept. Along each path new points are
 * placed every `step` of arc length measured from the path's child end towards the root; the
 * original interior nodes are dropped. Position and radius are interpolated linearly on the
 * segment holding the point (r_child·(1−a) + r_parent·a); a new point takes the type (and ESWC
 * columns) of that segment's child-side node. The remainder shorter than `step` ends up next to
 * the path's upper node, as in Vaa3D; a point that would coincide with it is not emitted.
 *
 * Output: ids 1..N in depth-first pre-order (children in file order), parents before children.
 */
export function resampleTree(tree: Tree, step: number): Tree {
  if (!(Number.isFinite(step) && step > 0)) throw new UsageError(`resample: step must be a positive number, got ${step}`);
  const nodes = tree.nodes;
  const parents = parentIndex(tree);
  const cycles = findCycles(tree, parents);
  if (cycles.length > 0) {
    const ids = cycles[0].slice(0, 6).map((r) => nodes[r].id).join(', ');
    throw new NeurotraceError(`resample: the tree has ${cycles.length} parent cycle${cycles.length === 1 ? '' : 's'} (through ids ${ids}${cycles[0].length > 6 ? ', …' : ''}); these nodes have no root`);
  }
  const estimate = totalLength(tree, undefined, parents) / step + nodes.length;
  if (estimate > MAX_OUTPUT_NODES) {
    throw new UsageError(`resample: step ${step} is too small for this tree (about ${Math.round(estimate)} nodes; the limit is ${MAX_OUTPUT_NODES})`);
  }
  const children = childrenIndex(tree, parents);
  const counts = childCounts(parents);

  const out: SwcNode[] = [];
  const emit = (src: SwcNode, parent: number, at?: { x: number; y: number; z: number; radius: number }): number => {
    const node: SwcNode = at
      ? { id: out.length + 1, type: src.type, x: at.x, y: at.y, z: at.z, radius: at.radius, parent }
      : { ...src, id: out.length + 1, parent };
    if (src.extra) node.extra = [...src.extra];
    out.push(node);
    return node.id;
  };

  // Pending paths: (first row below the upper critical node, new id of that upper node).
  const stackRow: number[] = [];
  const stackUpper: number[] = [];
  const path: number[] = [];
  const arc: number[] = [];
  for (const r of roots(tree, parents)) {
    const rootId = emit(nodes[r], -1);
    for (let k = children[r].length - 1; k >= 0; k--) { stackRow.push(children[r][k]); stackUpper.push(rootId); }
    while (stackRow.length > 0) {
      let v = stackRow.pop()!;
      const upperId = stackUpper.pop()!;
      path.length = 0;
      path.push(parents[v], v);
      while (counts[v] === 1) { v = children[v][0]; path.push(v); }
      // arc[j] = arc length from the path's child end up to path[j].
      const m = path.length - 1;
      arc.length = path.length;
      arc[m] = 0;
      for (let j = m - 1; j >= 0; j--) {
        const a = nodes[path[j]], b = nodes[path[j + 1]];
        arc[j] = arc[j + 1] + Math.hypot(a.x - b.x, a.y - b.y, a.z - b.z);
      }
      let prevId = upperId;
      const kMax = Math.ceil(arc[0] / step);
      let j = 0;
      for (let k = kMax; k >= 1; k--) {
        const s = k * step;
        if (arc[0] - s <= 1e-9 * step) continue;
        while (arc[j + 1] > s) j++;
        const upper = nodes[path[j]], lower = nodes[path[j + 1]];
        const len = arc[j] - arc[j + 1];
        const a = len > 0 ? (s - arc[j + 1]) / len : 0;
        prevId = emit(lower, prevId, {
          x: lower.x + a * (upper.x - lower.x),
          y: lower.y + a * (upper.y - lower.y),
          z: lower.z + a * (upper.z - lower.z),
          radius: lower.radius * (1 - a) + upper.radius * a,
        });
      }
      const endId = emit(nodes[v], prevId);
      for (let k = children[v].length - 1; k >= 0; k--) { stackRow.push(children[v][k]); stackUpper.push(endId); }
    }
  }
  return { nodes: out, comments: [...tree.comments] };
}
