/**
 * Maps a Vaa3D `-x <plugin> -f <func> -p v1 v2 ...` call onto a neurotrace variant, following
 * the `vaa3d` block of the manifests: positional values become named parameters (or the marker
 * file, or the channel), on top of the schema defaults, exactly as the original plugin filled
 * its parameter struct from its defaults and then from the command line.
 */
import { NeurotraceError, UsageError } from '../core/errors.js';
import type { Vaa3DArgument, Vaa3DFunction } from '../generated/plugin-manifest.js';
import { describeAllowed, resolveParams } from '../registry/params.js';
import type { LoadedPlugin, PluginRegistry, VariantRef } from '../registry/registry.js';

export interface Vaa3dTarget {
  /** The -x name as declared in the manifest it resolved to. */
  pluginName: string;
  plugin: LoadedPlugin;
  fn: Vaa3DFunction;
}

export interface MappedCall {
  /** The variant to run: a preset that matches the values exactly, else the function's variant. */
  variantId: string;
  /** Parameter overrides for runVariant (empty when a preset matched exactly). */
  overrides: Record<string, unknown>;
  /** The complete parameters the run will use. */
  params: Record<string, unknown>;
  /** .marker file named by a 'marker' position (undefined for NULL). */
  markerFile?: string;
  channel: number;
  /** What was accepted but has no effect, for the user to see. */
  notes: string[];
}

/** All -x names declared by registered plugins, with the plugins declaring each. */
function declaredNames(registry: PluginRegistry): Map<string, LoadedPlugin[]> {
  const names = new Map<string, LoadedPlugin[]>();
  for (const p of registry.listPlugins()) {
    for (const n of p.manifest.vaa3d?.plugins ?? []) names.set(n, [...(names.get(n) ?? []), p]);
  }
  return names;
}

/**
 * Resolves -x the way Vaa3D does: an exact name first, then a name containing the string,
 * which must be unique (`-x MOST` finds `mostVesselTracer`).
 */
export function resolveVaa3dPluginName(registry: PluginRegistry, x: string): string {
  const names = declaredNames(registry);
  if (names.has(x)) return x;
  const all = [...names.keys()].sort();
  const ci = all.filter((n) => n.toLowerCase() === x.toLowerCase());
  if (ci.length === 1) return ci[0];
  const sub = all.filter((n) => n.toLowerCase().includes(x.toLowerCase()));
  if (sub.length === 1) return sub[0];
  if (sub.length > 1) throw new UsageError(`vaa3d: -x '${x}' matches several plugins (${sub.join(', ')}); give the full name`);
  throw new UsageError(`vaa3d: no plugin answers to -x '${x}'; known: ${all.length ? all.join(', ') : '(none: no manifest has a vaa3d block)'}`);
}

/** Every function reachable under a -x name, for help and error messages. */
export function functionsOf(registry: PluginRegistry, pluginName: string): Vaa3dTarget[] {
  return (declaredNames(registry).get(pluginName) ?? [])
    .flatMap((plugin) => plugin.manifest.vaa3d!.functions
      .filter((fn) => !fn.plugin || fn.plugin === pluginName)
      .map((fn) => ({ pluginName, plugin, fn })));
}

export function findVaa3dFunction(registry: PluginRegistry, x: string, f: string): Vaa3dTarget {
  const name = resolveVaa3dPluginName(registry, x);
  const fns = functionsOf(registry, name);
  let hits = fns.filter((t) => t.fn.name === f);
  if (!hits.length) hits = fns.filter((t) => t.fn.name.toLowerCase() === f.toLowerCase());
  if (!hits.length) {
    throw new UsageError(`vaa3d: plugin '${name}' has no function '${f}'; functions: ${fns.map((t) => t.fn.name).join(', ')}`);
  }
  if (hits.length > 1) {
    throw new NeurotraceError(`vaa3d: -x ${name} -f ${f} is declared by several manifests: ${hits.map((t) => t.plugin.manifestPath).join(', ')}`);
  }
  return hits[0];
}

type PropSchema = Record<string, unknown>;

function propSchemas(plugin: LoadedPlugin): Record<string, PropSchema> {
  return (plugin.manifest.parameters.properties ?? {}) as Record<string, PropSchema>;
}

function collectTypes(s: PropSchema, out = new Set<string>()): Set<string> {
  for (const t of ([] as unknown[]).concat(s.type ?? []) as string[]) out.add(t);
  if ('const' in s) out.add(typeof s.const);
  if (Array.isArray(s.enum)) for (const v of s.enum) out.add(typeof v);
  for (const alt of ((s.oneOf ?? s.anyOf ?? []) as PropSchema[])) collectTypes(alt, out);
  return out;
}

/** The conversion a position uses: declared, else the parameter schema's own type. */
function conversionOf(arg: Vaa3DArgument, schema: PropSchema | undefined): 'integer' | 'number' | 'bool' | 'string' {
  if (arg.type) return arg.type;
  const t = schema ? collectTypes(schema) : new Set<string>();
  if (t.has('boolean')) return 'bool';
  if (t.has('integer')) return 'integer';
  if (t.has('number')) return 'number';
  return 'string';
}

const INTEGER = /^[+-]?\d+$/;

function convert(text: string, how: 'integer' | 'number' | 'bool' | 'string'): unknown {
  const t = text.trim();
  switch (how) {
    case 'integer': return INTEGER.test(t) ? Number(t) : undefined;
    case 'number': return t !== '' && Number.isFinite(Number(t)) ? Number(t) : undefined;
    case 'bool':
      // Vaa3D plugins read flags with atoi(...) != 0.
      if (INTEGER.test(t)) return Number(t) !== 0;
      if (/^(true|false)$/i.test(t)) return t.toLowerCase() === 'true';
      return undefined;
    case 'string': return text;
  }
}

function describeConversion(how: string, literals: string[]): string {
  const base = how === 'bool' ? '0 or 1' : how === 'integer' ? 'an integer' : how === 'number' ? 'a number' : 'text';
  return literals.length ? `${base} or ${literals.map((l) => `'${l}'`).join(', or ')}` : base;
}

/** Parameters with every schema default: what the original plugin's parameter struct started from. */
export function schemaDefaults(plugin: LoadedPlugin): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, s] of Object.entries(propSchemas(plugin))) if ('default' in s) out[k] = structuredClone(s.default);
  return out;
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

export function sameParams(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  return canonical(a) === canonical(b);
}

/** A short usage line for a function: `-p <inmarker_file> <channel> <bkg_thresh> ...`. */
export function usageOf(t: Vaa3dTarget): string {
  const args = t.fn.args ?? [];
  const min = t.fn.minArgs ?? 0;
  return `-x ${t.pluginName} -f ${t.fn.name} -i <image> [-o <out.swc>]${args.length ? ` -p ${args.map((a, i) => (i < min ? `<${a.label}>` : `[${a.label}]`)).join(' ')}` : ''}`;
}

/** Turns the -p values into a variant, parameters, marker file and channel. */
export function mapVaa3dCall(registry: PluginRegistry, target: Vaa3dTarget, values: string[]): MappedCall {
  const { fn, plugin } = target;
  const where = `vaa3d -x ${target.pluginName} -f ${fn.name}`;
  const args = fn.args ?? [];
  const labels = args.map((a) => a.label).join(' ');
  if (values.length > args.length) {
    throw new UsageError(`${where}: ${values.length} -p values given, at most ${args.length} accepted${args.length ? ` (${labels})` : ''}`);
  }
  const min = fn.minArgs ?? 0;
  if (values.length < min) throw new UsageError(`${where}: needs ${min === args.length ? 'exactly' : 'at least'} ${min} -p values (${labels}), got ${values.length}`);

  const schemas = propSchemas(plugin);
  const params: Record<string, unknown> = { ...schemaDefaults(plugin), ...structuredClone(fn.fixed ?? {}) };
  let markerFile: string | undefined;
  let channel = 0;
  const notes: string[] = [];
  values.forEach((text, i) => {
    const arg = args[i];
    const what = `-p value ${i + 1} (${arg.label})`;
    switch (arg.role ?? 'param') {
      case 'marker':
        if (text !== 'NULL' && text.trim() !== '') markerFile = text;
        return;
      case 'channel': {
        const base = arg.channelBase ?? 0;
        const n = convert(text, 'integer') as number | undefined;
        if (n === undefined || n - base < 0) throw new UsageError(`${where}: ${what} '${text}' must be a channel number counted from ${base}`);
        channel = n - base;
        return;
      }
      case 'ignored':
        notes.push(`${what} '${text}' is ignored, as in the original plugin`);
        return;
      case 'param': {
        if (!arg.param || !(arg.param in schemas)) {
          throw new NeurotraceError(`${plugin.manifestPath}: vaa3d function '${fn.name}': position ${i + 1} (${arg.label}) names no parameter of this plugin ('${arg.param ?? ''}')`);
        }
        const literals = arg.literals ?? [];
        if (literals.includes(text.trim())) { params[arg.param] = text.trim(); return; }
        const how = conversionOf(arg, schemas[arg.param]);
        const v = convert(text, how);
        if (v === undefined) throw new UsageError(`${where}: ${what} '${text}' must be ${describeConversion(how, literals)}`);
        params[arg.param] = v;
      }
    }
  });

  const base = registry.getVariant(fn.variant);
  if (base.plugin.manifestPath !== plugin.manifestPath) {
    throw new NeurotraceError(`${plugin.manifestPath}: vaa3d function '${fn.name}' runs variant '${fn.variant}', which belongs to ${base.plugin.manifestPath}`);
  }
  let resolved: Record<string, unknown>;
  try {
    resolved = resolveParams(base, params);
  } catch (e) {
    if (e instanceof UsageError) {
      const name = /parameter '([^']+)'/.exec(e.message)?.[1];
      const pos = args.findIndex((a) => a.param === name);
      const at = pos >= 0 && pos < values.length ? ` (-p value ${pos + 1}, ${args[pos].label})` : '';
      throw new UsageError(`${where}${at}: ${e.message}`);
    }
    throw e;
  }
  const match = matchingVariant(plugin, base, resolved);
  return match
    ? { variantId: match.id, overrides: {}, params: resolved, markerFile, channel, notes }
    : { variantId: base.id, overrides: params, params: resolved, markerFile, channel, notes };
}

/** The preset the values reproduce exactly (the function's own variant first), if any. */
function matchingVariant(plugin: LoadedPlugin, base: VariantRef, resolved: Record<string, unknown>): { id: string } | undefined {
  const refs: VariantRef[] = [base, ...plugin.manifest.variants.filter((v) => v.id !== base.id).map((v) => ({ id: v.id, plugin, preset: v }))];
  return refs.find((ref) => {
    try {
      return sameParams(resolveParams(ref), resolved);
    } catch {
      return false; // a preset that fails its own schema is the conformance kit's business
    }
  });
}

/** The output path when -o is absent: the function's template, else the host default. */
export function defaultVaa3dOutput(fn: Vaa3DFunction, image: string): string | undefined {
  return fn.output ? fn.output.split('{image}').join(image) : undefined;
}

/** What the parameter named by a position accepts, for help text. */
export function describePosition(target: Vaa3dTarget, arg: Vaa3DArgument): string {
  switch (arg.role ?? 'param') {
    case 'marker': return ".marker file with the seeds (first = root), or NULL";
    case 'channel': return `channel, counted from ${arg.channelBase ?? 0}`;
    case 'ignored': return 'accepted and ignored';
    default: {
      const s = propSchemas(target.plugin)[arg.param ?? ''];
      const how = conversionOf(arg, s);
      return `${arg.param}: ${describeConversion(how, arg.literals ?? [])}${s ? ` (${describeAllowed(s)})` : ''}`;
    }
  }
}
