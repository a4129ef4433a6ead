/**
 * Vaa3D .v3dpbd: the .v3draw header (magic `v3d_volume_pkbitdf_encod`, always 43 bytes) followed
 * by one "pack-bits + difference" stream for the whole volume. Each run starts with a code byte
 * that selects a literal, a difference or a repeat run; the decoder state (`prior`, the last value
 * produced) carries across slice and channel boundaries.
 *
 * PBD8 (uint8):  0–32 literal of h+1 bytes; 33–127 difference run of h−32 values in 2-bit codes
 *                (least-significant pair first; 0,1,2,3 → 0,+1,+2,−1); 128–255 repeat h−127 times.
 * PBD16 (uint16): 0–31 literal of h+1 values; 32–79 difference run of h−31 values in 3-bit codes
 *                (MSB-first bit stream; 0..4 → 0..+4, 5,6,7 → −1,−2,−3); 80–222 reserved (never
 *                written, corrupt); 223–255 repeat h−222 times. Literal/repeat values use the
 *                header's byte order.
 *
 * The encoder makes Vaa3D's greedy choices (including which bits fill a partial last difference
 * byte), so its output is byte-identical to Vaa3D's.
 */
import { FileFormatError } from '../core/errors.js';
import type { ImageStack } from '../core/volume.js';
import { readBytes, withRegularFile } from './file-access.js';
import { checkImageShape } from './image-shape.js';
import { FORMAT_NAMES } from './sniff.js';
import { encodeVaa3dHeader, parseVaa3dPreamble, V3DRAW_HEADER_BYTES } from './v3draw.js';

export const PBD_MAGIC = 'v3d_volume_pkbitdf_encod';

/** A payload that does not decode to exactly the expected voxels. */
export class PbdDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PbdDecodeError';
  }
}

/** Most voxels one payload byte can produce (a 2-byte repeat of 128 / a 3-byte repeat of 33). */
const MAX_VOXELS_PER_BYTE = { uint8: 64, uint16: 11 } as const;

/**
 * Decodes a PBD payload (everything after the 43-byte header) into exactly `count` values.
 * Throws PbdDecodeError when the payload ends early, a run overflows the image, or a reserved code
 * appears. Bytes left over after `count` values are ignored, as Vaa3D does.
 */
export function decodePbd(payload: Uint8Array, dtype: 'uint8', count: number, littleEndian?: boolean): Uint8Array;
export function decodePbd(payload: Uint8Array, dtype: 'uint16', count: number, littleEndian?: boolean): Uint16Array;
export function decodePbd(payload: Uint8Array, dtype: 'uint8' | 'uint16', count: number, littleEndian?: boolean): Uint8Array | Uint16Array;
export function decodePbd(payload: Uint8Array, dtype: 'uint8' | 'uint16', count: number, littleEndian = true): Uint8Array | Uint16Array {
  return dtype === 'uint8' ? decodePbd8(payload, count) : decodePbd16(payload, count, littleEndian);
}

function runError(kind: string, at: number, length: number, produced: number, count: number): PbdDecodeError {
  return new PbdDecodeError(`${kind} run of ${length} values at payload byte ${at} overflows the image (${produced} of ${count} voxels already decoded)`);
}

function endError(at: number, produced: number, count: number): PbdDecodeError {
  return new PbdDecodeError(`payload ends at byte ${at} after ${produced} of ${count} voxels (truncated file)`);
}

function decodePbd8(p: Uint8Array, count: number): Uint8Array {
  const out = new Uint8Array(count);
  const n = p.length;
  let i = 0;
  let o = 0;
  let prior = 0;
  while (o < count) {
    if (i >= n) throw endError(i, o, count);
    const at = i;
    const h = p[i++];
    if (h <= 32) {
      const len = h + 1;
      if (i + len > n) throw endError(n, o, count);
      if (o + len > count) throw runError('literal', at, len, o, count);
      out.set(p.subarray(i, i + len), o);
      i += len;
      o += len;
      prior = out[o - 1];
    } else if (h <= 127) {
      const len = h - 32;
      const nb = (len + 3) >> 2;
      if (i + nb > n) throw endError(n, o, count);
      if (o + len > count) throw runError('difference', at, len, o, count);
      for (let k = 0; k < len; k++) {
        const code = (p[i + (k >> 2)] >> ((k & 3) << 1)) & 3;
        prior = (prior + (code === 3 ? -1 : code)) & 0xff;
        out[o++] = prior;
      }
      i += nb;
    } else {
      const len = h - 127;
      if (i >= n) throw endError(n, o, count);
      if (o + len > count) throw runError('repeat', at, len, o, count);
      prior = p[i++];
      out.fill(prior, o, o + len);
      o += len;
    }
  }
  return out;
}

function decodePbd16(p: Uint8Array, count: number, littleEndian: boolean): Uint16Array {
  const out = new Uint16Array(count);
  const n = p.length;
  const word = littleEndian ? (k: number) => p[k] | (p[k + 1] << 8) : (k: number) => (p[k] << 8) | p[k + 1];
  let i = 0;
  let o = 0;
  let prior = 0;
  while (o < count) {
    if (i >= n) throw endError(i, o, count);
    const at = i;
    const h = p[i++];
    if (h <= 31) {
      const len = h + 1;
      if (i + 2 * len > n) throw endError(n, o, count);
      if (o + len > count) throw runError('literal', at, len, o, count);
      for (let k = 0; k < len; k++, i += 2) out[o++] = word(i);
      prior = out[o - 1];
    } else if (h <= 79) {
      const len = h - 31;
      const nb = (3 * len + 7) >> 3;
      if (i + nb > n) throw endError(n, o, count);
      if (o + len > count) throw runError('difference', at, len, o, count);
      for (let k = 0, bit = 0; k < len; k++, bit += 3) {
        const b = i + (bit >> 3);
        // A 16-bit window always contains the whole 3-bit code; the byte past the run reads as 0.
        const window = (p[b] << 8) | (b + 1 < i + nb ? p[b + 1] : 0);
        const code = (window >> (13 - (bit & 7))) & 7;
        prior = (prior + (code <= 4 ? code : 4 - code)) & 0xffff;
        out[o++] = prior;
      }
      i += nb;
    } else if (h <= 222) {
      throw new PbdDecodeError(`reserved run code ${h} at payload byte ${at} (Vaa3D never writes codes 80–222; corrupt file)`);
    } else {
      const len = h - 222;
      if (i + 2 > n) throw endError(n, o, count);
      if (o + len > count) throw runError('repeat', at, len, o, count);
      prior = word(i);
      i += 2;
      out.fill(prior, o, o + len);
      o += len;
    }
  }
  return out;
}

/** Growable output for the encoder. */
class ByteSink {
  buf: Uint8Array;
  length = 0;
  constructor(initial: number) { this.buf = new Uint8Array(Math.max(64, initial)); }
  ensure(extra: number): void {
    if (this.length + extra <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + extra));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }
  push(b: number): void { this.ensure(1); this.buf[this.length++] = b; }
  result(): Uint8Array { return this.buf.slice(0, this.length); }
}

/** Encodes values with Vaa3D's PBD8 (Uint8Array) or PBD16 (Uint16Array) greedy encoder. */
export function encodePbd(values: Uint8Array | Uint16Array, littleEndian = true): Uint8Array {
  return values instanceof Uint8Array ? encodePbd8(values) : encodePbd16(values, littleEndian);
}

function runLength(x: Uint8Array | Uint16Array, i: number, cap: number): number {
  const v = x[i];
  let r = 1;
  while (r < cap && i + r < x.length && x[i + r] === v) r++;
  return r;
}

/** How many values from i follow their predecessor by a step in [lo, hi] (plain, not modular). */
function differenceRunLength(x: Uint8Array | Uint16Array, i: number, lo: number, hi: number, cap: number): number {
  if (i === 0) return 0;
  let p = x[i - 1];
  let k = 0;
  while (k < cap && i + k < x.length) {
    const d = x[i + k] - p;
    if (d < lo || d > hi) break;
    p = x[i + k];
    k++;
  }
  return k;
}

function encodePbd8(x: Uint8Array): Uint8Array {
  const out = new ByteSink(x.length + (x.length >> 5) + 16);
  let literalCodeAt = -1;
  let i = 0;
  while (i < x.length) {
    const r = runLength(x, i, 128);
    const k = differenceRunLength(x, i, -1, 2, 95);
    const repeatGain = r / 2;
    const diffGain = k === 0 ? 0 : k / (Math.floor(k / 4) + 2);
    if (r >= 8 || (repeatGain > diffGain && repeatGain > 1)) {
      out.push(r + 127);
      out.push(x[i]);
      i += r;
      literalCodeAt = -1;
    } else if (diffGain > 1) {
      out.push(k + 32);
      // Vaa3D keeps the four 2-bit slots across the bytes of one run, so the unused slots of a
      // final partial byte repeat the previous byte's codes; reproduced for byte-identical files.
      const slots = [0, 0, 0, 0];
      for (let g = 0; g < k; g += 4) {
        for (let s = 0; s < 4 && g + s < k; s++) {
          const d = x[i + g + s] - x[i + g + s - 1];
          slots[s] = d === -1 ? 3 : d;
        }
        out.push(slots[0] | (slots[1] << 2) | (slots[2] << 4) | (slots[3] << 6));
      }
      i += k;
      literalCodeAt = -1;
    } else {
      if (literalCodeAt >= 0 && out.buf[literalCodeAt] < 32) {
        out.buf[literalCodeAt]++;
      } else {
        out.push(0);
        literalCodeAt = out.length - 1;
      }
      out.push(x[i]);
      i++;
    }
  }
  return out.result();
}

function encodePbd16(x: Uint16Array, littleEndian: boolean): Uint8Array {
  const out = new ByteSink(2 * x.length + (x.length >> 4) + 16);
  const pushWord = (v: number): void => {
    if (littleEndian) { out.push(v & 0xff); out.push(v >> 8); } else { out.push(v >> 8); out.push(v & 0xff); }
  };
  let literalCodeAt = -1;
  let i = 0;
  while (i < x.length) {
    const r = runLength(x, i, 33);
    const k = differenceRunLength(x, i, -3, 4, 48);
    const repeatGain = r / 3;
    const diffGain = k === 0 ? 0 : (2 * k) / (0.375 * k + 2);
    if (r >= 16 || (repeatGain > diffGain && repeatGain > 1)) {
      out.push(r + 222);
      pushWord(x[i]);
      i += r;
      literalCodeAt = -1;
    } else if (diffGain > 1) {
      out.push(k + 31);
      const nb = (3 * k + 7) >> 3;
      out.ensure(nb);
      const start = out.length;
      out.buf.fill(0, start, start + nb);
      for (let j = 0, bit = 0; j < k; j++, bit += 3) {
        const d = x[i + j] - x[i + j - 1];
        const code = d >= 0 ? d : 4 - d;
        const b = start + (bit >> 3);
        const shift = 13 - (bit & 7);
        const window = code << shift;
        out.buf[b] |= window >> 8;
        if ((window & 0xff) !== 0) out.buf[b + 1] |= window & 0xff;
      }
      out.length += nb;
      i += k;
      literalCodeAt = -1;
    } else {
      if (literalCodeAt >= 0 && out.buf[literalCodeAt] < 31) {
        out.buf[literalCodeAt]++;
      } else {
        out.push(0);
        literalCodeAt = out.length - 1;
      }
      pushWord(x[i]);
      i++;
    }
  }
  return out.result();
}

/** Reads a .v3dpbd file (8- or 16-bit, either byte order). */
export async function readV3dpbd(path: string): Promise<ImageStack> {
  return withRegularFile(path, async (file) => {
    const bytes = await readBytes(file, 0, file.size, 'file');
    const { littleEndian, datatypeCode } = parseVaa3dPreamble(bytes, path, PBD_MAGIC, FORMAT_NAMES.v3dpbd);
    if (datatypeCode === 33) throw new FileFormatError(path, 'lossy 3-bit PBD (datatype 33) is not supported');
    if (datatypeCode !== 1 && datatypeCode !== 2) {
      throw new FileFormatError(path, `unsupported datatype code ${datatypeCode} for .v3dpbd (expected 1 = uint8 or 2 = uint16)`);
    }
    if (bytes.length < V3DRAW_HEADER_BYTES) throw new FileFormatError(path, `truncated header: ${bytes.length} of ${V3DRAW_HEADER_BYTES} bytes`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, V3DRAW_HEADER_BYTES);
    const sizes = [0, 1, 2, 3].map((k) => view.getInt32(27 + 4 * k, littleEndian));
    const dtype = datatypeCode === 1 ? 'uint8' : 'uint16';
    const payload = bytes.subarray(V3DRAW_HEADER_BYTES);
    const most = payload.length * MAX_VOXELS_PER_BYTE[dtype];
    // A size the payload cannot possibly hold is a corrupt header, whatever memory would allow.
    if (sizes.every((v) => v > 0) && sizes.reduce((a, b) => a * b, 1) > most) {
      throw new FileFormatError(path, `truncated or corrupt: the header says ${sizes.join('×')} voxels but ${payload.length} payload bytes can hold at most ${most}`);
    }
    const count = checkImageShape(path, sizes.slice(0, 3), sizes[3], dtype === 'uint8' ? 1 : 2);
    let data: Uint8Array | Uint16Array;
    try {
      data = decodePbd(payload, dtype, count, littleEndian);
    } catch (err) {
      if (err instanceof PbdDecodeError) throw new FileFormatError(path, `corrupt PBD data: ${err.message}`, { cause: err });
      throw err;
    }
    return { dtype, dims: [sizes[0], sizes[1], sizes[2]], channels: sizes[3], data, spacing: [1, 1, 1] };
  });
}

/** A whole .v3dpbd file for a uint8 or uint16 stack. */
export function encodeV3dpbd(stack: ImageStack, littleEndian = true): Uint8Array[] {
  if (stack.dtype === 'float32') throw new RangeError('.v3dpbd holds only uint8 or uint16 voxels');
  const header = encodeVaa3dHeader(PBD_MAGIC, stack.dtype === 'uint8' ? 1 : 2, stack.dims, stack.channels, littleEndian);
  return [header, encodePbd(stack.data as Uint8Array | Uint16Array, littleEndian)];
}
