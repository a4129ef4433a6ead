/**
 * `neurotrace plugins new`: writes a working plugin folder from the templates in
 * host/plugin-dev/templates/<lang>/ (files ending in .tmpl; `gitignore.tmpl` becomes .gitignore).
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import semver from 'semver';
import { UsageError } from '../core/errors.js';
import { hostVersion, packageRoot } from '../core/paths.js';
import type { PluginRegistry } from '../registry/registry.js';

export const SCAFFOLD_LANGUAGES = ['ts', 'cpp', 'command'] as const;
export type ScaffoldLanguage = typeof SCAFFOLD_LANGUAGES[number];

const ID_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

export interface ScaffoldOptions {
  id: string;
  lang: ScaffoldLanguage;
  /** Folder to create (default ./<id>). */
  dir?: string;
  /** Human-readable name (default: the id). */
  name?: string;
  /** When given, an id already used by a registered variant is refused. */
  registry?: PluginRegistry;
}

export interface ScaffoldResult { dir: string; files: string[] }

export function templateDir(lang: ScaffoldLanguage): string {
  return join(packageRoot(), 'host', 'plugin-dev', 'templates', lang);
}

function listTemplates(root: string, sub = ''): string[] {
  return readdirSync(join(root, sub)).sort().flatMap((name) => {
    const rel = sub ? `${sub}/${name}` : name;
    return statSync(join(root, rel)).isDirectory() ? listTemplates(root, rel) : name.endsWith('.tmpl') ? [rel] : [];
  });
}

/** The C identifier for the addon target and NODE_API_MODULE name. */
export function cIdentifier(id: string): string {
  return id.replace(/[^A-Za-z0-9_]/g, '_');
}

/** `^0.1.0` for host 0.1.3: the scaffold accepts this minor series (0.x minors may break). */
export function enginesRange(version = hostVersion()): string {
  const v = semver.parse(version);
  if (!v) return `^${version}`;
  return `^${v.major}.${v.minor}.0`;
}

export function fillTemplate(text: string, vars: Record<string, string>): string {
  return text.replace(/\{\{(id|name|cname|engines|year)\}\}/g, (_m, k: string) => vars[k]);
}

export function createScaffold(opts: ScaffoldOptions): ScaffoldResult {
  if (!(SCAFFOLD_LANGUAGES as readonly string[]).includes(opts.lang)) {
    throw new UsageError(`--lang '${opts.lang}' must be one of ${SCAFFOLD_LANGUAGES.join(', ')}`);
  }
  if (!ID_PATTERN.test(opts.id)) {
    throw new UsageError(`plugin id '${opts.id}' must start with a letter and contain only letters, digits, '_', '.' or '-' (at most 64 characters)`);
  }
  if (opts.registry) {
    const taken = opts.registry.listVariants().find((v) => v.id.toLowerCase() === opts.id.toLowerCase());
    if (taken) throw new UsageError(`variant id '${opts.id}' is already registered by ${taken.plugin.manifestPath}; pick another id`);
  }
  const dir = resolve(opts.dir ?? opts.id);
  if (existsSync(dir) && (!statSync(dir).isDirectory() || readdirSync(dir).length > 0)) {
    throw new UsageError(`${dir} already exists and is not empty; choose another --dir`);
  }
  const vars = {
    id: opts.id,
    name: (opts.name ?? opts.id).replace(/["\\]/g, ''),
    cname: cIdentifier(opts.id),
    engines: enginesRange(),
    year: String(new Date().getFullYear()),
  };
  const src = templateDir(opts.lang);
  const files: string[] = [];
  for (const rel of listTemplates(src)) {
    const outRel = rel.replace(/\.tmpl$/, '').replace(/(^|\/)gitignore$/, '$1.gitignore');
    const out = join(dir, outRel);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, fillTemplate(readFileSync(join(src, rel), 'utf8'), vars));
    if (outRel.endsWith('.py') && !outRel.includes('/')) chmodSync(out, 0o755);
    files.push(relative(dir, out));
  }
  return { dir, files };
}
