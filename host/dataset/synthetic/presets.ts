/**
 * Difficulty ladder L0–L4 (synthetic_data.md §3) and the preset names users type.
 *
 * A preset is a morphology and a difficulty joined by '-', in either order, each optional:
 *   L0..L4 or clean | easy | medium | hard | extreme, or ladder (image i gets level i mod 5);
 *   dendrite | axon | mixed (alternating per image).
 * "hard", "axon-L1", "ladder-dendrite" are all presets; the default is "ladder" (mixed).
 */
import { UsageError } from '../../core/errors.js';
import type { MorphologyKind } from './morphology.js';

type Range = readonly [number, number];

export interface LevelSpec {
  level: 'L0' | 'L1' | 'L2' | 'L3' | 'L4';
  name: string;
  /** SNR_local target (see snr.ts), sampled uniformly. */
  snr: Range;
  /** z voxel size / xy voxel size. */
  zRatio: Range;
  /** Gaussian PSF σ in voxels, x/y and z. */
  psfXY: number;
  psfZ: number;
  /** Probability that a branch carries gaps (label discontinuities). */
  gapProbability: Range;
  /** Probability that a branch has one dim stretch (brightness × 0.3–0.6). */
  dimProbability: number;
  fibres: Range;
  blobs: Range;
  /** Background field amplitude as a fraction of the neuron's peak signal. */
  field: Range;
  /** Depth attenuation length ℓ (µm); [Infinity, Infinity] = none. */
  attenuationUm: Range;
  bleachPerSlice: Range;
  /** B0 in photons. */
  backgroundPhotons: Range;
  /** σ of the per-branch log-normal brightness factor. */
  branchSigmaLog: Range;
  /** σ of the along-arc log-brightness process. */
  arcSigma: Range;
}

const INF: Range = [Infinity, Infinity];

export const LEVELS: readonly LevelSpec[] = [
  {
    level: 'L0', name: 'clean', snr: [20, 40], zRatio: [1, 1], psfXY: 0.7, psfZ: 0.7, gapProbability: [0, 0], dimProbability: 0,
    fibres: [0, 0], blobs: [0, 0], field: [0, 0], attenuationUm: INF, bleachPerSlice: [0, 0], backgroundPhotons: [3, 6],
    branchSigmaLog: [0.1, 0.2], arcSigma: [0.1, 0.2],
  },
  {
    level: 'L1', name: 'easy', snr: [10, 20], zRatio: [1, 2], psfXY: 0.8, psfZ: 1.5, gapProbability: [0, 0.05], dimProbability: 0.1,
    fibres: [0, 1], blobs: [0, 0], field: [0, 0.1], attenuationUm: [300, 600], bleachPerSlice: [0, 0.001], backgroundPhotons: [5, 10],
    branchSigmaLog: [0.2, 0.3], arcSigma: [0.2, 0.3],
  },
  {
    level: 'L2', name: 'medium', snr: [5, 10], zRatio: [2, 3], psfXY: 1.0, psfZ: 2.5, gapProbability: [0.1, 0.2], dimProbability: 0.2,
    fibres: [1, 2], blobs: [0, 5], field: [0.1, 0.25], attenuationUm: [150, 300], bleachPerSlice: [0, 0.002], backgroundPhotons: [8, 15],
    branchSigmaLog: [0.2, 0.4], arcSigma: [0.2, 0.35],
  },
  {
    level: 'L3', name: 'hard', snr: [2, 5], zRatio: [3, 4], psfXY: 1.2, psfZ: 3.5, gapProbability: [0.2, 0.35], dimProbability: 0.3,
    fibres: [2, 3], blobs: [5, 15], field: [0.25, 0.4], attenuationUm: [80, 150], bleachPerSlice: [0.001, 0.003], backgroundPhotons: [10, 20],
    branchSigmaLog: [0.3, 0.5], arcSigma: [0.25, 0.4],
  },
  {
    level: 'L4', name: 'extreme', snr: [1, 2], zRatio: [4, 4], psfXY: 1.5, psfZ: 4.5, gapProbability: [0.35, 0.5], dimProbability: 0.4,
    fibres: [3, 3], blobs: [15, 20], field: [0.4, 0.5], attenuationUm: [50, 80], bleachPerSlice: [0.003, 0.005], backgroundPhotons: [15, 25],
    branchSigmaLog: [0.3, 0.5], arcSigma: [0.3, 0.4],
  },
];

/** Settings that do not depend on the level. */
export const COMMON = {
  /** xy voxel size range, µm (Gold166 median 0.35). */
  voxelXYUm: [0.3, 0.45] as Range,
  /** Read noise σ_r in photons. */
  readNoisePhotons: [0.5, 2] as Range,
  /** Detector offset in recorded units, for 8- and 16-bit output. */
  offset8: [4, 12] as Range,
  offset16: [60, 200] as Range,
  fieldSigmaUm: [10, 50] as Range,
  /** Varicosities per µm of arbor. */
  varicosityPerUmAxon: [0.05, 0.15] as Range,
  varicosityPerUmDendrite: [0, 0.04] as Range,
  /** Exponent of brightness ∝ (r / r_max)^γ. */
  thicknessGamma: [0, 0.5] as Range,
  arcCorrelationUm: [5, 20] as Range,
  fibreRadiusUm: [0.3, 1.0] as Range,
  fibreBrightness: [0.3, 1.2] as Range,
  blobRadiusUm: [2, 8] as Range,
  blobBrightness: [0.5, 3] as Range,
};

export interface Preset {
  name: string;
  levelFor(index: number): LevelSpec;
  morphologyFor(index: number): MorphologyKind;
}

const LEVEL_ALIASES = new Map<string, number>(LEVELS.flatMap((l, i) => [[l.level.toLowerCase(), i], [l.name, i]] as [string, number][]));
const MORPHS = ['dendrite', 'axon', 'mixed'] as const;

export const PRESET_HELP = 'L0..L4 | clean | easy | medium | hard | extreme | ladder, optionally joined with dendrite | axon | mixed (e.g. axon-hard)';

export function parsePreset(text: string): Preset {
  const parts = text.trim().toLowerCase().split(/[-+_]/).filter(Boolean);
  let level: number | 'ladder' | undefined;
  let morph: (typeof MORPHS)[number] | undefined;
  for (const p of parts) {
    if (p === 'ladder' || LEVEL_ALIASES.has(p)) {
      if (level !== undefined) throw new UsageError(`--preset '${text}' names two difficulty levels; use one of ${PRESET_HELP}`);
      level = p === 'ladder' ? 'ladder' : LEVEL_ALIASES.get(p)!;
    } else if ((MORPHS as readonly string[]).includes(p)) {
      if (morph !== undefined) throw new UsageError(`--preset '${text}' names two morphologies; use one of ${PRESET_HELP}`);
      morph = p as (typeof MORPHS)[number];
    } else {
      throw new UsageError(`--preset '${text}': unknown word '${p}'; use ${PRESET_HELP}`);
    }
  }
  if (parts.length === 0) throw new UsageError(`--preset is empty; use ${PRESET_HELP}`);
  const lv = level ?? 'ladder';
  const mo = morph ?? 'mixed';
  const name = `${mo}-${lv === 'ladder' ? 'ladder' : LEVELS[lv].level}`;
  return {
    name,
    levelFor: (i) => LEVELS[lv === 'ladder' ? i % LEVELS.length : lv],
    // alternating by index also alternates within each level of a ladder, as the ladder has an odd length
    morphologyFor: (i) => (mo !== 'mixed' ? mo : i % 2 === 0 ? 'dendrite' : 'axon'),
  };
}
