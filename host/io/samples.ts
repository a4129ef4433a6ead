import { allocVoxels, type DType, type VoxelArray } from '../core/volume.js';
import { bytesOf, HOST_LITTLE_ENDIAN, swapBytesInPlace } from './byte-order.js';

/**
 * Sample types found in image files. uint8, uint16 and float32 are kept as they are; every other
 * type is converted to float32 because the host has only those three voxel types. The conversion
 * is exact for int8/int16; int32, uint32, (u)int64 and float64 are rounded to float32's 24-bit
 * mantissa, which keeps any realistic intensity exact.
 */
export type SampleType = 'uint8' | 'int8' | 'uint16' | 'int16' | 'uint32' | 'int32' | 'uint64' | 'int64' | 'float32' | 'float64';

export const SAMPLE_BYTES: Readonly<Record<SampleType, number>> = {
  uint8: 1, int8: 1, uint16: 2, int16: 2, uint32: 4, int32: 4, uint64: 8, int64: 8, float32: 4, float64: 8,
};

export function voxelTypeFor(sample: SampleType): DType {
  return sample === 'uint8' || sample === 'uint16' ? sample : 'float32';
}

type Getter = (view: DataView, byteOffset: number, littleEndian: boolean) => number;

const GETTERS: Readonly<Record<SampleType, Getter>> = {
  uint8: (v, o) => v.getUint8(o),
  int8: (v, o) => v.getInt8(o),
  uint16: (v, o, le) => v.getUint16(o, le),
  int16: (v, o, le) => v.getInt16(o, le),
  uint32: (v, o, le) => v.getUint32(o, le),
  int32: (v, o, le) => v.getInt32(o, le),
  uint64: (v, o, le) => Number(v.getBigUint64(o, le)),
  int64: (v, o, le) => Number(v.getBigInt64(o, le)),
  float32: (v, o, le) => v.getFloat32(o, le),
  float64: (v, o, le) => v.getFloat64(o, le),
};

/**
 * Decodes `count` samples stored in `bytes` (file byte order) into `out` starting at element
 * `outOffset`, converting to `out`'s type. Native types are a byte copy plus an in-place swap.
 */
export function decodeSamplesInto(bytes: Uint8Array, sample: SampleType, littleEndian: boolean, out: VoxelArray, outOffset: number, count: number): void {
  const width = SAMPLE_BYTES[sample];
  if (bytes.length < count * width) throw new RangeError(`need ${count * width} bytes of samples, have ${bytes.length}`);
  if (voxelTypeFor(sample) === sample) {
    const dst = bytesOf(out).subarray(outOffset * width, (outOffset + count) * width);
    dst.set(bytes.subarray(0, count * width));
    if (width > 1 && littleEndian !== HOST_LITTLE_ENDIAN) swapBytesInPlace(dst, width);
    return;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, count * width);
  const get = GETTERS[sample];
  for (let i = 0, o = 0; i < count; i++, o += width) out[outOffset + i] = get(view, o, littleEndian);
}

/** Decodes a whole buffer of samples into a new voxel array. */
export function decodeSamples(bytes: Uint8Array, sample: SampleType, littleEndian: boolean, count: number): VoxelArray {
  const out = allocVoxels(voxelTypeFor(sample), count);
  decodeSamplesInto(bytes, sample, littleEndian, out, 0, count);
  return out;
}

/**
 * Like decodeSamples, but `bytes` belongs to the caller and may be reused: native types are
 * byte-swapped in place and returned as a view when aligned, saving a copy of the whole image.
 */
export function decodeOwnedSamples(bytes: Uint8Array, sample: SampleType, littleEndian: boolean, count: number): VoxelArray {
  const width = SAMPLE_BYTES[sample];
  if (voxelTypeFor(sample) !== sample || bytes.byteOffset % width !== 0) return decodeSamples(bytes, sample, littleEndian, count);
  const used = bytes.subarray(0, count * width);
  if (width > 1 && littleEndian !== HOST_LITTLE_ENDIAN) swapBytesInPlace(used, width);
  if (sample === 'uint8') return used;
  return sample === 'uint16' ? new Uint16Array(used.buffer, used.byteOffset, count) : new Float32Array(used.buffer, used.byteOffset, count);
}
