/**
 * What each layout's discovery hands to the importer: one candidate per image, where its voxels
 * are and which gold SWC (if any) belongs to it. Discovery never reads image data.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FileFormatError } from '../../core/errors.js';

export type ImageSource =
  | { kind: 'file'; path: string }
  /** A DIADEM-style stack: one 2-D TIFF per slice, files[0] is z = 0. */
  | { kind: 'series'; folder: string; files: string[] };

export interface ImportCandidate {
  /** Proposed id (made safe and unique by the importer). */
  name: string;
  image: ImageSource;
  gold?: string;
}

export interface Discovery {
  candidates: ImportCandidate[];
  warnings: string[];
}

export const GOLD_EXTENSIONS = ['.swc', '.eswc'];

export interface DirListing {
  dir: string;
  files: string[];
  dirs: string[];
}

/** A folder's entries, sorted by name so discovery is deterministic; hidden entries skipped. */
export async function listDir(dir: string): Promise<DirListing> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new FileFormatError(dir, code === 'ENOENT' ? 'no such folder' : code === 'ENOTDIR' ? 'is a file, not a folder' : `cannot list folder (${code ?? (e as Error).message})`);
  }
  const files: string[] = [];
  const dirs: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    if (e.isDirectory()) dirs.push(e.name);
    else if (e.isFile() || e.isSymbolicLink()) files.push(e.name);
  }
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return { dir, files: files.sort(cmp), dirs: dirs.sort(cmp) };
}

/** Every folder under root (root first, then depth-first in name order), up to maxDepth levels down. */
export async function walkDirs(root: string, maxDepth = 8): Promise<DirListing[]> {
  const out: DirListing[] = [];
  const visit = async (dir: string, depth: number) => {
    const l = await listDir(dir);
    out.push(l);
    if (depth < maxDepth) for (const d of l.dirs) await visit(join(dir, d), depth + 1);
  };
  await visit(root, 0);
  return out;
}

export function extOf(name: string): string {
  const m = /\.[^.]+$/.exec(name);
  return m ? m[0].toLowerCase() : '';
}

export function stemOf(name: string): string {
  return name.replace(/\.[^.]+$/, '');
}
