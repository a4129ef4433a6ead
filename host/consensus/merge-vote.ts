import { SegmentBvh } from '../metrics/spatial-index.js';
import type { FlatTree } from './flat-tree.js';
import { PointGrid } from './point-grid.js';

/** Consensus nodes with their location votes, and the node each input node was merged into. */
export interface VoteResult {
  /** Positions of the consensus nodes, in creation order. */
  x: number[];
  y: number[];
  z: number[];
  /** Number of distinct trees voting for each consensus node. */
  votes: number[];
  /** Per input tree, per row: the consensus node it was merged into, or -1 (dropped). */
  segId: Int32Array[];
}

/**
 * Merge nodes and count location votes (consensus.md §2.5). Trees are scanned in list order
 * and nodes in row order. A node not merged yet starts a cluster; every later tree adds its
 * nearest not-yet-merged node if that is within `mergeDistance`. The cluster's mean either
 * joins the first consensus node within `mergeDistance` (adding the cluster's new voters to
 * it; its position does not move), or becomes a new consensus node when at least
 * `voteThreshold` trees are in the cluster; otherwise the cluster is dropped. Votes for a node
 * therefore only come from later trees: the result depends on the order of the trees.
 *
 * Deliberate difference: trees with fewer than 4 nodes contribute to clusters (the original's
 * 4-nearest query fails on them, so they never do).
 */
export function mergeAndVote(trees: FlatTree[], voteThreshold: number, mergeDistance: number): VoteResult {
  const N = trees.length;
  const offsets = new Int32Array(N + 1);
  for (let t = 0; t < N; t++) offsets[t + 1] = offsets[t] + trees[t].x.length;
  const total = offsets[N];
  const px = new Float64Array(total), py = new Float64Array(total), pz = new Float64Array(total);
  const treeOf = new Int32Array(total);
  const min: [number, number, number] = [Infinity, Infinity, Infinity];
  const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  for (let t = 0; t < N; t++) {
    const tr = trees[t];
    px.set(tr.x, offsets[t]); py.set(tr.y, offsets[t]); pz.set(tr.z, offsets[t]);
    treeOf.fill(t, offsets[t], offsets[t + 1]);
  }
  for (let g = 0; g < total; g++) {
    if (px[g] < min[0]) min[0] = px[g]; if (px[g] > max[0]) max[0] = px[g];
    if (py[g] < min[1]) min[1] = py[g]; if (py[g] > max[1]) max[1] = py[g];
    if (pz[g] < min[2]) min[2] = pz[g]; if (pz[g] > max[2]) max[2] = pz[g];
  }
  const seg = new Float64Array(6 * total);
  for (let g = 0; g < total; g++) {
    seg[6 * g] = seg[6 * g + 3] = px[g];
    seg[6 * g + 1] = seg[6 * g + 4] = py[g];
    seg[6 * g + 2] = seg[6 * g + 5] = pz[g];
  }
  const bvh = new SegmentBvh(seg);
  const grid = new PointGrid(mergeDistance, min, max);

  const merged = new Uint8Array(total);
  const seg2node = new Int32Array(total).fill(-1);
  const out: VoteResult = { x: [], y: [], z: [], votes: [], segId: [] };
  /** voters[m] = the trees that voted for consensus node m, one flag per tree. */
  const voters: Uint8Array[] = [];
  const bestD = new Float64Array(N).fill(Infinity);
  const bestG = new Int32Array(N).fill(-1);
  const cluster: number[] = [];
  const md2 = mergeDistance * mergeDistance;

  let k = 0, qx = 0, qy = 0, qz = 0;
  const visit = (g: number) => {
    const t = treeOf[g];
    if (t <= k || merged[g]) return;
    const ex = px[g] - qx, ey = py[g] - qy, ez = pz[g] - qz;
    const d = ex * ex + ey * ey + ez * ez;
    if (d <= md2 && (d < bestD[t] || (d === bestD[t] && g < bestG[t]))) { bestD[t] = d; bestG[t] = g; }
  };

  for (k = 0; k < N; k++) {
    for (let s = offsets[k]; s < offsets[k + 1]; s++) {
      if (merged[s]) continue;
      merged[s] = 1;
      cluster.length = 0;
      cluster.push(s);
      qx = px[s]; qy = py[s]; qz = pz[s];
      bvh.near(qx, qy, qz, mergeDistance, visit);
      let ax = qx, ay = qy, az = qz;
      for (let j = k + 1; j < N; j++) {
        const g = bestG[j];
        if (g < 0) continue;
        merged[g] = 1;
        cluster.push(g);
        ax += px[g]; ay += py[g]; az += pz[g];
        bestG[j] = -1; bestD[j] = Infinity;
      }
      ax /= cluster.length; ay /= cluster.length; az /= cluster.length;
      let m = grid.lowestWithin(ax, ay, az, mergeDistance);
      if (m >= 0) {
        const v = voters[m];
        for (const g of cluster) {
          const t = treeOf[g];
          if (!v[t]) { v[t] = 1; out.votes[m]++; }
        }
      } else if (cluster.length >= voteThreshold) {
        m = grid.add(ax, ay, az);
        out.x.push(ax); out.y.push(ay); out.z.push(az);
        out.votes.push(cluster.length);
        const v = new Uint8Array(N);
        for (const g of cluster) v[treeOf[g]] = 1;
        voters.push(v);
      }
      for (const g of cluster) seg2node[g] = m;
    }
  }
  for (let t = 0; t < N; t++) out.segId.push(seg2node.slice(offsets[t], offsets[t + 1]));
  return out;
}
