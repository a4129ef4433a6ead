import type { FlatTree } from './flat-tree.js';

/** Edge votes between consensus nodes: the number of distinct trees that connect the two. */
export class EdgeVotes {
  private readonly index = new Map<number, number>();
  readonly a: number[] = [];
  readonly b: number[] = [];
  readonly votes: number[] = [];
  private readonly lastVoter: number[] = [];

  constructor(private readonly nodeCount: number) {}

  private key(u: number, v: number): number {
    return u < v ? u * this.nodeCount + v : v * this.nodeCount + u;
  }

  /** Tree `voter` connects u and v (voters must come in ascending order, one tree at a time). */
  vote(u: number, v: number, voter: number): void {
    const k = this.key(u, v);
    const e = this.index.get(k);
    if (e === undefined) {
      this.index.set(k, this.a.length);
      this.a.push(Math.min(u, v)); this.b.push(Math.max(u, v));
      this.votes.push(1); this.lastVoter.push(voter);
    } else if (this.lastVoter[e] !== voter) {
      this.votes[e]++;
      this.lastVoter[e] = voter;
    }
  }

  /** Votes of edge u–v, 0 when no tree connects them. */
  get(u: number, v: number): number {
    const e = this.index.get(this.key(u, v));
    return e === undefined ? 0 : this.votes[e];
  }

  get size(): number { return this.a.length; }
}

/**
 * §2.6 step 1: every parent link of every (resampled) tree whose two ends were merged into two
 * different consensus nodes is a vote for the edge between them, counted once per tree.
 */
export function countEdgeVotes(trees: FlatTree[], segId: Int32Array[], nodeCount: number): EdgeVotes {
  const ev = new EdgeVotes(nodeCount);
  for (let t = 0; t < trees.length; t++) {
    const parent = trees[t].parent, ids = segId[t];
    for (let r = 0; r < parent.length; r++) {
      const c = ids[r];
      if (c < 0 || parent[r] < 0) continue;
      const p = ids[parent[r]];
      if (p < 0 || p === c) continue;
      ev.vote(c, p, t);
    }
  }
  return ev;
}

/** A spanning tree over the consensus nodes: parent per node (-1 for roots) and the vote of that edge. */
export interface VoteTree {
  parent: Int32Array;
  /** Votes of the edge to the parent; 1 for roots (the original's convention). */
  edgeVote: Float64Array;
}

/**
 * §2.6 steps 2–3: Prim's maximum-vote spanning tree grown from node 0 (the first consensus
 * node created), minimising N − votes. Nodes that no edge path connects to node 0 are left as
 * isolated roots, exactly as in the original (so only node 0's component keeps its edges, and
 * trimming then deletes the rest); with `forest`, Prim restarts from the lowest-numbered node
 * not reached yet, so every component gets its own maximum-vote tree. No edge is discarded
 * here; trimming (§2.7) removes weak terminal chains. Ties between equal weights go to the
 * lower node number, so the result is reproducible.
 */
export function maxVoteTree(nodeCount: number, ev: EdgeVotes, treeCount: number, forest = false): VoteTree {
  const parent = new Int32Array(nodeCount).fill(-1);
  const edgeVote = new Float64Array(nodeCount).fill(1);
  if (nodeCount === 0) return { parent, edgeVote };
  const deg = new Int32Array(nodeCount + 1);
  for (let e = 0; e < ev.size; e++) { deg[ev.a[e] + 1]++; deg[ev.b[e] + 1]++; }
  for (let i = 0; i < nodeCount; i++) deg[i + 1] += deg[i];
  const fill = deg.slice(0, nodeCount);
  const adj = new Int32Array(deg[nodeCount]), adjW = new Int32Array(deg[nodeCount]), adjE = new Int32Array(deg[nodeCount]);
  for (let e = 0; e < ev.size; e++) {
    const w = treeCount - ev.votes[e];
    const a = ev.a[e], b = ev.b[e];
    adj[fill[a]] = b; adjW[fill[a]] = w; adjE[fill[a]++] = e;
    adj[fill[b]] = a; adjW[fill[b]] = w; adjE[fill[b]++] = e;
  }
  const key = new Float64Array(nodeCount).fill(Infinity);
  const via = new Int32Array(nodeCount).fill(-1);
  const done = new Uint8Array(nodeCount);
  const heap = new MinHeap();
  for (let start = 0; start < nodeCount; start++) {
    if (done[start]) continue;
    if (start > 0 && !forest) break;
    key[start] = 0;
    heap.push(0, start);
    while (heap.size > 0) {
      const u = heap.pop();
      if (done[u]) continue;
      done[u] = 1;
      if (via[u] >= 0) { parent[u] = ev.a[via[u]] === u ? ev.b[via[u]] : ev.a[via[u]]; edgeVote[u] = ev.votes[via[u]]; }
      for (let k = deg[u]; k < deg[u + 1]; k++) {
        const v = adj[k];
        if (done[v] || adjW[k] >= key[v]) continue;
        key[v] = adjW[k];
        via[v] = adjE[k];
        heap.push(adjW[k], v);
      }
    }
  }
  return { parent, edgeVote };
}

/** Binary min-heap of (weight, node) pairs ordered by weight, then node; stale entries are skipped by the caller. */
class MinHeap {
  private w: number[] = [];
  private v: number[] = [];

  get size(): number { return this.v.length; }

  private less(i: number, j: number): boolean {
    return this.w[i] < this.w[j] || (this.w[i] === this.w[j] && this.v[i] < this.v[j]);
  }

  private swap(i: number, j: number): void {
    const tw = this.w[i]; this.w[i] = this.w[j]; this.w[j] = tw;
    const tv = this.v[i]; this.v[i] = this.v[j]; this.v[j] = tv;
  }

  push(weight: number, node: number): void {
    this.w.push(weight); this.v.push(node);
    let i = this.v.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  pop(): number {
    const top = this.v[0];
    const lastW = this.w.pop()!, lastV = this.v.pop()!;
    if (this.v.length > 0) {
      this.w[0] = lastW; this.v[0] = lastV;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < this.v.length && this.less(l, m)) m = l;
        if (r < this.v.length && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }
}
