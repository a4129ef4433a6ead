import { describe, expect, it } from 'vitest';
import { CancelledError, NeurotraceError } from '../../host/core/errors.js';
import type { Vec3, Volume } from '../../host/core/volume.js';
import { resolveParams } from '../../host/registry/params.js';
import { loadAddon } from '../../host/runtime/native-addon.js';
import { registry, traceBuiltin } from '../helpers/builtin-tracers.js';
import { blankVolume, lcg, paintBlob, paintTube, tubeVolume, yVolume, type YShape } from '../helpers/synthetic-volumes.js';
import { branchNodes, cableLength, distToSegment, expectTracedY, roots } from '../helpers/tree-measures.js';

// ---- synthetic images (meanshift.md, "How to test"): where shapes overlap the brighter wins ----

const tube = (vol: Volume, a: Vec3, b: Vec3, r: number, value: number) => paintTube(vol, a, b, r, value, 'max');

// ---- running the plugin the way the host does ----

const trace = (vol: Volume, variant = 'meanshift', overrides: Record<string, unknown> = {}, signal?: AbortSignal) =>
  traceBuiltin(variant, vol, { overrides, signal });

interface Modes { voxels: Float64Array; modeOf: Int32Array; modes: Float64Array }
interface Arrays { x: Float64Array; y: Float64Array; z: Float64Array; parent: Int32Array }
interface Stages {
  meanShiftModes(data: Uint8Array, dims: Vec3, options?: Record<string, unknown>): Modes;
  meanShiftWalk(data: Uint8Array, dims: Vec3, a: number, b: number): Float64Array | null;
  meanShiftConnect(data: Uint8Array, dims: Vec3, q: Float64Array, unreachable?: 'straight' | 'none'): Arrays & { kept: number };
  _testSortSwc(t: Arrays, linkThresh: number): Arrays; // the shared sort_swc kernel (APP2's test hook)
}
const stages = loadAddon('neurotrace_native') as unknown as Stages;

const xyzOf = (v: number, dims: Vec3): Vec3 => [v % dims[0], Math.floor(v / dims[0]) % dims[1], Math.floor(v / (dims[0] * dims[1]))];

// ---- the plugin's loops, transcribed line by line (slow, for small images) ----

/** meanshift_plugin_vn4's scan with determine_noisy and meanshift_vn7, one full walk per voxel. */
function referenceModes(data: Uint8Array, dims: Vec3, threshold = 10, percentage = 0.6): { voxels: number[]; modeOf: number[]; modes: number[] } {
  const [nx, ny, nz] = dims;
  const I = (x: number, y: number, z: number) => data[(z * ny + y) * nx + x];
  const r = 5;
  const idiv = (a: number, b: number) => Math.trunc(a / b);
  const core = (d: number) => Math.exp((-0.1 * (d * d)) / r * r);
  const weight = (a: number, b: number, D: number) => Math.exp(-1.0 * Math.sqrt(2 * ((((a - b) / 255) * (a - b)) / 255) + D)) + 0.000001;
  const spatial = (d: number) => idiv(idiv(d, r) * d, r);
  const signal = (x: number, y: number, z: number) => {
    let inBounds = 0, bright = 0;
    for (let dz = -1; dz <= 1; dz++) for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
      if (!dx && !dy && !dz) continue;
      const a = x + dx, b = y + dy, c = z + dz;
      if (a < 0 || b < 0 || c < 0 || a >= nx || b >= ny || c >= nz) continue;
      inBounds++;
      if (I(a, b, c) > threshold) bright++;
    }
    return inBounds > 0 && bright / inBounds >= percentage;
  };
  const walk = (x: number, y: number, z: number): number => {
    let [cx, cy, cz] = [x, y, z];
    let intensity = I(x, y, z);
    for (let iter = 0; iter < 50; iter++) {
      let s1x = 0, s2x = 0, s1y = 0, s2y = 0, s1z = 0, s2z = 0;
      const cand: Vec3[] = [];
      for (let i = Math.max(0, cx - r); i < Math.min(nx, cx + r); i++)
        for (let j = Math.max(0, cy - r); j < Math.min(ny, cy + r); j++)
          for (let k = Math.max(0, cz - r); k < Math.min(nz, cz + r); k++) {
            if (i === cx && j === cy && k === cz) continue;
            const v = I(i, j, k);
            if (v < 1) continue;
            const w = weight(v, intensity, spatial(i - cx) + spatial(j - cy) + spatial(k - cz));
            const kz = core(k - cz), ky = core(j - cy), kx = core(i - cx);
            s1z += kz * w * k; s2z += kz * w;
            s1y += ky * w * j; s2y += ky * w;
            s1x += kx * w * i; s2x += kx * w;
            if (v >= 30) cand.push([i, j, k]);
          }
      if (s2x === 0 || s2y === 0 || s2z === 0 || cand.length === 0) return -1;
      const m = [Math.trunc(Math.trunc(s1x) / s2x), Math.trunc(Math.trunc(s1y) / s2y), Math.trunc(Math.trunc(s1z) / s2z)];
      if (m[0] === cx && m[1] === cy && m[2] === cz) return (cz * ny + cy) * nx + cx;
      const v = [cx - m[0], cy - m[1], cz - m[2]];
      let best = 0, bestCos = -Infinity;
      cand.forEach((u, c) => {
        const rr = [cx - u[0], cy - u[1], cz - u[2]];
        const cos = (rr[0] * v[0] + rr[1] * v[1] + rr[2] * v[2]) / (Math.sqrt(rr[0] ** 2 + rr[1] ** 2 + rr[2] ** 2) * Math.sqrt(v[0] ** 2 + v[1] ** 2 + v[2] ** 2));
        if (c === 0 || cos > bestCos) { bestCos = cos; best = c; }
      });
      [cx, cy, cz] = cand[best];
      intensity = I(cx, cy, cz);
    }
    return -1;
  };
  const voxels: number[] = [], modeOf: number[] = [], modes: number[] = [];
  const ids = new Map<number, number>();
  for (let x = 0; x < nx; x++) for (let y = 0; y < ny; y++) for (let z = 0; z < nz; z++) {
    if (!signal(x, y, z) || I(x, y, z) === 0) continue;
    voxels.push((z * ny + y) * nx + x);
    const m = walk(x, y, z);
    if (m < 0) { modeOf.push(-1); continue; }
    if (!ids.has(m)) { ids.set(m, modes.length); modes.push(m); }
    modeOf.push(ids.get(m)!);
  }
  return { voxels, modeOf, modes };
}

/** sphere_search's walk from a to b with choose_region_vn4's half scores; null when it fails. */
function referenceWalk(data: Uint8Array, dims: Vec3, a: Vec3, b: Vec3): Vec3[] | null {
  const [nx, ny, nz] = dims;
  const I = (p: Vec3) => data[(p[2] * ny + p[1]) * nx + p[0]];
  const r = 2.0;
  const path: Vec3[] = [a];
  let cur = a;
  for (let times = 0; times < 100; times++) {
    const up: Vec3[] = [], down: Vec3[] = [];
    // the plugin's box ran to the image size inclusive; beyond the image counts as zero
    for (let i = Math.max(0, cur[0] - r); i <= Math.min(nx - 1, cur[0] + r); i++)
      for (let j = Math.max(0, cur[1] - r); j <= Math.min(ny - 1, cur[1] + r); j++)
        for (let k = Math.max(0, cur[2] - r); k <= Math.min(nz - 1, cur[2] + r); k++) {
          const v: Vec3 = [i, j, k];
          if (I(v) === 0 || (i === cur[0] && j === cur[1] && k === cur[2])) continue;
          const rel = [i - cur[0], j - cur[1], k - cur[2]];
          if (Math.sqrt(rel[0] ** 2 + rel[1] ** 2 + rel[2] ** 2) > r) continue;
          const bt = [b[0] - cur[0], b[1] - cur[1], b[2] - cur[2]];
          const dir = (bt[0] * rel[0] + bt[1] * rel[1] + bt[2] * rel[2]) / (Math.hypot(...bt) * Math.hypot(...rel));
          if (dir > 0) up.push(v); else if (dir < 0) down.push(v);
        }
    const dist = Math.hypot(cur[0] - b[0], cur[1] - b[1], cur[2] - b[2]);
    if (dist <= r && dist !== 0) { path.push(b); return path; }
    if (dist === 0) return path;
    let weight = -1e6, half: Vec3[] = up;
    for (const h of [up, down]) {
      if (h.length === 0) continue;
      let score = 0;
      for (const v of h) {
        const v1 = [cur[0] - v[0], cur[1] - v[1], cur[2] - v[2]], v2 = [cur[0] - b[0], cur[1] - b[1], cur[2] - b[2]];
        const angle = (v1[0] * v2[0] + v1[1] * v2[1] + v1[2] * v2[2]) / (Math.hypot(...v1) * Math.hypot(...v2));
        const dcb = Math.hypot(v[0] - b[0], v[1] - b[1], v[2] - b[2]);
        score += (angle * (I(v) * I(b))) / (dcb * dcb);
      }
      score /= h.length;
      if (weight < score) { weight = score; half = h; }
    }
    if (weight === -1e6) return null;
    let best = 0, bestDist = 1e6;
    half.forEach((v, k) => {
      const dd = Math.hypot(v[0] - b[0], v[1] - b[1], v[2] - b[2]);
      if (bestDist > dd) { bestDist = dd; best = k; }
    });
    cur = half[best];
    path.push(cur);
  }
  const last = path[path.length - 1];
  return last[0] === b[0] && last[1] === b[1] && last[2] === b[2] ? path : null;
}

/**
 * calculate_distance_between_roots + spanning_tree_algorithm + fulfill_path_between_roots, the
 * plain way: every ordered walk, the full weight matrix, the O(n^3) Prim scan (strict '<' against
 * INF = 1e6, tree node outer; a new tree at the first unreached node when edges run out), then
 * the walks written into the sorted tree. The walks themselves come from meanShiftWalk, which the
 * test above checks against the plugin's loop.
 */
function referenceConnect(data: Uint8Array, dims: Vec3, q: number[], straight: boolean): Arrays & { kept: number } {
  const n = q.length;
  const at = (v: number) => xyzOf(v, dims);
  const walks: (Float64Array | null)[][] = q.map((a, i) => q.map((b, j) => (i === j ? null : stages.meanShiftWalk(data, dims, a, b))));
  const kept = q.map((_, i) => i).filter((i) => walks[i].some((w) => w !== null));
  const m = kept.length;
  const lengthOf = (w: Float64Array) => {
    let sum = 0;
    for (let k = 0; k + 1 < w.length; k++) {
      const a = at(w[k]), b = at(w[k + 1]);
      sum += Math.sqrt((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2 + (a[2] - b[2]) ** 2);
    }
    return sum;
  };
  const W = kept.map(() => new Array<number>(m).fill(0));
  for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) {
    const w = walks[kept[i]][kept[j]];
    const a = at(q[kept[i]]), b = at(q[kept[j]]);
    W[i][j] = W[j][i] = w ? lengthOf(w) : straight ? Math.sqrt((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2 + (a[2] - b[2]) ** 2) : Infinity;
  }
  const inTree = new Array<boolean>(m).fill(false), parent = new Array<number>(m).fill(-1), order: number[] = [];
  for (let start = 0; start < m; start++) {
    if (inTree[start]) continue;
    inTree[start] = true;
    order.push(start);
    for (;;) {
      let min = 1e6, bi = -1, bj = -1;
      for (let i = 0; i < m; i++) if (inTree[i]) for (let j = 0; j < m; j++) if (!inTree[j] && min > W[i][j]) { min = W[i][j]; bi = i; bj = j; }
      if (bi < 0) break;
      inTree[bj] = true;
      parent[bj] = bi;
      order.push(bj);
    }
  }
  const listPos = new Array<number>(m).fill(-1);
  const list = { x: [] as number[], y: [] as number[], z: [] as number[], parent: [] as number[] };
  for (const v of order) {
    const p = at(q[kept[v]]);
    listPos[v] = list.x.length;
    list.x.push(p[0]); list.y.push(p[1]); list.z.push(p[2]);
    list.parent.push(parent[v] < 0 ? -1 : listPos[parent[v]]);
  }
  const arrays = (t: typeof list): Arrays => ({ x: new Float64Array(t.x), y: new Float64Array(t.y), z: new Float64Array(t.z), parent: new Int32Array(t.parent) });
  const sorted = stages._testSortSwc(arrays(list), 0);
  const tree = { x: [...sorted.x], y: [...sorted.y], z: [...sorted.z], parent: [...sorted.parent] };
  const voxel = (i: number) => (tree.z[i] * dims[1] + tree.y[i]) * dims[0] + tree.x[i];
  const posOf = new Map<number, number>(), keptOf = new Map<number, number>();
  kept.forEach((v, k) => keptOf.set(q[v], k));
  const base = tree.x.length;
  for (let i = 0; i < base; i++) posOf.set(voxel(i), i);
  const par = [...sorted.parent];
  for (let i = 0; i < base; i++) {
    const p = sorted.parent[i];
    if (p < 0) continue;
    const a = keptOf.get(voxel(i))!, b = keptOf.get(voxel(p))!;
    const walk = walks[kept[Math.min(a, b)]][kept[Math.max(a, b)]];
    if (!walk) continue;
    const path = walk[0] === voxel(p) ? [...walk] : [...walk].reverse();
    for (let k = 1; k < path.length; k++) {
      const from = posOf.get(path[k - 1])!;
      const there = posOf.get(path[k]);
      if (there !== undefined) { par[there] = from; continue; }
      const c = at(path[k]);
      tree.x.push(c[0]); tree.y.push(c[1]); tree.z.push(c[2]); tree.parent.push(from);
      par.push(from);
      posOf.set(path[k], tree.x.length - 1);
    }
  }
  tree.parent = par;
  return { ...stages._testSortSwc(arrays(tree), 0), kept: m };
}

// ---- the tests ----

describe('meanshift: manifest', () => {
  it('registers the bench run with the plugin defaults (the bench passed no -p) and a fixed variant', () => {
    const bench = resolveParams(registry.getVariant('meanshift'), {});
    expect(bench).toEqual({ primDistance: 3, threshold: 10, percentage: 0.6, spatialTerm: 'integer', window: 'asymmetric', unreachablePairs: 'straight' });
    expect(registry.getVariant('meanshift').preset.benchCommand).toBe('vaa3d -x BJUT_meanshift -f meanshift -i <img>');
    const fixed = resolveParams(registry.getVariant('meanshift-fixed'), {});
    expect(fixed).toMatchObject({ spatialTerm: 'float', window: 'symmetric', unreachablePairs: 'none' });
  });

  it('refuses out-of-range parameters with a message naming them', () => {
    const ref = registry.getVariant('meanshift');
    expect(() => resolveParams(ref, { primDistance: 0 })).toThrow(NeurotraceError);
    expect(() => resolveParams(ref, { primDistance: 0 })).toThrow(/primDistance/);
    expect(() => resolveParams(ref, { percentage: 1.5 })).toThrow(/percentage/);
    expect(() => resolveParams(ref, { window: 'round' })).toThrow(/window/);
  });
});

describe('meanshift: mean-shift stage', () => {
  it('finds exactly the modes of the plugin\'s per-voxel walks (blob, tube and noise)', () => {
    const dims: Vec3 = [22, 18, 14];
    const vol = blankVolume(dims);
    paintBlob(vol, [8, 9, 7], 2, 200);
    tube(vol, [2, 14, 4], [20, 14, 10], 1.5, 140);
    const rand = lcg(11);
    for (let i = 0; i < vol.data.length; i++) vol.data[i] = Math.min(255, vol.data[i] + Math.floor(rand() * 16));
    const ref = referenceModes(vol.data as Uint8Array, dims);
    const got = stages.meanShiftModes(vol.data as Uint8Array, dims, { threads: 2 });
    expect(ref.voxels.length).toBeGreaterThan(300);
    expect(ref.modes.length).toBeGreaterThan(3);
    expect(ref.modeOf).toContain(-1); // some walks are noise
    expect([...got.voxels]).toEqual(ref.voxels);
    expect([...got.modes]).toEqual(ref.modes);
    expect([...got.modeOf]).toEqual(ref.modeOf);
  });

  it('sends every voxel of an isolated Gaussian blob to modes just below its peak (quirk M6)', () => {
    const dims: Vec3 = [30, 30, 30];
    const vol = blankVolume(dims);
    const peak: Vec3 = [15, 14, 16];
    paintBlob(vol, peak, 2, 200);
    const meanMode = (m: Modes) => {
      const s = [0, 0, 0];
      for (let i = 0; i < m.modeOf.length; i++) {
        const p = xyzOf(m.modes[m.modeOf[i]], dims);
        for (let a = 0; a < 3; a++) s[a] += p[a] / m.modeOf.length;
      }
      return s;
    };
    const kept = stages.meanShiftModes(vol.data as Uint8Array, dims);
    expect(kept.voxels.length).toBeGreaterThan(200);
    expect([...kept.modeOf].every((m) => m >= 0)).toBe(true);
    for (const v of kept.modes) {
      const p = xyzOf(v, dims);
      // the window -5..+4 and the twice-truncated mean pull every mode towards -x, -y, -z
      for (let a = 0; a < 3; a++) {
        expect(p[a]).toBeLessThanOrEqual(peak[a]);
        expect(p[a]).toBeGreaterThanOrEqual(peak[a] - 5);
      }
    }
    meanMode(kept).forEach((c, a) => expect(c).toBeLessThan(peak[a] - 1));
    // the symmetric window with a rounded mean has no such bias
    const fixed = stages.meanShiftModes(vol.data as Uint8Array, dims, { window: 'symmetric', spatialTerm: 'float' });
    expect([...fixed.modeOf].every((m) => m >= 0)).toBe(true);
    meanMode(fixed).forEach((c, a) => expect(Math.abs(c - peak[a])).toBeLessThan(0.5));
  });

  it('rejects isolated salt noise by the 26-neighbour rule', () => {
    const dims: Vec3 = [40, 40, 30];
    const vol = blankVolume(dims);
    const rand = lcg(3);
    for (let i = 0; i < vol.data.length; i++) if (rand() < 0.01) vol.data[i] = 200;
    expect(stages.meanShiftModes(vol.data as Uint8Array, dims).voxels.length).toBe(0);
    // percentage 0 (what the bench's commented '-p 1 3.0 10 0.6' would have given through atoi)
    // processes every non-zero voxel
    const all = stages.meanShiftModes(vol.data as Uint8Array, dims, { percentage: 0 });
    expect(all.voxels.length).toBe(vol.data.filter((v) => v > 0).length);
  });
});

describe('meanshift: sphere-model walks', () => {
  it('takes the plugin\'s steps between random node pairs', () => {
    const dims: Vec3 = [26, 22, 16];
    const vol = blankVolume(dims);
    const rand = lcg(5);
    tube(vol, [2, 3, 3], [23, 18, 12], 2, 160);
    tube(vol, [3, 18, 8], [22, 4, 8], 1.5, 90);
    for (let i = 0; i < vol.data.length; i++) if (rand() < 0.15) vol.data[i] = Math.max(vol.data[i], 1 + Math.floor(rand() * 60));
    const bright: number[] = [];
    vol.data.forEach((v, i) => { if (v >= 90) bright.push(i); });
    let reached = 0, failed = 0;
    for (let t = 0; t < 120; t++) {
      const a = bright[Math.floor(rand() * bright.length)], b = bright[Math.floor(rand() * bright.length)];
      if (a === b) continue;
      const ref = referenceWalk(vol.data as Uint8Array, dims, xyzOf(a, dims), xyzOf(b, dims));
      const got = stages.meanShiftWalk(vol.data as Uint8Array, dims, a, b);
      if (ref === null) {
        expect(got).toBeNull();
        failed++;
      } else {
        expect(got).not.toBeNull();
        expect([...got!].map((v) => xyzOf(v, dims))).toEqual(ref);
        reached++;
      }
    }
    expect(reached).toBeGreaterThan(20);
    expect(failed).toBeGreaterThan(2);
  });
});

describe('meanshift: spanning tree and walk filling', () => {
  it('builds the plugin\'s tree from its walks, with and without straight edges for failed walks', () => {
    const dims: Vec3 = [30, 26, 14];
    const vol = blankVolume(dims);
    const rand = lcg(21);
    tube(vol, [3, 4, 4], [26, 20, 10], 2, 170);
    tube(vol, [4, 20, 6], [14, 12, 6], 1.5, 120);
    tube(vol, [20, 3, 9], [27, 10, 9], 1.5, 140); // apart from the others: only straight edges reach it
    for (let i = 0; i < vol.data.length; i++) if (vol.data[i] === 0 && rand() < 0.04) vol.data[i] = 1 + Math.floor(rand() * 40);
    const bright: number[] = [];
    vol.data.forEach((v, i) => { if (v >= 100) bright.push(i); });
    const q: number[] = [];
    while (q.length < 45) {
      const v = bright[Math.floor(rand() * bright.length)];
      if (!q.includes(v)) q.push(v);
    }
    // a bright voxel alone in an empty neighbourhood: no walk from it can take a step
    const lone: Vec3 = [27, 23, 2];
    for (let z = 0; z <= 5; z++) for (let y = 20; y < 26; y++) for (let x = 24; x < 30; x++) vol.data[(z * dims[1] + y) * dims[0] + x] = 0;
    const isolated = (lone[2] * dims[1] + lone[1]) * dims[0] + lone[0];
    vol.data[isolated] = 200;
    q.push(isolated);
    for (const unreachable of ['straight', 'none'] as const) {
      const ref = referenceConnect(vol.data as Uint8Array, dims, q, unreachable === 'straight');
      const got = stages.meanShiftConnect(vol.data as Uint8Array, dims, new Float64Array(q), unreachable);
      expect(ref.kept).toBe(q.length - 1); // the isolated node is dropped
      expect(got.kept).toBe(ref.kept);
      expect([...got.x]).toEqual([...ref.x]);
      expect([...got.y]).toEqual([...ref.y]);
      expect([...got.z]).toEqual([...ref.z]);
      expect([...got.parent]).toEqual([...ref.parent]);
      expect(got.x.length).toBeGreaterThan(q.length); // walks added voxels
      const rootsOf = [...got.parent].filter((p) => p === -1).length;
      if (unreachable === 'straight') expect(rootsOf).toBe(1);
      else expect(rootsOf).toBeGreaterThan(1);
    }
  });
});

describe('meanshift: traces', () => {
  it('traces a straight tube as one unbranched path along its axis', async () => {
    const a: Vec3 = [10, 15, 15], b: Vec3 = [69, 15, 15];
    const { tree, meta } = await trace(tubeVolume([80, 30, 30], a, b, 2, 150));
    expect(meta!.modes).toBeGreaterThanOrEqual(1);
    expect(meta!.modesMerged).toBe(1);
    expect(meta!.clusterNodes as number).toBeLessThan(200); // so every kept member is a node of the walks
    expect(meta!.pathNodes).toBe(meta!.clusterNodes);
    expect(roots(tree)).toHaveLength(1);
    expect(branchNodes(tree)).toEqual([]);
    expect(Math.abs(cableLength(tree) - 55)).toBeLessThanOrEqual(8);
    for (const n of tree.nodes) {
      expect(distToSegment(n, a, b)).toBeLessThan(2); // within the tube (modes sit a voxel towards -y, -z)
      expect(n.type).toBeGreaterThanOrEqual(20); // happ's heat map
      expect(n.type).toBeLessThanOrEqual(274);
      expect(n.radius).toBeGreaterThanOrEqual(1);
      expect(n.radius).toBeLessThanOrEqual(3);
    }
  });

  it('gives an isolated blob one merged mode and a tiny tree at its peak', async () => {
    const vol = blankVolume([30, 30, 30]);
    const peak: Vec3 = [15, 14, 16];
    paintBlob(vol, peak, 2, 200);
    const { tree, meta } = await trace(vol);
    expect(meta!.clusteredVoxels).toBe(meta!.signalVoxels);
    expect(meta!.modesMerged).toBe(1);
    expect(tree.nodes.length).toBeGreaterThan(0);
    expect(tree.nodes.length).toBeLessThanOrEqual(15);
    for (const n of tree.nodes) expect(Math.hypot(n.x - peak[0], n.y - peak[1], n.z - peak[2])).toBeLessThan(6);
  });

  it('returns an empty reconstruction for salt noise and for an empty image', async () => {
    const vol = blankVolume([40, 40, 30]);
    const rand = lcg(3);
    for (let i = 0; i < vol.data.length; i++) if (rand() < 0.01) vol.data[i] = 200;
    const salt = await trace(vol);
    expect(salt.meta!.signalVoxels).toBe(0);
    expect(salt.tree.nodes).toEqual([]);
    expect((await trace(blankVolume([20, 20, 10]))).tree.nodes).toEqual([]);
  });

  it('joins two tubes across a 4-voxel gap with a straight edge (quirk M3), or not when fixed', async () => {
    const vol = blankVolume([90, 30, 30]);
    tube(vol, [5, 15, 15], [36, 15, 15], 2, 150); // ends at x = 38
    tube(vol, [45, 15, 15], [84, 15, 15], 2, 150); // starts at x = 43
    for (let x = 39; x <= 42; x++) for (let i = 0; i < 30 * 30; i++) expect(vol.data[i * 90 + x]).toBe(0);
    const kept = await trace(vol);
    expect(roots(kept.tree)).toHaveLength(1);
    expect(branchNodes(kept.tree)).toEqual([]);
    expect(kept.meta!.edgesWithWalk).toBe((kept.meta!.treeEdges as number) - 1); // the jump has no walk
    const xs = kept.tree.nodes.map((n) => n.x);
    expect(Math.min(...xs)).toBeLessThan(12);
    expect(Math.max(...xs)).toBeGreaterThan(75);
    const fixed = await trace(vol, 'meanshift-fixed');
    expect(roots(fixed.tree)).toHaveLength(2);
  });

  it('gives a Y exactly one bifurcation near the junction', async () => {
    const y: YShape = { stem: [10, 35, 15], junction: [35, 35, 15], arms: [[60, 15, 15], [60, 55, 15]] };
    const { tree } = await trace(yVolume([70, 70, 30], y, 2, 150));
    expectTracedY(tree, y, 4);
  });

  it('connects only the merged modes when 200 or more nodes remain', async () => {
    const vol = blankVolume([120, 120, 24]);
    const rand = lcg(8);
    // a meshwork of tubes on a zero background: thinning leaves well over 200 nodes
    const segs: [Vec3, Vec3][] = [];
    for (let k = 0; k < 30; k++) {
      const a: Vec3 = [Math.floor(rand() * 110) + 5, Math.floor(rand() * 110) + 5, 6 + Math.floor(rand() * 12)];
      const b: Vec3 = [Math.floor(rand() * 110) + 5, Math.floor(rand() * 110) + 5, 6 + Math.floor(rand() * 12)];
      tube(vol, a, b, 2, 120 + Math.floor(rand() * 100));
      segs.push([a, b]);
    }
    const { tree, meta } = await trace(vol);
    expect(meta!.clusterNodes as number).toBeGreaterThanOrEqual(200);
    expect(meta!.pathNodes).toBe(meta!.modesMerged);
    expect(tree.nodes.length).toBeGreaterThan(50);
    // walks only step on non-zero voxels, so nodes lie on the tubes; happ's smoothing pulls those
    // next to a straight jump between two nodes (quirk M3) off them, by a few voxels at most
    const off = tree.nodes.map((n) => Math.min(...segs.map(([a, b]) => distToSegment(n, a, b))));
    expect(off.filter((d) => d < 2.5).length / off.length).toBeGreaterThan(0.9);
    expect(Math.max(...off)).toBeLessThan(8);
  });

  it('is deterministic', async () => {
    const vol = blankVolume([60, 50, 30]);
    tube(vol, [5, 10, 12], [50, 40, 17], 2, 180);
    tube(vol, [30, 26, 15], [55, 5, 12], 2, 160);
    const rand = lcg(4);
    for (let i = 0; i < vol.data.length; i++) vol.data[i] = Math.min(255, vol.data[i] + Math.floor(rand() * 12));
    const a = await trace(vol);
    const b = await trace(vol);
    expect(b.tree.nodes).toEqual(a.tree.nodes);
    expect(a.tree.nodes.length).toBeGreaterThan(10);
  });

  it('stops with a CancelledError when aborted', async () => {
    const vol = blankVolume([160, 160, 60]);
    const rand = lcg(9);
    for (let i = 0; i < vol.data.length; i++) vol.data[i] = Math.floor(rand() * 256);
    const ac = new AbortController();
    const run = trace(vol, 'meanshift', {}, ac.signal);
    setTimeout(() => ac.abort(), 50);
    await expect(run).rejects.toBeInstanceOf(CancelledError);
  });
});
