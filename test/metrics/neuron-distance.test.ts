import { describe, expect, it } from 'vitest';
import { neuronDistance, type NeuronDistanceResult } from '../../host/metrics/neuron-distance.js';
import { jitterTree, randomTree, shuffleAndRenumber } from '../../host/metrics/random-tree.js';
import type { NeuronDistanceScore } from '../../host/generated/scores.js';
import { fixture, sig6, tree } from './helpers.js';

function values(r: NeuronDistanceResult): NeuronDistanceScore {
  if (!r.computable) throw new Error(`not computable: ${r.reason}`);
  return r;
}

const line = tree([[1, 0, 0, 0, -1], [2, 5, 0, 0, 1], [3, 10, 0, 0, 2]]);

describe('neuron_distance: worked examples of the card', () => {
  it('A: a parallel line 3 voxels away', () => {
    const r = values(neuronDistance(line, tree([[1, 0, 3, 0, -1], [2, 5, 3, 0, 1], [3, 10, 3, 0, 2]])));
    expect(r).toMatchObject({ esa12: 3, esa21: 3, esa: 3, dsa: 3, pds12: 1, pds21: 1, pds: 1, distMax: 3, samples12: 12, samples21: 12 });
  });

  it('A with a two-node test: 11 samples on its single edge, same scores', () => {
    const r = values(neuronDistance(line, tree([[1, 0, 3, 0, -1], [2, 10, 3, 0, 1]])));
    expect(r).toMatchObject({ esa: 3, dsa: 3, pds: 1, samples12: 12, samples21: 11 });
  });

  it('B: partial agreement plus a spurious branch', () => {
    const r = values(neuronDistance(line, tree([[1, 0, 1, 0, -1], [2, 5, 1, 0, 1], [3, 10, 1, 0, 2], [4, 5, 6, 0, 2]])));
    expect(r.esa12).toBe(1);
    expect(r.esa21).toBeCloseTo(33 / 18, 12);
    expect(r.esa).toBeCloseTo((1 + 33 / 18) / 2, 12);
    expect(r.dsa).toBe(4); // 20 / 5, only the test->gold direction has big samples
    expect(r.pds12).toBe(0);
    expect(r.pds21).toBeCloseTo(5 / 18, 12);
    expect(r.pds).toBeCloseTo(5 / 36, 12);
    expect(r.distMax).toBe(1); // the smaller of the two maxima (1 and 6)
    expect([r.samples12, r.samples21, r.bigSamples12, r.bigSamples21]).toEqual([12, 18, 0, 5]);
  });

  it('reads the same from the fixture files', async () => {
    const r = values(neuronDistance(await fixture('line_gold'), await fixture('line_test_spur')));
    expect([sig6(r.esa12), sig6(r.esa21), sig6(r.esa), r.dsa, r.pds12, sig6(r.pds21), sig6(r.pds), r.distMax])
      .toEqual([1, 1.83333, 1.41667, 4, 0, 0.277778, 0.138889, 1]);
  });
});

describe('neuron_distance: the card cross-check table (gold Y, float32 as Vaa3D)', () => {
  const table: [string, number, number, number, number, number, number, number][] = [
    // test, n1, n2, ESA12, ESA21, ESA, DSA, PDS
    ['t_shift05xy', 44, 44, 0.404857, 0.38213, 0.393493, 0, 0],
    ['t_shift05z', 44, 44, 0.5, 0.5, 0.5, 0, 0],
    ['t_shift3y', 44, 44, 2.26231, 2.26231, 2.26231, 2.38753, 0.909091],
    ['t_missbranch', 44, 28, 2.5713, NaN, 1.28565, 8.00907, 0.159091],
    ['t_extraspur', 44, 61, NaN, 1.44899, 0.724495, 6.16193, 0.114754],
    ['t_extra_from2', 44, 56, NaN, 1.07143, 0.535714, 5.9, 0.0892857],
  ];
  for (const [name, n1, n2, esa12, esa21, esa, dsa, pds] of table) {
    it(name, async () => {
      const r = values(neuronDistance(await fixture('gold'), await fixture(name)));
      expect([r.samples12, r.samples21]).toEqual([n1, n2]);
      // NaN marks the card's "~1e-7": float32 rounding off diagonal segments
      if (Number.isNaN(esa12)) expect(r.esa12).toBeLessThan(1e-6); else expect(sig6(r.esa12)).toBe(esa12);
      if (Number.isNaN(esa21)) expect(r.esa21).toBeLessThan(1e-6); else expect(sig6(r.esa21)).toBe(esa21);
      expect(sig6(r.esa)).toBe(esa);
      expect(sig6(r.dsa)).toBe(dsa);
      expect(sig6(r.pds)).toBe(pds);
    });
  }

  it('identical files score ~1.4e-7, not 0, exactly as Vaa3D does in single precision', async () => {
    const r = values(neuronDistance(await fixture('gold'), await fixture('t_same')));
    expect(Number(r.esa.toPrecision(2))).toBe(1.4e-7);
    expect([r.dsa, r.pds]).toEqual([0, 0]);
  });
});

describe('neuron_distance: properties', () => {
  it('is symmetric: swapping the trees swaps the directions and keeps the summaries', () => {
    const a = randomTree({ nodes: 400, seed: 11 });
    const b = jitterTree(randomTree({ nodes: 300, seed: 12 }), 0.5);
    const ab = values(neuronDistance(a, b)), ba = values(neuronDistance(b, a));
    expect([ba.esa12, ba.esa21, ba.pds12, ba.pds21, ba.samples12, ba.samples21]).toEqual([ab.esa21, ab.esa12, ab.pds21, ab.pds12, ab.samples21, ab.samples12]);
    expect(ba.esa).toBe(ab.esa);
    expect(ba.dsa).toBeCloseTo(ab.dsa, 12);
    expect(ba.pds).toBe(ab.pds);
    expect(ba.distMax).toBe(ab.distMax);
  });

  it('gives exactly 0 for an axis-aligned tree compared with itself', () => {
    const t = tree([[1, 0, 0, 0, -1], [2, 4, 0, 0, 1], [3, 4, 7, 0, 2], [4, 4, 0, 3, 2]]);
    expect(values(neuronDistance(t, t))).toMatchObject({ esa: 0, dsa: 0, pds: 0, distMax: 0 });
  });

  it('stays below 1e-5 for any tree compared with itself (float32 noise only)', () => {
    const t = randomTree({ nodes: 500, seed: 5 });
    const r = values(neuronDistance(t, t));
    expect(r.esa).toBeLessThan(1e-5);
    expect(r.pds).toBe(0);
  });

  it('does not depend on node order or id numbering', () => {
    const a = randomTree({ nodes: 300, seed: 21 }), b = jitterTree(a, 2, 22);
    const ref = values(neuronDistance(a, b));
    const r = values(neuronDistance(shuffleAndRenumber(a, 23), shuffleAndRenumber(b, 24)));
    // counts are exact; sums only change by summation order
    expect([r.samples12, r.samples21, r.bigSamples12, r.bigSamples21]).toEqual([ref.samples12, ref.samples21, ref.bigSamples12, ref.bigSamples21]);
    expect(r.esa).toBeCloseTo(ref.esa, 10);
    expect(r.dsa).toBeCloseTo(ref.dsa, 10);
    expect(r.distMax).toBe(ref.distMax);
  });

  it('the spatial index returns exactly the exhaustive minimum (random trees, near and far)', () => {
    for (const seed of [1, 2, 3, 4]) {
      const a = randomTree({ nodes: 250 + 50 * seed, seed });
      const near = jitterTree(a, 1.5, seed + 10);
      const far = randomTree({ nodes: 200, seed: seed + 20, extent: 300 });
      for (const b of [near, far]) {
        expect(neuronDistance(a, b)).toEqual(neuronDistance(a, b, { exhaustive: true }));
      }
    }
  });

  it('honours --dthres', () => {
    const r = values(neuronDistance(line, tree([[1, 0, 3, 0, -1], [2, 10, 3, 0, 1]]), { dThres: 3.5 }));
    expect([r.dsa, r.pds]).toEqual([0, 0]);
  });
});

describe('neuron_distance: awkward trees', () => {
  it('reports a single-node tree as not computable (Vaa3D leaves -1 there)', () => {
    const r = neuronDistance(line, tree([[1, 3, 3, 3, -1]]));
    expect(r).toEqual({ computable: false, reason: expect.stringContaining('at least two nodes') });
  });

  it('reports a tree without any edge as not computable', () => {
    const r = neuronDistance(line, tree([[1, 0, 0, 0, -1], [2, 5, 0, 0, -1]]));
    expect(r.computable).toBe(false);
  });

  it('handles several roots: each component is sampled, roots add no edge', () => {
    const two = tree([[1, 0, 0, 0, -1], [2, 5, 0, 0, 1], [10, 20, 0, 0, -1], [11, 25, 0, 0, 10]]);
    const r = values(neuronDistance(two, two));
    expect(r).toMatchObject({ samples12: 12, esa: 0 });
  });

  it('treats a missing parent as a root', () => {
    const orphan = tree([[1, 0, 0, 0, -1], [2, 5, 0, 0, 1], [3, 10, 0, 0, 99]]);
    expect(values(neuronDistance(orphan, orphan)).samples12).toBe(6);
  });

  it('samples a zero-length edge once and measures to it as a point', () => {
    const dup = tree([[1, 0, 0, 0, -1], [2, 0, 0, 0, 1], [3, 4, 0, 0, 2]]);
    const r = values(neuronDistance(dup, tree([[1, 0, 2, 0, -1], [2, 0, 2, 0, 1]])));
    // gold: 1 sample on the zero edge + 5 on the 4-voxel edge; test: a single point at (0,2,0)
    expect([r.samples12, r.samples21]).toEqual([6, 1]);
    expect(r.esa21).toBe(2);
  });
});
