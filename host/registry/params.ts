import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { UsageError } from '../core/errors.js';
import type { VariantRef } from './registry.js';
import { parameterAjv } from './manifest-validator.js';

type PropSchema = Record<string, unknown>;

function props(ref: VariantRef): Record<string, PropSchema> {
  return (ref.plugin.manifest.parameters.properties ?? {}) as Record<string, PropSchema>;
}

/** "a number from 0 to 255, or 'AUTO'": what a parameter accepts, from its schema. */
export function describeAllowed(s: PropSchema): string {
  const alts = (s.oneOf ?? s.anyOf) as PropSchema[] | undefined;
  if (alts) return alts.map(describeAllowed).join(', or ');
  if ('const' in s) return JSON.stringify(s.const);
  if (Array.isArray(s.enum)) return `one of ${s.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  const types = ([] as unknown[]).concat(s.type ?? []) as string[];
  const parts: string[] = [];
  const lo = s.minimum ?? s.exclusiveMinimum;
  const hi = s.maximum ?? s.exclusiveMaximum;
  const range = lo !== undefined && hi !== undefined ? ` from ${lo}${s.exclusiveMinimum !== undefined ? ' (exclusive)' : ''} to ${hi}${s.exclusiveMaximum !== undefined ? ' (exclusive)' : ''}`
    : lo !== undefined ? (s.exclusiveMinimum !== undefined ? ` > ${lo}` : ` >= ${lo}`)
    : hi !== undefined ? (s.exclusiveMaximum !== undefined ? ` < ${hi}` : ` <= ${hi}`) : '';
  for (const t of types) {
    if (t === 'integer') parts.push(`an integer${range}`);
    else if (t === 'number') parts.push(`a number${range}`);
    else if (t === 'boolean') parts.push('true or false');
    else if (t === 'string') parts.push('a string');
    else parts.push(`a ${t}`);
  }
  return parts.join(' or ') || 'any value';
}

/**
 * Turns a command-line string into the JSON type the parameter's schema wants, so
 * `--param lengthThresh=5` is a number and `--param bkgThresh=AUTO` stays a string.
 */
export function coerceParam(ref: VariantRef, name: string, text: string): unknown {
  const s = props(ref)[name];
  if (!s) return text; // unknown names are rejected with the full list in resolveParams
  const wants = collectTypes(s);
  const t = text.trim();
  if (wants.has('boolean') && /^(true|false|1|0|yes|no|on|off)$/i.test(t)) return /^(true|1|yes|on)$/i.test(t);
  if ((wants.has('number') || wants.has('integer')) && t !== '' && Number.isFinite(Number(t))) return Number(t);
  if (wants.has('array') || wants.has('object')) {
    try { return JSON.parse(t); } catch { return text; }
  }
  return text;
}

function collectTypes(s: PropSchema, out = new Set<string>()): Set<string> {
  for (const t of ([] as unknown[]).concat(s.type ?? []) as string[]) out.add(t);
  if ('const' in s) out.add(typeof s.const);
  if (Array.isArray(s.enum)) for (const v of s.enum) out.add(typeof v);
  for (const alt of ((s.oneOf ?? s.anyOf ?? []) as PropSchema[])) collectTypes(alt, out);
  return out;
}

/**
 * Final parameters for one run: schema defaults, then the variant preset, then the user's
 * overrides. Unknown names and out-of-range values are rejected naming the parameter and
 * what it accepts.
 */
export function resolveParams(ref: VariantRef, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const known = props(ref);
  for (const k of Object.keys(overrides)) {
    if (!(k in known)) {
      const list = Object.keys(known);
      throw new UsageError(`unknown parameter '${k}' for ${ref.id}; known: ${list.length ? list.join(', ') : '(none)'}`);
    }
  }
  const merged: Record<string, unknown> = { ...structuredClone(ref.preset.params), ...structuredClone(overrides) };
  const validate = compiledParams(ref);
  if (!validate(merged)) throw new UsageError(paramErrorMessage(ref, validate.errors ?? [], merged));
  return merged;
}

const compiled = new WeakMap<object, ValidateFunction>();

/** One compiled validator per manifest: a bench resolves parameters for every cell. */
function compiledParams(ref: VariantRef): ValidateFunction {
  const schema = ref.plugin.manifest.parameters;
  let v = compiled.get(schema);
  if (!v) {
    v = parameterAjv().compile({ ...schema, additionalProperties: schema.additionalProperties ?? false });
    compiled.set(schema, v);
  }
  return v;
}

function paramErrorMessage(ref: VariantRef, errors: ErrorObject[], values: Record<string, unknown>): string {
  const first = errors[0];
  const name = first.instancePath.split('/')[1] ?? (first.params as { missingProperty?: string }).missingProperty ?? '?';
  const s = props(ref)[name];
  if (!s) return `parameter '${name}' for ${ref.id}: ${first.message}`;
  return `parameter '${name}' for ${ref.id} must be ${describeAllowed(s)} (got ${JSON.stringify(values[name])})`;
}
