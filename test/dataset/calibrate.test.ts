import { describe, expect, it } from 'vitest';
import { solvePeakPhotons } from '../../host/dataset/synthetic/calibrate.js';

describe('solvePeakPhotons', () => {
  it('reaches a target on a power-law-like SNR curve in a few previews', () => {
    const snr = (P: number) => (3 * Math.pow(P, 0.7)) / (1 + 0.002 * P);
    for (const target of [1.5, 6, 25]) {
      const s = solvePeakPhotons(target, snr, 10);
      expect(Math.abs(snr(s.P) / target - 1)).toBeLessThan(0.006);
      expect(s.evaluations).toBeLessThanOrEqual(8);
    }
  });

  it('returns the closest preview when the target is out of reach', () => {
    const capped = (P: number) => Math.min(5, P);
    const s = solvePeakPhotons(9, capped, 1);
    expect(s.snr).toBe(5);
    expect(s.evaluations).toBeLessThanOrEqual(12);
  });
});
