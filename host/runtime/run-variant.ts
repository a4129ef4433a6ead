import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { NeurotraceError, UsageError } from '../core/errors.js';
import { hostVersion } from '../core/paths.js';
import { sha256File } from '../core/hash.js';
import { toUint8 } from '../core/convert.js';
import { channelOf, dtypeOf, type Vec3, type Volume } from '../core/volume.js';
import { readImage } from '../io/read-image.js';
import { writeSwc } from '../io/swc.js';
import type { Tree } from '../morph/tree.js';
import type { PluginRegistry, VariantRef } from '../registry/registry.js';
import { resolveParams } from '../registry/params.js';
import { loadTracer } from './load-tracer.js';

export interface RunVariantOptions {
  variantId: string;
  imagePath: string;
  /** Default: <image>.<variant>.swc beside the image. */
  outputPath?: string;
  seeds?: Vec3[];
  channel?: number;
  overrides?: Record<string, unknown>;
  signal?: AbortSignal;
  progress?: (fraction: number, note?: string) => void;
  /** Where the per-run scratch folder is created (default: the OS temp folder). */
  scratchRoot?: string;
}

export interface RunOutcome {
  variant: string;
  plugin: string;
  outputPath: string;
  tree: Tree;
  params: Record<string, unknown>;
  meta: Record<string, number | string>;
  imageSha256: string;
  wallSeconds: number;
  conversion?: string;
}

export function defaultOutputPath(imagePath: string, variant: string): string {
  return `${imagePath}.${variant}.swc`;
}

/** Converts to a dtype the plugin declares, the way Vaa3D would have handed it over. */
export function adaptDtype(ref: VariantRef, vol: Volume): { volume: Volume; conversion?: string } {
  const have = dtypeOf(vol.data);
  const accepts = ref.plugin.manifest.capabilities.dtypes as string[];
  if (accepts.includes(have)) return { volume: vol };
  if (accepts.includes('uint8')) return { volume: toUint8(vol), conversion: `${have} -> uint8 (min-max scaled)` };
  throw new NeurotraceError(`${ref.id} does not accept ${have} images (accepts ${accepts.join(', ')})`);
}

export function provenanceHeader(o: { ref: VariantRef; params: Record<string, unknown>; imagePath: string; sha256: string; channel: number;
  seeds: Vec3[]; wallSeconds: number; meta: Record<string, unknown>; conversion?: string }): string[] {
  const m = o.ref.plugin.manifest;
  const lines = [
    `neurotrace ${hostVersion()}`,
    `plugin ${m.id}@${m.version}`,
    `variant ${o.ref.id}`,
    `params ${JSON.stringify(o.params)}`,
    `image ${resolve(o.imagePath)}`,
    `image_sha256 ${o.sha256}`,
    `channel ${o.channel}`,
    `seeds ${o.seeds.length ? o.seeds.map((s) => s.join(',')).join(' ') : 'none'}`,
    `wall_seconds ${o.wallSeconds.toFixed(3)}`,
    `created ${new Date().toISOString()}`,
    `coordinates 0-based voxel indices (x column, y row, z slice)`,
  ];
  if (o.conversion) lines.push(`conversion ${o.conversion}`);
  if (Object.keys(o.meta).length) lines.push(`meta ${JSON.stringify(o.meta)}`);
  return lines;
}

/** `neurotrace run`: one variant on one image, written as an SWC with its provenance. */
export async function runVariant(registry: PluginRegistry, opts: RunVariantOptions): Promise<RunOutcome> {
  const ref = registry.getVariant(opts.variantId);
  const params = resolveParams(ref, opts.overrides);
  const seeds = opts.seeds ?? [];
  const seedMode = ref.plugin.manifest.capabilities.seeds;
  if (seedMode === 'required' && seeds.length === 0) throw new UsageError(`${ref.id} needs a seed (--seed x,y,z)`);
  const channel = opts.channel ?? 0;
  const progress = opts.progress ?? (() => {});

  progress(0, `reading ${basename(opts.imagePath)}`);
  const [stack, sha256] = await Promise.all([readImage(opts.imagePath), sha256File(opts.imagePath)]);
  let channelVol: Volume;
  try {
    channelVol = channelOf(stack, channel);
  } catch (e) {
    throw new UsageError(`${opts.imagePath}: ${(e as Error).message}`);
  }
  for (const s of seeds) {
    if (s.some((v, i) => !(v >= 0 && v <= stack.dims[i] - 1))) {
      throw new UsageError(`seed ${s.join(',')} is outside ${opts.imagePath} (dims ${stack.dims.join('x')}; seeds are 0-based voxel x,y,z)`);
    }
  }
  const { volume, conversion } = adaptDtype(ref, channelVol);
  const tracer = await loadTracer(ref.plugin);
  const scratchDir = await mkdtemp(join(opts.scratchRoot ?? tmpdir(), `neurotrace-${ref.id}-`));
  const signal = opts.signal ?? new AbortController().signal;
  const t0 = performance.now();
  try {
    const result = await tracer.trace({ volume, params, seeds, signal, progress, scratchDir });
    const wallSeconds = (performance.now() - t0) / 1000;
    const meta = result.meta ?? {};
    const outputPath = opts.outputPath ?? defaultOutputPath(opts.imagePath, ref.id);
    const header = provenanceHeader({ ref, params, imagePath: opts.imagePath, sha256, channel, seeds, wallSeconds, meta, conversion });
    const tree: Tree = { nodes: result.tree.nodes, comments: [...header, ...result.tree.comments] };
    await writeSwc(outputPath, tree);
    progress(1, `wrote ${outputPath}`);
    return { variant: ref.id, plugin: `${ref.plugin.manifest.id}@${ref.plugin.manifest.version}`, outputPath, tree, params, meta, imageSha256: sha256, wallSeconds, conversion };
  } finally {
    await rm(scratchDir, { recursive: true, force: true });
  }
}
