import { describe, expect, it } from 'vitest';
import { MORPHOMETRIC_NAMES, morphometrics } from '../../host/metrics/morphometrics.js';
import { sholl } from '../../host/metrics/sholl.js';
import { randomTree, shuffleAndRenumber } from '../../host/metrics/random-tree.js';
import { fixture, sig6, tree } from './helpers.js';

describe('morphometrics (BlastNeuron global features)', () => {
  it('reproduces the card fixture for gold Y', async () => {
    const f = morphometrics(await fixture('gold'));
    expect(Object.fromEntries(MORPHOMETRIC_NAMES.map((k) => [k, f[k] === null ? null : sig6(f[k] as number)]))).toEqual({
      num_nodes: 7, soma_surface: 12.5664, num_stems: 1, num_bifurcations: 1, num_branches: 3, num_of_tips: 2,
      overall_x_span: 20, overall_y_span: 20, overall_z_span: 0, average_diameter: 1.71429, total_length: 38.2843,
      total_surface: 240.547, total_volume: 120.274, max_euclidean_distance: 22.3607, max_path_distance: 24.1421,
      max_branch_order: 2, average_contraction: 1, average_fragmentation: 1, parent_daughter_ratio: 1,
      bifurcation_angle_local: 90, bifurcation_angle_remote: 90, ave_R: 1,
    });
  });

  it('has 21 model features plus num_nodes', () => {
    expect(MORPHOMETRIC_NAMES).toHaveLength(22);
  });

  it('keeps the span quirk: max starts at 0, so all-negative coordinates give the wrong span', () => {
    const f = morphometrics(tree([[1, -10, -10, -10, -1], [2, -4, -10, -10, 1]]));
    expect(f.overall_x_span).toBe(10); // 0 - (-10), not 6
  });

  it('measures a soma trifurcation: root angles count, averaged over whole-file bifurcations', () => {
    const f = morphometrics(tree([[1, 0, 0, 0, -1], [2, 10, 0, 0, 1], [3, 0, 10, 0, 1], [4, -10, 0, 0, 1]]));
    expect([f.num_stems, f.num_bifurcations, f.num_branches, f.num_of_tips]).toEqual([3, 1, 3, 3]);
    expect(f.bifurcation_angle_local).toBeCloseTo(90, 6); // first two children only
    expect(f.max_branch_order).toBe(1);
  });

  it('does not depend on row order or ids when the root is listed first', () => {
    const t = randomTree({ nodes: 400, seed: 71 });
    const s = shuffleAndRenumber(t, 72);
    const root = s.nodes.findIndex((n) => n.parent === -1);
    s.nodes.unshift(...s.nodes.splice(root, 1));
    const a = morphometrics(t), b = morphometrics(s);
    for (const k of ['total_length', 'max_path_distance', 'total_volume', 'max_euclidean_distance'] as const) expect(b[k]).toBeCloseTo(a[k], 9);
    for (const k of ['num_bifurcations', 'num_branches', 'num_of_tips', 'max_branch_order'] as const) expect(b[k]).toBe(a[k]);
  });

  it('gives nulls instead of NaN for a single node, and names the file without a root', () => {
    const f = morphometrics(tree([[1, 1, 2, 3, -1]]));
    expect([f.num_nodes, f.num_of_tips, f.total_length, f.average_contraction, f.bifurcation_angle_local]).toEqual([1, 1, 0, null, null]);
    expect(() => morphometrics(tree([[1, 0, 0, 0, 2], [2, 1, 0, 0, 1]]), 'loop.swc')).toThrow('loop.swc: no root node');
  });

  it('survives zero-length edges and a missing parent', () => {
    const f = morphometrics(tree([[1, 0, 0, 0, -1], [2, 0, 0, 0, 1], [3, 5, 0, 0, 2], [4, 9, 9, 9, 42]]));
    expect(f.total_length).toBe(5);
    expect(f.num_branches).toBe(1);
    expect(f.average_contraction).toBe(1);
  });
});

describe('Sholl analysis', () => {
  it('counts one crossing per radius along a straight fibre', () => {
    const line = tree([[1, 0, 0, 0, -1], [2, 3.5, 0, 0, 1], [3, 10, 0, 0, 2]]);
    const p = sholl(line, { step: 1 });
    expect(p.radii).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(p.intersections).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect([p.maxIntersections, p.enclosingRadius, p.sumIntersections, p.ramificationIndex]).toEqual([1, 10, 10, 1]);
  });

  it('counts a node exactly on a sphere once (on the sphere is outside)', () => {
    const line = tree([[1, 0, 0, 0, -1], [2, 2, 0, 0, 1], [3, 4, 0, 0, 2]]);
    expect(sholl(line, { step: 2 }).intersections).toEqual([1, 1]);
  });

  it('profiles gold Y around the soma', async () => {
    const p = sholl(await fixture('gold'), { step: 5 });
    expect(p.intersections).toEqual([1, 1, 2, 2]);
    expect([p.criticalRadius, p.ramificationIndex]).toEqual([15, 2]);
  });

  it('centres on the mean of the nodes on request', async () => {
    const p = sholl(await fixture('line_gold'), { step: 1, center: 'mean' });
    expect(p.center).toEqual([5, 0, 0]);
    expect(p.intersections.slice(0, 5)).toEqual([2, 2, 2, 2, 2]);
  });

  it('rejects a non-positive step', () => {
    expect(() => sholl(tree([[1, 0, 0, 0, -1]]), { step: 0 })).toThrow('Sholl step must be a positive number (got 0)');
  });
});
