import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { NeurotraceError } from '../core/errors.js';
import { packageRoot } from '../core/paths.js';
import type { LoadedPlugin } from '../registry/registry.js';
import { nativeTracer } from './native-addon.js';
import { nativeTracerAdapter } from './native-runner.js';
import type { Tracer, TracerModule } from './tracer.js';
import { commandTracer } from './command-runner.js';

/**
 * Where a TypeScript plugin's compiled module lives: beside the source for user plugins built
 * at install, or in dist/ for the built-in ones (tsc mirrors the tree there).
 */
export function typescriptEntryCandidates(plugin: LoadedPlugin, entry: string): string[] {
  const src = resolve(plugin.dir, entry);
  const js = src.replace(/\.(c|m)?ts$/, '.js');
  const out: string[] = [];
  const underVitest = !!process.env.VITEST;
  if (underVitest && /\.(c|m)?ts$/.test(src)) out.push(src);
  if (js !== src) out.push(js);
  const rel = relative(packageRoot(), js);
  if (!rel.startsWith('..')) out.push(join(packageRoot(), 'dist', rel));
  out.push(src);
  return [...new Set(out)];
}

export async function loadTracer(plugin: LoadedPlugin): Promise<Tracer> {
  const rt = plugin.manifest.runtime;
  const label = plugin.manifest.id;
  switch (rt.kind) {
    case 'native':
      return nativeTracerAdapter(nativeTracer(rt.addon, rt.export, plugin.dir), label);
    case 'typescript': {
      const file = typescriptEntryCandidates(plugin, rt.entry).find((f) => existsSync(f) && !(f.endsWith('.ts') && !process.env.VITEST));
      if (!file) throw new NeurotraceError(`${plugin.manifestPath}: entry '${rt.entry}' has no compiled module (run 'npm run build' or reinstall the plugin)`);
      let mod: Partial<TracerModule>;
      try {
        mod = await import(pathToFileURL(file).href) as Partial<TracerModule>;
      } catch (e) {
        throw new NeurotraceError(`${file}: cannot load plugin module: ${(e as Error).message.split('\n')[0]}`, 1, { cause: e });
      }
      if (typeof mod.createTracer !== 'function') throw new NeurotraceError(`${file}: plugin module does not export createTracer()`);
      return await mod.createTracer();
    }
    case 'command':
      return commandTracer(plugin, rt);
    case 'host':
      throw new NeurotraceError(`${label}: variant is computed by the host from other variants' outputs ('${rt.service}'); run it with 'neurotrace bench'`);
  }
}
