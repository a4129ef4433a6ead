import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../../host/core/volume.js';
import { gaussianBlur, gaussianKernel, renderDensity, type Primitive } from '../../host/dataset/synthetic/render.js';

/** A straight tube through voxel-coordinate points a and b (converted to µm with spacing). */
function tube(a: Vec3, b: Vec3, spacing: Vec3, rUm: number, pieces = 1): Primitive[] {
  const out: Primitive[] = [];
  for (let k = 0; k < pieces; k++) {
    const t0 = k / pieces, t1 = (k + 1) / pieces;
    const p = (t: number, ax: number) => (a[ax] + (b[ax] - a[ax]) * t) * spacing[ax];
    out.push({ ax: p(t0, 0), ay: p(t0, 1), az: p(t0, 2), bx: p(t1, 0), by: p(t1, 1), bz: p(t1, 2), ra: rUm, rb: rUm, ia: 1, ib: 1 });
  }
  return out;
}

const at = (d: Float32Array, dims: Vec3, x: number, y: number, z: number) => d[(z * dims[1] + y) * dims[0] + x];

/** Position of the maximum along one axis through (x, y, z), as an integer voxel index. */
function argmaxAlong(d: Float32Array, dims: Vec3, x: number, y: number, z: number, axis: 1 | 2): number {
  let best = -1, bestV = -Infinity;
  for (let i = 0; i < dims[axis]; i++) {
    const v = axis === 1 ? at(d, dims, x, i, z) : at(d, dims, x, y, i);
    if (v > bestV) {
      bestV = v;
      best = i;
    }
  }
  return best;
}

describe('renderDensity + gaussianBlur: gold convention (voxel centres at integer coordinates)', () => {
  it.each([
    ['isotropic voxels', [0.4, 0.4, 0.4] as Vec3, [0.8, 0.8, 0.8] as Vec3],
    ['z voxels 3× longer', [0.4, 0.4, 1.2] as Vec3, [1.0, 1.0, 2.5] as Vec3],
  ])('puts the intensity maximum of a straight tube within 0.5 voxel of its gold line (%s)', (_name, spacing, psf) => {
    const dims: Vec3 = [64, 48, 24];
    // the gold line at non-integer y and z: the maximum must land on the nearest voxel
    for (const [gy, gz] of [[20.3, 10.6], [21.5 - 0.02, 11.49], [22.0, 12.0]]) {
      const d = gaussianBlur(renderDensity(tube([4, gy, gz], [59, gy, gz], spacing, 0.45, 20), dims, spacing), dims, psf);
      for (const x of [10, 25, 40, 55]) {
        const ym = argmaxAlong(d, dims, x, Math.round(gy), Math.round(gz), 1);
        const zm = argmaxAlong(d, dims, x, Math.round(gy), Math.round(gz), 2);
        expect(Math.abs(ym - gy)).toBeLessThanOrEqual(0.5);
        expect(Math.abs(zm - gz)).toBeLessThanOrEqual(0.5);
      }
    }
  });

  it('keeps an oblique tube centred on its gold line in every column', () => {
    const spacing: Vec3 = [0.35, 0.35, 0.7];
    const dims: Vec3 = [80, 80, 20];
    const a: Vec3 = [5, 12.2, 9.7], b: Vec3 = [74, 61.9, 9.7];
    const d = gaussianBlur(renderDensity(tube(a, b, spacing, 0.4, 30), dims, spacing), dims, [1, 1, 2]);
    for (let x = 12; x <= 68; x += 7) {
      const gy = a[1] + ((x - a[0]) * (b[1] - a[1])) / (b[0] - a[0]);
      expect(Math.abs(argmaxAlong(d, dims, x, Math.round(gy), 10, 1) - gy)).toBeLessThanOrEqual(0.5);
    }
  });

  it('renders the partial volume of a tube: total density ≈ π r² L / voxel volume', () => {
    for (const spacing of [[0.4, 0.4, 0.4], [0.4, 0.4, 1.6]] as Vec3[]) {
      const dims: Vec3 = [100, 40, 30];
      const r = 0.9;
      const a: Vec3 = [10, 20.25, 15.4], b: Vec3 = [90, 20.25, 15.4];
      const d = renderDensity(tube(a, b, spacing, r), dims, spacing);
      // sum over the middle part only, away from the caps
      let sum = 0;
      for (let z = 0; z < dims[2]; z++) for (let y = 0; y < dims[1]; y++) for (let x = 30; x < 70; x++) sum += at(d, dims, x, y, z);
      const expected = (Math.PI * r * r * 40 * spacing[0]) / (spacing[0] * spacing[1] * spacing[2]);
      expect(Math.abs(sum / expected - 1)).toBeLessThan(0.08);
    }
  });

  it('draws a chain of short capsules like one long tube (no beading at joints)', () => {
    const spacing: Vec3 = [0.4, 0.4, 1.2];
    const dims: Vec3 = [60, 30, 20];
    // a tube along z exercises the z sub-slices, where a per-piece average would dim every joint
    const one = renderDensity(tube([15, 15, 2], [15, 15, 17], spacing, 0.5, 1), dims, spacing);
    const many = renderDensity(tube([15, 15, 2], [15, 15, 17], spacing, 0.5, 23), dims, spacing);
    let maxDiff = 0;
    for (let i = 0; i < one.length; i++) maxDiff = Math.max(maxDiff, Math.abs(one[i] - many[i]));
    expect(maxDiff).toBeLessThan(1e-6);
    expect(Math.max(...one)).toBeGreaterThan(0.5);
  });

  it('takes the brighter structure where two overlap instead of adding them', () => {
    const spacing: Vec3 = [0.5, 0.5, 0.5];
    const dims: Vec3 = [30, 30, 30];
    const s = (i: number): Primitive => ({ ax: 7, ay: 7, az: 7, bx: 7, by: 7, bz: 7, ra: 2, rb: 2, ia: i, ib: i });
    const d = renderDensity([s(1), s(0.4)], dims, spacing);
    expect(at(d, dims, 14, 14, 14)).toBeCloseTo(1, 6);
  });
});

describe('gaussianBlur', () => {
  it('has the requested σ per axis and keeps the total away from borders', () => {
    const dims: Vec3 = [41, 41, 41];
    const src = new Float32Array(41 ** 3);
    src[(20 * 41 + 20) * 41 + 20] = 1;
    const sigma: Vec3 = [1.2, 2, 3.5];
    const out = gaussianBlur(src, dims, sigma);
    let total = 0;
    const m2 = [0, 0, 0];
    for (let z = 0; z < 41; z++) for (let y = 0; y < 41; y++) for (let x = 0; x < 41; x++) {
      const v = at(out, dims, x, y, z);
      total += v;
      m2[0] += v * (x - 20) ** 2;
      m2[1] += v * (y - 20) ** 2;
      m2[2] += v * (z - 20) ** 2;
    }
    expect(total).toBeCloseTo(1, 5);
    for (let a = 0; a < 3; a++) expect(Math.sqrt(m2[a] / total)).toBeCloseTo(sigma[a], 1);
    expect(src.reduce((s, v) => s + v, 0)).toBe(1); // the input is not modified
  });

  it('normalises its kernel and treats σ = 0 as no blur', () => {
    expect(gaussianKernel(0)).toEqual(Float64Array.of(1));
    const k = gaussianKernel(1.5);
    expect(k.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    expect(k.length).toBe(2 * Math.ceil(3.5 * 1.5) + 1);
  });
});
