import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import type { CommandModule } from './index.js';
import { cliContainer } from '../context.js';
import { formatTable } from '../format.js';
import { parseNonNegativeInt, parsePoint, parseTriple } from '../parse-args.js';
import { Tokens, type ProgressFactory } from '../../container.js';
import { NeurotraceError, UsageError } from '../../core/errors.js';
import type { Vec3 } from '../../core/volume.js';
import { readSwc } from '../../io/swc.js';
import { totalLength } from '../../morph/tree-index.js';
import { readDatasetManifest, resolveImagePaths, verifyImageHash, type DatasetManifest } from '../../dataset/manifest.js';
import { generateDataset, DEFAULT_DIMS } from '../../dataset/synthetic/generate.js';
import { PRESET_HELP } from '../../dataset/synthetic/presets.js';
import { IMPORT_LAYOUTS, importDataset, type ImportLayout, type SeedPolicy } from '../../dataset/import/import-dataset.js';

interface GenerateOpts {
  count: string; seed: string; preset: string; format: string; bitDepth: string; dims: string; fromSwc?: string;
  swcUnits: string; swcVoxelSize?: string; threads: string; overwrite?: boolean; json?: boolean; quiet?: boolean;
}
interface ImportOpts {
  layout?: string; voxelSize?: string; voxelTable?: string; goldUnits: string; seed: string; link?: boolean;
  measure: boolean; overwrite?: boolean; json?: boolean; quiet?: boolean;
}
interface InfoOpts { json?: boolean; verify?: boolean }

function parseDims(text: string): Vec3 {
  const parts = text.toLowerCase().split(/[x×,]/).map((s) => s.trim());
  const v = parts.map(Number);
  if (parts.length !== 3 || parts.some((p) => p === '') || v.some((n) => !Number.isInteger(n) || n <= 0)) {
    throw new UsageError(`--dims '${text}' must be three positive integers XxYxZ (e.g. 256x256x96)`);
  }
  return v as Vec3;
}

function oneOf<T extends string>(text: string, allowed: readonly T[], what: string): T {
  if (!(allowed as readonly string[]).includes(text)) throw new UsageError(`${what} '${text}' must be one of ${allowed.join(', ')}`);
  return text as T;
}

function progress(label: string, quiet?: boolean) {
  return quiet ? undefined : cliContainer().resolve<ProgressFactory>(Tokens.Progress)(label);
}

function withSigint<T>(body: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  const onSigint = () => ac.abort();
  process.once('SIGINT', onSigint);
  return body(ac.signal).finally(() => process.off('SIGINT', onSigint));
}

function summary(m: DatasetManifest, dir: string): string {
  const snrs = m.images.map((i) => i.snr).filter((v): v is number => v !== undefined);
  const snr = snrs.length ? `, SNR ${Math.min(...snrs).toFixed(1)}–${Math.max(...snrs).toFixed(1)}` : '';
  return `${m.name}: ${m.images.length} image${m.images.length === 1 ? '' : 's'}${snr} -> ${dir}\n`;
}

async function generateAction(dir: string, o: GenerateOpts): Promise<void> {
  const format = oneOf(o.format, ['tif', 'v3draw'] as const, '--format');
  const bitDepth = Number(oneOf(o.bitDepth, ['8', '16'] as const, '--bit-depth')) as 8 | 16;
  const count = parseNonNegativeInt(o.count, '--count');
  if (count < 1) throw new UsageError('--count must be at least 1');
  const threads = parseNonNegativeInt(o.threads, '--threads');
  const bar = progress('generate', o.quiet);
  try {
    const m = await withSigint((signal) => generateDataset(dir, {
      count, seed: parseNonNegativeInt(o.seed, '--seed'), preset: o.preset, format, bitDepth, dims: parseDims(o.dims),
      fromSwc: o.fromSwc, swcUnits: oneOf(o.swcUnits, ['micron', 'voxel'] as const, '--swc-units'),
      swcVoxelUm: o.swcVoxelSize ? parseTriple(o.swcVoxelSize, '--swc-voxel-size') : undefined,
      threads: Math.max(1, threads), overwrite: o.overwrite, signal,
      onImage: (done, total, id) => bar?.update(done / total, id),
    }));
    bar?.stop();
    process.stdout.write(o.json ? JSON.stringify(m, null, 2) + '\n' : summary(m, dir));
  } finally {
    bar?.stop();
  }
}

function parseSeedPolicy(text: string): SeedPolicy {
  if (text === 'root' || text === 'centre' || text === 'none') return text;
  if (text === 'center') return 'centre';
  if (/^[-+\d.eE\s]+,[-+\d.eE\s]+,[-+\d.eE\s]+$/.test(text)) return { point: parsePoint(text, '--seed') };
  if (existsSync(text)) return { table: text };
  throw new UsageError(`--seed '${text}' must be root, centre, none, x,y,z (0-based voxels) or an existing CSV file with id,x,y,z`);
}

async function importAction(src: string, dir: string, o: ImportOpts): Promise<void> {
  if (!o.layout) throw new UsageError(`--layout is required (${IMPORT_LAYOUTS.join(', ')})`);
  const layout = oneOf(o.layout, IMPORT_LAYOUTS, '--layout') as ImportLayout;
  const bar = progress('import', o.quiet);
  try {
    const r = await withSigint((signal) => importDataset(src, dir, {
      layout, voxelSize: o.voxelSize ? parseTriple(o.voxelSize, '--voxel-size') : undefined, voxelTable: o.voxelTable,
      goldUnits: oneOf(o.goldUnits, ['voxel', 'micron'] as const, '--gold-units'), seed: parseSeedPolicy(o.seed),
      link: o.link, measure: o.measure, overwrite: o.overwrite, signal,
      onImage: (done, total, id) => bar?.update(done / total, id),
    }));
    bar?.stop();
    for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
    process.stdout.write(o.json ? JSON.stringify({ ...r.manifest, warnings: r.warnings }, null, 2) + '\n' : summary(r.manifest, dir));
  } finally {
    bar?.stop();
  }
}

const fmt = (v: number | undefined, digits: number) => (v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(digits));

async function infoAction(dir: string, o: InfoOpts): Promise<void> {
  const m = await readDatasetManifest(dir);
  const rows = [];
  const problems: string[] = [];
  for (const e of m.images) {
    const paths = resolveImagePaths(dir, e);
    let nodes: number | undefined;
    let length: number | undefined;
    if (paths.gold) {
      try {
        const tree = await readSwc(paths.gold);
        nodes = tree.nodes.length;
        length = totalLength(tree, e.spacingKnown === false ? undefined : (e.spacing as Vec3));
      } catch (err) {
        // one unreadable gold should not hide the rest of the table
        problems.push((err as Error).message);
      }
    }
    let hash: string | undefined;
    if (o.verify) {
      try {
        await verifyImageHash(dir, e);
        hash = 'ok';
      } catch (err) {
        hash = 'FAILED';
        problems.push((err as Error).message);
      }
    }
    rows.push({ e, nodes, length, hash });
  }
  if (o.json) {
    process.stdout.write(JSON.stringify({
      name: m.name, createdBy: m.createdBy,
      images: rows.map(({ e, nodes, length, hash }) => ({
        id: e.id, dims: e.dims, spacing: e.spacing, spacingKnown: e.spacingKnown !== false, dtype: e.dtype, snr: e.snr ?? null, cnr: e.cnr ?? null,
        goldNodes: nodes ?? null, goldLength: length ?? null, goldLengthUnit: e.spacingKnown === false ? 'voxel' : 'micron', ...(hash ? { verify: hash } : {}),
      })),
      ...(problems.length ? { problems } : {}),
    }, null, 2) + '\n');
    return;
  }
  const header = ['id', 'dims', 'voxel size (µm)', 'SNR', 'CNR', 'gold nodes', 'gold length (µm)'];
  if (o.verify) header.push('sha256');
  const table = rows.map(({ e, nodes, length, hash }) => {
    const r: (string | number)[] = [
      e.id, e.dims.join('×'), e.spacingKnown === false ? 'unknown' : e.spacing.map((s) => +s.toFixed(4)).join('×'),
      fmt(e.snr, 2), fmt(e.cnr, 2), nodes ?? '-', length === undefined ? '-' : `${length.toFixed(1)}${e.spacingKnown === false ? ' vox' : ''}`,
    ];
    if (o.verify) r.push(hash ?? '-');
    return r;
  });
  process.stdout.write(`${m.name} (${m.createdBy.command} by neurotrace ${m.createdBy.version}): ${m.images.length} image${m.images.length === 1 ? '' : 's'}\n`);
  process.stdout.write(formatTable(header, table));
  for (const p of problems) process.stderr.write(`warning: ${p}\n`);
  if (problems.length) throw new NeurotraceError(`${dir}: ${problems.length} problem${problems.length === 1 ? '' : 's'} found (see the warnings above)`);
}

export const datasetCommand: CommandModule = {
  register(program: Command) {
    const ds = program.command('dataset').description('make, import and inspect benchmark datasets (images + gold standards + dataset.json)');
    ds.command('generate <dir>')
      .description('synthesise neuron images with exact gold standards (0-based voxel SWC), calibrated to a target SNR')
      .option('--count <n>', 'number of images', '20')
      .option('--seed <s>', 'random seed; the same seed and options give byte-identical files', '1')
      .option('--preset <name>', `difficulty and morphology: ${PRESET_HELP}`, 'ladder')
      .option('--format <fmt>', 'image format: tif or v3draw (v3draw voxel sizes go to voxel_sizes.csv)', 'tif')
      .option('--bit-depth <b>', '8 or 16 (16-bit data use a 12-bit range, 0–4095)', '8')
      .option('--dims <XxYxZ>', 'image size in voxels', DEFAULT_DIMS.join('x'))
      .option('--from-swc <file>', 'use this reconstruction (rotated, mirrored, scaled per image) instead of grown trees')
      .option('--swc-units <u>', 'units of --from-swc: micron or voxel', 'micron')
      .option('--swc-voxel-size <x,y,z>', 'voxel size (µm) of a --from-swc file in voxel units')
      .option('--threads <n>', 'worker threads at most', '2')
      .option('--overwrite', 'replace an existing dataset in <dir>')
      .option('--json', 'print the manifest as JSON')
      .option('--quiet', 'no progress output')
      .action(generateAction);
    ds.command('import <src> <dir>')
      .description('import real images and gold SWCs into a dataset folder (originals are never modified)')
      .option('--layout <layout>', `source layout: ${IMPORT_LAYOUTS.join(' | ')}`)
      .option('--voxel-size <x,y,z>', 'voxel size in µm for every image (default: from the image files)')
      .option('--voxel-table <csv>', 'per-image voxel sizes: key column id|image|swc_file and x,y,z or x_y_pix_size,z_pix_size')
      .option('--gold-units <u>', 'units of the gold SWCs: voxel (0-based) or micron', 'voxel')
      .option('--seed <policy>', 'seed per image: root (of the gold), centre, none, x,y,z, or a CSV id,x,y,z', 'root')
      .option('--link', 'hard-link images instead of copying them (same file system only)')
      .option('--no-measure', 'skip measuring SNR/CNR against the gold')
      .option('--overwrite', 'replace an existing dataset in <dir>')
      .option('--json', 'print the manifest as JSON')
      .option('--quiet', 'no progress output')
      .action(importAction);
    ds.command('info <dir>')
      .description('list the images of a dataset: dims, voxel size, SNR/CNR, gold node count and length')
      .option('--verify', 'check each image file against its sha256')
      .option('--json', 'machine-readable output')
      .action(infoAction);
  },
};
