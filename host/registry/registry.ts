import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { PluginManifest, VariantPreset } from '../generated/plugin-manifest.js';
import { NeurotraceError } from '../core/errors.js';
import { checkManifest } from './manifest-validator.js';
import { pluginRoots, type PluginRoot, type PluginSource } from './plugin-paths.js';

export interface LoadedPlugin {
  manifest: PluginManifest;
  manifestPath: string;
  dir: string;
  source: PluginSource;
}

export interface VariantRef {
  id: string;
  plugin: LoadedPlugin;
  preset: VariantPreset;
}

/** A manifest that was skipped, with one line naming the file, the JSON path and the reason. */
export interface RegistryProblem {
  file: string;
  path: string;
  reason: string;
  message: string;
}

/**
 * Lists plugins and variants from manifests alone: no plugin code is imported here, so a
 * broken plugin can never stop `plugins list` or a bench of the others.
 */
export class PluginRegistry {
  private plugins: LoadedPlugin[] = [];
  private variants = new Map<string, VariantRef>();
  readonly problems: RegistryProblem[] = [];

  constructor(private readonly hostVersion: string, readonly roots: PluginRoot[] = pluginRoots()) {
    this.scan();
  }

  private problem(file: string, path: string, reason: string): void {
    this.problems.push({ file, path, reason, message: `${file}: ${path}: ${reason}` });
  }

  private manifestFiles(root: PluginRoot): string[] {
    if (!existsSync(root.dir)) return [];
    // A root may itself be a plugin folder (handy for NEUROTRACE_PLUGIN_PATH=./my-plugin).
    if (existsSync(join(root.dir, 'plugin.json'))) return [join(root.dir, 'plugin.json')];
    const files: string[] = [];
    for (const name of readdirSync(root.dir).sort()) {
      const f = join(root.dir, name, 'plugin.json');
      try {
        if (statSync(join(root.dir, name)).isDirectory() && existsSync(f)) files.push(f);
      } catch { /* unreadable entry: nothing to list */ }
    }
    return files;
  }

  private scan(): void {
    const byPluginId = new Map<string, LoadedPlugin>();
    for (const root of this.roots) {
      for (const file of this.manifestFiles(root)) {
        let raw: unknown;
        try {
          raw = JSON.parse(readFileSync(file, 'utf8'));
        } catch (e) {
          this.problem(file, '$', `not valid JSON (${(e as Error).message.split('\n')[0]})`);
          continue;
        }
        const check = checkManifest(raw, this.hostVersion);
        if (!check.ok) { this.problem(file, check.path, check.reason); continue; }
        const m = check.manifest;
        const plugin: LoadedPlugin = { manifest: m, manifestPath: file, dir: dirname(file), source: root.source };
        const sameId = byPluginId.get(m.id);
        if (sameId) {
          this.problem(file, '$.id', `plugin id '${m.id}' is already provided by ${sameId.manifestPath}`);
          continue;
        }
        const clash = m.variants.map((v) => ({ v, other: this.variants.get(v.id) })).find((c) => c.other);
        if (clash) {
          this.problem(file, `$.variants[${m.variants.indexOf(clash.v)}].id`,
            `variant id '${clash.v.id}' is already provided by ${clash.other!.plugin.manifestPath}`);
          continue;
        }
        byPluginId.set(m.id, plugin);
        this.plugins.push(plugin);
        for (const v of m.variants) this.variants.set(v.id, { id: v.id, plugin, preset: v });
      }
    }
  }

  listPlugins(): LoadedPlugin[] {
    return [...this.plugins];
  }

  listVariants(): VariantRef[] {
    return [...this.variants.values()];
  }

  findPlugin(id: string): LoadedPlugin | undefined {
    return this.plugins.find((p) => p.manifest.id === id);
  }

  getPlugin(id: string): LoadedPlugin {
    const p = this.findPlugin(id) ?? this.variants.get(id)?.plugin;
    if (!p) throw new NeurotraceError(`no plugin '${id}'${this.suggest(id, this.plugins.map((x) => x.manifest.id))}`);
    return p;
  }

  getVariant(id: string): VariantRef {
    const v = this.variants.get(id);
    if (v) return v;
    const ci = [...this.variants.keys()].find((k) => k.toLowerCase() === id.toLowerCase());
    if (ci) return this.variants.get(ci)!;
    throw new NeurotraceError(`no variant '${id}'${this.suggest(id, [...this.variants.keys()])} (see 'neurotrace plugins list')`);
  }

  private suggest(id: string, known: string[]): string {
    const near = known.filter((k) => editDistance(k.toLowerCase(), id.toLowerCase()) <= 2 || k.toLowerCase().startsWith(id.toLowerCase()));
    return near.length ? `; did you mean ${near.slice(0, 3).map((n) => `'${n}'`).join(', ')}?` : '';
  }
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length];
}
