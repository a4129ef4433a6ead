import { access } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { FileFormatError } from '../core/errors.js';
import { lineExcerpt, readTextFile, splitLines, writeTextFileAtomic } from './text-file.js';

/*
 * Vaa3D .ano linker files (formats.md (d)): `KEY=value` (or `KEY+=value`) lines listing the
 * files of one annotation set. BigNeuron passes lists of SWCs to consensus, median_swc and
 * BlastNeuron this way, and writes `<out>_SelectedNeurons.ano` (SWCFILE= lines).
 */

export interface AnoFile {
  images: string[];
  masks: string[];
  anoFiles: string[];
  swcFiles: string[];
  apoFiles: string[];
  markerFiles: string[];
  surfaces: string[];
  /** Comment lines without the leading '#'. */
  comments: string[];
}

type ListKey = Exclude<keyof AnoFile, 'comments'>;

/** Key (upper case) -> list; synonyms as accepted by Vaa3D's loadAnoFile. */
const KEYS: Record<string, ListKey> = {
  GRAYIMG: 'images', RAWIMG: 'images',
  MASKIMG: 'masks', LABELFIELD: 'masks',
  ANOFILE: 'anoFiles',
  SWCFILE: 'swcFiles', NEURON: 'swcFiles',
  APOFILE: 'apoFiles', POINTCLOUDFILE: 'apoFiles',
  MARKERFILE: 'markerFiles',
  SURFILE: 'surfaces', SURFACE: 'surfaces',
};

/** Key written for each list, in Vaa3D's writing order. */
const WRITE_KEYS: [ListKey, string][] = [
  ['images', 'GRAYIMG'], ['masks', 'MASKIMG'], ['anoFiles', 'ANOFILE'], ['swcFiles', 'SWCFILE'],
  ['apoFiles', 'APOFILE'], ['markerFiles', 'MARKERFILE'], ['surfaces', 'SURFILE'],
];

export function emptyAno(): AnoFile {
  return { images: [], masks: [], anoFiles: [], swcFiles: [], apoFiles: [], markerFiles: [], surfaces: [], comments: [] };
}

interface AnoEntry { list: ListKey; path: string; line: number }

function parseEntries(text: string, file: string): { entries: AnoEntry[]; comments: string[] } {
  const entries: AnoEntry[] = [];
  const comments: string[] = [];
  const rows = splitLines(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i].trim();
    if (row === '') continue;
    if (row[0] === '#') { comments.push(row.slice(1)); continue; }
    const m = /^([A-Za-z_]+)\s*\+?=\s*(.*)$/.exec(row);
    if (!m) throw new FileFormatError(file, `line ${i + 1}: expected KEY=path, found "${lineExcerpt(row)}"`);
    const list = KEYS[m[1].toUpperCase()];
    if (!list) throw new FileFormatError(file, `line ${i + 1}: unknown key '${m[1]}' (expected one of ${Object.keys(KEYS).join(', ')})`);
    const path = m[2].trim().replace(/^"(.*)"$/, '$1');
    if (path === '') throw new FileFormatError(file, `line ${i + 1}: ${m[1]} has no path`);
    entries.push({ list, path, line: i + 1 });
  }
  return { entries, comments };
}

/** The lists with paths exactly as written (unresolved). */
export function parseAno(text: string, file: string): AnoFile {
  const { entries, comments } = parseEntries(text, file);
  const ano = emptyAno();
  ano.comments = comments;
  for (const e of entries) ano[e.list].push(e.path);
  return ano;
}

async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads an .ano file and resolves every path: relative paths against the .ano's folder first,
 * then as given (Vaa3D's order). A listed file that does not exist is an error naming its line.
 */
export async function readAno(path: string): Promise<AnoFile> {
  const { entries, comments } = parseEntries(await readTextFile(path, 'ano file'), path);
  const dir = dirname(path);
  const ano = emptyAno();
  ano.comments = comments;
  for (const e of entries) {
    const candidates = isAbsolute(e.path) ? [e.path] : [join(dir, e.path), resolve(e.path)];
    let found: string | undefined;
    for (const c of candidates) if (await exists(c)) { found = c; break; }
    if (!found) {
      throw new FileFormatError(path, `line ${e.line}: '${e.path}' does not exist${isAbsolute(e.path) ? '' : ` (looked in ${dir} and in ${process.cwd()})`}`);
    }
    ano[e.list].push(found);
  }
  return ano;
}

/** .ano text; files in the .ano's own folder are written as bare names, others as absolute paths. */
export function formatAno(ano: Partial<AnoFile>, anoPath: string): string {
  const dir = resolve(dirname(anoPath));
  const out: string[] = [];
  for (const c of ano.comments ?? []) for (const l of splitLines(c)) out.push(`#${l}`);
  for (const [list, key] of WRITE_KEYS) {
    for (const p of ano[list] ?? []) {
      const abs = resolve(p);
      out.push(`${key}=${dirname(abs) === dir ? basename(abs) : abs}`);
    }
  }
  out.push('');
  return out.join('\n');
}

export async function writeAno(path: string, ano: Partial<AnoFile>): Promise<void> {
  await writeTextFileAtomic(path, formatAno(ano, path));
}
