import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import type { Vec3 } from '../core/volume.js';
import type { RunRecord } from '../generated/run-record.js';
import type { PluginRegistry, VariantRef } from '../registry/registry.js';
import { resolveParams } from '../registry/params.js';
import { hostInputs, hostInputsDigest } from './host-inputs.js';
import { runJobProcess, type JobOutcome } from './job-process.js';
import type { JobSpec } from './job-protocol.js';
import { RunStore } from './run-store.js';

/** One image of a dataset as the bench needs it (absolute paths). */
export interface BenchImage {
  id: string;
  imagePath: string;
  goldPath: string | null;
  seed: Vec3 | null;
  /** Voxel size in µm; null when unknown (then scores stay in voxels). */
  spacing: Vec3 | null;
  sha256?: string;
}

export interface BenchOptions {
  images: BenchImage[];
  outDir: string;
  /** Variant ids, or 'all' for every registered tracer variant. */
  variants: 'all' | string[];
  jobs: number;
  timeoutSec?: number;
  memoryMiB?: number;
  rerun?: 'failed' | 'all';
  noSeed?: boolean;
  channel?: number;
  /** Score in physical units using each image's spacing (default: voxels, as BigNeuron). */
  physicalUnits?: boolean;
  onEvent?: (e: BenchEvent) => void;
  /** Runners of host-computed variants (Consensus) by manifest runtime.service; they run per image after its tracer cells. */
  hostVariants?: Map<string, HostVariantRunner>;
}

/** What a host-computed variant is given for one image. */
export interface HostVariantContext {
  image: BenchImage;
  ref: VariantRef;
  /**
   * Its inputs, by variant id: the successful runs on this image of the tracer variants this bench
   * selected, traced with this bench's seed setting. Nothing else in the folder counts.
   */
  records: RunRecord[];
  outDir: string;
  /** Voxel size to score in (the bench's --microns), null or absent to score in voxels like the bench's default. */
  scoreSpacing?: Vec3 | null;
}

export type HostVariantRunner = (ctx: HostVariantContext) => Promise<RunRecord>;

export type BenchEvent =
  | { type: 'start'; total: number; skipped: number }
  | { type: 'job-start'; variant: string; imageId: string }
  | { type: 'job-end'; record: RunRecord; done: number; total: number; failures: number };

export interface BenchSummary { ran: number; skipped: number; failures: number; records: RunRecord[] }

export function selectVariants(registry: PluginRegistry, spec: 'all' | string[]): VariantRef[] {
  if (spec === 'all') return registry.listVariants();
  const seen = new Set<string>();
  const out: VariantRef[] = [];
  for (const id of spec) {
    const ref = registry.getVariant(id);
    if (!seen.has(ref.id)) { seen.add(ref.id); out.push(ref); }
  }
  if (!out.length) throw new UsageError('no variants selected');
  return out;
}

export function outputPathFor(outDir: string, imageId: string, variant: string): string {
  return join(outDir, 'swc', imageId, `${variant}.swc`);
}

function recordOf(ref: VariantRef, img: BenchImage, params: Record<string, unknown>, seed: Vec3 | null, startedAt: Date, o: JobOutcome, outDir: string, outputPath: string): RunRecord {
  return {
    variant: ref.id, imageId: img.id, plugin: ref.plugin.manifest.id, pluginVersion: ref.plugin.manifest.version,
    params, imagePath: img.imagePath, imageSha256: o.imageSha256 ?? img.sha256 ?? '', seed,
    status: o.status, startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(),
    wallSeconds: Math.round(o.wallSeconds * 1000) / 1000, cpuSeconds: o.cpuSeconds, peakRssMiB: o.peakRssMiB,
    outputPath: o.status === 'ok' ? relative(outDir, outputPath) : null, nodeCount: o.nodeCount,
    error: o.error, stderrTail: o.status === 'ok' ? null : o.stderrTail, meta: o.meta, scores: o.scores, scoreError: o.scoreError,
  };
}

/**
 * The BigNeuron bench: every selected variant on every image, each cell an isolated process
 * with time and memory caps, recorded as soon as it ends. Re-running skips finished cells; a
 * host-computed cell (Consensus) counts as finished only while its inputs (this selection's
 * tracer runs on the image) and settings are those it was computed from.
 */
export async function runBench(registry: PluginRegistry, opts: BenchOptions): Promise<BenchSummary> {
  const outDir = resolve(opts.outDir);
  const refs = selectVariants(registry, opts.variants);
  const tracerRefs = refs.filter((r) => r.plugin.manifest.runtime.kind !== 'host');
  const hostRefs = refs.filter((r) => r.plugin.manifest.runtime.kind === 'host');
  if (hostRefs.length && !tracerRefs.length) {
    throw new UsageError(`--variants selects only host-computed variants (${hostRefs.map((r) => r.id).join(', ')}); they are computed from the tracer variants of the same selection, so list those too`);
  }
  mkdirSync(join(outDir, 'scratch'), { recursive: true });
  const store = RunStore.inDir(outDir);
  try {
    const seedFor = (ref: VariantRef, img: BenchImage): Vec3 | null =>
      ref.plugin.manifest.capabilities.seeds !== 'none' && !opts.noSeed ? img.seed : null;
    const scoreSpacingFor = (img: BenchImage) => (opts.physicalUnits ? img.spacing : null);
    const needed = (variant: string, imageId: string) => {
      const prev = store.get(variant, imageId);
      return !prev || opts.rerun === 'all' || (opts.rerun === 'failed' && prev.status !== 'ok');
    };
    const cells = opts.images.flatMap((img) => tracerRefs.map((ref) => ({ img, ref }))).filter((c) => needed(c.ref.id, c.img.id));
    const tracedNow = new Set(cells.map((c) => c.img.id));
    const inputsOf = (img: BenchImage) => hostInputs(store, tracerRefs, img, (ref) => seedFor(ref, img));
    // A finished host cell stands only while its inputs and settings are those it was computed from.
    const hostNeeded = (ref: VariantRef, img: BenchImage) => {
      if (needed(ref.id, img.id) || tracedNow.has(img.id)) return true;
      return store.get(ref.id, img.id)!.inputsDigest !== hostInputsDigest(ref, inputsOf(img).records, scoreSpacingFor(img));
    };
    const hostCells = opts.images.flatMap((img) => hostRefs.map((ref) => ({ img, ref }))).filter((c) => hostNeeded(c.ref, c.img));
    const total = cells.length + hostCells.length;
    const skipped = opts.images.length * refs.length - total;
    opts.onEvent?.({ type: 'start', total, skipped });
    let done = 0;
    let failures = 0;
    const records: RunRecord[] = [];
    const finished = (rec: RunRecord) => {
      store.put(rec);
      records.push(rec);
      done++;
      if (rec.status !== 'ok') failures++;
      opts.onEvent?.({ type: 'job-end', record: rec, done, total, failures });
    };
    const remainingPerImage = new Map<string, number>();
    for (const c of cells) remainingPerImage.set(c.img.id, (remainingPerImage.get(c.img.id) ?? 0) + 1);

    const runHostCellsFor = async (img: BenchImage) => {
      for (const { ref } of hostCells.filter((h) => h.img.id === img.id)) {
        opts.onEvent?.({ type: 'job-start', variant: ref.id, imageId: img.id });
        // Read now: this image's tracer cells of this bench have just finished.
        const inputs = inputsOf(img);
        const scoreSpacing = scoreSpacingFor(img);
        const rec = await runHostCell(ref, img, inputs.records, outDir, scoreSpacing, opts.hostVariants);
        rec.inputsDigest = hostInputsDigest(ref, inputs.records, scoreSpacing);
        rec.meta = {
          ...rec.meta, inputs: inputs.records.length, inputVariants: inputs.records.map((r) => r.variant),
          ...(inputs.excluded.length ? { excludedInputs: inputs.excluded.join('; ') } : {}),
        };
        finished(rec);
      }
    };

    let next = 0;
    const worker = async () => {
      while (next < cells.length) {
        const { img, ref } = cells[next++];
        opts.onEvent?.({ type: 'job-start', variant: ref.id, imageId: img.id });
        const startedAt = new Date();
        const params = resolveParams(ref);
        const seedMode = ref.plugin.manifest.capabilities.seeds;
        const seed = seedFor(ref, img);
        const outputPath = outputPathFor(outDir, img.id, ref.id);
        let outcome: JobOutcome;
        if (seedMode === 'required' && !seed) {
          outcome = { status: 'failed', error: `${ref.id} needs a seed and none was given`, stderrTail: null, wallSeconds: 0, cpuSeconds: null,
            peakRssMiB: null, nodeCount: null, meta: null, imageSha256: null, scores: null, scoreError: null };
        } else {
          mkdirSync(join(outDir, 'swc', img.id), { recursive: true });
          const scratchDir = mkdtempSync(join(outDir, 'scratch', `${ref.id}-${img.id}-`.replace(/[^\w.-]/g, '_')));
          const spec: JobSpec = {
            variant: ref.id, imageId: img.id, imagePath: img.imagePath, goldPath: img.goldPath, seed, channel: opts.channel ?? 0,
            params, outputPath, scratchDir, scoreSpacing: scoreSpacingFor(img),
            pluginRoots: registryRoots(registry),
          };
          outcome = await runJobProcess(spec, {
            timeoutSec: opts.timeoutSec ?? ref.plugin.manifest.resources.timeoutSec,
            memoryMiB: opts.memoryMiB ?? ref.plugin.manifest.resources.memoryMiB,
          });
          rmSync(scratchDir, { recursive: true, force: true });
        }
        finished(recordOf(ref, img, params, seed, startedAt, outcome, outDir, outputPath));
        const left = remainingPerImage.get(img.id)! - 1;
        remainingPerImage.set(img.id, left);
        if (left === 0) await runHostCellsFor(img);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.jobs, cells.length || 1)) }, worker));
    // Images whose tracer cells were all done earlier still need their host variants.
    for (const img of opts.images) if (!remainingPerImage.has(img.id)) await runHostCellsFor(img);
    return { ran: done, skipped, failures, records };
  } finally {
    store.close();
  }
}

async function runHostCell(ref: VariantRef, image: BenchImage, records: RunRecord[], outDir: string, scoreSpacing: Vec3 | null,
  runners: Map<string, HostVariantRunner> | undefined): Promise<RunRecord> {
  const m = ref.plugin.manifest;
  const service = m.runtime.kind === 'host' ? m.runtime.service : '';
  const startedAt = new Date().toISOString();
  // Whatever stops a host variant still becomes its record, like a tracer's failure: the bench goes on and its count adds up.
  const failed = (error: string): RunRecord => ({
    variant: ref.id, imageId: image.id, plugin: m.id, pluginVersion: m.version, params: {}, imagePath: image.imagePath,
    imageSha256: image.sha256 ?? '', seed: null, status: 'failed', startedAt, finishedAt: new Date().toISOString(), wallSeconds: 0,
    cpuSeconds: null, peakRssMiB: null, outputPath: null, nodeCount: null, error, stderrTail: null, meta: null, scores: null, scoreError: null,
  });
  const runner = runners?.get(service);
  if (!runner) return failed(`${ref.plugin.manifestPath}: host service '${service}' is not provided by this neurotrace`);
  try {
    return await runner({ image, ref, records, outDir, scoreSpacing });
  } catch (e) {
    return failed(`internal error in host variant ${ref.id}: ${((e as Error)?.message ?? String(e)).split('\n')[0]}`);
  }
}

function registryRoots(registry: PluginRegistry) {
  return registry.roots;
}
