/**
 * What the tracer tests measure on a traced tree: roots, bifurcations, cable length, distances
 * to the drawn centre lines, and the one check every "trace a Y" test makes. Each takes a Tree
 * or its bare node list, since some adapters hand tests one and some the other.
 */
import { expect } from 'vitest';
import type { Vec3 } from '../../host/core/volume.js';
import { totalLength } from '../../host/morph/tree-index.js';
import type { SwcNode, Tree } from '../../host/morph/tree.js';
import { distanceToSegment } from '../../host/plugin-dev/synthetic-images.js';
import { ySegments, type YShape } from './synthetic-volumes.js';

type Point = { x: number; y: number; z: number } | Vec3;

export type Nodes = Tree | readonly SwcNode[];

const nodesOf = (t: Nodes): readonly SwcNode[] => ('nodes' in t ? t.nodes : t);

export function byId(t: Nodes): Map<number, SwcNode> {
  return new Map(nodesOf(t).map((n) => [n.id, n]));
}

export function roots(t: Nodes): SwcNode[] {
  return nodesOf(t).filter((n) => n.parent === -1);
}

/** Nodes with three or more neighbours: the bifurcations, wherever the root sits. */
export function branchNodes(t: Nodes): SwcNode[] {
  const nodes = nodesOf(t);
  const deg = new Map<number, number>();
  for (const n of nodes) {
    if (n.parent === -1) continue;
    deg.set(n.id, (deg.get(n.id) ?? 0) + 1);
    deg.set(n.parent, (deg.get(n.parent) ?? 0) + 1);
  }
  return nodes.filter((n) => (deg.get(n.id) ?? 0) >= 3);
}

/** Sum of the parent-child edge lengths, in voxels. */
export function cableLength(t: Nodes): number {
  return totalLength({ nodes: [...nodesOf(t)], comments: [] });
}

const xyz = (p: Point): Vec3 => (Array.isArray(p) ? p : [p.x, p.y, p.z]);

/** Distance from a node (or point) to the segment a-b. */
export function distToSegment(p: Point, a: Vec3, b: Vec3): number {
  return distanceToSegment(xyz(p), a, b);
}

/** Distance from p to the nearest node of the tree. */
export function nearestNodeDistance(t: Nodes, p: Vec3): number {
  return Math.min(...nodesOf(t).map((n) => Math.hypot(n.x - p[0], n.y - p[1], n.z - p[2])));
}

/**
 * A traced Y: one tree, exactly one bifurcation within `junctionWithin` of the junction, every
 * node within `onTubeWithin` of a drawn centre line, and each of the three ends reached (a node
 * within `endsWithin`).
 */
export function expectTracedY(t: Nodes, y: YShape, junctionWithin: number, onTubeWithin = 2.5, endsWithin = 8): void {
  expect(roots(t)).toHaveLength(1);
  const br = branchNodes(t);
  expect(br).toHaveLength(1);
  expect(Math.hypot(br[0].x - y.junction[0], br[0].y - y.junction[1], br[0].z - y.junction[2])).toBeLessThanOrEqual(junctionWithin);
  const segs = ySegments(y);
  for (const n of nodesOf(t)) expect(Math.min(...segs.map(([a, b]) => distToSegment(n, a, b)))).toBeLessThan(onTubeWithin);
  for (const end of [y.stem, ...y.arms]) expect(nearestNodeDistance(t, end)).toBeLessThan(endsWithin);
}
