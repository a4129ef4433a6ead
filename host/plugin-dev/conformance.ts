/**
 * `neurotrace plugins test <id|folder>`: the conformance kit. A folder (or .tgz) is tested as
 * it would be installed: copied to a private folder and built there. Checks, in order: the
 * manifest, the parameter schema, the runtime, the vaa3d mapping, every variant on the
 * synthetic straight tube, Y and noisy tube, bad parameters, and cancellation.
 */
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { NeurotraceError } from '../core/errors.js';
import { hostVersion } from '../core/paths.js';
import type { JobLimits } from '../bench/job-process.js';
import { writeImage } from '../io/write-image.js';
import { resolveParams } from '../registry/params.js';
import { pluginRoots, type PluginRoot } from '../registry/plugin-paths.js';
import { PluginRegistry, type LoadedPlugin, type VariantRef } from '../registry/registry.js';
import { BuildError, buildPlugin } from './build-plugin.js';
import { cancellationRows, probeCancellation } from './cancel-probe.js';
import { row, type CheckRow } from './check-types.js';
import { readStagedManifest, stagePlugin } from './install.js';
import { checkBadParameters, checkManifestFile, checkParameterSchema, checkRuntime, checkVaa3dMapping } from './manifest-checks.js';
import { conformanceCases, largeY } from './synthetic-images.js';
import { inAcceptedDtype, runTraceChecks, seedsFor, writeCaseImage } from './trace-checks.js';

export interface ConformanceOptions {
  /** Test a folder as it is, without copying and building it. */
  inPlace?: boolean;
  /** Lower the manifest's time limit for the kit's runs (seconds). */
  timeoutSec?: number;
  /** Parallel trace jobs (default: up to 2). */
  jobs?: number;
  env?: NodeJS.ProcessEnv;
  /** Called with each row as soon as it is known. */
  onRow?: (r: CheckRow) => void;
}

export interface ConformanceReport {
  target: string;
  plugin?: string;
  rows: CheckRow[];
  passed: boolean;
}

/** A path when it says so, or names an existing plugin folder or archive; otherwise a plugin or variant id. */
const looksLikePath = (s: string) => s.includes('/') || s.includes('\\') || s === '.' || s === '..'
  || (existsSync(s) && (statSync(s).isFile() || existsSync(join(s, 'plugin.json'))));

/**
 * Resolves what to test. Returns the plugin (when its manifest is valid) with the single root
 * the kit's job processes scan, plus rows for anything already decided (a failed build).
 */
async function resolveTarget(arg: string, opts: ConformanceOptions, work: string): Promise<{ plugin?: LoadedPlugin; roots: PluginRoot[]; rows: CheckRow[]; label: string }> {
  const env = opts.env ?? process.env;
  if (looksLikePath(arg)) {
    const src = resolve(arg);
    if (!existsSync(src)) throw new NeurotraceError(`${src}: no such plugin folder`);
    const isDir = statSync(src).isDirectory();
    let dir: string;
    let shownAs: string | undefined;
    if (isDir && opts.inPlace) dir = src;
    else ({ dir, shownAs } = await stagePlugin(src, work));
    const label = isDir ? src : `${src} (extracted)`;
    const manifestPath = join(dir, 'plugin.json');
    if (!existsSync(manifestPath)) throw new NeurotraceError(`${src}: no plugin.json at the top level (a plugin folder has plugin.json beside its code)`);
    const m = checkManifestFile(manifestPath);
    const shown = { ...m.row, detail: m.row.detail.split(manifestPath).join(isDir ? join(src, 'plugin.json') : `${src}: plugin.json`) };
    if (!m.ok) return { roots: [], rows: [shown], label };
    const manifest = readStagedManifest(dir, label);
    const rows: CheckRow[] = [shown];
    if (!opts.inPlace || !isDir) {
      try {
        const steps = await buildPlugin(dir, manifest, { logName: manifest.id, shownAs });
        rows.push(row('build', '', steps.length ? 'pass' : 'skip', steps.join('; ') || 'nothing to build'));
      } catch (e) {
        const detail = e instanceof BuildError ? `${e.message}${e.excerpt ? `\n${e.excerpt}` : ''}` : (e as Error).message;
        rows.push(row('build', '', 'fail', detail));
        return { roots: [], rows, label };
      }
    }
    const roots: PluginRoot[] = [{ dir, source: 'path' }];
    const reg = new PluginRegistry(hostVersion(), roots);
    return { plugin: reg.findPlugin(manifest.id), roots, rows, label };
  }
  const registry = new PluginRegistry(hostVersion(), pluginRoots(env));
  let plugin = registry.findPlugin(arg);
  if (!plugin) {
    try { plugin = registry.getVariant(arg).plugin; } catch { /* maybe a skipped manifest */ }
  }
  if (!plugin) {
    const skipped = registry.problems.find((p) => basename(dirname(p.file)) === arg);
    if (skipped) return { roots: [], rows: [row('manifest', '', 'fail', skipped.message)], label: arg };
    registry.getPlugin(arg); // throws the registry's own message with suggestions
  }
  const roots: PluginRoot[] = [{ dir: plugin!.dir, source: plugin!.source }];
  const m = checkManifestFile(plugin!.manifestPath);
  return { plugin: new PluginRegistry(hostVersion(), roots).findPlugin(plugin!.manifest.id), roots, rows: [m.row], label: arg };
}

function limitsFor(ref: VariantRef, opts: ConformanceOptions): JobLimits {
  const r = ref.plugin.manifest.resources;
  return { timeoutSec: opts.timeoutSec ? Math.min(opts.timeoutSec, r.timeoutSec) : r.timeoutSec, memoryMiB: r.memoryMiB };
}

export async function runConformance(arg: string, opts: ConformanceOptions = {}): Promise<ConformanceReport> {
  const work = mkdtempSync(join(tmpdir(), 'neurotrace-conformance-'));
  const rows: CheckRow[] = [];
  const add = (...rs: CheckRow[]) => { for (const r of rs) { rows.push(r); opts.onRow?.(r); } };
  try {
    const t = await resolveTarget(arg, opts, work);
    add(...t.rows);
    const plugin = t.plugin;
    if (!plugin) return { target: t.label, rows, passed: false };
    const kitRegistry = new PluginRegistry(hostVersion(), t.roots);
    const fullRegistry = new PluginRegistry(hostVersion(), pluginRoots(opts.env ?? process.env));
    add(...checkParameterSchema(plugin));
    const runtime = checkRuntime(plugin);
    add(runtime);
    add(...checkVaa3dMapping(plugin, kitRegistry, fullRegistry));
    const refs = plugin.manifest.variants.map((v) => kitRegistry.getVariant(v.id));
    if (runtime.status === 'pass') {
      const cases = conformanceCases();
      const images = await Promise.all(cases.map((c) => writeCaseImage(c, plugin, work)));
      const jobs = refs.flatMap((ref) => cases.map((c, k) => ({ ref, c, imagePath: images[k] })));
      const parallel = opts.jobs ?? Math.min(2, cpus().length);
      add(...await runTraceChecks(jobs, t.roots, join(work, 'runs'), (ref) => limitsFor(ref, opts), parallel));
    } else if (runtime.status === 'fail') {
      add(row('trace', '', 'fail', 'not run: the runtime check failed'));
    }
    for (const ref of refs) add(checkBadParameters(ref));
    if (runtime.status === 'pass') {
      const big = largeY();
      const ref = refs[0];
      const { dtype, data } = inAcceptedDtype(big.volume, plugin.manifest.capabilities.dtypes);
      const image = join(work, 'cancel-probe.tif');
      await writeImage(image, { dtype, dims: big.volume.dims, channels: 1, data, spacing: big.volume.spacing });
      const deadline = Math.min(limitsFor(ref, opts).timeoutSec, 120);
      const probe = await probeCancellation({
        pluginRoots: t.roots, variant: ref.id, imagePath: image, seeds: seedsFor(plugin, big),
        params: resolveParams(ref), scratchRoot: work, fallbackDelayMs: 100,
      }, deadline);
      add(...cancellationRows(ref.id, probe, deadline));
    }
    return { target: t.label, plugin: `${plugin.manifest.id}@${plugin.manifest.version}`, rows, passed: !rows.some((r) => r.status === 'fail') };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
