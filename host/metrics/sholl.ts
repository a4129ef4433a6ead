import { NeurotraceError, UsageError } from '../core/errors.js';
import type { Tree } from '../morph/tree.js';
import { buildTreeGraph, childCountOf } from './tree-graph.js';
import { featureRoot } from './morphometrics.js';

/*
 * Sholl analysis (card "metrics" (f)): crossings of the arbor with spheres of radius
 * start, start+step, ... around a centre. An edge (a, b) crosses the sphere of radius r when
 * exactly one end is at distance >= r (a point on the sphere counts as outside), i.e. when
 * min(|a-c|, |b-c|) < r <= max(|a-c|, |b-c|). Centre 'root' is the soma (the feature root);
 * 'mean' is the mean of all node coordinates, as the BigNeuron web app plots it.
 */
export interface ShollOptions {
  center?: 'root' | 'mean' | [number, number, number];
  /** radius step (default 10 units, as the BigNeuron app) */
  step?: number;
  /** first radius (default = step) */
  start?: number;
  /** last radius (default: the farthest node from the centre) */
  end?: number;
}

export interface ShollProfile {
  center: [number, number, number];
  radii: number[];
  intersections: number[];
  maxIntersections: number;
  /** radius of the first maximum */
  criticalRadius: number | null;
  /** largest radius with at least one crossing */
  enclosingRadius: number | null;
  sumIntersections: number;
  /** Schoenen ramification index: max intersections / primary branches */
  ramificationIndex: number | null;
  /** slope of ln(N / sphere volume) against r (semi-log method) */
  regressionSemiLog: number | null;
  /** slope of ln(N / sphere volume) against ln r (log-log method) */
  regressionLogLog: number | null;
}

function slope(xs: number[], ys: number[]): number | null {
  const n = xs.length;
  if (n < 2) return null;
  const mx = xs.reduce((a, b) => a + b, 0) / n, my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0, sxx = 0;
  for (let i = 0; i < n; i++) { sxy += (xs[i] - mx) * (ys[i] - my); sxx += (xs[i] - mx) ** 2; }
  return sxx > 0 ? sxy / sxx : null;
}

export function sholl(tree: Tree, opts: ShollOptions = {}, name = 'tree'): ShollProfile {
  const g = buildTreeGraph(tree);
  if (g.n === 0) throw new NeurotraceError(`${name}: no nodes, no Sholl profile`);
  const step = opts.step ?? 10;
  if (!(step > 0) || !Number.isFinite(step)) throw new UsageError(`Sholl step must be a positive number (got ${step})`);
  const start = opts.start ?? step;
  if (!(start >= 0) || !Number.isFinite(start)) throw new UsageError(`Sholl start radius must be a number >= 0 (got ${start})`);

  const root = featureRoot(tree, g);
  let center: [number, number, number];
  if (Array.isArray(opts.center)) center = opts.center;
  else if ((opts.center ?? 'root') === 'mean') {
    let sx = 0, sy = 0, sz = 0;
    for (let i = 0; i < g.n; i++) { sx += g.x[i]; sy += g.y[i]; sz += g.z[i]; }
    center = [sx / g.n, sy / g.n, sz / g.n];
  } else {
    if (root < 0) throw new NeurotraceError(`${name}: no root node to centre the Sholl spheres on`);
    center = [g.x[root], g.y[root], g.z[root]];
  }
  const dc = new Float64Array(g.n);
  let far = 0;
  for (let i = 0; i < g.n; i++) {
    dc[i] = Math.hypot(g.x[i] - center[0], g.y[i] - center[1], g.z[i] - center[2]);
    far = Math.max(far, dc[i]);
  }
  const end = opts.end ?? far;
  const count = end >= start ? Math.floor((end - start) / step + 1e-9) + 1 : 0;
  if (count > 1e7) throw new UsageError(`Sholl analysis would need ${count} radii; use a larger step`);
  const radii = Array.from({ length: count }, (_, k) => start + k * step);
  // difference array over radius indices: an edge adds one crossing to every radius in (lo, hi]
  const diff = new Float64Array(count + 1);
  for (let i = 0; i < g.n; i++) {
    const p = g.parent[i];
    if (p < 0) continue;
    const lo = Math.min(dc[i], dc[p]), hi = Math.max(dc[i], dc[p]);
    if (lo === hi) continue;
    // first k with radius > lo, last k with radius <= hi
    let k0 = Math.max(0, Math.floor((lo - start) / step) + 1);
    while (k0 > 0 && radii[k0 - 1] > lo) k0--;
    while (k0 < count && radii[k0] <= lo) k0++;
    let k1 = Math.min(count - 1, Math.floor((hi - start) / step));
    while (k1 + 1 < count && radii[k1 + 1] <= hi) k1++;
    while (k1 >= 0 && radii[k1] > hi) k1--;
    if (k0 > k1) continue;
    diff[k0] += 1;
    diff[k1 + 1] -= 1;
  }
  const intersections: number[] = [];
  let run = 0;
  for (let k = 0; k < count; k++) { run += diff[k]; intersections.push(run); }

  let maxI = 0, crit: number | null = null, enclosing: number | null = null, sum = 0;
  const semiX: number[] = [], logX: number[] = [], logY: number[] = [];
  for (let k = 0; k < count; k++) {
    const v = intersections[k];
    sum += v;
    if (v > maxI) { maxI = v; crit = radii[k]; }
    if (v > 0) {
      enclosing = radii[k];
      if (radii[k] > 0) {
        const vol = (4 / 3) * Math.PI * radii[k] ** 3;
        semiX.push(radii[k]); logX.push(Math.log(radii[k])); logY.push(Math.log(v / vol));
      }
    }
  }
  const stems = root >= 0 ? childCountOf(g, root) : 0;
  return {
    center, radii, intersections,
    maxIntersections: maxI, criticalRadius: crit, enclosingRadius: enclosing, sumIntersections: sum,
    ramificationIndex: stems > 0 ? maxI / stems : null,
    regressionSemiLog: slope(semiX, logY),
    regressionLogLog: slope(logX, logY),
  };
}
