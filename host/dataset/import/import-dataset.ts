/**
 * `dataset import`: turns a folder of real images and gold SWCs (gold166, diadem or flat
 * layout) into a dataset folder with the same dataset.json as generated ones. Originals are
 * only read: images are copied (or hard-linked with link: true; DIADEM slice stacks are
 * assembled into one .tif), gold SWCs are copied verbatim, or converted to voxels when given in µm.
 */
import { constants as fsConstants, existsSync, statSync } from 'node:fs';
import { copyFile, link, mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, isAbsolute } from 'node:path';
import { randomBytes } from 'node:crypto';
import { CancelledError, NeurotraceError, UsageError } from '../../core/errors.js';
import { sha256File } from '../../core/hash.js';
import { hostVersion } from '../../core/paths.js';
import { channelOf, type ImageStack, type Vec3 } from '../../core/volume.js';
import { readImage } from '../../io/read-image.js';
import { readSwc, writeSwc } from '../../io/swc.js';
import { readTiffSeries } from '../../io/tiff-series.js';
import { micronsPerUnit } from '../../io/units.js';
import { writeImage } from '../../io/write-image.js';
import type { Tree } from '../../morph/tree.js';
import { parentIndex, preorder, roots } from '../../morph/tree-index.js';
import { assertValidTree } from '../../morph/validate.js';
import type { ImportSource } from '../../generated/dataset-manifest.js';
import { manifestPath, measurementFields, removeListedFiles, writeDatasetManifest, type DatasetImage, type DatasetManifest } from '../manifest.js';
import { measureSnr } from '../snr.js';
import { extOf, type Discovery, type ImportCandidate } from './candidate.js';
import { discoverDiadem } from './diadem.js';
import { discoverFlat } from './flat.js';
import { discoverGold166 } from './gold166.js';
import { lookup, readSeedTable, readVoxelSizeTable, type KeyedTable } from './tables.js';

export type ImportLayout = 'gold166' | 'diadem' | 'flat';
export const IMPORT_LAYOUTS: readonly ImportLayout[] = ['gold166', 'diadem', 'flat'];

/** root = the gold's root (the default), centre = the image centre, none = no seed. */
export type SeedPolicy = 'root' | 'centre' | 'none' | { point: Vec3 } | { table: string };

export interface ImportOptions {
  layout: ImportLayout;
  /** Voxel size in µm for every image (overrides what the files say). */
  voxelSize?: Vec3;
  /** CSV of per-image voxel sizes (see tables.ts); used where voxelSize is not given. */
  voxelTable?: string;
  /** Units of the gold SWCs (default voxel, 0-based, as BigNeuron's gold trees). */
  goldUnits?: 'voxel' | 'micron';
  seed?: SeedPolicy;
  /** Hard-link images into the dataset instead of copying (falls back to a copy across file systems). */
  link?: boolean;
  overwrite?: boolean;
  /** Measure SNR/CNR against the gold (default true; it reads every voxel once more). */
  measure?: boolean;
  signal?: AbortSignal;
  onImage?: (done: number, total: number, id: string) => void;
}

export interface ImportResult {
  manifest: DatasetManifest;
  warnings: string[];
}

const DISCOVER: Record<ImportLayout, (src: string) => Promise<Discovery>> = {
  gold166: discoverGold166,
  diadem: discoverDiadem,
  flat: discoverFlat,
};

const LAYOUT_HINT: Record<ImportLayout, string> = {
  gold166: 'one folder per image holding the image (.v3dpbd, .v3draw, .tif) and its .swc',
  diadem: 'folders of numbered slice TIFFs (1.tif = z 0) plus gold .swc files named after the stacks',
  flat: 'name.<image ext> + name.swc pairs in the folder itself',
};

/** A manifest id from a file or folder name: safe characters only, unique within the dataset. */
function makeIds(candidates: ImportCandidate[]): string[] {
  const used = new Set<string>();
  return candidates.map((c) => {
    let base = c.name.replace(/[^A-Za-z0-9_.+-]+/g, '_').replace(/^[^A-Za-z0-9]+/, '').slice(0, 120) || 'image';
    if (!/^[A-Za-z0-9]/.test(base)) base = `i${base}`;
    let id = base;
    for (let k = 2; used.has(id.toLowerCase()); k++) id = `${base}-${k}`;
    used.add(id.toLowerCase());
    return id;
  });
}

export async function importDataset(src: string, dir: string, opts: ImportOptions): Promise<ImportResult> {
  if (!IMPORT_LAYOUTS.includes(opts.layout)) throw new UsageError(`--layout '${opts.layout}' must be one of ${IMPORT_LAYOUTS.join(', ')}`);
  const srcAbs = resolve(src);
  const dirAbs = resolve(dir);
  if (!existsSync(srcAbs)) throw new UsageError(`${src}: the source folder does not exist`);
  if (!statSync(srcAbs).isDirectory()) throw new UsageError(`${src}: the source must be a folder (layout ${opts.layout}: ${LAYOUT_HINT[opts.layout]})`);
  const back = relative(srcAbs, dirAbs);
  if (back === '' || (!back.startsWith('..') && !isAbsolute(back))) {
    throw new UsageError(`${dir}: the dataset folder must not be the source folder or inside it (the originals are never modified)`);
  }
  if (existsSync(manifestPath(dirAbs)) && !opts.overwrite) throw new UsageError(`${manifestPath(dir)} already exists; choose an empty folder or pass --overwrite`);
  if (opts.voxelSize && !(opts.voxelSize.length === 3 && opts.voxelSize.every((v) => Number.isFinite(v) && v > 0))) {
    throw new UsageError('--voxel-size must be three positive numbers x,y,z (µm)');
  }

  const found = await DISCOVER[opts.layout](srcAbs);
  if (found.candidates.length === 0) throw new NeurotraceError(`${src}: no images found for layout ${opts.layout} (expected ${LAYOUT_HINT[opts.layout]})`);
  const voxelTable = opts.voxelTable ? await readVoxelSizeTable(opts.voxelTable) : undefined;
  const seedPolicy = opts.seed ?? 'root';
  const seedTable = typeof seedPolicy === 'object' && 'table' in seedPolicy ? await readSeedTable(seedPolicy.table) : undefined;
  const ids = makeIds(found.candidates);
  const warnings = [...found.warnings];
  if (opts.overwrite) await removeListedFiles(dirAbs);
  try {
    await mkdir(join(dirAbs, 'images'), { recursive: true });
    await mkdir(join(dirAbs, 'gold'), { recursive: true });
  } catch (e) {
    throw new NeurotraceError(`${dir}: cannot create the dataset folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }

  const images: DatasetImage[] = [];
  for (let i = 0; i < found.candidates.length; i++) {
    if (opts.signal?.aborted) throw new CancelledError('dataset import');
    const entry = await importOne(found.candidates[i], ids[i], dirAbs, opts, { voxelTable, seedTable, seedPolicy }, warnings);
    images.push(entry);
    opts.onImage?.(i + 1, found.candidates.length, ids[i]);
  }
  const unknown = images.filter((e) => e.spacingKnown === false).length;
  if (unknown) warnings.push(`${unknown} of ${images.length} image${images.length === 1 ? ' has' : 's have'} no voxel size (the files do not carry one); lengths are in voxels until you re-import with --voxel-size or --voxel-table`);
  const manifest: DatasetManifest = {
    manifestVersion: 1,
    name: `${opts.layout}-${basename(srcAbs)}`,
    description: `${images.length} image${images.length === 1 ? '' : 's'} imported from ${srcAbs} (${opts.layout} layout)`,
    createdBy: {
      tool: 'neurotrace', version: hostVersion(), command: 'import',
      options: {
        layout: opts.layout, source: srcAbs, goldUnits: opts.goldUnits ?? 'voxel', link: !!opts.link,
        seed: typeof seedPolicy === 'string' ? seedPolicy : 'point' in seedPolicy ? seedPolicy.point : resolve(seedPolicy.table),
        ...(opts.voxelSize ? { voxelSize: opts.voxelSize } : {}),
        ...(opts.voxelTable ? { voxelTable: resolve(opts.voxelTable) } : {}),
      },
    },
    images,
  };
  await writeDatasetManifest(dirAbs, manifest);
  return { manifest, warnings };
}

interface Tables {
  voxelTable?: KeyedTable;
  seedTable?: KeyedTable;
  seedPolicy: SeedPolicy;
}

async function importOne(c: ImportCandidate, id: string, dir: string, opts: ImportOptions, t: Tables, warnings: string[]): Promise<DatasetImage> {
  const origin = c.image.kind === 'file' ? c.image.path : c.image.folder;
  const stack = c.image.kind === 'file' ? await readImage(c.image.path) : await readTiffSeries(c.image.files);
  const names = [id, c.name, basename(origin), c.gold ? basename(c.gold) : undefined];

  // voxel size: option, then table, then the file (when it names a length unit), else unknown
  let spacing: Vec3;
  let spacingFrom: NonNullable<ImportSource['spacingFrom']>;
  let spacingKnown = true;
  const fromTable = t.voxelTable ? lookup(t.voxelTable, names) : undefined;
  const perUnit = micronsPerUnit(stack.unit);
  if (opts.voxelSize) {
    spacing = [...opts.voxelSize] as Vec3;
    spacingFrom = 'option';
  } else if (fromTable) {
    spacing = [...fromTable] as Vec3;
    spacingFrom = 'table';
  } else if (perUnit !== undefined && c.image.kind === 'file') {
    spacing = stack.spacing.map((s) => cleanNumber(s * perUnit)) as Vec3;
    spacingFrom = 'image';
  } else {
    spacing = [1, 1, 1];
    spacingFrom = 'default';
    spacingKnown = false;
    if (t.voxelTable) warnings.push(`${id}: no row in ${t.voxelTable.file}`);
  }

  // the image in the dataset
  let imageRel: string;
  let transfer: NonNullable<ImportSource['transfer']>;
  if (c.image.kind === 'series') {
    imageRel = `images/${id}.tif`;
    const out: ImageStack = { ...stack, spacing };
    if (spacingKnown) out.unit = 'micron';
    else delete out.unit;
    await writeImage(join(dir, imageRel), out);
    transfer = 'assembled';
  } else {
    imageRel = `images/${id}${extOf(c.image.path)}`;
    transfer = await placeFile(c.image.path, join(dir, imageRel), !!opts.link);
  }

  // the gold
  let gold: Tree | undefined;
  let goldRel: string | undefined;
  if (c.gold) {
    const read = await readSwc(c.gold);
    assertValidTree(read, c.gold);
    if (read.nodes.length === 0) throw new NeurotraceError(`${c.gold}: the gold SWC has no nodes`);
    const ext = extOf(c.gold) === '.eswc' ? '.eswc' : '.swc';
    goldRel = `gold/${id}${ext}`;
    if ((opts.goldUnits ?? 'voxel') === 'micron') {
      if (!spacingKnown) throw new UsageError(`${c.gold}: gold in µm needs the voxel size of ${basename(origin)} (give --voxel-size or --voxel-table)`);
      gold = {
        comments: read.comments,
        nodes: read.nodes.map((n) => ({ ...n, x: n.x / spacing[0], y: n.y / spacing[1], z: n.z / spacing[2], radius: n.radius / spacing[0] })),
      };
      await writeSwc(join(dir, goldRel), gold, { header: [`converted from ${c.gold} (micron) to 0-based voxel coordinates with voxel size ${spacing.join(' ')} um`] });
    } else {
      gold = read;
      await placeFile(c.gold, join(dir, goldRel), false);
    }
    const outside = gold.nodes.filter((n) => n.x < -0.5 || n.y < -0.5 || n.z < -0.5 || n.x > stack.dims[0] - 0.5 || n.y > stack.dims[1] - 0.5 || n.z > stack.dims[2] - 0.5).length;
    if (outside > gold.nodes.length / 2) {
      warnings.push(`${id}: ${outside} of ${gold.nodes.length} gold nodes lie outside the ${stack.dims.join('×')} image; is ${basename(c.gold)} in µm (use --gold-units micron)?`);
    }
  }

  // the seed
  let seed: Vec3 | undefined;
  let seedFrom: NonNullable<ImportSource['seedFrom']>;
  const policy = t.seedPolicy;
  if (typeof policy === 'object' && 'point' in policy) {
    seed = [...policy.point] as Vec3;
    seedFrom = 'option';
  } else if (typeof policy === 'object') {
    seed = t.seedTable ? lookup(t.seedTable, names) : undefined;
    seedFrom = seed ? 'table' : 'none';
    if (!seed) warnings.push(`${id}: no row in ${policy.table}; no seed recorded`);
  } else if (policy === 'root' && gold) {
    seed = rootPoint(gold);
    seedFrom = 'gold-root';
  } else if (policy === 'centre' || (policy === 'root' && !gold)) {
    seed = stack.dims.map((d) => (d - 1) / 2) as Vec3;
    seedFrom = 'centre';
  } else {
    seedFrom = 'none';
  }

  const measured = gold && opts.measure !== false ? measureSnr(channelOf(stack, 0), gold) : undefined;
  const source: ImportSource = {
    kind: 'import', layout: opts.layout, image: origin, goldUnits: opts.goldUnits ?? 'voxel', spacingFrom, seedFrom, transfer,
    ...(c.image.kind === 'series' ? { slices: c.image.files.length } : {}),
    ...(c.gold ? { gold: c.gold } : {}),
  };
  return {
    id, image: imageRel, ...(goldRel ? { gold: goldRel } : {}),
    dims: [...stack.dims] as Vec3, channels: stack.channels, dtype: stack.dtype, spacing,
    ...(spacingKnown ? {} : { spacingKnown: false }),
    ...(seed ? { seed } : {}),
    sha256: await sha256File(join(dir, imageRel)),
    ...(goldRel ? { goldSha256: await sha256File(join(dir, goldRel)) } : {}),
    ...measurementFields(measured),
    source,
  };
}

/** The soma: a type-1 root if there is one, else the root of the largest connected piece. */
export function rootPoint(tree: Tree): Vec3 {
  const parents = parentIndex(tree);
  const rs = roots(tree, parents);
  const soma = rs.find((r) => tree.nodes[r].type === 1);
  let pick = soma ?? rs[0] ?? 0;
  if (soma === undefined && rs.length > 1) {
    // parents come before children in preorder, so each node's root is known when it is visited
    const rootOf = new Int32Array(parents.length);
    const size = new Map<number, number>();
    for (const v of preorder(tree, parents)) {
      rootOf[v] = parents[v] < 0 ? v : rootOf[parents[v]];
      size.set(rootOf[v], (size.get(rootOf[v]) ?? 0) + 1);
    }
    pick = rs.reduce((a, b) => ((size.get(b) ?? 0) > (size.get(a) ?? 0) ? b : a));
  }
  const n = tree.nodes[pick];
  return [n.x, n.y, n.z];
}

/** Copies (or hard-links) a file into the dataset through a temporary name, never touching the original. */
async function placeFile(from: string, to: string, hardLink: boolean): Promise<'copy' | 'link'> {
  await rm(to, { force: true });
  if (hardLink) {
    try {
      await link(from, to);
      return 'link';
    } catch {
      // another file system or no permission: fall through to a copy
    }
  }
  const tmp = join(dirname(to), `.${basename(to)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await copyFile(from, tmp, fsConstants.COPYFILE_FICLONE);
    await rename(tmp, to);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw new NeurotraceError(`${from}: cannot copy into the dataset (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return 'copy';
}

/** Rounds away binary noise such as 0.33599999999999997 (from 1/(1/0.336) through a TIFF rational). */
function cleanNumber(v: number): number {
  return Number(v.toPrecision(10));
}
