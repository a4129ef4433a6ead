import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../../host/core/volume.js';
import { Rng } from '../../host/dataset/rng.js';
import { acquireSamples, acquireVolume, sliceFactors, smoothField, type Acquisition } from '../../host/dataset/synthetic/noise.js';

const base: Acquisition = {
  peakPhotons: 100, backgroundPhotons: 20, fieldPhotons: 0, readNoise: 2, gain: 5, offset: 100, maxValue: 4095, attenuationUm: Infinity, bleachPerSlice: 0,
};

describe('acquisition model (Poisson–Gaussian)', () => {
  it('gives background mean gain·λ + offset and variance gain²·(λ + σ_r²) within 3 %', () => {
    const dims: Vec3 = [64, 64, 32];
    const density = new Float32Array(64 * 64 * 32);
    const out = new Uint16Array(density.length);
    acquireVolume(density, undefined, dims, base, sliceFactors(32, 1, base), Rng.derive('bg'), out);
    let s = 0, s2 = 0;
    for (const v of out) {
      s += v;
      s2 += v * v;
    }
    const mean = s / out.length, variance = s2 / out.length - mean * mean;
    expect(Math.abs(mean / (base.gain * 20 + base.offset) - 1)).toBeLessThan(0.03);
    // + 1/12 for rounding to integers
    expect(Math.abs(variance / (base.gain ** 2 * (20 + 4) + 1 / 12) - 1)).toBeLessThan(0.03);
  });

  it('adds the signal P·F, attenuated with depth and bleaching, and clips to the ADC range', () => {
    const dims: Vec3 = [32, 32, 20];
    const density = new Float32Array(32 * 32 * 20).fill(0.5);
    const acq: Acquisition = { ...base, readNoise: 0, attenuationUm: 10, bleachPerSlice: 0.01 };
    const f = sliceFactors(20, 2, acq);
    expect(f[0]).toBe(1);
    expect(f[5]).toBeCloseTo(Math.exp(-10 / 10) * 0.99 ** 5, 12);
    const out = new Uint16Array(density.length);
    acquireVolume(density, undefined, dims, acq, f, Rng.derive('sig'), out);
    for (const k of [0, 5, 19]) {
      let s = 0;
      for (let i = 0; i < 1024; i++) s += out[k * 1024 + i];
      const expected = acq.offset + acq.gain * (20 + f[k] * 100 * 0.5);
      expect(Math.abs(s / 1024 / expected - 1)).toBeLessThan(0.02);
    }
    const clipped = new Uint8Array(density.length);
    acquireVolume(density, undefined, dims, { ...acq, maxValue: 255 }, f, Rng.derive('sig'), clipped);
    expect(Math.max(...clipped)).toBe(255);
  });

  it('draws samples at chosen voxels from the same model', () => {
    const dims: Vec3 = [16, 16, 4];
    const density = new Float32Array(16 * 16 * 4);
    const idx = Int32Array.from({ length: 20_000 }, (_, i) => i % density.length);
    const vals = acquireSamples(idx, density, undefined, dims, base, sliceFactors(4, 1, base), Rng.derive('s'));
    const mean = vals.reduce((s, v) => s + v, 0) / vals.length;
    expect(Math.abs(mean / 200 - 1)).toBeLessThan(0.01);
  });
});

describe('smoothField', () => {
  it('is a slow field scaled to [0, 1] and reproducible', () => {
    const dims: Vec3 = [64, 48, 16];
    const spacing: Vec3 = [0.5, 0.5, 1.5];
    const f = smoothField(Rng.derive('f'), dims, spacing, 12);
    let lo = Infinity, hi = -Infinity, maxStep = 0;
    for (let i = 0; i < f.length; i++) {
      lo = Math.min(lo, f[i]);
      hi = Math.max(hi, f[i]);
      if (i % 64 !== 63) maxStep = Math.max(maxStep, Math.abs(f[i + 1] - f[i]));
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThanOrEqual(1);
    expect(hi - lo).toBeGreaterThan(0.3);
    // a 12 µm correlation length changes little over one 0.5 µm voxel
    expect(maxStep).toBeLessThan(0.1);
    expect(smoothField(Rng.derive('f'), dims, spacing, 12)).toEqual(f);
  });
});
