/**
 * How bright each part of the arbor is (synthetic_data.md §2.2 steps 1–2): a per-branch
 * log-normal factor, a correlated log-brightness process along the arc, dimmer thin branches,
 * dim stretches, true gaps (label discontinuities: the gold stays connected through them) and
 * varicosities (short swellings, bright puncta typical of axons).
 */
import type { Rng } from '../rng.js';
import type { Primitive } from './render.js';
import type { LevelSpec } from './presets.js';
import { COMMON } from './presets.js';
import { branchesOf, round4, type MorphNode, type MorphologyKind } from './morphology.js';
import { dist, normalize, sub, type V3 } from './vec.js';

export interface GapRecord {
  /** 1-based SWC ids of the first and last gold node inside the gap. */
  fromNode: number;
  toNode: number;
  lengthUm: number;
  /** Brightness multiplier inside the gap (0–0.2). */
  factor: number;
}

export interface Appearance {
  /** Relative fluorophore brightness per node (1 ≈ a typical neurite). */
  brightness: Float64Array;
  gaps: GapRecord[];
  dimStretches: number;
  varicosities: Primitive[];
  params: Record<string, number>;
}

const pos = (n: MorphNode): V3 => [n.x, n.y, n.z];

export function arborAppearance(rng: Rng, nodes: MorphNode[], level: LevelSpec, kind: MorphologyKind | 'swc', fov: number): Appearance {
  const n = nodes.length;
  const b = new Float64Array(n).fill(1);
  const branchSigma = rng.range(level.branchSigmaLog);
  const arcSigma = rng.range(level.arcSigma);
  const arcCorr = rng.range(COMMON.arcCorrelationUm);
  const gamma = rng.range(COMMON.thicknessGamma);
  const pGap = rng.range(level.gapProbability);
  const varRate = rng.range(kind === 'axon' ? COMMON.varicosityPerUmAxon : COMMON.varicosityPerUmDendrite);

  // along-arc log-brightness: an AR(1) (Ornstein–Uhlenbeck) process continued from the parent
  const eta = new Float64Array(n);
  let rMax = 1e-6;
  for (let i = 1; i < n; i++) rMax = Math.max(rMax, nodes[i].r);
  for (let i = 1; i < n; i++) {
    const p = nodes[i].parent;
    const rho = Math.exp(-dist(pos(nodes[i]), pos(nodes[p])) / arcCorr);
    eta[i] = rho * eta[p] + Math.sqrt(1 - rho * rho) * arcSigma * rng.normal();
  }
  const branches = branchesOf(nodes);
  const inGap = new Uint8Array(n);
  const gaps: GapRecord[] = [];
  let dimStretches = 0;
  for (const run of branches) {
    const f = Math.exp(branchSigma * rng.normal());
    for (const i of run) b[i] = f * Math.exp(eta[i]) * Math.pow(Math.max(nodes[i].r, 1e-6) / rMax, gamma);
    // arc length along this branch, from its first node
    const s = new Float64Array(run.length);
    for (let k = 1; k < run.length; k++) s[k] = s[k - 1] + dist(pos(nodes[run[k]]), pos(nodes[run[k - 1]]));
    const L = s[run.length - 1];
    const stretch = (lenUm: number, factor: number, onGap?: (first: number, last: number) => void) => {
      const start = rng.uniform(0.1 * L, Math.max(0.1 * L, 0.9 * L - lenUm));
      let first = -1, last = -1;
      for (let k = 0; k < run.length; k++) {
        if (s[k] >= start && s[k] <= start + lenUm) {
          b[run[k]] *= factor;
          if (first < 0) first = k;
          last = k;
        }
      }
      if (first >= 0 && onGap) onGap(first, last);
    };
    if (level.dimProbability > 0 && L > 10 * fov && rng.bernoulli(level.dimProbability)) {
      stretch(Math.min(rng.uniform(5, 15) * fov, 0.6 * L), rng.uniform(0.3, 0.6));
      dimStretches++;
    }
    if (pGap > 0 && rng.bernoulli(pGap)) {
      const count = rng.int(1, 3);
      for (let g = 0; g < count; g++) {
        const len = rng.uniform(1, 6);
        if (L < 3 * len) continue;
        const factor = rng.uniform(0, 0.2);
        stretch(len, factor, (first, last) => {
          for (let k = first; k <= last; k++) inGap[run[k]] = 1;
          gaps.push({ fromNode: run[first] + 1, toNode: run[last] + 1, lengthUm: round4(s[last] - s[first]), factor: round4(factor) });
        });
      }
    }
  }
  b[0] = rng.uniform(0.8, 1.3);

  const varicosities: Primitive[] = [];
  for (const run of branches) {
    let L = 0;
    for (let k = 1; k < run.length; k++) L += dist(pos(nodes[run[k]]), pos(nodes[run[k - 1]]));
    // a Poisson number of swellings at uniformly chosen nodes of the branch
    const count = rng.poisson(varRate * L);
    for (let c = 0; c < count; c++) {
      const i = run[rng.int(0, run.length - 1)];
      if (inGap[i]) continue;
      const nd = nodes[i];
      const dir = normalize(sub(pos(nd), pos(nodes[nd.parent])));
      const h = rng.uniform(0.25, 0.75);
      const r = nd.r * rng.uniform(1.5, 2.5);
      const br = b[i] * rng.uniform(1, 1.5);
      varicosities.push({
        ax: nd.x - dir[0] * h, ay: nd.y - dir[1] * h, az: nd.z - dir[2] * h,
        bx: nd.x + dir[0] * h, by: nd.y + dir[1] * h, bz: nd.z + dir[2] * h, ra: r, rb: r, ia: br, ib: br,
      });
    }
  }
  return {
    brightness: b, gaps, dimStretches, varicosities,
    params: {
      branchSigmaLog: round4(branchSigma), arcSigma: round4(arcSigma), arcCorrelationUm: round4(arcCorr), thicknessGamma: round4(gamma),
      gapProbability: round4(pGap), varicosityPerUm: round4(varRate),
    },
  };
}

/** The gold tree as render primitives: a sphere for the soma and one capsule per edge. */
export function treePrimitives(nodes: MorphNode[], brightness: Float64Array): Primitive[] {
  const out: Primitive[] = [];
  const s = nodes[0];
  out.push({ ax: s.x, ay: s.y, az: s.z, bx: s.x, by: s.y, bz: s.z, ra: s.r, rb: s.r, ia: brightness[0], ib: brightness[0] });
  for (let i = 1; i < nodes.length; i++) {
    const c = nodes[i];
    const p = nodes[c.parent];
    // an edge leaving the soma starts inside the soma sphere: taper from the child's radius, not the soma's
    const rp = c.parent === 0 ? c.r : p.r;
    out.push({ ax: p.x, ay: p.y, az: p.z, bx: c.x, by: c.y, bz: c.z, ra: rp, rb: c.r, ia: brightness[c.parent], ib: brightness[i] });
  }
  return out;
}
