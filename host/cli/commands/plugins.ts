import type { Command } from 'commander';
import type { CommandModule } from './index.js';
import { cliRegistry } from '../context.js';
import { formatTable } from '../format.js';
import { describeAllowed } from '../../registry/params.js';
import type { LoadedPlugin } from '../../registry/registry.js';

function pluginSummary(p: LoadedPlugin) {
  const m = p.manifest;
  return {
    id: m.id, name: m.name, version: m.version, runtime: m.runtime.kind, source: p.source,
    manifest: p.manifestPath, variants: m.variants.map((v) => v.id),
  };
}

function listAction(opts: { json?: boolean; user?: boolean }): void {
  const reg = cliRegistry({ quiet: !!opts.json });
  const plugins = reg.listPlugins().filter((p) => !opts.user || p.source !== 'builtin');
  if (opts.json) {
    process.stdout.write(JSON.stringify({ plugins: plugins.map(pluginSummary), skipped: reg.problems }, null, 2) + '\n');
    return;
  }
  const rows = plugins.flatMap((p) => p.manifest.variants.map((v) => [v.id, p.manifest.id, p.manifest.version, p.manifest.runtime.kind, p.source]));
  process.stdout.write(formatTable(['variant', 'plugin', 'version', 'runtime', 'source'], rows));
  process.stdout.write(`${rows.length} variant${rows.length === 1 ? '' : 's'} from ${plugins.length} plugin${plugins.length === 1 ? '' : 's'}\n`);
}

function infoAction(id: string, opts: { json?: boolean }): void {
  const reg = cliRegistry({ quiet: !!opts.json });
  const p = reg.getPlugin(id);
  const m = p.manifest;
  if (opts.json) {
    process.stdout.write(JSON.stringify({ ...m, manifestPath: p.manifestPath, source: p.source }, null, 2) + '\n');
    return;
  }
  const out: string[] = [];
  out.push(`${m.name} (${m.id}@${m.version}, ${m.runtime.kind}, ${p.source})`);
  if (m.description) out.push('', m.description);
  out.push('', `citation: ${m.citation}`, `manifest: ${p.manifestPath}`,
    `accepts: ${m.capabilities.dtypes.join(', ')}; seeds ${m.capabilities.seeds}; limits ${m.resources.timeoutSec} s, ${m.resources.memoryMiB} MiB`, '');
  const props = m.parameters.properties as Record<string, Record<string, unknown>>;
  out.push('parameters:');
  out.push(formatTable(['name', 'default', 'accepts', 'description'],
    Object.entries(props).map(([k, s]) => [k, s.default === undefined ? '' : JSON.stringify(s.default), describeAllowed(s), String(s.description ?? '')])).trimEnd());
  out.push('', 'variants:');
  out.push(formatTable(['variant', 'parameters', 'description'],
    m.variants.map((v) => [v.id, JSON.stringify(v.params), v.description ?? v.benchCommand ?? ''])).trimEnd());
  process.stdout.write(out.join('\n') + '\n');
}

export const pluginsCommand: CommandModule = {
  register(program: Command) {
    const plugins = program.command('plugins').description('list and inspect tracer plugins');
    plugins.command('list').description('list registered variants (from manifests only; no plugin code is loaded)')
      .option('--json', 'machine-readable output, including skipped manifests')
      .option('--user', 'only plugins from the user folder and NEUROTRACE_PLUGIN_PATH')
      .action(listAction);
    plugins.command('info <id>').description('parameters with defaults and ranges, variants and citation of a plugin (or of the plugin providing a variant)')
      .option('--json', 'print the manifest as JSON')
      .action(infoAction);
  },
};
