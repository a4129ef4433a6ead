import { NeurotraceError } from '../core/errors.js';
import type { Tree } from '../morph/tree.js';
import { buildTreeGraph, childCountOf, dist3, type TreeGraph } from './tree-graph.js';

/*
 * BlastNeuron's global features (vaa3d blastneuron batch_compute), the ones BigNeuron tabled
 * and fed to its quality model (card "metrics" (e)): 21 features plus num_nodes.
 *
 * Kept from BlastNeuron so the numbers match its tables: the root is the first row whose parent
 * is -1; spans start with max = 0 (wrong for all-negative coordinates); average diameter sums
 * 2r over non-root rows but divides by all rows; surfaces and volumes use the child radius
 * only (cylinders, no frusta); branch statistics follow only the root's tree while counts of
 * tips and bifurcations cover the whole file; bifurcation angles use the first two children in
 * file order, a NaN angle counts 0, and the sum is divided by the whole-file bifurcation count.
 * Differences: a parent id that does not exist makes a root (Vaa3D attaches it to row 0);
 * averages over nothing are null instead of NaN.
 */
export interface Morphometrics {
  num_nodes: number;
  soma_surface: number;
  num_stems: number;
  num_bifurcations: number;
  num_branches: number;
  num_of_tips: number;
  overall_x_span: number;
  overall_y_span: number;
  overall_z_span: number;
  average_diameter: number;
  total_length: number;
  total_surface: number;
  total_volume: number;
  max_euclidean_distance: number;
  max_path_distance: number;
  max_branch_order: number;
  average_contraction: number | null;
  average_fragmentation: number | null;
  parent_daughter_ratio: number | null;
  bifurcation_angle_local: number | null;
  bifurcation_angle_remote: number | null;
  ave_R: number;
}

/** Column order of BigNeuron's feature tables (moments excluded). */
export const MORPHOMETRIC_NAMES: (keyof Morphometrics)[] = [
  'num_nodes', 'soma_surface', 'num_stems', 'num_bifurcations', 'num_branches', 'num_of_tips',
  'overall_x_span', 'overall_y_span', 'overall_z_span', 'average_diameter', 'total_length',
  'total_surface', 'total_volume', 'max_euclidean_distance', 'max_path_distance', 'max_branch_order',
  'average_contraction', 'average_fragmentation', 'parent_daughter_ratio', 'bifurcation_angle_local',
  'bifurcation_angle_remote', 'ave_R',
];

// BlastNeuron's own constant, kept so angles agree to the last printed digit
const PI = 3.14159265359;

function angleAt(g: TreeGraph, a: number, b: number, c: number): number {
  const bx = g.x[b] - g.x[a], by = g.y[b] - g.y[a], bz = g.z[b] - g.z[a];
  const cx = g.x[c] - g.x[a], cy = g.y[c] - g.y[a], cz = g.z[c] - g.z[a];
  const v = (Math.acos((bx * cx + by * cy + bz * cz) / (dist3(g, a, b) * dist3(g, a, c))) * 180.0) / PI;
  return Number.isNaN(v) ? 0 : Math.max(0, v);
}

/** The end of the branch that starts with row c: follow single children to a tip or branch point. */
function branchEnd(g: TreeGraph, c: number): number {
  while (childCountOf(g, c) === 1) c = g.childIdx[g.childStart[c]];
  return c;
}

/** The feature root: first row with parent -1, else the first row whose parent does not exist. */
export function featureRoot(tree: Tree, g: TreeGraph): number {
  for (let i = 0; i < tree.nodes.length; i++) if (tree.nodes[i].parent < 0) return i;
  if (g.roots.length) return g.roots[0];
  return -1;
}

export function morphometrics(tree: Tree, name = 'tree'): Morphometrics {
  const g = buildTreeGraph(tree);
  const n = g.n;
  if (n === 0) throw new NeurotraceError(`${name}: no nodes, nothing to measure`);
  const root = featureRoot(tree, g);
  if (root < 0) throw new NeurotraceError(`${name}: no root node (every node has a parent), cannot compute features`);
  const first = (v: number, k: number) => g.childIdx[g.childStart[v] + k];

  let xmin = 1e9, ymin = 1e9, zmin = 1e9, xmax = 0, ymax = 0, zmax = 0;
  let tips = 0, bifs = 0, diameter = 0, length = 0, surface = 0, volume = 0, maxEux = 0, radiusSum = 0;
  for (let i = 0; i < n; i++) {
    xmin = Math.min(xmin, g.x[i]); ymin = Math.min(ymin, g.y[i]); zmin = Math.min(zmin, g.z[i]);
    xmax = Math.max(xmax, g.x[i]); ymax = Math.max(ymax, g.y[i]); zmax = Math.max(zmax, g.z[i]);
    radiusSum += g.r[i];
    const cc = childCountOf(g, i);
    if (cc === 0) tips++;
    else if (cc > 1) bifs++;
    const p = g.parent[i];
    if (p < 0) continue;
    const l = dist3(g, i, p);
    diameter += 2 * g.r[i];
    length += l;
    surface += 2 * PI * g.r[i] * l;
    volume += PI * g.r[i] * g.r[i] * l;
    maxEux = Math.max(maxEux, dist3(g, i, root));
  }

  // branch walk from the root only
  let branches = 0, ratioSum = 0, ratioN = 0, fragments = 0, contraction = 0, contractionN = 0;
  let angleLocal = 0, angleRemote = 0, maxPath = 0, maxOrder = 0;
  const addAngles = (t: number) => {
    angleLocal += angleAt(g, t, first(t, 0), first(t, 1));
    angleRemote += angleAt(g, t, branchEnd(g, first(t, 0)), branchEnd(g, first(t, 1)));
  };
  if (childCountOf(g, root) > 1) addAngles(root);
  const pathTotal = new Map<number, number>([[root, 0]]);
  const depth = new Map<number, number>([[root, 0]]);
  const stack = [root];
  while (stack.length) {
    const t = stack.pop()!;
    for (let k = g.childStart[t]; k < g.childStart[t + 1]; k++) {
      branches++;
      let c = g.childIdx[k];
      if (g.r[t] > 0) { ratioN++; ratioSum += g.r[c] / g.r[t]; }
      let path = dist3(g, c, t);
      let fragment = 0;
      while (childCountOf(g, c) === 1) {
        const ch = first(c, 0);
        path += dist3(g, ch, c);
        fragment++;
        c = ch;
      }
      fragments += fragment;
      if (path > 0) { contraction += dist3(g, c, t) / path; contractionN++; }
      if (childCountOf(g, c) > 1) {
        stack.push(c);
        addAngles(c);
      }
      const pt = pathTotal.get(t)! + path, d = depth.get(t)! + 1;
      pathTotal.set(c, pt);
      depth.set(c, d);
      maxPath = Math.max(maxPath, pt);
      maxOrder = Math.max(maxOrder, d);
    }
  }
  const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);
  return {
    num_nodes: n,
    soma_surface: 4 * PI * g.r[root] * g.r[root],
    num_stems: childCountOf(g, root),
    num_bifurcations: bifs,
    num_branches: branches,
    num_of_tips: tips,
    overall_x_span: xmax - xmin,
    overall_y_span: ymax - ymin,
    overall_z_span: zmax - zmin,
    average_diameter: diameter / n,
    total_length: length,
    total_surface: surface,
    total_volume: volume,
    max_euclidean_distance: maxEux,
    max_path_distance: maxPath,
    max_branch_order: maxOrder,
    average_contraction: ratio(contraction, contractionN),
    average_fragmentation: ratio(fragments, branches),
    parent_daughter_ratio: ratio(ratioSum, ratioN),
    bifurcation_angle_local: ratio(angleLocal, bifs),
    bifurcation_angle_remote: ratio(angleRemote, bifs),
    ave_R: radiusSum / n,
  };
}
