import { describe, expect, it } from 'vitest';
import { flatten, type FlatTree } from '../../host/consensus/flat-tree.js';
import { closestOnSegment } from '../../host/consensus/geometry.js';
import { cleanInputs, upperMedian } from '../../host/consensus/hygiene.js';
import { canonicalOrder } from '../../host/consensus/inputs.js';
import { matchAndCenter } from '../../host/consensus/match-center.js';
import { EdgeVotes, countEdgeVotes, maxVoteTree } from '../../host/consensus/max-vote-tree.js';
import { medianSwc } from '../../host/consensus/median.js';
import { mergeAndVote } from '../../host/consensus/merge-vote.js';
import { effectiveVoteThreshold, resolveConsensusOptions } from '../../host/consensus/options.js';
import { PointGrid } from '../../host/consensus/point-grid.js';
import { somaRootRow } from '../../host/consensus/reroot.js';
import { removeSmallPieces } from '../../host/consensus/small-pieces.js';
import { trimUnconfident } from '../../host/consensus/trim.js';
import { jitterTree, mulberry32, randomTree } from '../../host/metrics/random-tree.js';
import type { Tree } from '../../host/morph/tree.js';
import { tree } from '../morph/tree-builders.js';
import { named, shifted, yTree } from './helpers.js';

/** A straight chain of unit steps from `from` along `dir`. */
function chain(count: number, from: [number, number, number], dir: [number, number, number]): Tree {
  return {
    comments: [],
    nodes: Array.from({ length: count }, (_, i) => ({ id: i + 1, type: 3, x: from[0] + i * dir[0], y: from[1] + i * dir[1], z: from[2] + i * dir[2], radius: 1, parent: i === 0 ? -1 : i })),
  };
}

/** One match-and-center step done the slow, obvious way: every segment of every other tree. */
function bruteForceStep(trees: FlatTree[], D: number): FlatTree[] {
  const q = new Float64Array(3);
  return trees.map((tr, t) => {
    const n = tr.x.length;
    const out = { x: new Float64Array(n), y: new Float64Array(n), z: new Float64Array(n), parent: tr.parent };
    for (let r = 0; r < n; r++) {
      let sx = tr.x[r], sy = tr.y[r], sz = tr.z[r], c = 1;
      trees.forEach((other, u) => {
        if (u === t) return;
        let best = Infinity, bq = [0, 0, 0];
        for (let k = 0; k < other.x.length; k++) {
          const p = other.parent[k] < 0 ? k : other.parent[k];
          const seg = Float64Array.of(other.x[k], other.y[k], other.z[k], other.x[p], other.y[p], other.z[p]);
          const d = closestOnSegment(seg, 0, tr.x[r], tr.y[r], tr.z[r], q);
          if (d < best) { best = d; bq = [q[0], q[1], q[2]]; }
        }
        if (best < D) { sx += bq[0]; sy += bq[1]; sz += bq[2]; c++; }
      });
      out.x[r] = sx / c; out.y[r] = sy / c; out.z[r] = sz / c;
    }
    return out;
  });
}

describe('consensus stages', () => {
  it('options: defaults are the Gold166 run; bad values are named', () => {
    const o = resolveConsensusOptions();
    expect(o).toMatchObject({ voteThreshold: 6, clusterDistance: 5, removeOutliers: true, spanningForest: false, maxIterations: 5, convergence: 0.2, resampleStep: 1, mergeDistance: 1, maxInputNodes: 20000, minPieceFraction: 0.05 });
    expect(() => resolveConsensusOptions({ clusterDistance: -1 })).toThrow('consensus: clusterDistance must be a number > 0 (got -1)');
    expect(() => resolveConsensusOptions({ fewInputs: 'maybe' })).toThrow(/fewInputs must be 'lower' or 'fail'/);
    expect(effectiveVoteThreshold(30, o)).toBe(6);
    expect(effectiveVoteThreshold(6, o)).toBe(6);
    expect(effectiveVoteThreshold(5, o)).toBe(2);
    expect(effectiveVoteThreshold(2, o)).toBe(2);
    expect(effectiveVoteThreshold(17, resolveConsensusOptions({ voteThreshold: 20 }))).toBe(5);
    expect(effectiveVoteThreshold(3, resolveConsensusOptions({ voteThreshold: 2 }))).toBe(2);
  });

  it('canonical order: by name, then by content', () => {
    const a = yTree(), b = shifted(yTree(), [1, 0, 0]);
    const order = canonicalOrder([{ name: 'b', tree: a }, { name: 'a', tree: b }, { name: 'a', tree: a }]);
    expect(order.map((o) => o.name)).toEqual(['a', 'a', 'b']);
    const again = canonicalOrder([{ name: 'a', tree: a }, { name: 'b', tree: a }, { name: 'a', tree: b }]);
    expect(again.map((o) => o.tree)).toEqual(order.map((o) => o.tree));
  });

  it('hygiene: upper median, empty and oversized trees, length and fragmentation outliers', () => {
    expect(upperMedian([3, 1, 2])).toBe(2);
    expect(upperMedian([4, 1, 3, 2])).toBe(3);
    const opts = resolveConsensusOptions({ maxInputNodes: 100 });
    const base = chain(20, [0, 0, 0], [1, 0, 0]);
    const longer = chain(90, [0, 0, 0], [1, 0, 0]);
    const fragmented = chain(20, [0, 0, 0], [1, 0, 0]);
    // Same length (19) cut into 10 two-node branches at one point: fragmentation 0 vs 18 for the chains.
    const star: Tree = { comments: [], nodes: [{ id: 1, type: 1, x: 0, y: 0, z: 0, radius: 1, parent: -1 }] };
    for (let k = 0; k < 10; k++) star.nodes.push({ id: k + 2, type: 3, x: Math.cos(k) * 1.9, y: Math.sin(k) * 1.9, z: 0, radius: 1, parent: 1 });
    const { kept, dropped } = cleanInputs(named([base, { nodes: [], comments: [] }, longer, chain(150, [0, 0, 0], [1, 0, 0]), fragmented, base, star]), opts);
    expect(kept.map((k) => k.name)).toEqual(['tree00', 'tree04', 'tree05']);
    expect(dropped).toEqual([
      { name: 'tree01', reason: 'empty tree' },
      { name: 'tree03', reason: '150 nodes, more than 100 (likely an outlier)' },
      { name: 'tree02', reason: 'total length 89 outside [0.25, 4] × median 19' },
      { name: 'tree06', reason: 'fragmentation 0 outside [0.25, 4] × median 18' },
    ]);
    expect(cleanInputs(named([base, longer]), resolveConsensusOptions({ removeOutliers: false })).kept).toHaveLength(2);
  });

  it('match-and-center: parallel lines meet in the middle; a lone tree is reported; results equal a brute-force step', () => {
    const a = flatten(chain(11, [0, 0, 0], [1, 0, 0])), b = flatten(chain(11, [0, 2, 0], [1, 0, 0]));
    const far = flatten(chain(11, [0, 50, 0], [1, 0, 0]));
    const res = matchAndCenter([a, b, far], { clusterDistance: 5, maxIterations: 5, convergence: 0.2 });
    expect(res.kept).toEqual([0, 1]);
    expect(res.isolated).toEqual([2]);
    for (let r = 0; r < 11; r++) { expect(a.y[r]).toBeCloseTo(1, 12); expect(b.y[r]).toBeCloseTo(1, 12); }

    // Exactness of the two-stage search: random overlapping trees, one iteration each way.
    const base = randomTree({ nodes: 150, seed: 3 });
    const trees = [0, 1, 2, 3].map((s) => flatten(jitterTree(base, s === 3 ? 4 : 1.5, 10 + s)));
    // D below, at and above the radius of the shared first search stage.
    for (const D of [1.2, 2, 5]) {
      const expected = bruteForceStep(trees, D);
      const got = trees.map((t) => ({ ...t, x: t.x.slice(), y: t.y.slice(), z: t.z.slice() }));
      matchAndCenter(got, { clusterDistance: D, maxIterations: 1, convergence: 0 });
      got.forEach((t, i) => {
        for (let r = 0; r < t.x.length; r++) {
          expect(t.x[r]).toBeCloseTo(expected[i].x[r], 9);
          expect(t.y[r]).toBeCloseTo(expected[i].y[r], 9);
          expect(t.z[r]).toBeCloseTo(expected[i].z[r], 9);
        }
      });
    }
  });

  it('merge-and-vote: votes come from later trees, clusters near a node add their voters, small clusters drop', () => {
    const at = (pts: [number, number, number][]): FlatTree => flatten({
      comments: [], nodes: pts.map((p, i) => ({ id: i + 1, type: 3, x: p[0], y: p[1], z: p[2], radius: 1, parent: i === 0 ? -1 : i })),
    });
    const t0 = at([[0, 0, 0], [10, 0, 0], [20, 0, 0]]);
    const t1 = at([[0.2, 0, 0], [10.2, 0, 0], [40, 0, 0]]);
    const t2 = at([[0, 0.3, 0], [30, 0, 0], [40.3, 0, 0]]);
    const v = mergeAndVote([t0, t1, t2], 2, 1);
    expect(v.votes).toEqual([3, 2, 2]);
    expect(v.x[0]).toBeCloseTo(0.2 / 3, 12);
    expect(v.x[2]).toBeCloseTo(40.15, 12);
    expect(Array.from(v.segId[0])).toEqual([0, 1, -1]);
    expect(Array.from(v.segId[1])).toEqual([0, 1, 2]);
    expect(Array.from(v.segId[2])).toEqual([0, -1, 2]);
    // A later cluster of one tree within 1 voxel of node 1 adds its vote there.
    const t3 = at([[10.5, 0.5, 0]]);
    expect(mergeAndVote([t0, t1, t2, t3], 2, 1).votes).toEqual([3, 3, 2]);
  });

  it('edge votes count each tree once; Prim keeps the best-voted edges from node 0; unreachable nodes are roots', () => {
    const ev = new EdgeVotes(5);
    ev.vote(0, 1, 0); ev.vote(1, 0, 0); ev.vote(0, 1, 1); ev.vote(0, 1, 2);
    ev.vote(1, 2, 0);
    ev.vote(0, 2, 1); ev.vote(0, 2, 2);
    ev.vote(3, 4, 0);
    expect(ev.get(1, 0)).toBe(3);
    expect(ev.get(2, 0)).toBe(2);
    expect(ev.get(2, 4)).toBe(0);
    const span = maxVoteTree(5, ev, 3);
    expect(Array.from(span.parent)).toEqual([-1, 0, 0, -1, -1]);
    expect(Array.from(span.edgeVote)).toEqual([1, 3, 2, 1, 1]);
    // As a forest, the part {3, 4} gets its own tree.
    const forest = maxVoteTree(5, ev, 3, true);
    expect(Array.from(forest.parent)).toEqual([-1, 0, 0, -1, 3]);
    expect(Array.from(forest.edgeVote)).toEqual([1, 3, 2, 1, 1]);
    const flat = flatten(chain(3, [0, 0, 0], [1, 0, 0]));
    const counted = countEdgeVotes([flat, flat], [Int32Array.of(0, 0, 1), Int32Array.of(0, 1, 1)], 2);
    expect(counted.get(0, 1)).toBe(2);
  });

  it('trimming removes low-vote leaves with their unbranched chain, stops at branch points, keeps confident leaves', () => {
    // 0 - 1 - 2 - 3 (leaf, vote 1) ; 1 - 4 (leaf, vote 5) ; isolated root 5
    const span = { parent: Int32Array.of(-1, 0, 1, 2, 1, -1), edgeVote: Float64Array.of(1, 5, 5, 1, 5, 1) };
    expect(Array.from(trimUnconfident(span, 3))).toEqual([0, 0, 1, 1, 0, 1]);
    // Removing the last leaf of a chain takes the root too.
    const lone = { parent: Int32Array.of(-1, 0, 1), edgeVote: Float64Array.of(1, 9, 1) };
    expect(Array.from(trimUnconfident(lone, 3))).toEqual([1, 1, 1]);
    expect(Array.from(trimUnconfident(lone, 1))).toEqual([0, 0, 0]);
  });

  it('soma root choice follows standardize: a root in range, else most children, else the nearest node', () => {
    const t = tree([[1, 3, 0, 0, 0, 1, -1], [2, 3, 5, 0, 0, 1, 1], [3, 3, 10, 0, 0, 1, 2], [4, 3, 10, 5, 0, 1, 3], [5, 3, 10, -5, 0, 1, 3], [6, 3, 30, 0, 0, 1, -1]]);
    expect(somaRootRow(t, [1, 0, 0], 3)).toBe(0);
    expect(somaRootRow(t, [9, 0, 0], 3)).toBe(2);
    expect(somaRootRow(t, [29, 0, 0], 3)).toBe(5);
    expect(somaRootRow(t, [5, 4, 0], 3)).toBe(1);
    expect(somaRootRow({ nodes: [], comments: [] }, [0, 0, 0], 3)).toBe(-1);
  });

  it('small pieces are removed from the end, against the current list size', () => {
    const big = chain(40, [0, 0, 0], [1, 0, 0]).nodes;
    const piece = (n: number, off: number, x: number) => chain(n, [x, 9, 0], [1, 0, 0]).nodes.map((nd) => ({ ...nd, id: nd.id + off, parent: nd.parent < 0 ? -1 : nd.parent + off }));
    const t: Tree = { comments: [], nodes: [...big, ...piece(3, 40, 0), ...piece(5, 43, 20)] };
    const { tree: out, removedPieces } = removeSmallPieces(t, 0.1);
    expect(removedPieces).toBe(2);
    expect(out.nodes).toHaveLength(40);
    expect(out.nodes.every((n, i) => n.id === i + 1)).toBe(true);
    expect(removeSmallPieces({ comments: [], nodes: [big[0]] }, 0.05).tree.nodes).toHaveLength(0);
  });

  it('point grid: lowest-numbered point within the radius, as a linear scan finds it', () => {
    const rnd = mulberry32(5);
    const grid = new PointGrid(1, [0, 0, 0], [10, 10, 10]);
    const pts: number[][] = [];
    for (let i = 0; i < 400; i++) {
      const p = [rnd() * 10, rnd() * 10, rnd() * 10];
      pts.push(p);
      expect(grid.add(p[0], p[1], p[2])).toBe(i);
    }
    for (let k = 0; k < 300; k++) {
      const q = [rnd() * 10, rnd() * 10, rnd() * 10];
      const linear = pts.findIndex((p) => Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]) <= 1);
      expect(grid.lowestWithin(q[0], q[1], q[2], 1)).toBe(linear);
    }
  });

  it('median_swc picks the tree with the smallest summed distance to the others', () => {
    const lines = [0, 1, 5].map((y) => chain(21, [0, y, 0], [1, 0, 0]));
    const med = medianSwc([{ name: 'y0', tree: lines[0] }, { name: 'y5', tree: lines[2] }, { name: 'y1', tree: lines[1] }, { name: 'empty', tree: { nodes: [], comments: [] } }]);
    expect(med.name).toBe('y1');
    expect(med.index).toBe(2);
    expect(Number.isNaN(med.sums[3])).toBe(true);
    const p01 = med.pairs.find((p) => p.i === 0 && p.j === 2)!;
    expect(p01.sumDistance).toBeCloseTo(20, 9); // 20 nodes with a parent, each 1 voxel from the other line
    expect(p01.maxDistance).toBeCloseTo(1, 12);
    expect(p01.structureDifference).toBe(0);
    expect(med.pairs.find((p) => p.i === 0 && p.j === 1)!.sumDistance).toBeCloseTo(100, 9);
    expect(() => medianSwc(named([yTree()]))).toThrow('median_swc: needs at least two non-empty trees, got 1');
  });
});
