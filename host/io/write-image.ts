/**
 * Writes an ImageStack by extension: .tif/.tiff (ImageJ-compatible stack), .v3draw/.raw (Vaa3D,
 * 43-byte header, little-endian), .v3dpbd (Vaa3D compressed, uint8/uint16) or .nrrd (gzip).
 * The file appears atomically: data go to a temporary file in the same folder, renamed at the end,
 * so readers never see a half-written image and a failure leaves no partial file.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { NeurotraceError, UsageError } from '../core/errors.js';
import { dtypeOf, type ImageStack } from '../core/volume.js';
import { encodeNrrd } from './nrrd.js';
import { encodeTiff } from './tiff-writer.js';
import { encodeV3dpbd } from './v3dpbd.js';
import { encodeV3draw } from './v3draw.js';

export const WRITABLE_IMAGE_EXTENSIONS: readonly string[] = Object.freeze(['.tif', '.tiff', '.v3draw', '.raw', '.v3dpbd', '.nrrd']);

export interface WriteImageOptions {
  /** Unit of stack.spacing (e.g. 'micron'); defaults to stack.unit. Formats without voxel size ignore it. */
  unit?: string;
}

function checkStack(path: string, stack: ImageStack): void {
  const { dims, channels, data, spacing } = stack;
  const bad = (why: string) => new UsageError(`cannot write ${path}: ${why}`);
  if (dims.length !== 3 || !dims.every((d) => Number.isInteger(d) && d > 0)) throw bad(`invalid dims ${dims.join('×')}`);
  if (!Number.isInteger(channels) || channels < 1) throw bad(`invalid channel count ${channels}`);
  if (dtypeOf(data) !== stack.dtype) throw bad(`dtype says ${stack.dtype} but the data are ${dtypeOf(data)}`);
  const n = dims[0] * dims[1] * dims[2] * channels;
  if (data.length !== n) throw bad(`data hold ${data.length} voxels but ${dims.join('×')}×${channels} needs ${n}`);
  if (!spacing.every((s) => Number.isFinite(s) && s > 0)) throw bad(`invalid spacing ${spacing.join(', ')}`);
}

async function encode(path: string, stack: ImageStack, opts: WriteImageOptions): Promise<Uint8Array[]> {
  const ext = extname(path).toLowerCase();
  switch (ext) {
    case '.tif':
    case '.tiff': return encodeTiff(stack, { unit: opts.unit });
    case '.v3draw':
    case '.raw': return encodeV3draw(stack);
    case '.v3dpbd':
      if (stack.dtype === 'float32') throw new UsageError(`cannot write ${path}: .v3dpbd holds only uint8 or uint16 voxels (write .v3draw or .tif for float32)`);
      return encodeV3dpbd(stack);
    case '.nrrd': return encodeNrrd(stack, { unit: opts.unit });
    default:
      throw new UsageError(`cannot write ${path}: unsupported image file extension "${ext || '(none)'}" (supported: ${WRITABLE_IMAGE_EXTENSIONS.join(', ')})`);
  }
}

export async function writeImage(path: string, stack: ImageStack, opts: WriteImageOptions = {}): Promise<void> {
  checkStack(path, stack);
  let chunks: Uint8Array[];
  try {
    chunks = await encode(path, stack, opts);
  } catch (err) {
    if (err instanceof NeurotraceError) throw err;
    throw new UsageError(`cannot write ${path}: ${(err as Error).message}`);
  }
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let handle;
  try {
    handle = await open(tmp, 'wx');
  } catch (err) {
    throw new NeurotraceError(`cannot write ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'the folder does not exist' : (err as Error).message}`, 1, { cause: err });
  }
  try {
    try {
      for (const chunk of chunks) {
        let done = 0;
        while (done < chunk.length) {
          const { bytesWritten } = await handle.write(chunk, done, Math.min(chunk.length - done, 1 << 30));
          done += bytesWritten;
        }
      }
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw new NeurotraceError(`cannot write ${path}: ${(err as Error).message}`, 1, { cause: err });
  }
}
