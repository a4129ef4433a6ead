import { describe, expect, it } from 'vitest';
import { loadAddon } from '../../host/runtime/native-addon.js';

type Msfm = (speed: Float64Array, dims: number[], sources: number[], opts?: { secondOrder?: boolean; cross?: boolean }) => Float64Array;
const msfm3d = loadAddon('neurotrace_native').msfm3d as Msfm;

const n = 31;
const c = 15;
const at = (T: Float64Array, x: number, y: number, z: number) => T[(z * n + y) * n + x];
const uniform = (v: number) => new Float64Array(n * n * n).fill(v);

/** Mean absolute error against the Euclidean distance over all voxels. */
function meanError(T: Float64Array, speed = 1): number {
  let sum = 0;
  for (let z = 0; z < n; z++) for (let y = 0; y < n; y++) for (let x = 0; x < n; x++)
    sum += Math.abs(at(T, x, y, z) - Math.hypot(x - c, y - c, z - c) / speed);
  return sum / n ** 3;
}

describe('msfm3d kernel (K7)', () => {
  it('first order: exact along the axes, over-estimates diagonals', () => {
    const T = msfm3d(uniform(1), [n, n, n], [c, c, c]);
    expect(at(T, c, c, c)).toBe(0);
    expect(at(T, c + 1, c, c)).toBe(1);
    expect(at(T, c + 10, c, c)).toBeCloseTo(10, 12);
    expect(at(T, c, c - 7, c)).toBeCloseTo(7, 12);
    // The 6-neighbour Eikonal solution overshoots on the body diagonal (sqrt(3) * 10 = 17.32).
    expect(at(T, c + 10, c + 10, c + 10)).toBeGreaterThan(17.32);
    expect(at(T, c + 10, c + 10, c + 10)).toBeLessThan(19);
  });

  it('second-order + cross stencils are much closer to Euclidean distance', () => {
    const first = msfm3d(uniform(1), [n, n, n], [c, c, c]);
    const quality = msfm3d(uniform(1), [n, n, n], [c, c, c], { secondOrder: true, cross: true });
    const e1 = meanError(first), eq = meanError(quality);
    expect(eq).toBeLessThan(e1 / 2);
    expect(eq).toBeLessThan(0.35);
    expect(Math.abs(at(quality, c + 10, c + 10, c + 10) - Math.sqrt(300))).toBeLessThan(0.4);
  });

  it('arrival time scales with 1/speed and grows away from the source', () => {
    const T1 = msfm3d(uniform(1), [n, n, n], [c, c, c], { secondOrder: true, cross: true });
    const T2 = msfm3d(uniform(2), [n, n, n], [c, c, c], { secondOrder: true, cross: true });
    for (let i = 0; i < T1.length; i += 97) expect(T2[i]).toBeCloseTo(T1[i] / 2, 9);
    for (let x = c; x < n - 1; x++) expect(at(T1, x + 1, c, c)).toBeGreaterThan(at(T1, x, c, c));
  });

  it('routes around a slow wall', () => {
    // A plane of near-zero speed at x = 20, open only for y < 4: the front must go round
    // through the gap, at least |(15,15)-(20,3)| + |(20,3)-(24,15)| = 25.65.
    const F = uniform(1);
    for (let z = 0; z < n; z++) for (let y = 4; y < n; y++) F[(z * n + y) * n + 20] = 1e-6;
    const T = msfm3d(F, [n, n, n], [c, c, c], { secondOrder: true, cross: true });
    const behind = at(T, 24, c, c);
    expect(behind).toBeGreaterThan(Math.hypot(20 - c, c - 3) + Math.hypot(24 - 20, c - 3) - 0.5);
    expect(behind).toBeLessThan(1e3);
    // Crossing the wall itself costs about 1/speed.
    expect(at(T, 20, c, c)).toBeGreaterThan(1e5);
  });

  it('supports several sources and rejects bad input', () => {
    const T = msfm3d(uniform(1), [n, n, n], [0, 0, 0, n - 1, n - 1, n - 1]);
    expect(at(T, 0, 0, 0)).toBe(0);
    expect(at(T, n - 1, n - 1, n - 1)).toBe(0);
    expect(at(T, 3, 0, 0)).toBeCloseTo(3, 12);
    expect(() => msfm3d(uniform(1), [n, n, n], [n, 0, 0])).toThrow(/outside the grid/);
    expect(() => msfm3d(new Float64Array(5), [n, n, n], [0, 0, 0])).toThrow(/dims/);
  });
});
