/**
 * The kit's tracing checks: every variant on every synthetic image, each run an isolated job
 * process with the manifest's time and memory limits (the bench's job runner), then the
 * output judged: a valid tree, inside the image, with the expected shape.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { NeurotraceError } from '../core/errors.js';
import { packageRoot } from '../core/paths.js';
import { join } from 'node:path';
import type { DType, Vec3, Volume } from '../core/volume.js';
import { runJobProcess, workerPath, type JobLimits } from '../bench/job-process.js';
import type { JobSpec } from '../bench/job-protocol.js';
import { readSwc } from '../io/swc.js';
import { writeImage } from '../io/write-image.js';
import { validateTree } from '../morph/validate.js';
import type { PluginRoot } from '../registry/plugin-paths.js';
import type { LoadedPlugin, VariantRef } from '../registry/registry.js';
import { resolveParams } from '../registry/params.js';
import { row, type CheckRow } from './check-types.js';
import type { SyntheticCase } from './synthetic-images.js';
import { checkStraightTube, checkY, nodesOutside } from './tree-shape.js';

/** The synthetic uint8 volume in the first dtype the plugin accepts (same picture, other units). */
export function inAcceptedDtype(vol: Volume, accepts: readonly string[]): { dtype: DType; data: Volume['data'] } {
  const dtype = (['uint8', 'uint16', 'float32'] as DType[]).find((d) => accepts.includes(d)) ?? 'uint8';
  const src = vol.data;
  if (dtype === 'uint16') return { dtype, data: Uint16Array.from(src, (v) => v * 257) };
  if (dtype === 'float32') return { dtype, data: Float32Array.from(src, (v) => v / 255) };
  return { dtype, data: src };
}

export async function writeCaseImage(c: SyntheticCase, plugin: LoadedPlugin, dir: string): Promise<string> {
  const { dtype, data } = inAcceptedDtype(c.volume, plugin.manifest.capabilities.dtypes);
  const file = join(dir, `${c.name}.tif`);
  await writeImage(file, { dtype, dims: c.volume.dims, channels: 1, data, spacing: c.volume.spacing });
  return file;
}

export interface TraceJob { ref: VariantRef; c: SyntheticCase; imagePath: string }

/** Runs tasks with at most `n` at a time, keeping results in task order. */
async function pool<T>(n: number, tasks: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(n, tasks.length)) }, async () => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await tasks[i]();
    }
  });
  await Promise.all(workers);
  return out;
}

/** Seeds for a run: the tube's start when the plugin requires one, else none (fully automatic). */
export function seedsFor(plugin: LoadedPlugin, c: SyntheticCase): Vec3[] {
  return plugin.manifest.capabilities.seeds === 'required' ? [c.seed] : [];
}

const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;

async function judge(job: TraceJob, outputPath: string): Promise<CheckRow> {
  const name = `trace ${job.c.name}`;
  let tree;
  try {
    tree = await readSwc(outputPath);
  } catch (e) {
    return row(name, job.ref.id, 'fail', (e as Error).message);
  }
  const issues = validateTree(tree);
  if (issues.length) return row(name, job.ref.id, 'fail', `invalid tree: ${issues.slice(0, 2).map((i) => i.message).join('; ')}`);
  if (!tree.nodes.length) return row(name, job.ref.id, 'fail', 'the tree is empty');
  const outside = nodesOutside(tree, job.c.volume.dims);
  if (outside.length) {
    const n = outside[0];
    return row(name, job.ref.id, 'fail', `${outside.length} node${outside.length === 1 ? '' : 's'} outside the ${job.c.volume.dims.join('x')} image, e.g. node ${n.id} at (${n.x}, ${n.y}, ${n.z}) (coordinates must be 0-based voxels)`);
  }
  const verdict = job.c.name === 'straight-tube' ? checkStraightTube(tree, job.c)
    : job.c.name === 'y' ? checkY(tree, job.c)
      : { ok: true, detail: `${tree.nodes.length} nodes, ${plural(tree.nodes.filter((x) => x.parent < 0).length, 'root')}, all inside the image` };
  return row(name, job.ref.id, verdict.ok ? 'pass' : 'fail', verdict.detail);
}

export async function runTraceChecks(jobs: TraceJob[], roots: PluginRoot[], workDir: string, limitsFor: (ref: VariantRef) => JobLimits, parallel: number): Promise<CheckRow[]> {
  if (!existsSync(workerPath())) throw new NeurotraceError(`${workerPath()}: not built; run 'npm run build' in ${packageRoot()}`);
  const tasks = jobs.map((job, k) => async () => {
    const dir = join(workDir, `job-${k}`);
    const scratchDir = join(dir, 'scratch');
    mkdirSync(scratchDir, { recursive: true });
    const spec: JobSpec = {
      variant: job.ref.id, imageId: job.c.name, imagePath: job.imagePath, goldPath: null,
      seed: seedsFor(job.ref.plugin, job.c)[0] ?? null, channel: 0, params: resolveParams(job.ref),
      outputPath: join(dir, 'out.swc'), scratchDir, scoreSpacing: null, pluginRoots: roots,
    };
    const limits = limitsFor(job.ref);
    const out = await runJobProcess(spec, limits);
    if (out.status !== 'ok') {
      const why = out.error ?? out.status;
      const tail = out.status === 'crashed' && out.stderrTail ? ` (${out.stderrTail.split('\n').pop()})` : '';
      return row(`trace ${job.c.name}`, job.ref.id, 'fail', `${out.status}: ${why}${tail}`);
    }
    const r = await judge(job, spec.outputPath);
    return out.wallSeconds > 0 ? { ...r, detail: `${r.detail}; ${out.wallSeconds.toFixed(2)} s` } : r;
  });
  return pool(parallel, tasks);
}
