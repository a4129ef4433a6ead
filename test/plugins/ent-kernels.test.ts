/**
 * The building blocks of ENT and the EnsembleNeuronTracer family, through the addon's _test
 * hooks: global binarisation (single-precision statistics), ENT's brightest block and learning
 * score (quirks E1-E3), 6-neighbour morphology, the k-d tree and the nearest-node Combine.
 */
import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../../host/core/volume.js';
import { voxelIndex } from '../helpers/synthetic-volumes.js';
import { hooks } from './ent-helpers.js';

const h = hooks();
const f = Math.fround;

/** The original's statistics replayed in single precision (every operation rounded to float). */
function floatStats(img: Uint8Array, counter: 'ent' | 'int'): { mean: number; sd: number } {
  let sum = 0, c = counter === 'ent' ? f(0.1) : 0;
  for (const v of img) {
    sum = f(sum + v);
    if (v > 0) c = counter === 'ent' ? f(c + 1) : c + 1;
  }
  const div = f(c);
  const mean = f(sum / div);
  let ss = 0;
  for (const v of img) {
    if (v === 0) continue;
    const d = f(v - mean);
    ss = f(ss + f(d * d));
  }
  return { mean, sd: f(Math.sqrt(f(ss / div))) };
}

type Binarized = { threshold: number; mean: number; stddev: number; out: Uint8Array; lowContrast?: boolean };
const binarize = (img: Uint8Array, rule: string, counter: 'ent' | 'int', k: number, r: number) =>
  h._testGlobalBinarize(img, rule, counter, k, r) as Binarized;

/** n voxels: `zeros` at 0, then the listed (value, count) runs. */
function histogramImage(zeros: number, runs: [number, number][]): Uint8Array {
  const img = new Uint8Array(zeros + runs.reduce((s, [, c]) => s + c, 0));
  let i = zeros;
  for (const [v, c] of runs) for (let k = 0; k < c; k++) img[i++] = v;
  return img;
}

describe('global Niblack / Sauvola thresholds', () => {
  it('reproduces the Ensemble card\'s numbers (90 % at 20, 10 % at 200: Niblack 48, Sauvola 27)', () => {
    const img = histogramImage(500, [[20, 900], [200, 100]]);
    const n = binarize(img, 'niblack', 'int', 0.2, 0);
    const s = binarize(img, 'sauvola', 'int', 0.5, 128);
    expect(n.mean).toBeCloseTo(38, 4);
    expect(n.stddev).toBeCloseTo(54, 4);
    expect(n.threshold).toBe(48);
    expect(s.threshold).toBe(27);
    // both keep the 200s and drop the 20s and the zeros
    for (const r of [n, s]) {
      expect(r.out.filter((v) => v === 255).length).toBe(100);
      expect(r.out[600]).toBe(0);
      expect(r.out[1450]).toBe(255);
    }
  });

  it('keeps a background of 40 with Sauvola (threshold 38) and drops it with Niblack (65)', () => {
    const img = histogramImage(0, [[40, 900], [200, 100]]);
    const n = binarize(img, 'niblack', 'int', 0.2, 0);
    const s = binarize(img, 'sauvola', 'int', 0.5, 128);
    expect([n.threshold, s.threshold]).toEqual([65, 38]);
    expect(n.out.filter((v) => v === 255).length).toBe(100);
    expect(s.out.filter((v) => v === 255).length).toBe(1000);
  });

  it('uses ENT\'s float counter starting at 0.1 and single-precision sums, as the original', () => {
    // 200 000 random voxels: the running float sum passes 2^24, where it starts dropping bits
    let s = 12345;
    const img = new Uint8Array(200_000).map(() => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 16) & 255);
    for (const counter of ['ent', 'int'] as const) {
      const want = floatStats(img, counter);
      const n = binarize(img, 'niblack', counter, 0.2, 0);
      expect(n.mean).toBe(want.mean);
      expect(n.stddev).toBe(want.sd);
      expect(n.threshold).toBe(Math.trunc(f(want.mean + f(f(0.2) * want.sd))));
      const sv = binarize(img, 'sauvola', counter, 0.5, 128);
      expect(sv.threshold).toBe(Math.trunc(f(want.mean * f(1 + f(f(0.5) * f(f(want.sd / 128) - 1))))));
    }
    let exact = 0, nz = 0;
    for (const v of img) { exact += v; if (v) nz++; }
    expect(binarize(img, 'niblack', 'int', 0.2, 0).mean).not.toBe(exact / nz);  // the float sum is not the exact one
    expect(binarize(img, 'niblack', 'ent', 0.2, 0).mean).not.toBe(binarize(img, 'niblack', 'int', 0.2, 0).mean);
  });

  it('gives an empty mask for an image without non-zero voxels (no 0/0)', () => {
    const img = new Uint8Array(64);
    for (const counter of ['ent', 'int'] as const) {
      const r = binarize(img, 'niblack', counter, 0.2, 0);
      expect(r.threshold).toBe(0);
      expect(r.out.every((v) => v === 0)).toBe(true);
    }
  });
});

describe('global Bernsen (ENT\'s B version)', () => {
  it('splits at the mid-grey and leaves voxel 0 untouched (quirk E6)', () => {
    const img = Uint8Array.from([37, 0, 100, 101, 200, 37]);
    const r = binarize(img, 'bernsen', 'ent', 15, 0);
    expect(r.threshold).toBe(100);  // (0 + 200) / 2
    expect([...r.out]).toEqual([37, 0, 255, 255, 255, 0]);
    const all = binarize(img, 'bernsen', 'int', 15, 0);  // the fixed form converts voxel 0 too
    expect(all.out[0]).toBe(0);
  });

  it('gives every voxel the class of the mid-grey when the contrast is below 15', () => {
    // voxel 0 takes part in the minimum and maximum but keeps its value
    const bright = binarize(Uint8Array.from([145, 140, 150, 145]), 'bernsen', 'ent', 15, 0);
    expect(bright.lowContrast).toBe(true);
    expect([...bright.out]).toEqual([145, 255, 255, 255]);
    const dark = binarize(Uint8Array.from([25, 20, 30, 25]), 'bernsen', 'ent', 15, 0);
    expect([...dark.out]).toEqual([25, 0, 0, 0]);
    expect(binarize(Uint8Array.from([25, 20, 30, 25]), 'bernsen', 'ent', 10, 0).out[3]).toBe(255);  // contrast 10 is enough for 10
  });
});

type Learning = { a: number; b: number; maxValue: number; marks: number; score: number };
const learning = (img: Uint8Array, version: Uint8Array, dims: Vec3) => h._testEntLearning(img, version, dims) as Learning;

/** The voxel indices ENT's cubeLocation reads for bin (a, b): counter k*X8*Y8 + i*Y8 + j (card step 3). */
function collected(dims: Vec3, a: number, b: number): number[] {
  const X8 = Math.floor(dims[0] / 8) * 8, Y8 = Math.floor(dims[1] / 8) * 8, xx = X8 / 8, yy = Y8 / 8;
  const out: number[] = [];
  for (let k = 0; k < dims[2]; k++)
    for (let i = b * xx; i < (b + 1) * xx; i++)
      for (let j = a * yy; j < (a + 1) * yy; j++) out.push(k * X8 * Y8 + i * Y8 + j);
  return out;
}

describe('ENT brightest block and learning score', () => {
  it('projects only the first and last slices (quirk E1)', () => {
    const dims: Vec3 = [64, 64, 5];
    const img = new Uint8Array(64 * 64 * 5);
    img[voxelIndex(dims, 44, 12, 2)] = 255;  // a middle slice: invisible
    let r = learning(img, img, dims);
    expect(r.maxValue).toBe(0);
    expect([r.a, r.b]).toEqual([7, 7]);  // everything ties at 0: the last bin wins
    img[voxelIndex(dims, 44, 12, 4)] = 255;  // the last slice
    r = learning(img, img, dims);
    expect([r.maxValue, r.marks]).toEqual([255, 1]);
    expect([r.a, r.b]).toEqual([1, 5]);  // a = 8*12/64, b = 8*44/64
  });

  it('crosses the sizes in the bin indices and clamps them to 7 (quirk E2)', () => {
    const dims: Vec3 = [128, 64, 2];
    const img = new Uint8Array(128 * 64 * 2);
    img[voxelIndex(dims, 100, 60, 0)] = 255;
    const r = learning(img, img, dims);
    expect([r.a, r.b]).toEqual([3, 7]);  // a = floor(8*60/128) = 3, b = floor(8*100/64) = 12 -> 7
  });

  it('leaves column 0 out of the marking, so its raw value 1 counts as a mark', () => {
    const dims: Vec3 = [64, 64, 2];
    const img = new Uint8Array(64 * 64 * 2);
    img[voxelIndex(dims, 40, 10, 0)] = 200;
    for (let y = 0; y < 32; y++) img[voxelIndex(dims, 0, y, 0)] = 1;
    let r = learning(img, img, dims);
    expect([r.a, r.b, r.marks]).toEqual([3, 0, 8]);  // 8 column-0 marks in each of bins (0..3, 0)
    for (let y = 0; y < 32; y++) img[voxelIndex(dims, 0, y, 0)] = 2;
    r = learning(img, img, dims);
    expect([r.a, r.b, r.marks]).toEqual([1, 5, 1]);
  });

  it('scores the region the original reads, with y as the fastest axis (quirk E3)', () => {
    for (const dims of [[64, 64, 4], [128, 64, 3]] as Vec3[]) {
      const n = dims[0] * dims[1] * dims[2];
      const img = new Uint8Array(n);
      img[voxelIndex(dims, 44, 12, 0)] = 255;
      const { a, b } = learning(img, img, dims);
      const idx = collected(dims, a, b);
      expect(idx.length).toBe((dims[0] * dims[1] * dims[2]) / 64);
      const version = new Uint8Array(n);
      for (const i of idx) version[i] = 255;
      expect(learning(img, version, dims).score).toBe(1);
      version.fill(0);
      idx.forEach((i, k) => { if (k % 4 === 0) version[i] = 255; });
      expect(learning(img, version, dims).score).toBe(0.25);
      // the complement scores 0
      const rest = new Uint8Array(n).fill(255);
      for (const i of idx) rest[i] = 0;
      expect(learning(img, rest, dims).score).toBe(0);
    }
    // square image: the region is the bright block transposed
    const dims: Vec3 = [64, 64, 2];
    const img = new Uint8Array(64 * 64 * 2);
    img[voxelIndex(dims, 44, 12, 0)] = 255;
    const block = (x0: number, y0: number) => {
      const v = new Uint8Array(img.length);
      for (let z = 0; z < 2; z++) for (let y = y0; y < y0 + 8; y++) for (let x = x0; x < x0 + 8; x++) v[voxelIndex(dims, x, y, z)] = 255;
      return v;
    };
    expect(learning(img, block(40, 8), dims).score).toBe(0);  // the bright block itself
    expect(learning(img, block(8, 40), dims).score).toBe(1);  // its transpose
  });

  it('scores 0 when an axis is shorter than 8 (the original divided 0 by 0)', () => {
    const dims: Vec3 = [6, 64, 3];
    const img = new Uint8Array(6 * 64 * 3).fill(200);
    expect(learning(img, img, dims).score).toBe(0);
  });
});

describe('6-neighbour morphology', () => {
  const morph = (img: Uint8Array, dims: Vec3, op: 'dilate' | 'erode', interior = true) => h._testMorph6(img, dims, op, interior) as Uint8Array;
  const count = (img: Uint8Array) => img.filter((v) => v === 255).length;

  it('dilates a voxel into the 6-neighbour cross and erodes the cross back to the voxel', () => {
    const dims: Vec3 = [5, 5, 5];
    const img = new Uint8Array(125);
    img[voxelIndex(dims, 2, 2, 2)] = 255;
    const d = morph(img, dims, 'dilate');
    expect(count(d)).toBe(7);
    for (const [x, y, z] of [[2, 2, 2], [1, 2, 2], [3, 2, 2], [2, 1, 2], [2, 3, 2], [2, 2, 1], [2, 2, 3]]) expect(d[voxelIndex(dims, x, y, z)]).toBe(255);
    const e = morph(d, dims, 'erode');
    expect(count(e)).toBe(1);
    expect(e[voxelIndex(dims, 2, 2, 2)]).toBe(255);
  });

  it('turns a one-voxel line into a 3-wide cross-section whose closing is the line\'s interior core', () => {
    const dims: Vec3 = [9, 7, 7];
    const img = new Uint8Array(9 * 7 * 7);
    for (let x = 0; x < 9; x++) img[voxelIndex(dims, x, 3, 3)] = 255;
    const d = morph(img, dims, 'dilate');
    expect(count(d)).toBe(9 + 7 * 4);  // the line (its ends reached from x = 1 and 7) and 4 side voxels at x = 1..7
    for (let x = 1; x < 8; x++) for (const [y, z] of [[2, 3], [4, 3], [3, 2], [3, 4]]) expect(d[voxelIndex(dims, x, y, z)]).toBe(255);
    const c = morph(d, dims, 'erode');
    expect(count(c)).toBe(7);
    for (let x = 1; x < 8; x++) expect(c[voxelIndex(dims, x, 3, 3)]).toBe(255);
  });

  it('examines interior voxels only in ENT\'s mode; the full mode handles the border', () => {
    const dims: Vec3 = [5, 5, 5];
    const img = new Uint8Array(125);
    img[voxelIndex(dims, 0, 2, 2)] = 255;
    expect(count(morph(img, dims, 'dilate'))).toBe(0);
    expect(count(morph(img, dims, 'dilate', false))).toBe(6);
    const cube = new Uint8Array(27).fill(255);
    expect(count(morph(cube, [3, 3, 3], 'erode'))).toBe(1);
    expect(count(morph(cube, [3, 3, 3], 'erode', false))).toBe(27);
    // only 255 is foreground
    const grey = new Uint8Array(125);
    grey[voxelIndex(dims, 2, 2, 2)] = 254;
    expect(count(morph(grey, dims, 'dilate'))).toBe(0);
  });
});

describe('k-d tree nearest point', () => {
  it('agrees with the brute-force scan, ties to the lowest index, skip honoured', () => {
    let s = 99;
    const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const n = 800;
    const pts = new Float64Array(3 * n);
    for (let i = 0; i < n; i++) {
      // a coarse lattice gives many exact ties; some points repeat exactly
      const src = i > 600 ? Math.floor(rnd() * 600) : -1;
      for (let a = 0; a < 3; a++) pts[3 * i + a] = src >= 0 ? pts[3 * src + a] : Math.floor(rnd() * 12) + (a === 2 ? 0.5 : 0);
    }
    const m = 400;
    const q = new Float64Array(3 * m), skip = new Int32Array(m);
    for (let i = 0; i < m; i++) {
      for (let a = 0; a < 3; a++) q[3 * i + a] = i % 2 ? pts[3 * (i % n) + a] : Math.floor(rnd() * 24) / 2;
      skip[i] = i % 3 === 0 ? i % n : -1;
    }
    const got = h._testKdNearest(pts, q, skip) as Int32Array;
    for (let i = 0; i < m; i++) {
      let best = -1, bd = 0;
      for (let j = 0; j < n; j++) {
        if (j === skip[i]) continue;
        const dx = pts[3 * j] - q[3 * i], dy = pts[3 * j + 1] - q[3 * i + 1], dz = pts[3 * j + 2] - q[3 * i + 2];
        const d = Math.sqrt(dx * dx + dy * dy + dz * dz);
        if (best < 0 || d < bd) { best = j; bd = d; }
      }
      expect(got[i]).toBe(best);
    }
  });
});

interface Trace { x: number[]; y: number[]; z: number[]; parent: number[] }
interface Combined { x: Float64Array; y: Float64Array; z: Float64Array; parent: Int32Array; dropped: number; appended: number; orphans: number; relinked: number; keptAsRoot: number }
const combine = (main: Trace, add: Trace, dist = 2) => h._testCombine(
  { x: Float64Array.from(main.x), y: Float64Array.from(main.y), z: Float64Array.from(main.z), parent: Int32Array.from(main.parent) },
  { x: Float64Array.from(add.x), y: Float64Array.from(add.y), z: Float64Array.from(add.z), parent: Int32Array.from(add.parent) }, dist) as Combined;

/** A chain along x from x0 (root) to x0 + n - 1 at (y, z). */
function chain(n: number, y: number, z = 5, x0 = 0): Trace {
  return { x: Array.from({ length: n }, (_, i) => x0 + i), y: Array(n).fill(y), z: Array(n).fill(z), parent: Array.from({ length: n }, (_, i) => i - 1) };
}

describe('Combine (nearest-node merge)', () => {
  it('appends a copy shifted by 3 voxels and drops one shifted by 1 or exactly 2', () => {
    const a = chain(21, 10);
    const far = combine(a, chain(21, 13));
    expect([far.dropped, far.appended, far.x.length]).toEqual([0, 21, 42]);
    expect([...far.parent.slice(0, 21)]).toEqual(a.parent);  // the main trace is kept as it is
    // the added chain keeps its links; its root, an orphan, would take its own child (distance 1
    // < 3) as parent in the original, a two-node cycle, so it stays a root
    expect(far.orphans).toBe(1);
    expect(far.keptAsRoot).toBe(1);
    expect([...far.parent.slice(21)]).toEqual([-1, ...Array.from({ length: 20 }, (_, i) => 21 + i)]);
    for (const dy of [1, 2]) {
      const near = combine(a, chain(21, 10 + dy));
      expect([near.dropped, near.appended, near.x.length]).toEqual([21, 0, 21]);
    }
    expect(combine(a, chain(21, 12.000001)).appended).toBe(21);
  });

  it('re-attaches a node whose parent was dropped to its nearest node', () => {
    const main: Trace = { x: [0], y: [0], z: [0], parent: [-1] };
    const add: Trace = { x: [1, 4, 4], y: [0, 0, 6], z: [0, 0, 0], parent: [-1, 0, 1] };
    const r = combine(main, add);
    expect([r.dropped, r.appended, r.orphans, r.relinked]).toEqual([1, 2, 1, 1]);
    expect([...r.parent]).toEqual([-1, 0, 1]);  // (4,0,0) hangs under the main root (4 < 6 to its child)
  });

  it('takes the first of equally near nodes, and node 0 when nothing is nearer than 1000', () => {
    const main: Trace = { x: [20, 0, 10], y: [0, 0, 0], z: [0, 0, 0], parent: [-1, -1, -1] };
    const r = combine(main, { x: [5], y: [0], z: [0], parent: [-1] });
    expect(r.parent[3]).toBe(1);  // 5 from both (0,0,0) and (10,0,0): the earlier one
    const lonely = combine({ x: [0], y: [0], z: [0], parent: [-1] }, { x: [5000], y: [0], z: [0], parent: [-1] });
    expect([...lonely.parent]).toEqual([-1, 0]);
  });

  it('treats a pruned (dangling) parent as missing and never closes a parent cycle', () => {
    // node 0 hangs from a pruned node (-2): an orphan, re-linked to the main node 2.5 away
    const dangling = combine({ x: [0], y: [2.5], z: [0], parent: [-1] }, { x: [0, 5], y: [0, 0], z: [0, 0], parent: [-2, 0] });
    expect([dangling.orphans, dangling.relinked]).toEqual([1, 1]);
    expect([...dangling.parent]).toEqual([-1, 0, 1]);
    // the root's nearest node is its grandchild (0.5 away): linking it there would close r -> g -> c -> r
    const main: Trace = { x: [100], y: [0], z: [0], parent: [-1] };
    const r = combine(main, { x: [0, 3, 0.5], y: [0, 0, 0], z: [0, 0, 0], parent: [-1, 0, 1] });
    expect([r.orphans, r.keptAsRoot, r.relinked]).toEqual([1, 1, 0]);
    expect([...r.parent]).toEqual([-1, -1, 1, 2]);
    // into an empty main trace: everything is appended and the root stays a root
    const alone = combine({ x: [], y: [], z: [], parent: [] }, chain(5, 0));
    expect([...alone.parent]).toEqual([-1, 0, 1, 2, 3]);
  });
});
