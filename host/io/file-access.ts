import { open, stat, type FileHandle } from 'node:fs/promises';
import { FileFormatError } from '../core/errors.js';

/** Node refuses single reads above 2 GiB, so large reads are split. */
const MAX_READ_CHUNK = 1 << 30;

/** A regular file opened for random-access reading; close it with `closeQuietly`. */
export interface OpenedFile {
  readonly path: string;
  readonly handle: FileHandle;
  readonly size: number;
}

function accessProblem(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT': return 'no such file';
    case 'EACCES':
    case 'EPERM': return 'permission denied';
    case 'EISDIR': return 'is a directory, not an image file';
    default: return `cannot be read (${code ?? (err instanceof Error ? err.message : String(err))})`;
  }
}

/**
 * Opens `path` for reading after checking that it is a non-empty regular file. The stat comes
 * first because opening a FIFO would block until someone writes to it.
 */
export async function openRegularFile(path: string): Promise<OpenedFile> {
  let size: number;
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw new FileFormatError(path, 'is a directory, not an image file');
    if (!st.isFile()) throw new FileFormatError(path, 'is not a regular file');
    size = st.size;
  } catch (err) {
    if (err instanceof FileFormatError) throw err;
    throw new FileFormatError(path, accessProblem(err), { cause: err });
  }
  if (size === 0) throw new FileFormatError(path, 'file is empty');
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw new FileFormatError(path, accessProblem(err), { cause: err });
  }
  return { path, handle, size };
}

export async function closeQuietly(file: OpenedFile): Promise<void> {
  try { await file.handle.close(); } catch { /* nothing useful to report after the data are read */ }
}

/** Opens, runs `body`, and always closes. */
export async function withRegularFile<T>(path: string, body: (file: OpenedFile) => Promise<T>): Promise<T> {
  const file = await openRegularFile(path);
  try {
    return await body(file);
  } finally {
    await closeQuietly(file);
  }
}

/**
 * Fills `target` with the bytes at `position`. A short file is a truncated file: it is reported,
 * never returned as a partial image.
 */
export async function readFully(file: OpenedFile, target: Uint8Array, position: number, what = 'data'): Promise<void> {
  if (position + target.length > file.size) {
    throw new FileFormatError(file.path, `truncated: ${what} needs bytes ${position}..${position + target.length} but the file has ${file.size}`);
  }
  let done = 0;
  while (done < target.length) {
    const want = Math.min(MAX_READ_CHUNK, target.length - done);
    let bytesRead: number;
    try {
      ({ bytesRead } = await file.handle.read(target, done, want, position + done));
    } catch (err) {
      throw new FileFormatError(file.path, `read failed: ${(err as Error).message}`, { cause: err });
    }
    if (bytesRead === 0) {
      throw new FileFormatError(file.path, `truncated: ${what} ends after ${done} of ${target.length} bytes (the file shrank while reading?)`);
    }
    done += bytesRead;
  }
}

export async function readBytes(file: OpenedFile, position: number, length: number, what = 'data'): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  await readFully(file, out, position, what);
  return out;
}

/**
 * Random access for parsing headers and directories scattered through a file: one cached block,
 * so walking consecutive small structures (e.g. TIFF IFDs written one after another) costs one
 * read per block instead of one per field. Returned views alias the cache: use them at once.
 */
export class BlockReader {
  private block = new Uint8Array(0);
  private blockStart = -1;

  constructor(readonly file: OpenedFile, private readonly blockSize = 1 << 16) {}

  get size(): number { return this.file.size; }

  async bytes(position: number, length: number, what: string): Promise<Uint8Array> {
    if (!Number.isSafeInteger(position) || !Number.isSafeInteger(length) || position < 0 || length < 0 || position + length > this.file.size) {
      throw new FileFormatError(this.file.path, `truncated or corrupt: ${what} lies at bytes ${position}..${position + length}, beyond the end of the file (${this.file.size} bytes)`);
    }
    if (this.blockStart >= 0 && position >= this.blockStart && position + length <= this.blockStart + this.block.length) {
      return this.block.subarray(position - this.blockStart, position - this.blockStart + length);
    }
    if (length > this.blockSize) return readBytes(this.file, position, length, what);
    const n = Math.min(this.blockSize, this.file.size - position);
    const block = new Uint8Array(n);
    await readFully(this.file, block, position, what);
    this.block = block;
    this.blockStart = position;
    return block.subarray(0, length);
  }
}
