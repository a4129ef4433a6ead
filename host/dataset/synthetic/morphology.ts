/**
 * Ground-truth neuron morphologies for synthetic images: a stochastic growth model in the
 * L-Neuron / NETMORPH tradition (synthetic_data.md §1.3), or a user's real SWC with random
 * augmentation (§1.1). Everything here is in µm in an image-aligned frame where voxel (i, j, k)
 * has its centre at (i·sx, j·sy, k·sz); conversion to voxel units happens once, in toVoxelTree.
 */
import type { Tree, SwcNode } from '../../morph/tree.js';
import type { Rng } from '../rng.js';
import { add, dist, dot, normalize, perpendicular, scale, sub, type V3 } from './vec.js';

export type MorphologyKind = 'dendrite' | 'axon';

export interface MorphNode {
  x: number;
  y: number;
  z: number;
  /** Radius in µm. */
  r: number;
  /** Index of the parent in the node array, −1 for the root; parents always precede children. */
  parent: number;
  /** SWC type: 1 soma, 2 axon, 3 dendrite. */
  type: number;
}

export interface Morphology {
  nodes: MorphNode[];
  /** Numbers that describe how this tree was made (recorded in the dataset manifest). */
  params: Record<string, number | string>;
}

type Range = readonly [number, number];

/** Ranges sampled once per tree; lengths are for a 100 µm field of view and scale with it. */
export interface GrowthRanges {
  stems: Range;
  /** Direction noise per √µm of growth (κ of the card, which states it per 1 µm step). */
  kappa: Range;
  /** Branching probability per µm at centrifugal order 0. */
  branchPerUm: Range;
  /** Branching probability factor per order. */
  orderDecay: number;
  branchAngleDeg: Range;
  /** Termination probability per µm once the branch has grown minPathFraction of maxPath. */
  terminatePerUm: Range;
  maxPathUm: Range;
  minBranchSpacingUm: number;
  somaRadiusUm: Range;
  tipRadiusUm: Range;
  maxStemRadiusUm: Range;
  /** Ratio of a branch's end radius to its start radius. */
  taper: Range;
  maxTips: number;
  /** A tree with less total length than this (per 100 µm of field) is regrown. */
  minTotalUm: number;
  /** Short dendrites added to an axon-like cell (count range); [0,0] for none. */
  stubDendrites: Range;
  stubMaxPathUm: Range;
  /** Fraction of the direction's z component lost per µm: attraction to the image plane, so long
   * neurites run through the slab instead of bouncing between its top and bottom. */
  zDampingPerUm: number;
}

export const GROWTH_PRESETS: Record<MorphologyKind, GrowthRanges> = {
  dendrite: {
    stems: [4, 7], kappa: [0.15, 0.28], branchPerUm: [0.025, 0.045], orderDecay: 0.7, branchAngleDeg: [30, 80],
    terminatePerUm: [0.002, 0.006], maxPathUm: [70, 110], minBranchSpacingUm: 5, somaRadiusUm: [3, 4.5],
    tipRadiusUm: [0.32, 0.45], maxStemRadiusUm: [1.0, 1.4], taper: [0.75, 0.92], maxTips: 64, minTotalUm: 350,
    stubDendrites: [0, 0], stubMaxPathUm: [0, 0], zDampingPerUm: 0.01,
  },
  axon: {
    stems: [1, 1], kappa: [0.08, 0.14], branchPerUm: [0.006, 0.012], orderDecay: 0.7, branchAngleDeg: [30, 70],
    terminatePerUm: [0.0005, 0.0015], maxPathUm: [260, 420], minBranchSpacingUm: 12, somaRadiusUm: [2.5, 3.5],
    tipRadiusUm: [0.32, 0.42], maxStemRadiusUm: [0.6, 0.85], taper: [0.8, 0.95], maxTips: 16, minTotalUm: 300,
    stubDendrites: [1, 3], stubMaxPathUm: [10, 25], zDampingPerUm: 0.04,
  },
};

interface Cone {
  pos: V3;
  dir: V3;
  parent: number;
  order: number;
  /** Path length from the soma surface, µm. */
  path: number;
  sinceBranch: number;
  maxPath: number;
  type: number;
  kind: 'main' | 'stub';
}

/** The region in which tree nodes may lie (µm), keeping tubes and a margin inside the image. */
interface Box { lo: V3; hi: V3 }

function innerBox(boxUm: V3, voxel: V3): Box {
  const margin: V3 = [4 * voxel[0], 4 * voxel[1], 2 * voxel[2]];
  return { lo: margin, hi: [boxUm[0] - margin[0], boxUm[1] - margin[1], boxUm[2] - margin[2]] };
}

const inside = (p: V3, b: Box) => p[0] >= b.lo[0] && p[1] >= b.lo[1] && p[2] >= b.lo[2] && p[0] <= b.hi[0] && p[1] <= b.hi[1] && p[2] <= b.hi[2];

/**
 * Grows one neuron inside a box of boxUm µm (the image extent, voxel centres from 0 to
 * (n−1)·spacing). Lengths and rates of the preset are scaled by the field of view so a preset
 * fills small and large boxes alike; radii are not (they must stay resolvable by the voxel grid).
 */
export function growNeuron(rng: Rng, kind: MorphologyKind, boxUm: V3, voxel: V3): Morphology {
  const ranges = GROWTH_PRESETS[kind];
  const fov = Math.min(boxUm[0], boxUm[1]) / 100;
  // A tree that dies young (every cone terminated early) is not a useful benchmark: regrow.
  let best: Morphology | undefined;
  let bestLen = -1;
  for (let attempt = 0; attempt < 40; attempt++) {
    const m = growOnce(rng.fork(`attempt${attempt}`), kind, ranges, boxUm, voxel, fov);
    const len = totalLengthUm(m.nodes);
    m.params.attempt = attempt;
    if (len >= ranges.minTotalUm * fov) return m;
    if (len > bestLen) {
      best = m;
      bestLen = len;
    }
  }
  return best!;
}

function growOnce(rng: Rng, kind: MorphologyKind, R: GrowthRanges, boxUm: V3, voxel: V3, fov: number): Morphology {
  const box = innerBox(boxUm, voxel);
  const step = 1.5 * voxel[0];
  const kappa = rng.range(R.kappa);
  const branchPerUm = rng.range(R.branchPerUm) / fov;
  const terminatePerUm = rng.range(R.terminatePerUm) / fov;
  const maxPath = rng.range(R.maxPathUm) * fov;
  const somaR = Math.max(rng.range(R.somaRadiusUm) * Math.sqrt(fov), 2 * voxel[0]);
  const [angLo, angHi] = R.branchAngleDeg;
  // Cells in a thin slab grow mostly parallel to the image plane.
  const zFreedom = Math.min(1, Math.max(0.25, (boxUm[2] / Math.min(boxUm[0], boxUm[1])) * 1.2));
  const repelRange = 0.12 * Math.min(boxUm[0], boxUm[1]);
  const axonType = kind === 'axon' ? 2 : 3;

  const soma: V3 = [
    rng.uniform(0.35, 0.65) * boxUm[0], rng.uniform(0.35, 0.65) * boxUm[1], rng.uniform(0.4, 0.6) * boxUm[2],
  ];
  const nodes: MorphNode[] = [{ x: soma[0], y: soma[1], z: soma[2], r: somaR, parent: -1, type: 1 }];

  const stemCount = rng.intRange(R.stems);
  const stubCount = rng.intRange(R.stubDendrites);
  const dirs = spreadDirections(rng, stemCount + stubCount, zFreedom);
  const stack: Cone[] = [];
  for (let i = dirs.length - 1; i >= 0; i--) {
    const stub = i >= stemCount;
    stack.push({
      pos: add(soma, scale(dirs[i], somaR)), dir: dirs[i], parent: 0, order: 0, path: 0, sinceBranch: 0,
      maxPath: stub ? rng.range(R.stubMaxPathUm) * fov : maxPath * rng.uniform(0.75, 1.1),
      type: stub ? 3 : axonType, kind: stub ? 'stub' : 'main',
    });
  }
  let tips = stack.length;
  const kStep = kappa * Math.sqrt(step);
  const zKeep = Math.pow(1 - R.zDampingPerUm, step);

  while (stack.length > 0) {
    const c = stack.pop()!;
    // the cone's first node sits on the soma surface (or at the branch point's daughter position)
    if (!inside(c.pos, box)) continue;
    nodes.push({ x: c.pos[0], y: c.pos[1], z: c.pos[2], r: 0, parent: c.parent, type: c.type });
    let cur = nodes.length - 1;
    for (;;) {
      const xi = rng.unitVector();
      xi[2] *= zFreedom;
      let d = add(c.dir, scale(xi, kStep * Math.sqrt(3)));
      d[2] *= zKeep;
      d = add(d, boundaryPush(c.pos, box, repelRange));
      const toSoma = sub(c.pos, soma);
      const ds = Math.hypot(toSoma[0], toSoma[1], toSoma[2]);
      if (ds < 1.6 * somaR) d = add(d, scale(toSoma, 0.5 / Math.max(ds, 1e-9)));
      c.dir = normalize(d);
      const next = add(c.pos, scale(c.dir, step));
      if (!inside(next, box)) break;
      c.pos = next;
      c.path += step;
      c.sinceBranch += step;
      nodes.push({ x: next[0], y: next[1], z: next[2], r: 0, parent: cur, type: c.type });
      cur = nodes.length - 1;
      if (c.path >= c.maxPath) break;
      if (c.path > 0.3 * c.maxPath && rng.bernoulli(terminatePerUm * step)) break;
      const pb = (c.kind === 'stub' ? branchPerUm * 1.5 : branchPerUm) * Math.pow(R.orderDecay, c.order) * step;
      if (c.sinceBranch >= R.minBranchSpacingUm * fov && tips < R.maxTips && rng.bernoulli(pb)) {
        const alpha = rng.uniform(angLo, angHi) * Math.PI / 180;
        const f = rng.uniform(0.2, 0.5);
        const w0 = rng.unitVector();
        w0[2] *= zFreedom;
        const w = perpendicular(c.dir, w0);
        const a = normalize(add(scale(c.dir, Math.cos(f * alpha)), scale(w, Math.sin(f * alpha))));
        const b = normalize(sub(scale(c.dir, Math.cos((1 - f) * alpha)), scale(w, Math.sin((1 - f) * alpha))));
        tips++;
        stack.push({
          pos: add(c.pos, scale(b, step)), dir: b, parent: cur, order: c.order + 1, path: c.path + step, sinceBranch: 0,
          maxPath: c.maxPath, type: c.type, kind: c.kind,
        });
        c.dir = a;
        c.order++;
        c.sinceBranch = 0;
      }
    }
  }
  const pruned = pruneShortTips(nodes, Math.max(3 * step, 4 * voxel[0]));
  const taperInfo = assignRadii(rng, pruned, R, somaR);
  return {
    nodes: pruned,
    params: {
      generator: 'stochastic-growth', kind, stems: stemCount, stubDendrites: stubCount, kappa: round4(kappa),
      branchPerUm: round4(branchPerUm), terminatePerUm: round4(terminatePerUm), maxPathUm: round4(maxPath),
      stepUm: round4(step), somaRadiusUm: round4(somaR), zFreedom: round4(zFreedom), maxStemRadiusUm: round4(taperInfo.maxStem),
      tips: countTips(pruned), nodes: pruned.length, totalLengthUm: round4(totalLengthUm(pruned)),
    },
  };
}

/** Stem directions spread apart by best-candidate sampling (each new one far from the others). */
function spreadDirections(rng: Rng, n: number, zFreedom: number): V3[] {
  const out: V3[] = [];
  for (let i = 0; i < n; i++) {
    let best: V3 = [1, 0, 0];
    let bestScore = -Infinity;
    for (let k = 0; k < 12; k++) {
      const v = rng.unitVector();
      v[2] *= zFreedom * 0.6;
      const d = normalize(v);
      const score = out.length === 0 ? 0 : -Math.max(...out.map((o) => dot(o, d)));
      if (score > bestScore) {
        bestScore = score;
        best = d;
      }
    }
    out.push(best);
  }
  return out;
}

function boundaryPush(p: V3, box: Box, range: number): V3 {
  const push: V3 = [0, 0, 0];
  for (let a = 0; a < 3; a++) {
    // a thin z slab gets a proportionally thinner repulsion zone
    const r = Math.min(range, 0.3 * (box.hi[a] - box.lo[a]));
    const dLo = p[a] - box.lo[a];
    const dHi = box.hi[a] - p[a];
    if (dLo < r) push[a] += 0.6 * (1 - dLo / r);
    if (dHi < r) push[a] -= 0.6 * (1 - dHi / r);
  }
  return push;
}

function childCounts(nodes: MorphNode[]): Int32Array {
  const c = new Int32Array(nodes.length);
  for (const n of nodes) if (n.parent >= 0) c[n.parent]++;
  return c;
}

function countTips(nodes: MorphNode[]): number {
  const c = childCounts(nodes);
  let t = 0;
  for (let i = 1; i < nodes.length; i++) if (c[i] === 0) t++;
  return t;
}

const pos = (n: MorphNode): V3 => [n.x, n.y, n.z];

export function totalLengthUm(nodes: MorphNode[]): number {
  let s = 0;
  for (const n of nodes) if (n.parent >= 0) s += dist(pos(n), pos(nodes[n.parent]));
  return s;
}

/**
 * Unbranched runs of the tree: each starts at a child of the root or of a branch point and
 * ends at a tip or a branch point (inclusive). Node indices, in path order.
 */
export function branchesOf(nodes: MorphNode[]): number[][] {
  const counts = childCounts(nodes);
  const children: number[][] = nodes.map(() => []);
  for (let i = 0; i < nodes.length; i++) if (nodes[i].parent >= 0) children[nodes[i].parent].push(i);
  const out: number[][] = [];
  const starts: number[] = [];
  for (let i = 0; i < nodes.length; i++) {
    const p = nodes[i].parent;
    if (p >= 0 && (p === 0 || nodes[p].parent < 0 || counts[p] > 1)) starts.push(i);
  }
  for (const s of starts) {
    const run = [s];
    let cur = s;
    while (counts[cur] === 1) {
      cur = children[cur][0];
      run.push(cur);
    }
    out.push(run);
  }
  return out;
}

/** Drops terminal branches shorter than minLen that hang off a branch point (spurs the grid cannot show). */
function pruneShortTips(nodes: MorphNode[], minLen: number): MorphNode[] {
  const counts = childCounts(nodes);
  const drop = new Uint8Array(nodes.length);
  for (const run of branchesOf(nodes)) {
    const last = run[run.length - 1];
    if (counts[last] !== 0) continue;
    const first = run[0];
    if (nodes[first].parent === 0) continue; // keep every stem
    let len = dist(pos(nodes[first]), pos(nodes[nodes[first].parent]));
    for (let k = 1; k < run.length; k++) len += dist(pos(nodes[run[k]]), pos(nodes[run[k - 1]]));
    if (len < minLen) for (const i of run) drop[i] = 1;
  }
  return compact(nodes, drop);
}

/** Removes flagged nodes (and, defensively, anything below them) and renumbers parents. */
function compact(nodes: MorphNode[], drop: Uint8Array): MorphNode[] {
  const map = new Int32Array(nodes.length).fill(-1);
  const out: MorphNode[] = [];
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i];
    if (drop[i] || (n.parent >= 0 && map[n.parent] < 0)) continue;
    map[i] = out.length;
    out.push({ ...n, parent: n.parent >= 0 ? map[n.parent] : -1 });
  }
  return out;
}

/**
 * Rall-like radii: tips get a sampled tip radius, a branch ending in a bifurcation gets
 * (Σ r_child^1.5)^(2/3), and each branch tapers linearly along its arc from start to end.
 * Thick stems are then compressed monotonically so the largest stays under the preset's cap
 * (Rall alone would give several-µm stems for bushy trees).
 */
function assignRadii(rng: Rng, nodes: MorphNode[], R: GrowthRanges, somaR: number): { maxStem: number } {
  const branches = branchesOf(nodes);
  const startR = new Float64Array(nodes.length);
  const branchOfStart = new Int32Array(nodes.length).fill(-1);
  branches.forEach((b, i) => (branchOfStart[b[0]] = i));
  const children: number[][] = nodes.map(() => []);
  for (let i = 0; i < nodes.length; i++) if (nodes[i].parent >= 0) children[nodes[i].parent].push(i);
  const tipMin = R.tipRadiusUm[0];
  // children's branches start after their parent branch's nodes, so descending start order is post-order
  const order = branches.map((_, i) => i).sort((a, b) => branches[b][0] - branches[a][0]);
  for (const bi of order) {
    const run = branches[bi];
    const last = run[run.length - 1];
    let endR: number;
    if (children[last].length === 0) endR = rng.range(R.tipRadiusUm);
    else {
      let s = 0;
      for (const c of children[last]) s += Math.pow(startR[c], 1.5);
      endR = Math.pow(s, 2 / 3);
    }
    const taper = rng.range(R.taper);
    const r0 = endR / taper;
    const cum = [0];
    for (let k = 1; k < run.length; k++) cum.push(cum[k - 1] + dist(pos(nodes[run[k]]), pos(nodes[run[k - 1]])));
    const L = cum[cum.length - 1] || 1;
    for (let k = 0; k < run.length; k++) nodes[run[k]].r = r0 + (endR - r0) * (cum[k] / L);
    startR[run[0]] = r0;
  }
  const cap = rng.range(R.maxStemRadiusUm);
  let maxR = 0;
  for (let i = 1; i < nodes.length; i++) maxR = Math.max(maxR, nodes[i].r);
  if (maxR > cap) {
    const k = (cap - tipMin) / (maxR - tipMin);
    for (let i = 1; i < nodes.length; i++) if (nodes[i].r > tipMin) nodes[i].r = tipMin + (nodes[i].r - tipMin) * k;
  }
  nodes[0].r = somaR;
  return { maxStem: Math.min(cap, maxR) };
}

export interface SwcAugmentation {
  /** Units of the input SWC's coordinates: 'micron' (NeuroMorpho) or 'voxel' with its own voxel size. */
  units: 'micron' | 'voxel';
  swcVoxelUm?: V3;
}

/**
 * A user's reconstruction as ground truth (card §1.1): the soma component only, placed at the
 * box centre, rotated about z, mirrored with probability ½, scaled by 0.7–1.3 (and further down
 * if it would not fit the field of view in x/y), cropped to the box, and resampled so no edge is
 * longer than the growth step (brightness varies per node, so long edges would look uniform).
 */
export function morphologyFromSwc(tree: Tree, file: string, rng: Rng, boxUm: V3, voxel: V3, aug: SwcAugmentation): Morphology {
  const unit: V3 = aug.units === 'voxel' ? (aug.swcVoxelUm ?? [1, 1, 1]) : [1, 1, 1];
  const { nodes: comp, rootIndex } = somaComponent(tree);
  const box = innerBox(boxUm, voxel);
  const theta = rng.uniform(0, 2 * Math.PI);
  const mirror = rng.bernoulli(0.5) ? -1 : 1;
  let s = rng.uniform(0.7, 1.3);
  const root = comp[rootIndex];
  const rel = comp.map((n): V3 => {
    const x = (n.x - root.x) * unit[0] * mirror;
    const y = (n.y - root.y) * unit[1];
    return [x * Math.cos(theta) - y * Math.sin(theta), x * Math.sin(theta) + y * Math.cos(theta), (n.z - root.z) * unit[2]];
  });
  const centre: V3 = [boxUm[0] / 2, boxUm[1] / 2, boxUm[2] / 2];
  let fit = 1;
  for (const p of rel) {
    for (const a of [0, 1]) {
      const half = (box.hi[a] - box.lo[a]) / 2;
      if (Math.abs(p[a]) * s > half) fit = Math.min(fit, half / (Math.abs(p[a]) * s));
    }
  }
  // shrink to fit the field, but never below 40 % of the sampled scale: past that, crop instead
  fit = Math.max(fit, 0.4);
  s *= fit;
  const radiusScale = s * Math.sqrt(unit[0] * unit[1]);
  const placed: MorphNode[] = comp.map((n, i) => ({
    x: centre[0] + rel[i][0] * s, y: centre[1] + rel[i][1] * s, z: centre[2] + rel[i][2] * s,
    r: Math.min(10, Math.max(0.25, n.r * radiusScale)), parent: n.parent, type: i === rootIndex ? 1 : (n.type === 1 ? 3 : n.type),
  }));
  const drop = new Uint8Array(placed.length);
  let cropped = 0;
  for (let i = 0; i < placed.length; i++) {
    if (!inside(pos(placed[i]), box)) {
      drop[i] = 1;
      cropped++;
    }
  }
  const kept = compact(placed, drop);
  const step = 1.5 * voxel[0];
  const resampled = resample(kept, step);
  return {
    nodes: resampled,
    params: {
      generator: 'from-swc', file, inputNodes: tree.nodes.length, componentNodes: comp.length, rotationDeg: round4(theta * 180 / Math.PI),
      mirrored: mirror < 0 ? 1 : 0, scale: round4(s), croppedNodes: cropped, nodes: resampled.length,
      totalLengthUm: round4(totalLengthUm(resampled)),
    },
  };
}

/** The connected component holding the soma (a type-1 root, else the largest tree), parent-first. */
function somaComponent(tree: Tree): { nodes: MorphNode[]; rootIndex: number } {
  const idx = new Map<number, number>();
  tree.nodes.forEach((n, i) => idx.set(n.id, i));
  const children: number[][] = tree.nodes.map(() => []);
  const roots: number[] = [];
  tree.nodes.forEach((n, i) => {
    const p = n.parent >= 0 ? idx.get(n.parent) : undefined;
    if (p === undefined || p === i) roots.push(i);
    else children[p].push(i);
  });
  const collect = (r: number): number[] => {
    const out: number[] = [];
    const seen = new Set<number>();
    const q = [r];
    for (let head = 0; head < q.length; head++) {
      const i = q[head];
      if (seen.has(i)) continue; // defends against cycles in malformed files
      seen.add(i);
      out.push(i);
      for (const c of children[i]) q.push(c);
    }
    return out;
  };
  let best: number[] = [];
  const somaRoot = roots.find((r) => tree.nodes[r].type === 1);
  if (somaRoot !== undefined) best = collect(somaRoot);
  else for (const r of roots) {
    const c = collect(r);
    if (c.length > best.length) best = c;
  }
  const local = new Map<number, number>();
  best.forEach((g, l) => local.set(g, l));
  const nodes = best.map((g, l): MorphNode => {
    const n = tree.nodes[g];
    const p = l === 0 ? -1 : local.get(idx.get(n.parent)!)!;
    return { x: n.x, y: n.y, z: n.z, r: n.radius, parent: p, type: n.type };
  });
  return { nodes, rootIndex: 0 };
}

function resample(nodes: MorphNode[], step: number): MorphNode[] {
  const out: MorphNode[] = [];
  const map = new Int32Array(nodes.length);
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i];
    if (n.parent < 0) {
      map[i] = out.length;
      out.push({ ...n });
      continue;
    }
    const p = nodes[n.parent];
    const L = dist(pos(n), pos(p));
    const pieces = Math.max(1, Math.ceil(L / step));
    let prev = map[n.parent];
    for (let k = 1; k < pieces; k++) {
      const t = k / pieces;
      out.push({ x: p.x + (n.x - p.x) * t, y: p.y + (n.y - p.y) * t, z: p.z + (n.z - p.z) * t, r: p.parent < 0 ? n.r : p.r + (n.r - p.r) * t, parent: prev, type: n.type });
      prev = out.length - 1;
    }
    map[i] = out.length;
    out.push({ ...n, parent: prev });
  }
  return out;
}

/** The morphology in 0-based voxel coordinates (voxel centres at integers), radius in x voxels. */
export function toVoxelTree(m: Morphology, voxel: V3, comments: string[] = []): Tree {
  const nodes: SwcNode[] = m.nodes.map((n, i) => ({
    id: i + 1, type: n.type, x: round4(n.x / voxel[0]), y: round4(n.y / voxel[1]), z: round4(n.z / voxel[2]),
    radius: round4(n.r / voxel[0]), parent: n.parent < 0 ? -1 : n.parent + 1,
  }));
  return { nodes, comments };
}

/** The same tree in µm (the card asks for a physical-unit copy beside the voxel gold). */
export function toMicronTree(m: Morphology, comments: string[] = []): Tree {
  const nodes: SwcNode[] = m.nodes.map((n, i) => ({
    id: i + 1, type: n.type, x: round4(n.x), y: round4(n.y), z: round4(n.z), radius: round4(n.r), parent: n.parent < 0 ? -1 : n.parent + 1,
  }));
  return { nodes, comments };
}

export function round4(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}
