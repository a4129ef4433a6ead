/**
 * Acquisition model (synthetic_data.md §2.2 steps 5–9): depth attenuation and bleaching, a
 * background of constant stray light plus a slow autofluorescence field, Poisson shot noise,
 * detector gain, offset and Gaussian read noise, then quantisation to 8 or 16 bits.
 *
 * Expected photons at voxel v in slice k:
 *   λ(v) = B0 + a_k · (P · F(v) + Φ · field(v)),   a_k = exp(−k·sz/ℓ) · (1 − β)^k
 * where F is the blurred fluorophore density (1 = a fully occupied voxel of unit brightness),
 * P the peak photon count, field ∈ [0, 1] and Φ its amplitude in photons.
 * Recorded value: round(offset + g · (Poisson(λ) + σ_r · N(0, 1))), clipped to [0, maxValue].
 */
import type { Vec3 } from '../../core/volume.js';
import type { Rng } from '../rng.js';
import { gaussianBlur } from './render.js';

export interface Acquisition {
  /** P: photons from a fully occupied voxel of unit brightness. */
  peakPhotons: number;
  /** B0: constant stray-light/dark photons per voxel. */
  backgroundPhotons: number;
  /** Φ: photons at the maximum of the slow background field (0 = no field). */
  fieldPhotons: number;
  /** σ_r in photon units. */
  readNoise: number;
  /** g: recorded units per photon. */
  gain: number;
  offset: number;
  /** ADC ceiling: 255 for 8-bit output, 4095 for 16-bit (a 12-bit detector stored in 16 bits). */
  maxValue: number;
  /** ℓ in µm (Infinity = none). */
  attenuationUm: number;
  /** β per slice. */
  bleachPerSlice: number;
}

/** a_k for every slice. */
export function sliceFactors(nz: number, sz: number, acq: Pick<Acquisition, 'attenuationUm' | 'bleachPerSlice'>): Float64Array {
  const f = new Float64Array(nz);
  for (let k = 0; k < nz; k++) {
    const att = Number.isFinite(acq.attenuationUm) ? Math.exp(-(k * sz) / acq.attenuationUm) : 1;
    f[k] = att * Math.pow(1 - acq.bleachPerSlice, k);
  }
  return f;
}

export function expectedPhotons(idx: number, plane: number, density: Float32Array, field: Float32Array | undefined, acq: Acquisition, factors: Float64Array): number {
  const k = Math.floor(idx / plane);
  return acq.backgroundPhotons + factors[k] * (acq.peakPhotons * density[idx] + (field ? acq.fieldPhotons * field[idx] : 0));
}

function record(lambda: number, acq: Acquisition, rng: Rng): number {
  const v = Math.round(acq.offset + acq.gain * (rng.poisson(lambda) + acq.readNoise * rng.normal()));
  return v < 0 ? 0 : v > acq.maxValue ? acq.maxValue : v;
}

/** The whole noisy image, voxel by voxel in index order (so the result depends only on the stream). */
export function acquireVolume(density: Float32Array, field: Float32Array | undefined, dims: Vec3, acq: Acquisition, factors: Float64Array, rng: Rng, out: Uint8Array | Uint16Array): void {
  const plane = dims[0] * dims[1];
  for (let k = 0; k < dims[2]; k++) {
    const a = factors[k];
    const o = k * plane;
    const sig = a * acq.peakPhotons;
    const fld = a * acq.fieldPhotons;
    const { backgroundPhotons: b0, offset, gain, readNoise, maxValue } = acq;
    for (let i = 0; i < plane; i++) {
      const lambda = b0 + sig * density[o + i] + (field ? fld * field[o + i] : 0);
      const v = Math.round(offset + gain * (rng.poisson(lambda) + readNoise * rng.normal()));
      out[o + i] = v < 0 ? 0 : v > maxValue ? maxValue : v;
    }
  }
}

/** The same model at selected voxels only (calibration previews). */
export function acquireSamples(indices: Int32Array, density: Float32Array, field: Float32Array | undefined, dims: Vec3, acq: Acquisition, factors: Float64Array, rng: Rng): Int32Array {
  const plane = dims[0] * dims[1];
  const out = new Int32Array(indices.length);
  for (let q = 0; q < indices.length; q++) out[q] = record(expectedPhotons(indices[q], plane, density, field, acq, factors), acq, rng);
  return out;
}

/**
 * Slow autofluorescence: white noise on a coarse grid (cell = σ/2), Gaussian-smoothed by two
 * cells (so the field's correlation length is about σ), scaled to [0, 1] and trilinearly
 * interpolated to the voxel grid.
 */
export function smoothField(rng: Rng, dims: Vec3, spacing: Vec3, sigmaUm: number): Float32Array {
  const cell = sigmaUm / 2;
  const pad = 4;
  const g: Vec3 = [0, 1, 2].map((a) => Math.ceil(((dims[a] - 1) * spacing[a]) / cell) + 1 + 2 * pad) as Vec3;
  const coarse = new Float32Array(g[0] * g[1] * g[2]);
  for (let i = 0; i < coarse.length; i++) coarse[i] = rng.normal();
  const sm = gaussianBlur(coarse, g, [2, 2, 2]);
  // range over the cells the image actually samples
  let lo = Infinity, hi = -Infinity;
  for (let z = pad; z < g[2] - pad; z++) for (let y = pad; y < g[1] - pad; y++) for (let x = pad; x < g[0] - pad; x++) {
    const v = sm[(z * g[1] + y) * g[0] + x];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const span = hi > lo ? hi - lo : 1;
  const [nx, ny, nz] = dims;
  const out = new Float32Array(nx * ny * nz);
  const cx = new Int32Array(nx), fx = new Float64Array(nx);
  for (let x = 0; x < nx; x++) {
    const c = pad + (x * spacing[0]) / cell;
    cx[x] = Math.floor(c);
    fx[x] = c - cx[x];
  }
  for (let z = 0; z < nz; z++) {
    const cz = pad + (z * spacing[2]) / cell;
    const z0 = Math.floor(cz), tz = cz - z0;
    for (let y = 0; y < ny; y++) {
      const cy = pad + (y * spacing[1]) / cell;
      const y0 = Math.floor(cy), ty = cy - y0;
      const r00 = (z0 * g[1] + y0) * g[0], r01 = (z0 * g[1] + y0 + 1) * g[0];
      const r10 = ((z0 + 1) * g[1] + y0) * g[0], r11 = ((z0 + 1) * g[1] + y0 + 1) * g[0];
      const o = (z * ny + y) * nx;
      for (let x = 0; x < nx; x++) {
        const i = cx[x], t = fx[x];
        const a = (sm[r00 + i] * (1 - t) + sm[r00 + i + 1] * t) * (1 - ty) + (sm[r01 + i] * (1 - t) + sm[r01 + i + 1] * t) * ty;
        const b = (sm[r10 + i] * (1 - t) + sm[r10 + i + 1] * t) * (1 - ty) + (sm[r11 + i] * (1 - t) + sm[r11 + i + 1] * t) * ty;
        const v = ((a * (1 - tz) + b * tz) - lo) / span;
        out[o + x] = v < 0 ? 0 : v > 1 ? 1 : v;
      }
    }
  }
  return out;
}
