import { FileFormatError } from '../core/errors.js';
import type { DType } from '../core/volume.js';

/**
 * V8 caps one typed array at 2^32 elements; readers also view the voxels as bytes, so an image
 * may hold at most 4 GiB.
 */
export const MAX_IMAGE_BYTES = 2 ** 32;

export const DTYPE_BYTES: Readonly<Record<DType, number>> = { uint8: 1, uint16: 2, float32: 4 };

export function describeShape(dims: readonly number[], channels: number): string {
  return `${dims.join('×')}${channels === 1 ? '' : `×${channels}ch`}`;
}

/**
 * Validates sizes read from a header before anything is allocated: every size a positive integer,
 * the product exact in a double and the bytes within what one typed array can hold. Returns the
 * number of elements (voxels × channels).
 */
export function checkImageShape(file: string, dims: readonly number[], channels: number, bytesPerVoxel = 1): number {
  const all = [...dims, channels];
  if (!all.every((v) => Number.isSafeInteger(v) && v > 0)) {
    throw new FileFormatError(file, `invalid image size ${describeShape(dims, channels)}: every size must be a positive integer`);
  }
  let n = 1;
  for (const v of all) {
    n *= v;
    if (n > Number.MAX_SAFE_INTEGER) {
      throw new FileFormatError(file, `invalid image size ${describeShape(dims, channels)}: the voxel count overflows (corrupt header?)`);
    }
  }
  if (n * bytesPerVoxel > MAX_IMAGE_BYTES) {
    const gib = (n * bytesPerVoxel) / 2 ** 30;
    throw new FileFormatError(file, `image size ${describeShape(dims, channels)} needs ${gib.toFixed(1)} GiB, more than the 4 GiB one image can hold in memory`);
  }
  return n;
}
