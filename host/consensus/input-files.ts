import { readdir, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import { readAno } from '../io/ano.js';
import { readSwc } from '../io/swc.js';
import type { ConsensusInput } from './inputs.js';

const TREE = /\.e?swc$/i;

/**
 * The reconstruction files named on a command line: .swc/.eswc files as given, every
 * .swc/.eswc directly inside a folder (name order), and the SWCFILE entries of .ano lists.
 * A path listed twice counts once. Anything else is a usage error naming the path.
 */
export async function collectTreeFiles(args: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (p: string) => {
    const abs = resolve(p);
    if (!seen.has(abs)) { seen.add(abs); out.push(abs); }
  };
  for (const arg of args) {
    let isDir: boolean;
    try {
      isDir = (await stat(arg)).isDirectory();
    } catch {
      throw new UsageError(`${arg}: no such file or folder`);
    }
    if (isDir) {
      const names = (await readdir(arg)).filter((n) => TREE.test(n)).sort();
      if (names.length === 0) throw new UsageError(`${arg}: the folder holds no .swc or .eswc files`);
      for (const n of names) add(join(arg, n));
    } else if (/\.ano$/i.test(arg)) {
      const ano = await readAno(arg);
      if (ano.swcFiles.length === 0) throw new UsageError(`${arg}: lists no SWCFILE entries`);
      for (const f of ano.swcFiles) add(f);
    } else if (TREE.test(arg)) {
      add(arg);
    } else {
      throw new UsageError(`${arg}: not an .swc, .eswc or .ano file (extension '${extname(arg) || 'none'}')`);
    }
  }
  return out;
}

/** Reads the files as consensus inputs named by their paths. */
export async function readTreeFiles(files: readonly string[]): Promise<ConsensusInput[]> {
  return Promise.all(files.map(async (f) => ({ name: f, tree: await readSwc(f) })));
}
