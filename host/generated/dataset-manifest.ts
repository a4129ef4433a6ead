/* Generated from schemas/dataset-manifest.schema.json by scripts/gen-types.mjs. Do not edit. */

/**
 * A path relative to the dataset folder.
 */
export type RelativePath = string;
/**
 * [x, y, z] voxels.
 *
 * @minItems 3
 * @maxItems 3
 */
export type Dims = [number, number, number];
/**
 * Voxel size [x, y, z], µm unless spacingKnown is false.
 *
 * @minItems 3
 * @maxItems 3
 */
export type PositiveVec3 = [number, number, number];
/**
 * Seed/root point (the soma), 0-based voxel coordinates.
 *
 * @minItems 3
 * @maxItems 3
 */
export type Vec3 = [number, number, number];

/**
 * <dataset>/dataset.json: the images of a benchmark dataset, their gold standards and how each was made. Paths are relative to the dataset folder, with '/' separators.
 */
export interface DatasetManifest {
  $schema?: string;
  manifestVersion: 1;
  name: string;
  description?: string;
  createdBy: CreatedBy;
  images: DatasetImage[];
}
export interface CreatedBy {
  tool: 'neurotrace';
  version: string;
  command: 'generate' | 'demo' | 'import';
  /**
   * The options the dataset was made with (enough to make it again).
   */
  options?: {
    [k: string]: unknown;
  };
}
export interface DatasetImage {
  /**
   * Unique within the dataset; used in run records and reports.
   */
  id: string;
  image: RelativePath;
  /**
   * A path relative to the dataset folder.
   */
  gold?: string;
  /**
   * A path relative to the dataset folder.
   */
  goldMicron?: string;
  dims: Dims;
  channels: number;
  dtype: 'uint8' | 'uint16' | 'float32';
  spacing: PositiveVec3;
  /**
   * false when no voxel size was found or given, so spacing is the placeholder [1, 1, 1].
   */
  spacingKnown?: boolean;
  seed?: Vec3;
  /**
   * Of the image file.
   */
  sha256: string;
  goldSha256?: string;
  /**
   * SNR_local measured on the image against the gold: (median centre line − median background) / robust σ of background.
   */
  snr?: number;
  /**
   * (median centre line − median background) / √(σ_fg² + σ_bg²), robust σ.
   */
  cnr?: number;
  intensity?: IntensityStats;
  source: SyntheticSource | ImportSource;
}
/**
 * The numbers behind snr/cnr, in the image's own units.
 */
export interface IntensityStats {
  foreground: number;
  background: number;
  noiseSigma: number;
  foregroundSigma: number;
  foregroundVoxels: number;
  backgroundVoxels: number;
}
export interface SyntheticSource {
  kind: 'synthetic';
  generator: string;
  generatorVersion: number;
  /**
   * PRNG algorithm and how image streams are derived from the dataset seed.
   */
  rng: string;
  datasetSeed: number;
  index: number;
  preset: string;
  level: 'L0' | 'L1' | 'L2' | 'L3' | 'L4';
  morphology: 'dendrite' | 'axon' | 'swc';
  snrTarget: number;
  /**
   * Every sampled generator parameter (geometry, brightness, acquisition, gaps and distractors).
   */
  params: {
    [k: string]: unknown;
  };
}
export interface ImportSource {
  kind: 'import';
  layout: 'gold166' | 'diadem' | 'flat';
  /**
   * The original image file, or the folder of slices for a DIADEM stack (absolute path at import time).
   */
  image: string;
  /**
   * Number of slice files assembled (diadem).
   */
  slices?: number;
  /**
   * The original gold SWC (absolute path at import time).
   */
  gold?: string;
  /**
   * Units of the original gold SWC; micron files are converted to voxels with spacing.
   */
  goldUnits?: 'voxel' | 'micron';
  /**
   * Where the voxel size came from.
   */
  spacingFrom?: 'image' | 'option' | 'table' | 'default';
  seedFrom?: 'gold-root' | 'option' | 'table' | 'centre' | 'none';
  /**
   * How the image got into the dataset folder.
   */
  transfer?: 'copy' | 'link' | 'assembled';
}
