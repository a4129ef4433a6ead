import { describe, expect, it } from 'vitest';
import { Rng, logFactorial } from '../../host/dataset/rng.js';

function moments(draw: () => number, n: number): { mean: number; variance: number } {
  let s = 0, s2 = 0;
  for (let i = 0; i < n; i++) {
    const v = draw();
    s += v;
    s2 += v * v;
  }
  const mean = s / n;
  return { mean, variance: s2 / n - mean * mean };
}

describe('Rng (xoshiro128**)', () => {
  it('is a pure function of its key', () => {
    const a = Rng.derive('dataset', 7, 3);
    const b = Rng.derive('dataset', 7, 3);
    const seqA = Array.from({ length: 20 }, () => a.uint32());
    const seqB = Array.from({ length: 20 }, () => b.uint32());
    expect(seqA).toEqual(seqB);
    const c = Rng.derive('dataset', 7, 4);
    expect(Array.from({ length: 20 }, () => c.uint32())).not.toEqual(seqA);
  });

  it('gives sub-streams that do not depend on draws already made', () => {
    const a = Rng.derive('k');
    const b = Rng.derive('k');
    for (let i = 0; i < 1000; i++) b.float();
    expect(Array.from({ length: 10 }, () => a.fork('noise').float())).toEqual(Array.from({ length: 10 }, () => b.fork('noise').float()));
    expect(Rng.derive('k', 'noise').float()).toBe(Rng.derive('k').fork('noise').float());
  });

  it('draws uniforms in [0, 1) and integers in range', () => {
    const r = Rng.derive('u');
    let lo = 1, hi = 0;
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 60_000; i++) {
      const f = r.float();
      lo = Math.min(lo, f);
      hi = Math.max(hi, f);
      counts[r.int(1, 6) - 1]++;
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
    const m = moments(() => r.float(), 100_000);
    expect(m.mean).toBeCloseTo(0.5, 2);
    expect(m.variance).toBeCloseTo(1 / 12, 2);
  });

  it('draws standard normals', () => {
    const r = Rng.derive('n');
    const m = moments(() => r.normal(), 200_000);
    expect(Math.abs(m.mean)).toBeLessThan(0.01);
    expect(Math.abs(m.variance - 1)).toBeLessThan(0.015);
  });

  it.each([0.3, 3, 9.99, 10, 25, 400])('draws Poisson variates with mean = variance = %f', (lambda) => {
    const r = Rng.derive('p', lambda);
    const m = moments(() => r.poisson(lambda), 200_000);
    expect(Math.abs(m.mean / lambda - 1)).toBeLessThan(0.01 + 0.02 / Math.sqrt(lambda));
    expect(Math.abs(m.variance / lambda - 1)).toBeLessThan(0.03);
  });

  it('matches the Poisson probability of small counts', () => {
    const r = Rng.derive('p0');
    const lambda = 12;
    const n = 200_000;
    let zeroToFive = 0;
    for (let i = 0; i < n; i++) if (r.poisson(lambda) <= 5) zeroToFive++;
    let p = 0;
    for (let k = 0; k <= 5; k++) p += Math.exp(-lambda + k * Math.log(lambda) - logFactorial(k));
    expect(Math.abs(zeroToFive / n - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
  });

  it('computes log-factorials exactly in the table and by Stirling above it', () => {
    expect(logFactorial(0)).toBe(0);
    expect(logFactorial(5)).toBeCloseTo(Math.log(120), 12);
    let direct = 0;
    for (let k = 2; k <= 300; k++) direct += Math.log(k);
    expect(logFactorial(300)).toBeCloseTo(direct, 8);
  });
});
