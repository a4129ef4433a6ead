import type { SwcNode, Tree } from '../morph/tree.js';
import type { EdgeVotes } from './max-vote-tree.js';

/**
 * ESWC columns of a consensus tree. The first ten are Vaa3D's consensus_swc output (radius =
 * location vote fraction, seg_id and level 0, edge_vote = number of trees supporting the edge
 * to the parent, 1 for roots); the last two give both votes as fractions of the trees that voted.
 */
export const CONSENSUS_LEGEND = 'n,type,x,y,z,radius,parent,seg_id,level,edge_vote,node_vote_fraction,edge_vote_fraction';

/** Column (0-based, within SwcNode.extra) of each vote value. */
export const EXTRA_EDGE_VOTE = 2;
export const EXTRA_NODE_FRACTION = 3;
export const EXTRA_EDGE_FRACTION = 4;

/**
 * The final rows from a sorted tree whose extra[0] holds each node's consensus index: types
 * (1 root, 3 other), radius and vote columns. Edge votes are looked up for the edge each node
 * has now, so they stay right after re-rooting flipped edges; an edge the re-rooting sort
 * added to bridge two pieces has 0 votes.
 */
export function consensusRows(tree: Tree, nodeVotes: number[], edges: EdgeVotes, treeCount: number): SwcNode[] {
  const byId = new Map<number, SwcNode>();
  for (const n of tree.nodes) byId.set(n.id, n);
  return tree.nodes.map((n) => {
    const idx = n.extra![0];
    const p = n.parent < 0 ? undefined : byId.get(n.parent);
    const edgeVote = p ? edges.get(idx, p.extra![0]) : 1;
    const nodeFraction = nodeVotes[idx] / treeCount;
    return {
      id: n.id, type: p ? 3 : 1, x: n.x, y: n.y, z: n.z, radius: nodeFraction, parent: p ? n.parent : -1,
      extra: [0, 0, edgeVote, nodeFraction, edgeVote / treeCount],
    };
  });
}

/** A single input returned as its own consensus (one tree survived): every vote is 1 of 1. */
export function singleTreeRows(tree: Tree): SwcNode[] {
  const ids = new Set(tree.nodes.map((n) => n.id));
  return tree.nodes.map((n) => {
    const root = n.parent < 0 || !ids.has(n.parent);
    return { id: n.id, type: root ? 1 : 3, x: n.x, y: n.y, z: n.z, radius: 1, parent: root ? -1 : n.parent, extra: [0, 0, 1, 1, 1] };
  });
}
