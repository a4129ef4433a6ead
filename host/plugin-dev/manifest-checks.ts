/**
 * The conformance kit's static checks: everything that can be judged from the manifest and the
 * plugin's files without tracing an image.
 */
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { UsageError } from '../core/errors.js';
import { hostVersion } from '../core/paths.js';
import { checkManifest, parameterAjv } from '../registry/manifest-validator.js';
import { resolveParams } from '../registry/params.js';
import type { LoadedPlugin, PluginRegistry, VariantRef } from '../registry/registry.js';
import { templatePlaceholders, resolveExecutable } from '../runtime/command-runner.js';
import { typescriptEntryCandidates } from '../runtime/load-tracer.js';
import { loadAddon } from '../runtime/native-addon.js';
import { parseVaa3dArgs } from './vaa3d-args.js';
import { functionsOf, mapVaa3dCall, resolveVaa3dPluginName, type Vaa3dTarget } from './vaa3d-map.js';
import { row, type CheckRow } from './check-types.js';

type PropSchema = Record<string, unknown>;

const props = (p: LoadedPlugin) => (p.manifest.parameters.properties ?? {}) as Record<string, PropSchema>;

/** Schema, engines range and presets, re-read from the file as the kit found it. */
export function checkManifestFile(manifestPath: string): { ok: boolean; row: CheckRow } {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (e) {
    return { ok: false, row: row('manifest', '', 'fail', `${manifestPath}: not valid JSON (${(e as Error).message.split('\n')[0]})`) };
  }
  const c = checkManifest(raw, hostVersion());
  if (!c.ok) return { ok: false, row: row('manifest', '', 'fail', `${manifestPath}: ${c.path}: ${c.reason}`) };
  const m = c.manifest;
  return { ok: true, row: row('manifest', '', 'pass', `${m.id}@${m.version}, ${m.runtime.kind} runtime, ${m.variants.length} variant${m.variants.length === 1 ? '' : 's'}, presets valid, engines ${m.engines.neurotrace} includes ${hostVersion()}`) };
}

function constrained(s: PropSchema): boolean {
  return ['type', 'enum', 'const', 'oneOf', 'anyOf', '$ref'].some((k) => k in s);
}

/** Every parameter typed, described, with a default that its own schema accepts. */
export function checkParameterSchema(plugin: LoadedPlugin): CheckRow[] {
  const fails: string[] = [];
  const warns: string[] = [];
  const ajv = parameterAjv();
  const entries = Object.entries(props(plugin));
  for (const [name, s] of entries) {
    if (!constrained(s)) fails.push(`'${name}' accepts any value (give it a type, enum or const)`);
    if (!('default' in s)) warns.push(`'${name}' has no default`);
    else {
      try {
        const validate = ajv.compile(s);
        if (!validate(structuredClone(s.default))) fails.push(`'${name}': default ${JSON.stringify(s.default)} is not accepted by its own schema (${validate.errors?.[0]?.message ?? 'invalid'})`);
      } catch (e) {
        fails.push(`'${name}': not a valid JSON Schema (${(e as Error).message.split('\n')[0]})`);
      }
    }
    if (typeof s.description !== 'string' || !s.description.trim()) warns.push(`'${name}' has no description (plugins info shows it)`);
  }
  if (plugin.manifest.parameters.additionalProperties === true) fails.push('additionalProperties is true, so misspelt parameter names would be accepted silently');
  const rows: CheckRow[] = [];
  if (fails.length) rows.push(row('parameter schema', '', 'fail', fails.join('; ')));
  else rows.push(row('parameter schema', '', 'pass', `${entries.length} parameter${entries.length === 1 ? '' : 's'}, each typed, defaults valid`));
  if (warns.length) rows.push(row('parameter schema', '', 'warn', warns.join('; ')));
  return rows;
}

/** Values a parameter's schema should refuse: wrong types and out-of-range numbers. */
function badValues(s: PropSchema): unknown[] {
  const types = new Set<string>();
  const collect = (x: PropSchema) => {
    for (const t of ([] as unknown[]).concat(x.type ?? []) as string[]) types.add(t);
    if ('const' in x) types.add(typeof x.const);
    if (Array.isArray(x.enum)) for (const v of x.enum) types.add(typeof v);
    for (const alt of ((x.oneOf ?? x.anyOf ?? []) as PropSchema[])) collect(alt);
  };
  collect(s);
  const out: unknown[] = ['not-a-valid-value', { nested: true }, [1, 2, 3]];
  if (!types.has('boolean')) out.push(true);
  if (!types.has('number') && !types.has('integer')) out.push(12345.5);
  const ranges = [s, ...((s.oneOf ?? s.anyOf ?? []) as PropSchema[])];
  for (const r of ranges) {
    if (typeof r.maximum === 'number') out.push(r.maximum + 1);
    if (typeof r.exclusiveMaximum === 'number') out.push(r.exclusiveMaximum);
    if (typeof r.minimum === 'number') out.push(r.minimum - 1);
    if (typeof r.exclusiveMinimum === 'number') out.push(r.exclusiveMinimum);
    if (r.type === 'integer') out.push(0.5);
  }
  return out;
}

/**
 * Bad parameters are refused before the tracer runs, with a message naming the parameter:
 * every parameter must reject at least one wrong value, and unknown names are refused.
 */
export function checkBadParameters(ref: VariantRef): CheckRow {
  const problems: string[] = [];
  let refused = 0;
  for (const [name, s] of Object.entries(props(ref.plugin))) {
    let rejectedHere = 0;
    for (const bad of badValues(s)) {
      try {
        resolveParams(ref, { [name]: bad });
      } catch (e) {
        if (!(e instanceof UsageError)) problems.push(`'${name}' = ${JSON.stringify(bad)}: ${(e as Error).message}`);
        else if (!e.message.includes(name)) problems.push(`the message for '${name}' = ${JSON.stringify(bad)} does not name the parameter: ${e.message}`);
        else { rejectedHere++; refused++; }
      }
    }
    if (rejectedHere === 0) problems.push(`'${name}' accepts every value tried (${badValues(s).map((v) => JSON.stringify(v)).join(', ')})`);
  }
  try {
    resolveParams(ref, { noSuchParameter: 1 });
    problems.push("an unknown parameter name 'noSuchParameter' was accepted");
  } catch (e) {
    if (!(e instanceof UsageError)) problems.push(`unknown parameter: ${(e as Error).message}`);
    else refused++;
  }
  return problems.length
    ? row('bad parameters', ref.id, 'fail', problems.slice(0, 3).join('; ') + (problems.length > 3 ? ` (and ${problems.length - 3} more)` : ''))
    : row('bad parameters', ref.id, 'pass', `${refused} wrong values and an unknown name refused, each naming the parameter`);
}

function onPath(file: string): string | undefined {
  for (const d of (process.env.PATH ?? '').split(delimiter)) {
    if (!d) continue;
    const p = join(d, file);
    try {
      if (statSync(p).isFile()) { accessSync(p, constants.X_OK); return p; }
    } catch { /* not here */ }
  }
  return undefined;
}

/** The runtime can start: compiled module, addon export, or command template and executable. */
export function checkRuntime(plugin: LoadedPlugin): CheckRow {
  const rt = plugin.manifest.runtime;
  switch (rt.kind) {
    case 'typescript': {
      const found = typescriptEntryCandidates(plugin, rt.entry).find((f) => existsSync(f) && !/\.(m|c)?ts$/.test(f));
      return found
        ? row('runtime', '', 'pass', `typescript module ${found}`)
        : row('runtime', '', 'fail', `entry '${rt.entry}' has no compiled .js (test the folder, which compiles a copy, or install the plugin)`);
    }
    case 'native': {
      try {
        const mod = loadAddon(rt.addon, plugin.dir);
        if (typeof mod[rt.export] !== 'function') {
          const names = Object.keys(mod).filter((k) => typeof mod[k] === 'function');
          return row('runtime', '', 'fail', `addon '${rt.addon}' has no function '${rt.export}' (it exports ${names.join(', ') || 'nothing'})`);
        }
        return row('runtime', '', 'pass', `native export '${rt.export}' of ${rt.addon}`);
      } catch (e) {
        return row('runtime', '', 'fail', (e as Error).message);
      }
    }
    case 'command': {
      const ph = templatePlaceholders(rt.command);
      const problems: string[] = [];
      if (ph.unknown.length) problems.push(`unknown placeholder${ph.unknown.length > 1 ? 's' : ''} ${ph.unknown.join(' ')}`);
      const missingParams = ph.params.filter((p) => !(p in props(plugin)));
      if (missingParams.length) problems.push(`{param:${missingParams[0]}} names no parameter`);
      for (const need of ['image', 'output']) if (!ph.known.includes(need)) problems.push(`the template never passes {${need}}`);
      const file = rt.command[0];
      if (/\{/.test(file)) {
        // an executable chosen by a placeholder ({plugin}/run.sh) is checked when it runs
      } else {
        const exe = resolveExecutable(plugin, file);
        if (exe !== file || isAbsolute(file)) {
          if (!existsSync(exe)) problems.push(`${exe} does not exist`);
          else { try { accessSync(exe, constants.X_OK); } catch { problems.push(`${exe} is not executable`); } }
        } else if (!onPath(file)) problems.push(`'${file}' is not on PATH`);
      }
      return problems.length
        ? row('runtime', '', 'fail', problems.join('; '))
        : row('runtime', '', 'pass', `command '${rt.command.join(' ')}', image as ${rt.imageFormat ?? 'tif'}`);
    }
    case 'host':
      return row('runtime', '', 'skip', `computed by the host ('${rt.service}') from other variants' outputs; nothing to run here`);
  }
}

/** Splits a bench command line ("vaa3d -x vn2 -f app2 -i <img> -p NULL 0 10 ...") into tokens after the executable. */
function benchTokens(cmd: string): string[] {
  const t = cmd.trim().split(/\s+/);
  return /(^|\/)(vaa3d|v3d)(\.exe|_msvc\.exe)?$/i.test(t[0] ?? '') ? t.slice(1) : t;
}

/**
 * The vaa3d block is consistent: names resolve, positions name real parameters, literals are
 * accepted, and every variant's benchCommand maps back to exactly that variant.
 */
export function checkVaa3dMapping(plugin: LoadedPlugin, kitRegistry: PluginRegistry, fullRegistry: PluginRegistry): CheckRow[] {
  const block = plugin.manifest.vaa3d;
  const withBench = plugin.manifest.variants.filter((v) => v.benchCommand);
  if (!block) {
    return [row('vaa3d mapping', '', withBench.length ? 'warn' : 'skip',
      withBench.length ? `variants have benchCommand lines but there is no vaa3d block, so 'neurotrace vaa3d' cannot run them` : "no vaa3d block ('neurotrace vaa3d' command lines cannot reach this plugin)")];
  }
  const problems: string[] = [];
  const ajv = parameterAjv();
  const ids = new Set(plugin.manifest.variants.map((v) => v.id));
  for (const fn of block.functions) {
    if (!ids.has(fn.variant)) problems.push(`function '${fn.name}' runs variant '${fn.variant}', which this plugin does not have`);
    const args = fn.args ?? [];
    if ((fn.minArgs ?? 0) > args.length) problems.push(`function '${fn.name}': minArgs ${fn.minArgs} exceeds its ${args.length} positions`);
    args.forEach((a, i) => {
      const role = a.role ?? 'param';
      const at = `function '${fn.name}' position ${i + 1} (${a.label})`;
      if (role !== 'param' && (a.param || a.type || a.literals)) problems.push(`${at}: 'param', 'type' and 'literals' only apply to role 'param'`);
      if (role !== 'channel' && a.channelBase !== undefined) problems.push(`${at}: channelBase only applies to role 'channel'`);
      if (role !== 'param') return;
      const s = a.param ? props(plugin)[a.param] : undefined;
      if (!s) { problems.push(`${at}: names no parameter ('${a.param ?? ''}')`); return; }
      for (const lit of a.literals ?? []) {
        if (!ajv.compile(s)(lit)) problems.push(`${at}: literal '${lit}' is not a valid value of '${a.param}'`);
      }
    });
    if (fn.fixed) for (const k of Object.keys(fn.fixed)) if (!(k in props(plugin))) problems.push(`function '${fn.name}': fixed parameter '${k}' does not exist`);
  }
  // Another plugin answering the same -x/-f pair makes the command line ambiguous.
  for (const name of block.plugins) {
    for (const other of functionsOf(fullRegistry, name)) {
      if (other.plugin.manifest.id === plugin.manifest.id) continue;
      if (block.functions.some((f) => f.name === other.fn.name)) problems.push(`-x ${name} -f ${other.fn.name} is also declared by ${other.plugin.manifestPath}`);
    }
  }
  const rows: CheckRow[] = [];
  if (problems.length) return [row('vaa3d mapping', '', 'fail', problems.slice(0, 3).join('; ') + (problems.length > 3 ? ` (and ${problems.length - 3} more)` : ''))];
  rows.push(row('vaa3d mapping', '', 'pass', `${block.functions.length} function${block.functions.length === 1 ? '' : 's'} under -x ${block.plugins.join('|')}`));
  for (const v of withBench) {
    try {
      const cl = parseVaa3dArgs(benchTokens(v.benchCommand!));
      if (!cl.plugin || !cl.func) throw new UsageError('no -x or -f');
      const name = resolveVaa3dPluginName(kitRegistry, cl.plugin);
      const target: Vaa3dTarget | undefined = functionsOf(kitRegistry, name).find((t) => t.fn.name === cl.func);
      if (!target) throw new UsageError(`-x ${cl.plugin} -f ${cl.func} is not declared in the vaa3d block`);
      const mapped = mapVaa3dCall(kitRegistry, target, cl.params);
      rows.push(mapped.variantId === v.id
        ? row('vaa3d benchCommand', v.id, 'pass', `'${cl.params.join(' ')}' maps to exactly this preset`)
        : row('vaa3d benchCommand', v.id, 'fail', `'${v.benchCommand}' maps to ${Object.keys(mapped.overrides).length
          ? `${mapped.variantId} with ${JSON.stringify(mapped.overrides)}` : `the preset of ${mapped.variantId}`}, not to this preset`));
    } catch (e) {
      rows.push(row('vaa3d benchCommand', v.id, 'fail', `'${v.benchCommand}': ${(e as Error).message}`));
    }
  }
  return rows;
}
