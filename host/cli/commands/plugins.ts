import type { Command } from 'commander';
import { isAbsolute, relative } from 'node:path';
import type { CommandModule } from './index.js';
import { cliRegistry } from '../context.js';
import { formatTable } from '../format.js';
import { describeAllowed } from '../../registry/params.js';
import type { LoadedPlugin } from '../../registry/registry.js';
import { UsageError, NeurotraceError } from '../../core/errors.js';
import { userPluginDir } from '../../registry/plugin-paths.js';
import { createScaffold, SCAFFOLD_LANGUAGES, type ScaffoldLanguage } from '../../plugin-dev/scaffold.js';
import { installPlugin, uninstallPlugin } from '../../plugin-dev/install.js';
import { BuildError } from '../../plugin-dev/build-plugin.js';
import { runConformance } from '../../plugin-dev/conformance.js';
import type { CheckRow } from '../../plugin-dev/check-types.js';

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
  if (m.vaa3d) {
    out.push('', `vaa3d command lines (neurotrace vaa3d -x ${m.vaa3d.plugins[0]} -h):`);
    for (const fn of m.vaa3d.functions) out.push(`  -x ${m.vaa3d.plugins.join('|')} -f ${fn.name}: variant ${fn.variant}, ${(fn.args ?? []).length} -p values (${(fn.args ?? []).map((a) => a.label).join(' ')})`);
  }
  out.push('', 'variants:');
  out.push(formatTable(['variant', 'parameters', 'description'],
    m.variants.map((v) => [v.id, JSON.stringify(v.params), v.description ?? v.benchCommand ?? ''])).trimEnd());
  process.stdout.write(out.join('\n') + '\n');
}

function newAction(id: string, opts: { lang: string; dir?: string; name?: string }): void {
  if (!(SCAFFOLD_LANGUAGES as readonly string[]).includes(opts.lang)) {
    throw new UsageError(`--lang '${opts.lang}' must be one of ${SCAFFOLD_LANGUAGES.join(', ')}`);
  }
  const res = createScaffold({ id, lang: opts.lang as ScaffoldLanguage, dir: opts.dir, name: opts.name, registry: cliRegistry({ quiet: true }) });
  const r = relative(process.cwd(), res.dir);
  const rel = !r ? '.' : r.startsWith('..') || isAbsolute(r) ? res.dir : `./${r}`;
  process.stdout.write(`created ${res.dir}\n${res.files.map((f) => `  ${f}`).join('\n')}\n\nnext:\n`
    + `  neurotrace plugins test ${rel}      # conformance kit on synthetic images\n`
    + `  neurotrace plugins install ${rel}   # into ${userPluginDir()}\n`
    + `  neurotrace run ${id} <image>\n`);
}

async function installAction(source: string, opts: { force?: boolean }): Promise<void> {
  try {
    const res = await installPlugin(source, { force: opts.force, onStep: (s) => process.stderr.write(`${s}\n`) });
    process.stdout.write(`${res.replaced ? 'replaced' : 'installed'} ${res.id}@${res.version} in ${res.dir}\nvariants: ${res.variants.join(', ')}\n`);
  } catch (e) {
    // The compiler's own lines, then the one-line error main.ts prints.
    if (e instanceof BuildError && e.excerpt) process.stderr.write(`${e.excerpt}\n`);
    throw e;
  }
}

async function uninstallAction(id: string): Promise<void> {
  const res = await uninstallPlugin(id);
  process.stdout.write(`uninstalled ${res.id} (${res.dir})${res.variants.length ? `; variants removed: ${res.variants.join(', ')}` : ''}\n`);
}

const MARK: Record<CheckRow['status'], string> = { pass: 'PASS', fail: 'FAIL', warn: 'warn', skip: 'skip' };

async function testAction(target: string, opts: { inPlace?: boolean; timeout?: string; json?: boolean }): Promise<void> {
  let timeoutSec: number | undefined;
  if (opts.timeout !== undefined) {
    timeoutSec = Number(opts.timeout);
    if (!Number.isFinite(timeoutSec) || timeoutSec <= 0) throw new UsageError(`--timeout '${opts.timeout}' must be a positive number of seconds`);
  }
  const live = !opts.json && process.stderr.isTTY;
  const report = await runConformance(target, {
    inPlace: opts.inPlace, timeoutSec,
    onRow: live ? (r) => process.stderr.write(`  ${MARK[r.status]}  ${r.check}${r.variant ? ` (${r.variant})` : ''}\n`) : undefined,
  });
  const failed = report.rows.filter((r) => r.status === 'fail');
  if (opts.json) {
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  } else {
    const extra: string[] = [];
    const rows = report.rows.map((r) => {
      const [first, ...more] = r.detail.split('\n');
      if (more.length) extra.push(`${r.check}${r.variant ? ` (${r.variant})` : ''}:`, ...more.map((l) => `  ${l}`));
      return [r.check, r.variant, MARK[r.status], first];
    });
    process.stdout.write(`conformance: ${report.plugin ?? report.target}\n`);
    process.stdout.write(formatTable(['check', 'variant', 'result', 'detail'], rows));
    if (extra.length) process.stdout.write(`\n${extra.join('\n')}\n`);
    process.stdout.write(`${report.rows.length - failed.length} of ${report.rows.length} checks passed\n`);
  }
  if (failed.length) throw new NeurotraceError(`${report.plugin ?? report.target}: ${failed.length} conformance check${failed.length === 1 ? '' : 's'} failed (first: ${failed[0].check}${failed[0].variant ? ` (${failed[0].variant})` : ''})`);
}

export const pluginsCommand: CommandModule = {
  register(program: Command) {
    const plugins = program.command('plugins').description('list, inspect, create, install and test tracer plugins');
    plugins.command('list').description('list registered variants (from manifests only; no plugin code is loaded)')
      .option('--json', 'machine-readable output, including skipped manifests')
      .option('--user', 'only plugins from the user folder and NEUROTRACE_PLUGIN_PATH')
      .action(listAction);
    plugins.command('info <id>').description('parameters with defaults and ranges, variants and citation of a plugin (or of the plugin providing a variant)')
      .option('--json', 'print the manifest as JSON')
      .action(infoAction);
    plugins.command('new <id>').description('create a working plugin folder (manifest, a real threshold + skeleton tracer, tests, README)')
      .requiredOption('--lang <lang>', `language: ${SCAFFOLD_LANGUAGES.join(', ')}`)
      .option('--dir <dir>', 'folder to create (default ./<id>)')
      .option('--name <name>', 'human-readable name (default: the id)')
      .action(newAction);
    plugins.command('install <source>').description('install a plugin folder, .tgz archive or npm package into the user plugin folder (TypeScript compiled, C++ built with cmake-js)')
      .option('--force', 'replace an installed user plugin with the same id')
      .action(installAction);
    plugins.command('uninstall <id>').description('remove a plugin (by plugin or variant id) from the user plugin folder')
      .action(uninstallAction);
    plugins.command('test <id|folder>').description('conformance kit: manifest and parameter checks, every variant on synthetic images, bad parameters, cancellation; exits non-zero on failure')
      .option('--in-place', 'test a folder as it is (default: a built copy, as it would be installed)')
      .option('--timeout <s>', "lower the manifest's per-run time limit")
      .option('--json', 'machine-readable report')
      .action(testAction);
  },
};
