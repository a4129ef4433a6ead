/**
 * `plugins install` / `plugins uninstall`: user plugins live in <NEUROTRACE_HOME>/plugins/<id>.
 * An install is staged in <NEUROTRACE_HOME>/staging, validated and built there, and only then
 * renamed into place, so a refusal or a failed build never leaves a half-installed plugin.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { NeurotraceError } from '../core/errors.js';
import { hostVersion } from '../core/paths.js';
import type { PluginManifest } from '../generated/plugin-manifest.js';
import { checkManifest } from '../registry/manifest-validator.js';
import { neurotraceHome, pluginRoots, userPluginDir } from '../registry/plugin-paths.js';
import { PluginRegistry, type LoadedPlugin } from '../registry/registry.js';
import { buildPlugin } from './build-plugin.js';
import { copyPluginFolder, extractPluginArchive, npmPack, sourceKind } from './stage.js';

export interface InstallOptions {
  /** Replace an installed user plugin with the same id. */
  force?: boolean;
  env?: NodeJS.ProcessEnv;
  onStep?: (line: string) => void;
}

export interface InstallResult {
  id: string;
  version: string;
  dir: string;
  variants: string[];
  replaced: boolean;
  steps: string[];
}

function stagingRoot(env: NodeJS.ProcessEnv): string {
  const dir = join(neurotraceHome(env), 'staging');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Reads and validates a staged plugin.json; `label` names it in messages as the user knows it. */
export function readStagedManifest(dir: string, label: string): PluginManifest {
  const file = join(dir, 'plugin.json');
  if (!existsSync(file)) throw new NeurotraceError(`${label}: no plugin.json at the top level (a plugin folder has plugin.json beside its code)`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new NeurotraceError(`${label}: plugin.json is not valid JSON (${(e as Error).message.split('\n')[0]})`);
  }
  const check = checkManifest(raw, hostVersion());
  if (!check.ok) throw new NeurotraceError(`${label}: plugin.json: ${check.path}: ${check.reason}`);
  return check.manifest;
}

/** Refuses ids that would clash with a registered plugin (except the one being replaced). */
function checkClashes(m: PluginManifest, registry: PluginRegistry, label: string, force: boolean): LoadedPlugin | undefined {
  const same = registry.findPlugin(m.id);
  let replacing: LoadedPlugin | undefined;
  if (same) {
    if (same.source === 'user' && force) replacing = same;
    else if (same.source === 'user') throw new NeurotraceError(`${label}: plugin '${m.id}' is already installed (${same.manifestPath}); uninstall it first or use --force`);
    else throw new NeurotraceError(`${label}: plugin id '${m.id}' is already provided by ${same.manifestPath}`);
  }
  for (const v of m.variants) {
    const other = registry.listVariants().find((r) => r.id.toLowerCase() === v.id.toLowerCase() && r.plugin !== replacing);
    if (other) throw new NeurotraceError(`${label}: variant id '${v.id}' is already provided by ${other.plugin.manifestPath}`);
  }
  return replacing;
}

/** Stages a plugin from a folder, archive or npm spec into a fresh folder; returns it and a label for messages. */
export async function stagePlugin(source: string, work: string): Promise<{ dir: string; label: string; shownAs?: string }> {
  const dir = join(work, 'plugin');
  const kind = sourceKind(source);
  if (kind === 'folder') {
    copyPluginFolder(source, dir);
    return { dir, label: resolve(source), shownAs: resolve(source) };
  }
  if (kind === 'archive') {
    await extractPluginArchive(source, dir);
    return { dir, label: resolve(source) };
  }
  const tgz = await npmPack(source, work);
  await extractPluginArchive(tgz, dir);
  return { dir, label: `npm package '${source}'` };
}

export async function installPlugin(source: string, opts: InstallOptions = {}): Promise<InstallResult> {
  const env = opts.env ?? process.env;
  const step = opts.onStep ?? (() => {});
  const pluginsDir = userPluginDir(env);
  mkdirSync(pluginsDir, { recursive: true });
  const work = await mkdtemp(join(stagingRoot(env), 'install-'));
  try {
    const { dir, label, shownAs } = await stagePlugin(source, work);
    const m = readStagedManifest(dir, label);
    const registry = new PluginRegistry(hostVersion(), pluginRoots(env));
    const replacing = checkClashes(m, registry, label, !!opts.force);
    const final = join(pluginsDir, m.id);
    if (existsSync(final) && !replacing && !opts.force) {
      throw new NeurotraceError(`${label}: ${final} already exists (a plugin folder with a broken manifest?); remove it or use --force`);
    }
    step(`staged ${m.id}@${m.version} from ${label}`);
    const steps = await buildPlugin(dir, m, { logName: m.id, shownAs });
    steps.forEach(step);
    const old = replacing?.dir ?? (existsSync(final) ? final : undefined);
    if (old) await rename(old, join(work, 'replaced'));
    await rename(dir, final);
    return { id: m.id, version: m.version, dir: final, variants: m.variants.map((v) => v.id), replaced: !!old, steps };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

export interface UninstallResult { id: string; dir: string; variants: string[] }

export async function uninstallPlugin(id: string, opts: { env?: NodeJS.ProcessEnv } = {}): Promise<UninstallResult> {
  const env = opts.env ?? process.env;
  const pluginsDir = userPluginDir(env);
  const registry = new PluginRegistry(hostVersion(), pluginRoots(env));
  let plugin = registry.findPlugin(id);
  if (!plugin) {
    try { plugin = registry.getVariant(id).plugin; } catch { /* maybe a folder with a broken manifest */ }
  }
  let dir: string;
  let pluginId = id;
  let variants: string[] = [];
  if (plugin) {
    if (plugin.source === 'builtin') throw new NeurotraceError(`'${plugin.manifest.id}' is a built-in plugin (${plugin.manifestPath}); only plugins installed in ${pluginsDir} can be uninstalled`);
    if (plugin.source === 'path' || dirname(plugin.dir) !== pluginsDir) {
      throw new NeurotraceError(`'${plugin.manifest.id}' comes from ${plugin.dir} (NEUROTRACE_PLUGIN_PATH), not from ${pluginsDir}; remove it from that path instead`);
    }
    dir = plugin.dir;
    pluginId = plugin.manifest.id;
    variants = plugin.manifest.variants.map((v) => v.id);
  } else if (/^[A-Za-z][A-Za-z0-9_.-]*$/.test(id) && existsSync(join(pluginsDir, id))) {
    dir = join(pluginsDir, id);
  } else {
    throw new NeurotraceError(`no plugin '${id}' is installed in ${pluginsDir} (see 'neurotrace plugins list --user')`);
  }
  // Rename first: the plugin disappears from listings at once, even if deleting its files is slow.
  const work = await mkdtemp(join(stagingRoot(env), 'uninstall-'));
  try {
    await rename(dir, join(work, 'removed'));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return { id: pluginId, dir, variants };
}
