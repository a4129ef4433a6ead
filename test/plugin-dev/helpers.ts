import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';
import { cli, type CliResult } from '../helpers/cli.js';
import { tempDir } from '../helpers/plugin-fixtures.js';
import { packageRoot } from '../../host/core/paths.js';
import { writeImage } from '../../host/io/write-image.js';
import type { SyntheticCase } from '../../host/plugin-dev/synthetic-images.js';
import type { Tree } from '../../host/morph/tree.js';

export const fixtures = join(packageRoot(), 'test', 'fixtures', 'plugin-dev');

/** A private NEUROTRACE_HOME, so installs never touch the user's plugins. */
export function tempHome(): string {
  return tempDir('nt-home-');
}

/**
 * The compiled CLI with a private home. VITEST is cleared: the CLI and the job processes it
 * forks are plain Node, which must load a TypeScript plugin's compiled .js, not its .ts source.
 */
export function ntCli(args: string[], home: string, cwd?: string): CliResult {
  return cli(args, { NEUROTRACE_HOME: home, VITEST: '', NEUROTRACE_PLUGIN_PATH: '' }, cwd);
}

/** Entries of the user plugin folder and the staging folder: what an install left behind. */
export function homeState(home: string): { plugins: string[]; staging: string[] } {
  const list = (d: string) => (existsSync(d) ? readdirSync(d).sort() : []);
  return { plugins: list(join(home, 'plugins')), staging: list(join(home, 'staging')) };
}

export async function writeCase(c: SyntheticCase, file: string): Promise<string> {
  await writeImage(file, { dtype: 'uint8', dims: c.volume.dims, channels: 1, data: c.volume.data, spacing: c.volume.spacing });
  return file;
}

/** Node lists without the provenance header: what two runs of the same tracer must share. */
export function nodeRows(tree: Tree): string[] {
  return tree.nodes.map((n) => [n.id, n.type, n.x, n.y, n.z, n.radius, n.parent].join(' '));
}

/** The rows of a `plugins test` table as {check, variant, result}. */
export function tableRows(stdout: string): { check: string; variant: string; result: string; detail: string }[] {
  const lines = stdout.split('\n');
  const head = lines.findIndex((l) => l.startsWith('check '));
  if (head < 0) return [];
  const cols = ['check', 'variant', 'result', 'detail'].map((c) => lines[head].indexOf(c));
  const out = [];
  for (const l of lines.slice(head + 2)) {
    if (!l.trim() || /^\d+ of \d+ checks passed/.test(l)) break;
    const cell = (k: number) => l.slice(cols[k], k + 1 < cols.length ? cols[k + 1] : undefined).trim();
    out.push({ check: cell(0), variant: cell(1), result: cell(2), detail: cell(3) });
  }
  return out;
}

/*
 * A minimal tar writer for archives no well-behaved tool would produce (absolute names, '..',
 * links leaving the folder, device files): the installer must refuse them.
 */
interface TarEntry { name: string; type?: 'file' | 'dir' | 'symlink' | 'hardlink' | 'chardev'; body?: string; link?: string; mode?: number }

function tarHeader(e: TarEntry, size: number): Buffer {
  const b = Buffer.alloc(512);
  const typeflag = { file: '0', hardlink: '1', symlink: '2', chardev: '3', dir: '5' }[e.type ?? 'file'];
  b.write(e.name, 0, 100);
  b.write(((e.mode ?? (e.type === 'dir' ? 0o755 : 0o644)).toString(8)).padStart(7, '0') + '\0', 100);
  b.write('0000000\0', 108);
  b.write('0000000\0', 116);
  b.write(size.toString(8).padStart(11, '0') + '\0', 124);
  b.write('00000000000\0', 136);
  b.write('        ', 148);
  b.write(typeflag, 156);
  if (e.link) b.write(e.link, 157, 100);
  b.write('ustar\0', 257);
  b.write('00', 263);
  let sum = 0;
  for (const x of b) sum += x;
  b.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return b;
}

export function writeTarGz(file: string, entries: TarEntry[]): string {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const body = Buffer.from(e.body ?? '');
    parts.push(tarHeader(e, e.type && e.type !== 'file' ? 0 : body.length));
    if ((e.type ?? 'file') === 'file') {
      parts.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
    }
  }
  parts.push(Buffer.alloc(1024));
  writeFileSync(file, gzipSync(Buffer.concat(parts)));
  return file;
}
