import { describe, expect, it } from 'vitest';
import { lengthOverlap } from '../../host/metrics/length-overlap.js';
import { ssdMetric } from '../../host/metrics/ssd.js';
import { jitterTree, randomTree, shuffleAndRenumber } from '../../host/metrics/random-tree.js';
import { fixture, tree } from './helpers.js';

describe('length overlap (PyNeval length metric)', () => {
  it('example B: all gold length matched, the 5-voxel spur is unused test length', async () => {
    const r = lengthOverlap(await fixture('line_gold'), await fixture('line_test_spur'));
    expect([r.recall, r.goldLength, r.testLength, r.matchedGoldLength, r.matchedTestLength]).toEqual([1, 10, 15, 10, 10]);
    expect(r.precision).toBe(0.66666667); // rounded to 8 decimals, as PyNeval
    expect(r.f1).toBeCloseTo(0.8, 7);
  });

  it('a missing branch lowers recall by its length share', async () => {
    const r = lengthOverlap(await fixture('gold'), await fixture('t_missbranch'));
    expect(r.precision).toBe(1);
    expect(r.recall).toBeCloseTo((10 + Math.hypot(5, 5) * 2) / (10 + Math.hypot(5, 5) * 4), 7);
  });

  it('matches a test path that runs along a gold edge through several test edges', () => {
    const gold = tree([[1, 0, 0, 0, -1], [2, 10, 0, 0, 1]]);
    const test = tree([[1, 0, 0.5, 0, -1], [2, 3, 0.5, 0, 1], [3, 6, 0.5, 0, 2], [4, 10, 0.5, 0, 3]]);
    const r = lengthOverlap(gold, test);
    expect([r.recall, r.precision]).toEqual([1, 1]);
  });

  it('uses each piece of test path once: a doubled gold edge matches only once', () => {
    const gold = tree([[1, 0, 0, 0, -1], [2, 10, 0, 0, 1], [3, 0, 0.2, 0, -1], [4, 10, 0.2, 0, 3]]);
    const test = tree([[1, 0, 0, 0, -1], [2, 10, 0, 0, 1]]);
    expect(lengthOverlap(gold, test).recall).toBe(0.5);
  });

  it('accepts a detour up to 20 % longer, rejects a longer one', () => {
    const gold = tree([[1, 0, 0, 0, -1], [2, 10, 0, 0, 1]]);
    const small = tree([[1, 0, 0, 0, -1], [2, 5, 1.9, 0, 1], [3, 10, 0, 0, 2]]);
    expect(lengthOverlap(gold, small).recall).toBe(1); // test path 10.70
    const large = tree([[1, 0, 0, 0, -1], [2, 5, 4, 0, 1], [3, 10, 0, 0, 2]]);
    expect(lengthOverlap(gold, large, { radiusMode: 'absolute', radiusThreshold: 5 }).recall).toBe(0); // 12.81 >= 1.2 x 10
  });

  it('is perfect for a tree against itself in any order', () => {
    const t = randomTree({ nodes: 300, seed: 51 });
    const r = lengthOverlap(t, shuffleAndRenumber(t, 52));
    expect([r.recall, r.precision, r.f1]).toEqual([1, 1, 1]);
  });

  it('handles single nodes and several roots without failing', () => {
    const one = tree([[1, 0, 0, 0, -1]]);
    expect(lengthOverlap(one, one)).toMatchObject({ recall: 0, precision: 0, f1: 0 });
    const two = tree([[1, 0, 0, 0, -1], [2, 5, 0, 0, 1], [3, 20, 0, 0, -1], [4, 25, 0, 0, 3]]);
    expect(lengthOverlap(two, two).recall).toBe(1);
  });
});

describe('SSD (PyNeval SSD metric)', () => {
  it('worked example B of the card', async () => {
    const r = ssdMetric(await fixture('line_gold'), await fixture('line_test_spur'))!;
    expect([r.goldNodes, r.testNodes, r.goldSubstantial, r.testSubstantial]).toEqual([5, 7, 0, 2]);
    expect(r.ssd).toBe(2.375);
    expect(r.recall).toBe(1);
    expect(r.precision).toBeCloseTo(5 / 7, 12);
    expect(r.f1).toBeCloseTo(0.8333333, 6);
  });

  it('is 0 / perfect for identical trees and symmetric in its score', () => {
    const a = randomTree({ nodes: 200, seed: 61 }), b = jitterTree(a, 3, 62);
    expect(ssdMetric(a, a)).toMatchObject({ ssd: 0, recall: 1, precision: 1 });
    expect(ssdMetric(a, b)!.ssd).toBeCloseTo(ssdMetric(b, a)!.ssd, 12);
  });

  it('returns null for an empty tree', () => {
    expect(ssdMetric({ nodes: [], comments: [] }, tree([[1, 0, 0, 0, -1]]))).toBeNull();
  });
});
