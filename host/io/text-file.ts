import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { FileFormatError, NeurotraceError } from '../core/errors.js';

/** One-line reason for a failed fs call, without Node's own path-laden message. */
function fsReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT': return 'no such file or directory';
    case 'EISDIR': return 'is a directory, not a file';
    case 'ENOTDIR': return 'a parent of this path is not a directory';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'ENOSPC': return 'no space left on the device';
    case 'EROFS': return 'read-only file system';
    default: return code ? `${code}` : String((e as Error)?.message ?? e);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

/**
 * Reads a small text format (SWC, marker, ano). Real files come from many tools: accept UTF-8
 * with or without BOM and fall back to Latin-1 (old Windows exports), but refuse binary data
 * early so that a mistaken image path does not produce a confusing "line 1" error.
 */
export async function readTextFile(path: string, what: string): Promise<string> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (e) {
    throw new FileFormatError(path, `cannot read ${what}: ${fsReason(e)}`, { cause: e });
  }
  const probe = buf.subarray(0, 8192);
  if (probe.includes(0)) throw new FileFormatError(path, `binary data (NUL bytes), not a text ${what}`);
  let text: string;
  try {
    text = utf8.decode(buf);
  } catch {
    text = latin1.decode(buf);
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Writes text through a temporary file in the same folder and renames it into place, so a
 * crash or a concurrent reader never sees a half-written file.
 */
export async function writeTextFileAtomic(path: string, text: string): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(tmp, text, 'utf8');
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw new NeurotraceError(`${path}: cannot write: ${fsReason(e)}`, 1, { cause: e });
  }
}

/** The lines of a text file; '\n', '\r\n' and lone '\r' (classic Mac) all end a line. */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** A short, printable excerpt of a line for error messages (binary junk or huge rows stay readable). */
export function lineExcerpt(line: string, max = 60): string {
  const clean = line.trim().replace(/[\x00-\x1f\x7f]/g, ' ');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
