import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import semver from 'semver';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../core/paths.js';
import type { PluginManifest } from '../generated/plugin-manifest.js';

export type ManifestCheck =
  | { ok: true; manifest: PluginManifest }
  | { ok: false; path: string; reason: string };

let validateFn: ReturnType<Ajv2020['compile']> | undefined;
let ajvForParams: Ajv2020 | undefined;

function manifestValidator() {
  if (!validateFn) {
    const schema = JSON.parse(readFileSync(join(packageRoot(), 'schemas', 'plugin-manifest.schema.json'), 'utf8'));
    const ajv = new Ajv2020({ allErrors: false, strict: false });
    validateFn = ajv.compile(schema);
  }
  return validateFn;
}

/** An ajv instance for plugins' own parameter schemas (defaults are applied by params.ts). */
export function parameterAjv(): Ajv2020 {
  if (!ajvForParams) ajvForParams = new Ajv2020({ allErrors: true, strict: false, useDefaults: true });
  return ajvForParams;
}

/** JSON path of an ajv error in the `$.a.b[2]` form users know from JSON tools. */
export function jsonPath(instancePath: string): string {
  if (!instancePath) return '$';
  return '$' + instancePath.split('/').slice(1).map((seg) => {
    const s = seg.replace(/~1/g, '/').replace(/~0/g, '~');
    return /^\d+$/.test(s) ? `[${s}]` : /^[A-Za-z_$][\w$]*$/.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`;
  }).join('');
}

function describe(err: ErrorObject): { path: string; reason: string } {
  let path = jsonPath(err.instancePath);
  let reason = err.message ?? 'is invalid';
  if (err.keyword === 'additionalProperties') {
    const extra = (err.params as { additionalProperty: string }).additionalProperty;
    path = path === '$' ? `$.${extra}` : `${path}.${extra}`;
    reason = 'is not an allowed property';
  } else if (err.keyword === 'required') {
    const missing = (err.params as { missingProperty: string }).missingProperty;
    path = path === '$' ? `$.${missing}` : `${path}.${missing}`;
    reason = 'is required';
  } else if (err.keyword === 'const' || err.keyword === 'enum') {
    const allowed = err.keyword === 'const' ? [(err.params as { allowedValue: unknown }).allowedValue]
      : (err.params as { allowedValues: unknown[] }).allowedValues;
    reason = `must be ${allowed.map((v) => JSON.stringify(v)).join(' or ')}`;
  }
  return { path, reason };
}

/**
 * Checks a parsed manifest against the schema, its own parameter schema and variant presets,
 * and the host version — all without loading any plugin code.
 */
export function checkManifest(raw: unknown, hostVersion: string): ManifestCheck {
  const validate = manifestValidator();
  if (!validate(raw)) {
    // oneOf failures on runtime report every branch; the most specific message is the kind check
    const errs = validate.errors ?? [];
    const runtimeKind = errs.find((e: ErrorObject) => e.instancePath === '/runtime' && e.keyword === 'oneOf');
    if (runtimeKind) {
      const r = (raw as { runtime?: { kind?: unknown } }).runtime;
      const kinds = ['typescript', 'native', 'command', 'host'];
      if (!r || !kinds.includes(r.kind as string)) {
        return { ok: false, path: '$.runtime.kind', reason: `must be one of ${kinds.join(', ')}` };
      }
      const branch = errs.find((e: ErrorObject) => e.instancePath.startsWith('/runtime') && e.keyword !== 'oneOf' && e.keyword !== 'const');
      if (branch) return { ok: false, ...describe(branch) };
    }
    return { ok: false, ...describe(errs[0]) };
  }
  const m = raw as PluginManifest;
  if (!semver.valid(m.version)) return { ok: false, path: '$.version', reason: `'${m.version}' is not a semantic version` };
  const range = semver.validRange(m.engines.neurotrace);
  if (!range) return { ok: false, path: '$.engines.neurotrace', reason: `'${m.engines.neurotrace}' is not a semver range` };
  if (!semver.satisfies(hostVersion, range, { includePrerelease: true })) {
    return { ok: false, path: '$.engines.neurotrace', reason: `requires neurotrace ${m.engines.neurotrace}, this host is ${hostVersion}` };
  }
  const ajv = parameterAjv();
  let validateParams;
  try {
    validateParams = ajv.compile({ ...m.parameters, additionalProperties: m.parameters.additionalProperties ?? false });
  } catch (e) {
    return { ok: false, path: '$.parameters', reason: `is not a valid JSON Schema: ${(e as Error).message}` };
  }
  const ids = new Set<string>();
  for (const [i, v] of m.variants.entries()) {
    if (ids.has(v.id)) return { ok: false, path: `$.variants[${i}].id`, reason: `'${v.id}' is listed twice` };
    ids.add(v.id);
    const candidate = structuredClone(v.params);
    if (!validateParams(candidate)) {
      const e = validateParams.errors![0];
      const d = describe(e);
      return { ok: false, path: `$.variants[${i}].params${d.path.slice(1)}`, reason: d.reason };
    }
  }
  return { ok: true, manifest: m };
}
