/**
 * Shape checks the conformance kit applies to a traced tree: how many pieces, how many tips and
 * branch points once short spurs are ignored (every real tracer leaves a few voxel-long twigs at
 * a tube's surface), and how far the nodes stray from the drawn centre lines.
 */
import type { Vec3 } from '../core/volume.js';
import type { SwcNode, Tree } from '../morph/tree.js';
import { distanceToSegment, distanceToSegments, type SyntheticCase } from './synthetic-images.js';

export interface TreeShape {
  nodes: number;
  roots: number;
  /** Degree-1 nodes left after spur pruning (a lone node counts as a tip). */
  tips: number;
  /** Nodes of degree 3 or more left after spur pruning. */
  branchPoints: Vec3[];
}

function pos(n: SwcNode): Vec3 {
  return [n.x, n.y, n.z];
}

function dist(a: Vec3, b: Vec3): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

/** Undirected adjacency by row; unknown parents (an invalid tree) simply make extra roots. */
function adjacency(tree: Tree): { adj: Set<number>[]; roots: number } {
  const row = new Map<number, number>();
  tree.nodes.forEach((n, i) => row.set(n.id, i));
  const adj = tree.nodes.map(() => new Set<number>());
  let roots = 0;
  tree.nodes.forEach((n, i) => {
    const p = n.parent >= 0 ? row.get(n.parent) : undefined;
    if (p === undefined || p === i) { roots++; return; }
    adj[i].add(p);
    adj[p].add(i);
  });
  return { adj, roots };
}

/**
 * Removes terminal branches shorter than `minLength` (voxels of path length), shortest first,
 * never cutting a tree down below a single path. Returns the surviving rows and their adjacency.
 */
function pruneSpurs(tree: Tree, adj: Set<number>[], minLength: number): { adj: Set<number>[]; alive: Set<number> } {
  const a = adj.map((s) => new Set(s));
  const alive = new Set(a.map((_, i) => i));
  const len = (r: number, s: number) => dist(pos(tree.nodes[r]), pos(tree.nodes[s]));
  for (;;) {
    const spurs: { rows: number[]; length: number; junction: number }[] = [];
    for (const leaf of alive) {
      if (a[leaf].size !== 1) continue;
      const rows = [leaf];
      let prev = leaf;
      let cur = [...a[leaf]][0];
      let length = len(leaf, cur);
      while (a[cur].size === 2) {
        rows.push(cur);
        const next = [...a[cur]].find((r) => r !== prev)!;
        length += len(cur, next);
        prev = cur;
        cur = next;
      }
      // A walk that ends at another leaf is the whole (path-shaped) piece: nothing to prune.
      if (a[cur].size >= 3 && length < minLength) spurs.push({ rows, length, junction: cur });
    }
    spurs.sort((x, y) => x.length - y.length);
    let removed = false;
    for (const s of spurs) {
      // An earlier removal this round may have made the junction an ordinary path node.
      if (a[s.junction].size < 3 || !s.rows.every((r) => alive.has(r))) continue;
      for (const r of s.rows) {
        for (const nb of a[r]) a[nb].delete(r);
        a[r].clear();
        alive.delete(r);
      }
      removed = true;
    }
    if (!removed) return { adj: a, alive };
  }
}

/** Tips and branch points after ignoring terminal branches shorter than `spurLength` voxels. */
export function treeShape(tree: Tree, spurLength: number): TreeShape {
  const { adj, roots } = adjacency(tree);
  const pruned = pruneSpurs(tree, adj, spurLength);
  let tips = 0;
  const branchPoints: Vec3[] = [];
  for (const i of pruned.alive) {
    const degree = pruned.adj[i].size;
    if (degree <= 1) tips++;
    else if (degree >= 3) branchPoints.push(pos(tree.nodes[i]));
  }
  return { nodes: tree.nodes.length, roots, tips, branchPoints };
}

/** Nodes outside [-0.5, n-0.5] on some axis: a tracer that mixed up axes or 0/1-based coordinates. */
export function nodesOutside(tree: Tree, dims: Vec3): SwcNode[] {
  return tree.nodes.filter((n) => [n.x, n.y, n.z].some((v, k) => !(v >= -0.5 && v <= dims[k] - 0.5)));
}

/** Largest distance of any node from the drawn centre lines. */
export function maxDistanceFromAxis(tree: Tree, c: SyntheticCase): number {
  let worst = 0;
  for (const n of tree.nodes) worst = Math.max(worst, distanceToSegments(pos(n), c.segments));
  return worst;
}

/**
 * Fraction of a segment's length covered by the tree: the projections onto it of the edges
 * (and lone nodes) lying near it. Edges count, not only nodes, because tracers space their
 * nodes differently (every voxel, or every 10 voxels after resampling).
 */
export function axisCoverage(tree: Tree, a: Vec3, b: Vec3, near: number): number {
  const ab: Vec3 = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
  const len = Math.hypot(...ab);
  if (len === 0) return 1;
  const proj = (n: SwcNode) => Math.max(0, Math.min(1, ((n.x - a[0]) * ab[0] + (n.y - a[1]) * ab[1] + (n.z - a[2]) * ab[2]) / (len * len)));
  const isNear = (n: SwcNode) => distanceToSegment(pos(n), a, b) <= near;
  const byId = new Map(tree.nodes.map((n) => [n.id, n]));
  const spans: [number, number][] = [];
  for (const n of tree.nodes) {
    if (!isNear(n)) continue;
    const p = n.parent >= 0 ? byId.get(n.parent) : undefined;
    const t = proj(n);
    if (p && isNear(p)) spans.push([Math.min(t, proj(p)), Math.max(t, proj(p))]);
    else spans.push([t, t]);
  }
  if (!spans.length) return 0;
  spans.sort((x, y) => x[0] - y[0]);
  // Union of the spans, with gaps up to 3 voxels bridged (a node just outside `near` breaks an edge).
  const bridge = 3 / len;
  let covered = 0;
  let [start, end] = spans[0];
  for (const [s, e] of spans.slice(1)) {
    if (s - end <= bridge) end = Math.max(end, e);
    else { covered += end - start; [start, end] = [s, e]; }
  }
  covered += end - start;
  return covered;
}

export interface ShapeVerdict { ok: boolean; detail: string }

/** The spur length the kit ignores: a surface twig is at most about a tube diameter long. */
export function spurLengthFor(c: SyntheticCase): number {
  return 2 * c.radius + 3;
}

/** Straight tube: one piece, one path (two tips), every node near the axis, most of the axis covered. */
export function checkStraightTube(tree: Tree, c: SyntheticCase): ShapeVerdict {
  const shape = treeShape(tree, spurLengthFor(c));
  const far = maxDistanceFromAxis(tree, c);
  const [a, b] = c.segments[0];
  const cover = axisCoverage(tree, a, b, c.radius + 3);
  const facts = `${shape.nodes} nodes, ${shape.roots} root${shape.roots === 1 ? '' : 's'}, ${shape.tips} tips, ${shape.branchPoints.length} branch points, max ${far.toFixed(1)} vox from the axis, ${Math.round(cover * 100)}% of the axis covered`;
  const problems: string[] = [];
  if (shape.nodes < 2) problems.push('fewer than 2 nodes');
  if (shape.roots !== 1) problems.push(`${shape.roots} separate pieces, expected 1`);
  if (shape.tips !== 2 || shape.branchPoints.length) problems.push('not a single path');
  // radius + 3: the visible tube reaches about radius + 2 at a low threshold, plus a voxel of slack.
  if (far > c.radius + 3) problems.push(`nodes up to ${far.toFixed(1)} vox from the axis (limit ${c.radius + 3})`);
  if (cover < 0.8) problems.push(`only ${Math.round(cover * 100)}% of the axis covered (need 80%)`);
  return { ok: problems.length === 0, detail: problems.length ? `${problems.join('; ')} (${facts})` : facts };
}

/** Y: one piece, exactly one bifurcation (three tips), near the drawn junction. */
export function checkY(tree: Tree, c: SyntheticCase): ShapeVerdict {
  const shape = treeShape(tree, spurLengthFor(c));
  const j = c.junction!;
  const nearJ = shape.branchPoints.length ? Math.min(...shape.branchPoints.map((p) => dist(p, j))) : Infinity;
  const limit = 2 * c.radius + 3;
  const facts = `${shape.nodes} nodes, ${shape.roots} root${shape.roots === 1 ? '' : 's'}, ${shape.tips} tips, ${shape.branchPoints.length} branch point${shape.branchPoints.length === 1 ? '' : 's'}${Number.isFinite(nearJ) ? ` (${nearJ.toFixed(1)} vox from the junction)` : ''}`;
  const problems: string[] = [];
  if (shape.roots !== 1) problems.push(`${shape.roots} separate pieces, expected 1`);
  if (shape.branchPoints.length !== 1 || shape.tips !== 3) problems.push(`expected one bifurcation and 3 tips`);
  else if (nearJ > limit) problems.push(`the bifurcation is ${nearJ.toFixed(1)} vox from the junction (limit ${limit})`);
  return { ok: problems.length === 0, detail: problems.length ? `${problems.join('; ')} (${facts})` : facts };
}
