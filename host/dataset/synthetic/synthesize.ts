/**
 * One synthetic image with its exact gold standard: morphology → brightness → distractors →
 * partial-volume density → PSF → background → SNR-calibrated Poisson–Gaussian acquisition.
 * Everything is drawn from named sub-streams of one per-image PRNG, so an image depends only on
 * (dataset seed, index, preset, dims, bit depth, SWC input) and never on what ran before it.
 */
import { NeurotraceError } from '../../core/errors.js';
import type { ImageStack, Vec3 } from '../../core/volume.js';
import type { Tree } from '../../morph/tree.js';
import { Rng } from '../rng.js';
import { centerlineIndices, measureSnrAt, nearTreeMask, robustLocationScale, snrFromStats, type SnrMeasurement } from '../snr.js';
import { arborAppearance, treePrimitives } from './appearance.js';
import { makeDistractors } from './distractors.js';
import { growNeuron, morphologyFromSwc, round4, toMicronTree, toVoxelTree, type Morphology, type MorphologyKind } from './morphology.js';
import { acquireSamples, acquireVolume, expectedPhotons, sliceFactors, smoothField, type Acquisition } from './noise.js';
import { COMMON, type LevelSpec } from './presets.js';
import { gaussianBlur, renderDensity } from './render.js';
import { solvePeakPhotons } from './calibrate.js';

export const GENERATOR_NAME = 'neurotrace-synthetic';
/** Bump when a change makes the same seed give different images. */
export const GENERATOR_VERSION = 1;

export interface SynthesisRequest {
  datasetSeed: number;
  index: number;
  level: LevelSpec;
  morphology: MorphologyKind;
  dims: Vec3;
  bitDepth: 8 | 16;
  /** A real reconstruction to use instead of the growth model. */
  swc?: { tree: Tree; name: string; units: 'micron' | 'voxel'; voxelUm?: Vec3 };
}

export interface SynthesisResult {
  stack: ImageStack;
  /** Gold in 0-based voxel coordinates (voxel centres at integers), radius in x voxels. */
  gold: Tree;
  goldMicron: Tree;
  seed: Vec3;
  snrTarget: number;
  measured: SnrMeasurement;
  params: Record<string, unknown>;
}

/** Background voxels drawn for calibration previews (enough for a ±1 % σ estimate). */
const BG_PREVIEW = 60_000;

const r4 = round4;
const percentile = (values: Float64Array, q: number): number => {
  const s = Float64Array.from(values).sort();
  return s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))];
};

export function synthesizeImage(req: SynthesisRequest): SynthesisResult {
  const { dims, level } = req;
  const rng = Rng.derive(GENERATOR_NAME, GENERATOR_VERSION, req.datasetSeed, req.index);

  // geometry and acquisition settings for this image
  const ra = rng.fork('settings');
  const sxy = Math.round(ra.range(COMMON.voxelXYUm) * 1000) / 1000;
  const zRatio = ra.range(level.zRatio);
  const spacing: Vec3 = [sxy, sxy, Math.round(sxy * zRatio * 1000) / 1000];
  const snrTarget = Math.round(ra.range(level.snr) * 100) / 100;
  const B0 = ra.range(level.backgroundPhotons);
  const readNoise = ra.range(COMMON.readNoisePhotons);
  const maxValue = req.bitDepth === 8 ? 255 : 4095;
  const offset = Math.round(ra.range(req.bitDepth === 8 ? COMMON.offset8 : COMMON.offset16));
  const fieldRequested = ra.range(level.field);
  const fieldSigmaUm = ra.range(COMMON.fieldSigmaUm);
  const attenuationUm = ra.range(level.attenuationUm);
  const bleachPerSlice = ra.range(level.bleachPerSlice);
  const psf: Vec3 = [level.psfXY, level.psfXY, level.psfZ];

  const boxUm: Vec3 = [(dims[0] - 1) * spacing[0], (dims[1] - 1) * spacing[1], (dims[2] - 1) * spacing[2]];
  const fov = Math.min(boxUm[0], boxUm[1]) / 100;
  let morph: Morphology;
  let kind: MorphologyKind | 'swc';
  if (req.swc) {
    morph = morphologyFromSwc(req.swc.tree, req.swc.name, rng.fork('morphology'), boxUm, spacing, { units: req.swc.units, swcVoxelUm: req.swc.voxelUm });
    kind = 'swc';
  } else {
    morph = growNeuron(rng.fork('morphology'), req.morphology, boxUm, spacing);
    kind = req.morphology;
  }
  const look = arborAppearance(rng.fork('appearance'), morph.nodes, level, kind, fov);
  const distract = makeDistractors(rng.fork('distractors'), morph.nodes, level, boxUm, spacing, fov);
  const prims = [...treePrimitives(morph.nodes, look.brightness), ...look.varicosities, ...distract.primitives];
  const density = gaussianBlur(renderDensity(prims, dims, spacing), dims, psf);

  const header = [
    `neurotrace synthetic gold standard (${GENERATOR_NAME} v${GENERATOR_VERSION}), dataset seed ${req.datasetSeed}, image ${req.index}, level ${level.level}, morphology ${kind}`,
  ];
  const gold = toVoxelTree(morph, spacing, [...header,
    'units: voxel, 0-based (x column, y row, z slice); voxel centres at integer coordinates, no half-voxel shift; radius in x voxels',
    `voxel size (um): ${spacing.join(' ')}`]);
  const goldMicron = toMicronTree(morph, [...header, 'units: micron; voxel (i,j,k) has its centre at (i*sx, j*sy, k*sz)', `voxel size (um): ${spacing.join(' ')}`]);

  // where SNR is measured: the gold centre line, and background away from it (zScale per snr.ts)
  const zScale = psf[0] / psf[2];
  const fgIdx = centerlineIndices(gold, dims);
  const near = nearTreeMask(gold, dims, zScale);
  const bgIdx = sampleBackground(rng.fork('background-sample'), near, BG_PREVIEW);
  if (fgIdx.length === 0 || bgIdx.length === 0) {
    throw new NeurotraceError(`synthetic image ${req.index}: the neuron leaves no background voxels in a ${dims.join('×')} image; use larger --dims`);
  }

  const factors = sliceFactors(dims[2], spacing[2], { attenuationUm, bleachPerSlice });
  const plane = dims[0] * dims[1];
  const fgDensity = new Float64Array(fgIdx.length);
  for (let q = 0; q < fgIdx.length; q++) fgDensity[q] = factors[Math.floor(fgIdx[q] / plane)] * density[fgIdx[q]];
  const peakRef = percentile(fgDensity, 0.99);

  let field: Float32Array | undefined;
  let fieldAmplitude = fieldRequested;
  if (fieldRequested > 0) {
    field = smoothField(rng.fork('field'), dims, spacing, fieldSigmaUm);
    // The slow field alone must not cap SNR below twice the target, or no photon budget can reach it.
    const noiseFree = (amp: number) => {
      const acq = plan(1, amp, 1);
      const fg = Float64Array.from(fgIdx, (i) => expectedPhotons(i, plane, density, field, acq, factors));
      const bg = Float64Array.from(bgIdx, (i) => expectedPhotons(i, plane, density, field, acq, factors));
      const f = robustLocationScale(fg, false), b = robustLocationScale(bg, false);
      return (f.median - b.median) / b.sigma;
    };
    const ceiling = noiseFree(fieldAmplitude);
    if (ceiling < 2 * snrTarget) fieldAmplitude *= ceiling / (2 * snrTarget);
  }

  function plan(P: number, amp: number, b0 = B0): Acquisition {
    const acq: Acquisition = {
      peakPhotons: P, backgroundPhotons: b0, fieldPhotons: amp * P * peakRef, readNoise, gain: 1, offset, maxValue, attenuationUm, bleachPerSlice,
    };
    // the 99th percentile of the centre line plus 3σ of its noise lands at 90 % of the ADC range
    const lam = Float64Array.from(fgIdx, (i) => expectedPhotons(i, plane, density, field, acq, factors));
    const hi = percentile(lam, 0.99);
    acq.gain = (0.9 * maxValue - offset) / (hi + 3 * Math.sqrt(hi + readNoise * readNoise));
    return acq;
  }

  // preview SNR on the centre line and a background sample, with common random numbers across P
  const preview = (P: number) => {
    const acq = plan(P, fieldAmplitude);
    const stream = rng.fork('preview');
    const fg = acquireSamples(fgIdx, density, field, dims, acq, factors, stream);
    const bg = acquireSamples(bgIdx, density, field, dims, acq, factors, stream);
    return snrFromStats(robustLocationScale(fg, true), robustLocationScale(bg, true), fg.length, bg.length).snr;
  };
  const solve = (target: number) => {
    const medianSignal = percentile(fgDensity, 0.5) || peakRef || 1;
    return solvePeakPhotons(target, preview, Math.max(0.05, (target * Math.sqrt(B0 + readNoise * readNoise)) / medianSignal));
  };

  const bits = req.bitDepth;
  const acquire = (P: number, streamName: string) => {
    const acq = plan(P, fieldAmplitude);
    const data = bits === 8 ? new Uint8Array(density.length) : new Uint16Array(density.length);
    acquireVolume(density, field, dims, acq, factors, rng.fork(streamName), data);
    const measured = measureSnrAt({ data, dims, spacing }, fgIdx, near);
    if (!measured) throw new NeurotraceError(`synthetic image ${req.index}: the neuron leaves no background voxels in a ${dims.join('×')} image; use larger --dims`);
    return { acq, data, measured };
  };

  let sol = solve(snrTarget);
  let shot = acquire(sol.P, 'noise');
  let retried = false;
  if (Math.abs(shot.measured.snr / snrTarget - 1) > 0.15) {
    // the preview misjudged (usually saturation or a sparse background); aim off by the error once
    const again = solve(snrTarget * (snrTarget / shot.measured.snr));
    const second = acquire(again.P, 'noise-retry');
    retried = true;
    if (Math.abs(second.measured.snr / snrTarget - 1) < Math.abs(shot.measured.snr / snrTarget - 1)) {
      shot = second;
      sol = again;
    }
  }

  const soma = gold.nodes[0];
  const stack: ImageStack = { dtype: bits === 8 ? 'uint8' : 'uint16', dims, channels: 1, data: shot.data, spacing, unit: 'micron' };
  let saturated = 0;
  for (let i = 0; i < shot.data.length; i++) if (shot.data[i] === maxValue) saturated++;
  return {
    stack, gold, goldMicron, seed: [soma.x, soma.y, soma.z], snrTarget, measured: shot.measured,
    params: {
      voxelUm: spacing, zRatio: r4(spacing[2] / spacing[0]), boxUm: boxUm.map(r4), psfSigmaVoxels: psf,
      morphology: morph.params,
      appearance: { ...look.params, gaps: look.gaps, dimStretches: look.dimStretches, varicosities: look.varicosities.length },
      distractors: { fibres: distract.fibres, blobs: distract.blobs },
      acquisition: {
        peakPhotons: r4(shot.acq.peakPhotons), backgroundPhotons: r4(B0), fieldAmplitudeRequested: r4(fieldRequested),
        fieldAmplitude: r4(fieldAmplitude), fieldPhotons: r4(shot.acq.fieldPhotons), fieldSigmaUm: r4(fieldSigmaUm),
        readNoisePhotons: r4(readNoise), gain: r4(shot.acq.gain), offset, maxValue, bitDepth: bits,
        ...(Number.isFinite(attenuationUm) ? { attenuationUm: r4(attenuationUm) } : {}), bleachPerSlice: r4(bleachPerSlice),
        saturatedFraction: r4(saturated / shot.data.length),
      },
      calibration: { previewEvaluations: sol.evaluations, previewSnr: r4(sol.snr), retried, snrZScale: r4(zScale) },
    },
  };
}

/** Indices of up to n background voxels, drawn uniformly with replacement (rejection on the mask). */
function sampleBackground(rng: Rng, near: Uint8Array, n: number): Int32Array {
  let free = 0;
  for (let i = 0; i < near.length; i++) if (!near[i]) free++;
  if (free === 0) return new Int32Array(0);
  const out = new Int32Array(Math.min(n, free));
  for (let q = 0; q < out.length;) {
    const i = Math.floor(rng.float() * near.length);
    if (!near[i]) out[q++] = i;
  }
  return out;
}
