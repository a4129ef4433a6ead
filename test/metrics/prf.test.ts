import { describe, expect, it } from 'vitest';
import { precisionRecall } from '../../host/metrics/prf.js';
import { randomTree, shuffleAndRenumber } from '../../host/metrics/random-tree.js';
import { fixture, tree } from './helpers.js';

describe('precision / recall / F1 (rivuletpy compareswc)', () => {
  it('worked example B of the card', async () => {
    const r = precisionRecall(await fixture('line_gold'), await fixture('line_test_spur'));
    expect(r).toMatchObject({ truePositives: 3, falsePositives: 1, falseNegatives: 0, precision: 0.75, recall: 1, sd: 1.625, ssd: null, ssdPercent: 0.125 });
    expect(r.f1).toBeCloseTo(6 / 7, 12);
  });

  it('counts TP with d < 4 but FN only with d > 4 (a gold node at exactly 4 is neither)', () => {
    const gold = tree([[1, 0, 0, 0, -1], [2, 10, 0, 0, 1]]);
    const test = tree([[1, 0, 4, 0, -1], [2, 10, 1, 0, 1]]);
    const r = precisionRecall(gold, test);
    expect([r.truePositives, r.falsePositives, r.falseNegatives]).toEqual([1, 1, 0]);
    expect([r.precision, r.recall]).toEqual([0.5, 1]);
  });

  it('recall mixes test and gold counts: a denser test inflates it', () => {
    const gold = tree([[1, 0, 0, 0, -1], [2, 10, 0, 0, 1], [3, 100, 0, 0, 2]]);
    const sparse = tree([[1, 0, 0, 0, -1], [2, 10, 0, 0, 1]]);
    const dense = tree([[1, 0, 0, 0, -1], [2, 1, 0, 0, 1], [3, 2, 0, 0, 2], [4, 10, 0, 0, 3]]);
    expect(precisionRecall(gold, sparse).recall).toBeCloseTo(2 / 3, 12);
    expect(precisionRecall(gold, dense).recall).toBeCloseTo(4 / 5, 12);
  });

  it('scores identical trees perfectly, in any node order', () => {
    const t = randomTree({ nodes: 300, seed: 41 });
    const r = precisionRecall(t, shuffleAndRenumber(t, 42));
    expect(r).toMatchObject({ precision: 1, recall: 1, f1: 1, sd: 0, ssdPercent: 0, falseNegatives: 0 });
  });

  it('reports SSD when both directions have far nodes', () => {
    const gold = tree([[1, 0, 0, 0, -1], [2, 10, 0, 0, 1], [3, 10, 20, 0, 2]]);
    const test = tree([[1, 0, 0, 0, -1], [2, 10, 0, 0, 1], [3, 30, 0, 0, 2]]);
    const r = precisionRecall(gold, test);
    expect(r.ssd).toBe(20);
    expect(r.ssdPercent).toBeCloseTo(1 / 3, 12);
  });

  it('returns nulls, not NaN, for an empty tree', () => {
    const r = precisionRecall(tree([[1, 0, 0, 0, -1]]), { nodes: [], comments: [] });
    expect([r.precision, r.recall, r.f1, r.falseNegatives]).toEqual([null, null, null, 1]);
  });
});

describe('connection errors (NetMets as rivuletpy implements it)', () => {
  it('flags the spur junction in example B, and the coloured root through the shared -1 vertex', async () => {
    const r = precisionRecall(await fixture('line_gold'), await fixture('line_test_spur'));
    // test: root 1 (hub quirk) and junction 2 (the unmatched spur hangs there); gold: none off leaf segments
    expect([r.connectionErrorsTest, r.connectionErrorsGold]).toEqual([2, 0]);
    expect(r.connectionRatioTest).toBe(1);
  });

  it('flags the gold branch point where the test misses a branch', async () => {
    const gold = await fixture('gold');
    const same = precisionRecall(gold, gold);
    const miss = precisionRecall(gold, await fixture('t_missbranch'));
    // identical trees: only the hub quirk at the root (not on a leaf segment) in each tree
    expect([same.connectionErrorsTest, same.connectionErrorsGold]).toEqual([1, 1]);
    // the unmatched branch (15,-5)-(20,-10) hangs off gold node (10,0,0): one more error there
    expect(miss.connectionErrorsGold).toBe(2);
    expect(miss.connectionErrorsTest).toBe(0); // the whole test is one leaf segment
  });
});
