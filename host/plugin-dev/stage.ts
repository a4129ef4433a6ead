/**
 * Brings a plugin's files into a private staging folder, from a folder, a .tgz or an npm
 * package, refusing anything that could write or point outside the plugin: absolute paths,
 * '..' components, links leaving the folder, device files. Every entry is checked before a
 * single byte is written.
 */
import { execa } from 'execa';
import { copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readlinkSync, statSync, symlinkSync } from 'node:fs';
import { dirname, isAbsolute, join, posix, relative, resolve } from 'node:path';
import * as tar from 'tar';
import { NeurotraceError } from '../core/errors.js';

/** Folders never copied from a source folder: VCS data, dependencies, build output (rebuilt on install). */
export function skippedOnCopy(root: string): Set<string> {
  const skip = new Set(['.git', 'node_modules']);
  if (existsSync(join(root, 'CMakeLists.txt'))) skip.add('build');
  return skip;
}

function inside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** Copies a plugin folder, keeping relative links that stay inside it and refusing the others. */
export function copyPluginFolder(src: string, dest: string): void {
  const root = resolve(src);
  const skip = skippedOnCopy(root);
  const problems: string[] = [];
  const plan: { rel: string; kind: 'dir' | 'file' | 'link'; link?: string }[] = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(join(root, rel)).sort()) {
      const r = rel ? join(rel, name) : name;
      if (!rel && skip.has(name)) continue;
      const abs = join(root, r);
      const st = lstatSync(abs);
      if (st.isSymbolicLink()) {
        const link = readlinkSync(abs);
        if (isAbsolute(link) || !inside(root, resolve(dirname(abs), link))) problems.push(`${abs}: link points outside the plugin folder (-> ${link})`);
        else plan.push({ rel: r, kind: 'link', link });
      } else if (st.isDirectory()) {
        plan.push({ rel: r, kind: 'dir' });
        walk(r);
      } else if (st.isFile()) {
        plan.push({ rel: r, kind: 'file' });
      } else {
        problems.push(`${abs}: not a regular file, folder or link`);
      }
    }
  };
  walk('');
  if (problems.length) throw new NeurotraceError(`refusing to install ${root}: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`);
  mkdirSync(dest, { recursive: true });
  for (const p of plan) {
    const to = join(dest, p.rel);
    if (p.kind === 'dir') mkdirSync(to, { recursive: true });
    else if (p.kind === 'link') symlinkSync(p.link!, to);
    else { copyFileSync(join(root, p.rel), to); }
  }
}

const isAbsoluteName = (p: string) => p.startsWith('/') || /^[A-Za-z]:/.test(p);

/**
 * Why one archive entry is refused, or undefined when it is safe. `root` is the top folder
 * that extraction strips ('' for none): link targets must stay inside it, not merely inside
 * the archive.
 */
export function entryProblem(path: string, type: string, linkpath: string | undefined, root = ''): string | undefined {
  const p = path.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
  if (isAbsoluteName(p)) return `entry '${path}' has an absolute path`;
  if (p.split('/').includes('..')) return `entry '${path}' has a '..' component`;
  const within = (target: string) => target !== '..' && !target.startsWith('../') && (!root || target === root || target.startsWith(`${root}/`));
  switch (type) {
    case 'File': case 'OldFile': case 'ContiguousFile': case 'Directory':
      return undefined;
    case 'SymbolicLink': {
      const l = (linkpath ?? '').replace(/\\/g, '/');
      if (isAbsoluteName(l)) return `link '${path}' points to the absolute path '${linkpath}'`;
      if (!within(posix.normalize(posix.join(posix.dirname(p), l)))) return `link '${path}' points outside the plugin folder ('${linkpath}')`;
      return undefined;
    }
    case 'Link': {
      // Hard link targets are archive paths, so the same rules as for entry names apply.
      const l = (linkpath ?? '').replace(/\\/g, '/').replace(/^(\.\/)+/, '');
      if (isAbsoluteName(l) || l.split('/').includes('..') || !within(posix.normalize(l))) return `hard link '${path}' points outside the plugin folder ('${linkpath}')`;
      return undefined;
    }
    default:
      return `entry '${path}' is a ${type}, not a file, folder or link`;
  }
}

/**
 * Extracts a .tgz/.tar plugin archive into `dest`. A single top folder (npm's 'package/', or
 * 'my-plugin/') is stripped, so plugin.json lands at the top.
 */
export async function extractPluginArchive(file: string, dest: string): Promise<void> {
  const entries: { path: string; type: string; linkpath?: string }[] = [];
  try {
    await tar.t({ file, onReadEntry: (e) => { entries.push({ path: e.path, type: e.type, linkpath: e.linkpath }); } });
  } catch (e) {
    throw new NeurotraceError(`${file}: not a readable .tgz/.tar archive (${(e as Error).message.split('\n')[0]})`);
  }
  const names = entries.map((e) => e.path.replace(/\\/g, '/').replace(/^(\.\/)+/, '')).filter((p) => p !== '' && p !== '.');
  if (!names.length) throw new NeurotraceError(`${file}: the archive is empty`);
  const tops = new Set(names.map((p) => p.split('/')[0]));
  const [top] = tops;
  const strip = tops.size === 1 && names.some((p) => p.startsWith(`${top}/`)) ? 1 : 0;
  const problems = entries.map((e) => entryProblem(e.path, e.type, e.linkpath, strip ? top : '')).filter((x): x is string => !!x);
  if (problems.length) throw new NeurotraceError(`${file}: refusing the archive: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`);
  mkdirSync(dest, { recursive: true });
  try {
    await tar.x({ file, cwd: dest, strip, strict: true });
  } catch (e) {
    throw new NeurotraceError(`${file}: extraction failed (${(e as Error).message.split('\n')[0]})`);
  }
}

/** `npm pack <spec>` into `dir`: the package's tarball exactly as npm would install it. */
export async function npmPack(spec: string, dir: string): Promise<string> {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const res = await execa(npm, ['pack', spec, '--pack-destination', dir, '--json', '--ignore-scripts', '--silent'], {
    cwd: dir, reject: false, all: false, stdin: 'ignore',
  });
  if (res.failed) {
    const err = String(res.stderr ?? '').split('\n').map((l) => l.replace(/^npm (error|ERR!)\s*/, '').trim()).filter((l) => l && !/^(A complete log|code |errno )/.test(l));
    const why = (res as { code?: string }).code === 'ENOENT' ? 'npm is not installed' : err[0] ?? `npm exited with ${res.exitCode}`;
    throw new NeurotraceError(`cannot fetch npm package '${spec}': ${why}`);
  }
  let name: string | undefined;
  try {
    const info = JSON.parse(String(res.stdout)) as { filename: string }[];
    name = info[info.length - 1]?.filename;
  } catch { /* fall back to the folder listing below */ }
  const candidates = name ? [name.replace(/^@/, '').replace(/\//g, '-'), name] : [];
  const found = candidates.map((n) => join(dir, n)).find((p) => existsSync(p))
    ?? readdirSync(dir).filter((f) => f.endsWith('.tgz')).map((f) => join(dir, f))[0];
  if (!found || !statSync(found).isFile()) throw new NeurotraceError(`cannot fetch npm package '${spec}': npm pack produced no tarball`);
  return found;
}

export type PluginSourceKind = 'folder' | 'archive' | 'npm';

export function sourceKind(source: string): PluginSourceKind {
  if (existsSync(source)) {
    const st = statSync(source);
    if (st.isDirectory()) return 'folder';
    if (/\.(tgz|tar\.gz|tar)$/i.test(source)) return 'archive';
    throw new NeurotraceError(`${source}: not a plugin folder or a .tgz/.tar archive`);
  }
  if (/[\\/]/.test(source) && !/^(@[^/]+\/[^/]+|[a-z]+:)/i.test(source)) throw new NeurotraceError(`${source}: no such file or folder`);
  return 'npm';
}

