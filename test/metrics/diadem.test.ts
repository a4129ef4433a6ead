import { describe, expect, it } from 'vitest';
import { diadem, diademParameters } from '../../host/metrics/diadem.js';
import { randomTree, shuffleAndRenumber } from '../../host/metrics/random-tree.js';
import { fixture, tree } from './helpers.js';

describe('DIADEM: the jar v2.1 fixtures of the card', () => {
  // test, score at -D 0, score at -D 0 -x 2 -z 2 (undefined: not in the card)
  const cases: [string, number, number | undefined][] = [
    ['t_same', 1, 1],
    ['t_shift05xy', 1, 1],
    ['t_shift05z', 0, 1], // -D 0 leaves the Z threshold at 0: |dz| <= 0.1 only
    ['t_shift3y', 0, 0],
    ['t_missbranch', 0.75, 0.75],
    ['t_extraspur', 1, 1],
    ['t_extra_from2', 0.8, undefined],
  ];
  for (const [name, d0, x2z2] of cases) {
    it(`gold vs ${name}`, async () => {
      const gold = await fixture('gold'), test = await fixture(name);
      expect(diadem(gold, test).score).toBeCloseTo(d0, 12);
      if (x2z2 !== undefined) expect(diadem(gold, test, { xyThreshold: 2, zThreshold: 2 }).score).toBeCloseTo(x2z2, 12);
    });
  }

  it('reports the misses and excess the jar lists', async () => {
    const gold = await fixture('gold');
    const miss = diadem(gold, await fixture('t_missbranch'));
    expect(miss.misses).toEqual([{ x: 20, y: -10, z: 0, weight: 1 }]);
    expect([miss.scoreSum, miss.goldWeight, miss.continuations]).toEqual([3, 4, 1]);
    const extra = diadem(gold, await fixture('t_extra_from2'));
    expect(extra.excess).toEqual([{ x: 5, y: 10, z: 0, weight: 1 }]);
    expect(extra.excessWeight).toBe(1);
  });

  it('gold2: weights are terminal counts (3 + 2 + three terminals = 8)', async () => {
    const g2 = await fixture('gold2');
    const same = diadem(g2, g2);
    expect([same.score, same.goldWeight]).toEqual([1, 8]);
    expect(diadem(g2, await fixture('t2_miss_sub')).score).toBe(0.75);
    expect(diadem(g2, await fixture('gold')).score).toBe(0.75);
    const left = diadem(g2, await fixture('t2_miss_left'));
    expect(left.score).toBe(0.5); // (10,0,0) saved as a continuation
    expect(left.continuations).toBe(1);
    expect(left.misses.map((m) => m.weight).sort()).toEqual([1, 1, 2]);
  });

  it('can leave excess nodes out of the denominator', async () => {
    expect(diadem(await fixture('gold'), await fixture('t_extra_from2'), { countExcess: false }).score).toBe(1);
  });
});

describe('DIADEM: parameters', () => {
  it('uses the v2.1 presets, Z thresholds in images times scaleZ', () => {
    expect(diademParameters()).toMatchObject({ xyThreshold: 1.2, zThreshold: 0, scaleZ: 1, xyPathErrorThreshold: 0.05, zPath: false, removeSpurs: 0 });
    expect(diademParameters({ dataset: 5 })).toMatchObject({ xyThreshold: 3.94, scaleZ: 3.034, xyPathErrorThreshold: 0.08, zPathErrorThreshold: 0.2, zPath: true, removeSpurs: 6 });
    expect(diademParameters({ dataset: 5 }).zThreshold).toBeCloseTo(15.17, 10);
    expect(diademParameters({ dataset: 1 }).zThreshold).toBeCloseTo(35.2, 10);
    expect(diademParameters({ dataset: 4 })).toMatchObject({ scaleZ: 0, rosetteMatching: true });
    expect(diademParameters({ dataset: 2, microns: true }).xyThreshold).toBeCloseTo(11 / 4.6, 12);
    expect(diademParameters({ xyThreshold: 2, zThreshold: 2 })).toMatchObject({ xyThreshold: 2, zThreshold: 2 });
  });

  it('rejects an unknown data set', () => {
    expect(() => diademParameters({ dataset: 7 })).toThrow('DIADEM data set must be one of 0..5 (got 7)');
  });

  it('scales z by scaleZ before matching', async () => {
    // 0.5 slice off at 3.034 px/slice is 1.5 px: within dataset 5's 15.17 px Z threshold
    expect(diadem(await fixture('gold'), await fixture('t_shift05z'), { dataset: 5 }).score).toBe(1);
  });

  it('drops gold spurs shorter than the spur threshold from the weights', () => {
    const g = tree([[1, 0, 0, 0, -1], [2, 10, 0, 0, 1], [3, 30, 0, 0, 2], [4, 12, 3, 0, 2]]);
    // the 3.6 px twig at (12,3) is a spur for -r 5: only the terminal (30,0) is scored
    const r = diadem(g, g, { removeSpurs: 5 });
    expect([r.score, r.goldWeight]).toEqual([1, 1]);
    expect(diadem(g, g).goldWeight).toBe(4);
  });
});

describe('DIADEM: properties and awkward trees', () => {
  it('scores a tree against itself as 1, whatever the node order and ids', () => {
    const t = randomTree({ nodes: 600, seed: 31, branchChance: 0.05 });
    expect(diadem(t, t).score).toBe(1);
    expect(diadem(t, shuffleAndRenumber(t, 32)).score).toBe(1);
    expect(diadem(shuffleAndRenumber(t, 33), t).score).toBe(1);
  });

  it('scores only the first tree of each file', () => {
    const g = tree([[1, 0, 0, 0, -1], [2, 10, 0, 0, 1], [3, 20, 5, 0, 2], [4, 20, -5, 0, 2], [10, 100, 0, 0, -1], [11, 110, 0, 0, 10]]);
    const onlyFirst = tree([[1, 0, 0, 0, -1], [2, 10, 0, 0, 1], [3, 20, 5, 0, 2], [4, 20, -5, 0, 2]]);
    expect(diadem(g, onlyFirst).score).toBe(1);
    expect(diadem(g, g).goldWeight).toBe(diadem(onlyFirst, onlyFirst).goldWeight);
  });

  it('binarises a multifurcation at the soma and still matches itself', () => {
    const star = tree([[1, 0, 0, 0, -1], [2, 10, 0, 0, 1], [3, 0, 10, 0, 1], [4, -10, 0, 0, 1], [5, 0, -10, 0, 1]]);
    expect(diadem(star, star).score).toBe(1);
  });

  it('gives null for a gold tree that is a lone root, and 0 for a test that is one', () => {
    const lone = tree([[1, 3, 3, 3, -1]]);
    expect(diadem(lone, tree([[1, 0, 0, 0, -1], [2, 5, 0, 0, 1]])).score).toBeNull();
    expect(diadem(tree([[1, 0, 0, 0, -1], [2, 5, 0, 0, 1]]), lone).score).toBe(0);
  });

  it('copes with zero-length edges and a missing parent', () => {
    const t = tree([[1, 0, 0, 0, -1], [2, 0, 0, 0, 1], [3, 10, 0, 0, 2], [4, 20, 5, 0, 3], [5, 20, -5, 0, 3], [6, 50, 50, 0, 77]]);
    expect(diadem(t, t).score).toBe(1);
  });

  it('names the file when there is no root at all', () => {
    const cyc = tree([[1, 0, 0, 0, 2], [2, 5, 0, 0, 1]]);
    expect(() => diadem(cyc, cyc, { goldName: 'g.swc' })).toThrow('g.swc: parent links form a cycle');
  });
});
