/**
 * One entry point for every image format: the extension picks the reader, and each reader checks
 * the file's magic, so a mislabelled file gets a one-line error saying what it really is.
 */
import { extname } from 'node:path';
import { FileFormatError, NeurotraceError } from '../core/errors.js';
import type { ImageStack } from '../core/volume.js';
import { readNrrd } from './nrrd.js';
import { readTiff } from './tiff-reader.js';
import { readV3dpbd } from './v3dpbd.js';
import { readV3draw } from './v3draw.js';

export const IMAGE_EXTENSIONS: readonly string[] = Object.freeze(['.tif', '.tiff', '.v3draw', '.raw', '.v3dpbd', '.nrrd', '.nhdr']);

const READERS: Readonly<Record<string, (path: string) => Promise<ImageStack>>> = {
  '.tif': readTiff,
  '.tiff': readTiff,
  '.v3draw': readV3draw,
  '.raw': readV3draw,
  '.v3dpbd': readV3dpbd,
  '.nrrd': readNrrd,
  '.nhdr': readNrrd,
};

export function isImagePath(path: string): boolean {
  return IMAGE_EXTENSIONS.includes(extname(path).toLowerCase());
}

/**
 * Reads an image file. Throws FileFormatError ("<path>: <problem>") for anything that is not a
 * complete, supported image; never returns a partial image.
 */
export async function readImage(path: string): Promise<ImageStack> {
  const ext = extname(path).toLowerCase();
  const reader = READERS[ext];
  if (!reader) {
    throw new FileFormatError(path, `unsupported image file extension "${ext || '(none)'}" (supported: ${IMAGE_EXTENSIONS.join(', ')})`);
  }
  try {
    return await reader(path);
  } catch (err) {
    if (err instanceof NeurotraceError) throw err;
    // A decoder bug or an unforeseen corruption must still surface as one line naming the file.
    throw new FileFormatError(path, `cannot be read (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`, { cause: err });
  }
}
