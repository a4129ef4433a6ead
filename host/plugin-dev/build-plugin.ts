/**
 * Makes a plugin folder runnable, the step `plugins install` (and `plugins test <folder>`)
 * performs so contributors never run a build by hand: TypeScript is compiled to .js beside
 * the sources, a C++ plugin is built with cmake-js. A failed build surfaces the compiler's own
 * message.
 */
import { execa } from 'execa';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { createRequire } from 'node:module';
import { delimiter, dirname, join, relative, resolve } from 'node:path';
import { NeurotraceError } from '../core/errors.js';
import { packageRoot } from '../core/paths.js';
import type { PluginManifest } from '../generated/plugin-manifest.js';
import { neurotraceHome } from '../registry/plugin-paths.js';

export interface BuildOptions {
  /** Name for the build log file (default: the plugin id). */
  logName?: string;
  /** The folder as the user knows it, shown in place of the staging folder in compiler messages. */
  shownAs?: string;
}

/** A build that failed: the message is the first compiler error; `excerpt` holds the error lines with context. */
export class BuildError extends NeurotraceError {
  constructor(message: string, readonly excerpt: string, readonly logFile?: string) {
    super(message);
    this.name = 'BuildError';
  }
}

const hostRequire = () => createRequire(join(packageRoot(), 'package.json'));

const SKIP_DIRS = new Set(['node_modules', '.git', 'build']);

function walk(dir: string, keep: (file: string) => boolean, root = dir): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) { if (!SKIP_DIRS.has(name)) out.push(...walk(p, keep, root)); }
    else if (keep(p)) out.push(p);
  }
  return out;
}

/** ES modules when the plugin's package.json says "type": "module" (or it has none: then one is written). */
function moduleFormat(dir: string): 'esm' | 'cjs' {
  const pj = join(dir, 'package.json');
  if (!existsSync(pj)) {
    writeFileSync(pj, JSON.stringify({ type: 'module', private: true }, null, 2) + '\n');
    return 'esm';
  }
  try {
    return JSON.parse(readFileSync(pj, 'utf8')).type === 'module' ? 'esm' : 'cjs';
  } catch (e) {
    throw new NeurotraceError(`${pj}: not valid JSON (${(e as Error).message.split('\n')[0]})`);
  }
}

/**
 * Transpiles every .ts file to .js beside it with the host's TypeScript (no type check: the
 * plugin's own type dependencies need not be installed). Syntax errors fail the build.
 */
export async function compileTypeScript(dir: string, opts: BuildOptions = {}): Promise<string[]> {
  let ts: typeof import('typescript');
  try {
    ts = hostRequire()('typescript') as typeof import('typescript');
  } catch {
    throw new NeurotraceError(`cannot compile the TypeScript plugin in ${dir}: the 'typescript' package is not installed with neurotrace (npm install typescript), or ship the compiled .js files`);
  }
  const format = moduleFormat(dir);
  const files = walk(dir, (f) => /\.(m|c)?ts$/.test(f) && !f.endsWith('.d.ts'));
  const written: string[] = [];
  const errors: string[] = [];
  for (const file of files) {
    const out = ts.transpileModule(readFileSync(file, 'utf8'), {
      fileName: file,
      reportDiagnostics: true,
      compilerOptions: {
        target: ts.ScriptTarget.ES2022,
        module: file.endsWith('.cts') || (format === 'cjs' && !file.endsWith('.mts')) ? ts.ModuleKind.CommonJS : ts.ModuleKind.ES2022,
        sourceMap: false,
        esModuleInterop: true,
      },
    });
    for (const d of out.diagnostics ?? []) {
      const pos = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
      errors.push(`${opts.shownAs ? join(opts.shownAs, relative(dir, file)) : relative(dir, file)}${pos ? `:${pos.line + 1}:${pos.character + 1}` : ''}: error TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
    }
    const target = file.replace(/\.(m|c)?ts$/, (_m, k?: string) => (k ? `.${k}js` : '.js'));
    writeFileSync(target, out.outputText);
    written.push(target);
  }
  if (errors.length) throw new BuildError(errors[0], errors.slice(0, 20).join('\n'));
  return written;
}

/** Lines of a build log that report errors, each with the line before and the two after it. */
export function errorExcerpt(log: string, max = 20): { first?: string; excerpt: string } {
  const lines = log.split('\n');
  const isError = (l: string) => /(^|[\s:])(fatal )?error[:\s]|CMake Error|undefined reference/i.test(l) && !/^\s*(ERR!|info|make(\[\d+\])?:)/.test(l);
  const keep = new Set<number>();
  let first: string | undefined;
  lines.forEach((l, i) => {
    if (!isError(l)) return;
    first ??= l.trim();
    for (let k = Math.max(0, i - 1); k <= Math.min(lines.length - 1, i + 2); k++) keep.add(k);
  });
  const shown = [...keep].sort((a, b) => a - b).slice(0, max).map((i) => lines[i]);
  return { first, excerpt: shown.join('\n') };
}

/** Where Node's own headers live, so cmake-js never downloads them (machines may be offline). */
function nodeHeadersDir(): string | undefined {
  const prefix = dirname(dirname(process.execPath));
  return existsSync(join(prefix, 'include', 'node', 'node.h')) ? prefix : undefined;
}

/** Builds a C++ plugin with cmake-js (Release), with the host's node-addon-api on NODE_PATH. */
export async function buildNative(dir: string, manifest: PluginManifest, opts: BuildOptions = {}): Promise<string> {
  const rt = manifest.runtime;
  if (rt.kind !== 'native') throw new Error('buildNative needs a native plugin');
  const addon = resolve(dir, rt.addon);
  if (!existsSync(join(dir, 'CMakeLists.txt'))) {
    if (existsSync(addon)) return addon; // a prebuilt addon shipped with the plugin
    throw new NeurotraceError(`${join(dir, 'plugin.json')}: runtime.addon '${rt.addon}' does not exist and there is no CMakeLists.txt to build it`);
  }
  let cmakeJs: string;
  try {
    cmakeJs = hostRequire().resolve('cmake-js/bin/cmake-js');
  } catch {
    throw new NeurotraceError(`cannot build the C++ plugin in ${dir}: cmake-js is not installed with neurotrace (npm install cmake-js)`);
  }
  const env: Record<string, string> = {
    NODE_PATH: [join(packageRoot(), 'node_modules'), process.env.NODE_PATH].filter(Boolean).join(delimiter),
    PATH: [dirname(process.execPath), process.env.PATH].filter(Boolean).join(delimiter),
  };
  const headers = nodeHeadersDir();
  if (headers) env.npm_config_nodedir = headers;
  const res = await execa(process.execPath, [cmakeJs, 'build', '--directory', dir, '--parallel', String(Math.max(1, cpus().length))], {
    cwd: dir, env, reject: false, all: true, stdin: 'ignore',
  });
  // Messages name the files where the user edits them, not the staging copy being built.
  const log = opts.shownAs ? String(res.all ?? '').split(dir).join(opts.shownAs) : String(res.all ?? '');
  if (res.failed) {
    const logDir = join(neurotraceHome(), 'logs');
    mkdirSync(logDir, { recursive: true });
    const logFile = join(logDir, `${opts.logName ?? manifest.id}-build-${new Date().toISOString().replace(/[:.]/g, '-')}.log`);
    writeFileSync(logFile, log);
    const { first, excerpt } = errorExcerpt(log);
    const why = first ?? (/CMake executable is not found/i.test(log) ? 'cmake is not installed' : `cmake-js exited with ${res.exitCode ?? res.signal}`);
    throw new BuildError(`C++ build of ${manifest.id} failed: ${why} (full log: ${logFile})`, excerpt || log.split('\n').slice(-15).join('\n'), logFile);
  }
  if (!existsSync(addon)) {
    throw new NeurotraceError(`${join(dir, 'plugin.json')}: the build succeeded but runtime.addon '${rt.addon}' was not produced (check the target name in CMakeLists.txt)`);
  }
  return addon;
}

/** Whatever the runtime needs before it can run; returns a line per step done. */
export async function buildPlugin(dir: string, manifest: PluginManifest, opts: BuildOptions = {}): Promise<string[]> {
  const rt = manifest.runtime;
  if (rt.kind === 'typescript') {
    if (!/\.(m|c)?ts$/.test(rt.entry)) {
      if (!existsSync(resolve(dir, rt.entry))) throw new NeurotraceError(`${join(dir, 'plugin.json')}: runtime.entry '${rt.entry}' does not exist`);
      return [];
    }
    if (!existsSync(resolve(dir, rt.entry))) throw new NeurotraceError(`${join(dir, 'plugin.json')}: runtime.entry '${rt.entry}' does not exist`);
    const files = await compileTypeScript(dir, opts);
    return [`compiled ${files.length} TypeScript file${files.length === 1 ? '' : 's'}`];
  }
  if (rt.kind === 'native' && rt.addon !== 'neurotrace_native') {
    const built = existsSync(join(dir, 'CMakeLists.txt'));
    const addon = await buildNative(dir, manifest, opts);
    return [built ? `built ${relative(dir, addon)} with cmake-js` : `using the prebuilt ${relative(dir, addon)}`];
  }
  return [];
}
