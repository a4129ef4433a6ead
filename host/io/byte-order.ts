import type { VoxelArray } from '../core/volume.js';

export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reverses the byte order of every `width`-byte word of `bytes`, in place. */
export function swapBytesInPlace(bytes: Uint8Array, width: number): void {
  if (width === 1) return;
  const n = bytes.length - (bytes.length % width);
  if (width === 2) {
    for (let i = 0; i < n; i += 2) {
      const t = bytes[i]; bytes[i] = bytes[i + 1]; bytes[i + 1] = t;
    }
  } else if (width === 4) {
    for (let i = 0; i < n; i += 4) {
      let t = bytes[i]; bytes[i] = bytes[i + 3]; bytes[i + 3] = t;
      t = bytes[i + 1]; bytes[i + 1] = bytes[i + 2]; bytes[i + 2] = t;
    }
  } else {
    for (let i = 0; i < n; i += width) {
      for (let a = i, b = i + width - 1; a < b; a++, b--) {
        const t = bytes[a]; bytes[a] = bytes[b]; bytes[b] = t;
      }
    }
  }
}

/** The bytes behind a typed array (a view, no copy). */
export function bytesOf(data: ArrayBufferView): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** The voxel bytes in the requested byte order: a view when that is the host's order, else a swapped copy. */
export function bytesInOrder(data: VoxelArray, littleEndian: boolean): Uint8Array {
  const view = bytesOf(data);
  if (data.BYTES_PER_ELEMENT === 1 || littleEndian === HOST_LITTLE_ENDIAN) return view;
  const copy = view.slice();
  swapBytesInPlace(copy, data.BYTES_PER_ELEMENT);
  return copy;
}
