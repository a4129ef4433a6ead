/**
 * dataset.json: read (with schema validation), write (atomically, byte-stable) and resolve the
 * files an entry points to. The type comes from schemas/dataset-manifest.schema.json.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { existsSync, readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { FileFormatError, NeurotraceError } from '../core/errors.js';
import { packageRoot } from '../core/paths.js';
import { sha256File } from '../core/hash.js';
import { writeTextFileAtomic } from '../io/text-file.js';
import { jsonPath } from '../registry/manifest-validator.js';
import type { DatasetImage, DatasetManifest } from '../generated/dataset-manifest.js';
import type { SnrMeasurement } from './snr.js';

export type { DatasetImage, DatasetManifest } from '../generated/dataset-manifest.js';

export const DATASET_MANIFEST = 'dataset.json';

let validateFn: ReturnType<Ajv2020['compile']> | undefined;

function validator() {
  if (!validateFn) {
    const schema = JSON.parse(readFileSync(join(packageRoot(), 'schemas', 'dataset-manifest.schema.json'), 'utf8'));
    validateFn = new Ajv2020({ allErrors: false, strict: false }).compile(schema);
  }
  return validateFn;
}

/** The first schema violation as "$.images[2].dims: must NOT have fewer than 3 items", or undefined. */
export function datasetManifestProblem(raw: unknown): string | undefined {
  const validate = validator();
  if (validate(raw)) {
    const m = raw as DatasetManifest;
    const seen = new Map<string, number>();
    for (const [i, img] of m.images.entries()) {
      const prev = seen.get(img.id);
      if (prev !== undefined) return `$.images[${i}].id: '${img.id}' is also the id of images[${prev}]`;
      seen.set(img.id, i);
    }
    return undefined;
  }
  const errs = validate.errors ?? [];
  // a failed oneOf (source) reports every branch; the branch matching the declared kind says most
  const e = errs.find((x) => x.keyword !== 'oneOf' && x.keyword !== 'const') ?? errs[0];
  let path = jsonPath(e.instancePath);
  let reason = e.message ?? 'is invalid';
  if (e.keyword === 'required') {
    path = `${path}.${(e.params as { missingProperty: string }).missingProperty}`;
    reason = 'is required';
  } else if (e.keyword === 'additionalProperties') {
    path = `${path}.${(e.params as { additionalProperty: string }).additionalProperty}`;
    reason = 'is not an allowed property';
  } else if (e.keyword === 'enum') {
    reason = `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return `${path} ${reason}`;
}

export function manifestPath(dir: string): string {
  return join(dir, DATASET_MANIFEST);
}

/** Reads and validates <dir>/dataset.json; errors name the file and the JSON path. */
export async function readDatasetManifest(dir: string): Promise<DatasetManifest> {
  const file = manifestPath(dir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new FileFormatError(file, existsSync(dir) ? 'no dataset manifest here (make one with `neurotrace dataset generate` or `dataset import`)' : 'the dataset folder does not exist');
    }
    throw new FileFormatError(file, `cannot read: ${code ?? (e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new FileFormatError(file, `not valid JSON (${(e as Error).message.split('\n')[0]})`);
  }
  const problem = datasetManifestProblem(raw);
  if (problem) throw new FileFormatError(file, problem);
  return raw as DatasetManifest;
}

/** Validates, then writes <dir>/dataset.json atomically with stable formatting (2-space JSON, trailing newline). */
export async function writeDatasetManifest(dir: string, m: DatasetManifest): Promise<void> {
  const problem = datasetManifestProblem(m);
  if (problem) throw new NeurotraceError(`${manifestPath(dir)}: refusing to write an invalid manifest: ${problem}`);
  await writeTextFileAtomic(manifestPath(dir), JSON.stringify(m, null, 2) + '\n');
}

export interface ResolvedImagePaths {
  image: string;
  gold?: string;
  goldMicron?: string;
}

function resolveInside(dir: string, rel: string, what: string, id: string): string {
  const abs = resolve(dir, rel);
  const back = relative(resolve(dir), abs);
  if (back.startsWith('..') || isAbsolute(back)) {
    throw new FileFormatError(manifestPath(dir), `image '${id}': ${what} path '${rel}' points outside the dataset folder`);
  }
  return abs;
}

/** Absolute paths of an entry's image and gold files (they must stay inside the dataset folder). */
export function resolveImagePaths(dir: string, entry: DatasetImage): ResolvedImagePaths {
  return {
    image: resolveInside(dir, entry.image, 'image', entry.id),
    gold: entry.gold === undefined ? undefined : resolveInside(dir, entry.gold, 'gold', entry.id),
    goldMicron: entry.goldMicron === undefined ? undefined : resolveInside(dir, entry.goldMicron, 'goldMicron', entry.id),
  };
}

/** A path under the dataset folder in the manifest's form ('/' separators). */
export function toManifestPath(dir: string, abs: string): string {
  return relative(dir, abs).split(sep).join('/');
}

/** Checks that an entry's image file still has the recorded sha256; throws naming the file if not. */
export async function verifyImageHash(dir: string, entry: DatasetImage): Promise<void> {
  const { image } = resolveImagePaths(dir, entry);
  let actual: string;
  try {
    actual = await sha256File(image);
  } catch (e) {
    throw new FileFormatError(image, `cannot read image of '${entry.id}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (actual !== entry.sha256) throw new FileFormatError(image, `sha256 ${actual.slice(0, 12)}… does not match the manifest's ${entry.sha256.slice(0, 12)}… (the file changed after the dataset was made)`);
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;

/** The snr/cnr/intensity fields of an entry from a measurement (non-finite numbers are left out). */
export function measurementFields(m: SnrMeasurement | undefined): Pick<DatasetImage, 'snr' | 'cnr' | 'intensity'> {
  if (!m) return {};
  const out: Pick<DatasetImage, 'snr' | 'cnr' | 'intensity'> = {};
  if (Number.isFinite(m.snr)) out.snr = round3(m.snr);
  if (Number.isFinite(m.cnr)) out.cnr = round3(m.cnr);
  if ([m.foreground, m.background, m.noiseSigma, m.foregroundSigma].every(Number.isFinite)) {
    out.intensity = {
      foreground: round3(m.foreground), background: round3(m.background), noiseSigma: round3(m.noiseSigma),
      foregroundSigma: round3(m.foregroundSigma), foregroundVoxels: m.foregroundVoxels, backgroundVoxels: m.backgroundVoxels,
    };
  }
  return out;
}

/**
 * Before a dataset is replaced (--overwrite): deletes the image and gold files the old manifest
 * lists, so a smaller or differently formatted new dataset leaves no stale files. An unreadable
 * old manifest is left alone; its files are then simply overwritten by name.
 */
export async function removeListedFiles(dir: string): Promise<void> {
  let old: DatasetManifest;
  try {
    old = await readDatasetManifest(dir);
  } catch {
    return;
  }
  for (const e of old.images) {
    let p: ResolvedImagePaths;
    try {
      p = resolveImagePaths(dir, e);
    } catch {
      continue;
    }
    for (const f of [p.image, p.gold, p.goldMicron]) if (f) await rm(f, { force: true });
  }
}
