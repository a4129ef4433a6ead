/**
 * `dataset generate`: a folder of synthetic images with exact gold standards and a manifest.
 *
 * Layout written:
 *   dataset.json            the manifest (schemas/dataset-manifest.schema.json)
 *   images/<id>.tif         8- or 16-bit stack with voxel size (or .v3draw + voxel_sizes.csv)
 *   gold/<id>.swc           gold in 0-based voxel coordinates, as tracers write them
 *   gold/<id>.um.swc        the same tree in µm
 * The same options give byte-identical files, whatever folder they are written to.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { NeurotraceError, UsageError } from '../../core/errors.js';
import { sha256File } from '../../core/hash.js';
import { hostVersion } from '../../core/paths.js';
import type { Vec3 } from '../../core/volume.js';
import { writeImage } from '../../io/write-image.js';
import { readSwc, writeSwc } from '../../io/swc.js';
import { writeTextFileAtomic } from '../../io/text-file.js';
import type { Tree } from '../../morph/tree.js';
import { manifestPath, measurementFields, readDatasetManifest, removeListedFiles, writeDatasetManifest, type DatasetImage, type DatasetManifest } from '../manifest.js';
import { RNG_ALGORITHM } from '../rng.js';
import { parsePreset } from './presets.js';
import { plannedThreads, synthesizeAll } from './pool.js';
import { GENERATOR_NAME, GENERATOR_VERSION, type SynthesisRequest } from './synthesize.js';

export interface GenerateOptions {
  count: number;
  seed: number;
  preset: string;
  format?: 'tif' | 'v3draw';
  bitDepth?: 8 | 16;
  /** [x, y, z] voxels; default 256×256×96. */
  dims?: Vec3;
  /** A real reconstruction to use as the morphology of every image (augmented per image). */
  fromSwc?: string;
  /** Units of fromSwc: µm (NeuroMorpho, the default) or voxels of size swcVoxelUm. */
  swcUnits?: 'micron' | 'voxel';
  swcVoxelUm?: Vec3;
  /** Replace an existing dataset.json in dir (default: refuse). */
  overwrite?: boolean;
  signal?: AbortSignal;
  /** Worker threads to use at most (default 2; 1 = this thread only). */
  threads?: number;
  /** Called after each image is written. */
  onImage?: (done: number, total: number, id: string) => void;
}

export const DEFAULT_DIMS: Vec3 = [256, 256, 96];
export const DEMO_DIMS: Vec3 = [128, 128, 48];
const MIN_DIMS: Vec3 = [32, 32, 8];
const MAX_DIM = 4096;

function checkOptions(opts: GenerateOptions): Vec3 {
  if (!Number.isInteger(opts.count) || opts.count < 1 || opts.count > 100_000) {
    throw new UsageError(`--count ${opts.count} must be an integer from 1 to 100000`);
  }
  if (!Number.isSafeInteger(opts.seed) || opts.seed < 0) throw new UsageError(`--seed ${opts.seed} must be a non-negative integer`);
  const dims = opts.dims ?? DEFAULT_DIMS;
  if (dims.length !== 3 || dims.some((d, a) => !Number.isInteger(d) || d < MIN_DIMS[a] || d > MAX_DIM)) {
    throw new UsageError(`--dims ${dims.join('x')} must be three integers XxYxZ with X, Y ≥ 32, Z ≥ 8 and each ≤ ${MAX_DIM}`);
  }
  if (dims[0] * dims[1] * dims[2] > 2 ** 30) throw new UsageError(`--dims ${dims.join('x')} is too large for one synthetic image (at most 2^30 voxels)`);
  if (opts.format !== undefined && opts.format !== 'tif' && opts.format !== 'v3draw') throw new UsageError(`--format '${opts.format}' must be tif or v3draw`);
  if (opts.bitDepth !== undefined && opts.bitDepth !== 8 && opts.bitDepth !== 16) throw new UsageError(`--bit-depth ${opts.bitDepth} must be 8 or 16`);
  if (opts.swcVoxelUm && !opts.swcVoxelUm.every((v) => Number.isFinite(v) && v > 0)) throw new UsageError('--swc-voxel-size must be three positive numbers');
  return [...dims] as Vec3;
}

async function loadSwc(path: string): Promise<{ tree: Tree; sha256: string }> {
  const tree = await readSwc(path);
  if (tree.nodes.length < 2) throw new NeurotraceError(`${path}: needs at least two nodes to be used as a morphology (has ${tree.nodes.length})`);
  return { tree, sha256: await sha256File(path) };
}

export async function generateDataset(dir: string, opts: GenerateOptions): Promise<DatasetManifest> {
  return generate(dir, opts, 'generate');
}

/**
 * A few small images (128×128×48, easy level, both morphologies) for `neurotrace demo` and for
 * tests of downstream tools: about a second for three images.
 */
export async function generateDemoDataset(dir: string, opts: { count?: number; seed?: number; overwrite?: boolean } = {}): Promise<DatasetManifest> {
  // re-running a demo in the same folder replaces the previous demo dataset, never a real one
  let overwrite = opts.overwrite;
  if (overwrite === undefined && existsSync(manifestPath(dir))) {
    overwrite = await readDatasetManifest(dir).then((m) => m.createdBy.command === 'demo', () => false);
  }
  return generate(dir, { count: opts.count ?? 3, seed: opts.seed ?? 1, preset: 'easy', dims: DEMO_DIMS, overwrite }, 'demo');
}

async function generate(dir: string, opts: GenerateOptions, command: 'generate' | 'demo'): Promise<DatasetManifest> {
  const dims = checkOptions(opts);
  const preset = parsePreset(opts.preset);
  const format = opts.format ?? 'tif';
  const bitDepth = opts.bitDepth ?? 8;
  if (existsSync(manifestPath(dir)) && !opts.overwrite) {
    throw new UsageError(`${manifestPath(dir)} already exists; choose an empty folder or pass --overwrite`);
  }
  const swc = opts.fromSwc ? await loadSwc(opts.fromSwc) : undefined;
  if (opts.overwrite) {
    await removeListedFiles(dir);
    await rm(join(dir, 'voxel_sizes.csv'), { force: true });
  }
  try {
    await mkdir(join(dir, 'images'), { recursive: true });
    await mkdir(join(dir, 'gold'), { recursive: true });
  } catch (e) {
    throw new NeurotraceError(`${dir}: cannot create the dataset folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const width = Math.max(3, String(opts.count).length);
  const images: DatasetImage[] = [];
  const sizes: string[] = ['id,x_um,y_um,z_um'];
  const requests: SynthesisRequest[] = Array.from({ length: opts.count }, (_, index) => ({
    datasetSeed: opts.seed, index, level: preset.levelFor(index), morphology: preset.morphologyFor(index), dims, bitDepth,
    swc: swc && opts.fromSwc ? { tree: swc.tree, name: basename(opts.fromSwc), units: opts.swcUnits ?? 'micron', voxelUm: opts.swcVoxelUm } : undefined,
  }));
  const threads = plannedThreads(requests.length, dims[0] * dims[1] * dims[2], opts.threads);
  let index = 0;
  for await (const r of synthesizeAll(requests, threads, opts.signal)) {
    const req = requests[index];
    const id = `syn-${String(index + 1).padStart(width, '0')}`;
    const image = `images/${id}.${format}`;
    const gold = `gold/${id}.swc`;
    const goldMicron = `gold/${id}.um.swc`;
    await writeImage(join(dir, image), r.stack);
    await writeSwc(join(dir, gold), r.gold);
    await writeSwc(join(dir, goldMicron), r.goldMicron);
    images.push({
      id, image, gold, goldMicron, dims, channels: 1, dtype: r.stack.dtype, spacing: r.stack.spacing, seed: r.seed,
      sha256: await sha256File(join(dir, image)), goldSha256: await sha256File(join(dir, gold)),
      ...measurementFields(r.measured),
      source: {
        kind: 'synthetic', generator: GENERATOR_NAME, generatorVersion: GENERATOR_VERSION, rng: RNG_ALGORITHM, datasetSeed: opts.seed, index,
        preset: preset.name, level: req.level.level, morphology: swc ? 'swc' : req.morphology, snrTarget: r.snrTarget, params: r.params,
      },
    });
    sizes.push(`${id},${r.stack.spacing.join(',')}`);
    index++;
    opts.onImage?.(index, opts.count, id);
  }
  // .v3draw cannot carry a voxel size: keep it beside the images too, as BigNeuron does
  if (format === 'v3draw') await writeTextFileAtomic(join(dir, 'voxel_sizes.csv'), sizes.join('\n') + '\n');
  const manifest: DatasetManifest = {
    manifestVersion: 1,
    name: `synthetic-${preset.name}-seed${opts.seed}`,
    description: `${opts.count} synthetic neuron image${opts.count === 1 ? '' : 's'} (${preset.name}) with exact gold standards in 0-based voxel coordinates`,
    createdBy: {
      tool: 'neurotrace', version: hostVersion(), command,
      options: {
        count: opts.count, seed: opts.seed, preset: preset.name, format, bitDepth, dims,
        ...(swc && opts.fromSwc ? { fromSwc: basename(opts.fromSwc), fromSwcSha256: swc.sha256, swcUnits: opts.swcUnits ?? 'micron' } : {}),
        ...(opts.swcVoxelUm ? { swcVoxelUm: opts.swcVoxelUm } : {}),
      },
    },
    images,
  };
  await writeDatasetManifest(dir, manifest);
  return manifest;
}
