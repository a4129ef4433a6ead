/**
 * Strip/tile decompressors for the TIFF compressions microscopy files use: none (1), LZW (5),
 * Deflate (8 and the old code 32946, via node:zlib) and PackBits (32773). Each returns exactly
 * the bytes the chunk must hold or throws a plain Error saying what is wrong; the reader adds the
 * file name and chunk number.
 */
import { inflateSync } from 'node:zlib';

export const COMPRESSION_NAMES: Readonly<Record<number, string>> = {
  1: 'uncompressed', 2: 'CCITT RLE', 3: 'CCITT Group 3', 4: 'CCITT Group 4', 5: 'LZW', 6: 'old JPEG', 7: 'JPEG',
  8: 'Deflate', 32773: 'PackBits', 32946: 'Deflate', 34712: 'JPEG 2000', 34925: 'LZMA', 50000: 'Zstandard', 50001: 'WebP',
};

export function isSupportedCompression(code: number): boolean {
  return code === 1 || code === 5 || code === 8 || code === 32946 || code === 32773;
}

/** Decompresses one chunk to exactly `expected` bytes. */
export function decompressChunk(code: number, src: Uint8Array, expected: number): Uint8Array {
  switch (code) {
    case 1:
      if (src.length < expected) throw new Error(`holds ${src.length} of ${expected} bytes`);
      return src.subarray(0, expected);
    case 5: return decodeLzw(src, expected);
    case 8:
    case 32946: return inflate(src, expected);
    case 32773: return decodePackBits(src, expected);
    default: throw new Error(`compression ${code} is not supported`);
  }
}

function inflate(src: Uint8Array, expected: number): Uint8Array {
  let out: Buffer;
  try {
    // The cap stops a corrupt stream from inflating without bound; a little slack tolerates
    // encoders that pad the last row.
    out = inflateSync(src, { maxOutputLength: Math.max(expected + 1024, expected * 2) });
  } catch (err) {
    throw new Error(`Deflate data are corrupt (${(err as Error).message})`);
  }
  if (out.length < expected) throw new Error(`Deflate data decompress to ${out.length} of ${expected} bytes`);
  return new Uint8Array(out.buffer, out.byteOffset, expected);
}

/** PackBits: a signed count byte n, then n+1 literal bytes (n ≥ 0) or one byte repeated 1−n times (n < 0; −128 is a no-op). */
export function decodePackBits(src: Uint8Array, expected: number): Uint8Array {
  const out = new Uint8Array(expected);
  let i = 0;
  let o = 0;
  while (o < expected) {
    if (i >= src.length) throw new Error(`PackBits data end after ${o} of ${expected} bytes`);
    const n = src[i++];
    if (n < 128) {
      const len = n + 1;
      if (i + len > src.length) throw new Error(`PackBits data end inside a literal run (${o} of ${expected} bytes)`);
      out.set(src.subarray(i, i + Math.min(len, expected - o)), o);
      i += len;
      o += len;
    } else if (n > 128) {
      const len = 257 - n;
      if (i >= src.length) throw new Error(`PackBits data end inside a repeat run (${o} of ${expected} bytes)`);
      out.fill(src[i++], o, Math.min(expected, o + len));
      o += len;
    }
  }
  return out;
}

const LZW_CLEAR = 256;
const LZW_EOI = 257;
const LZW_MAX_CODES = 4096;

/**
 * TIFF LZW: MSB-first codes of 9–12 bits, Clear = 256, EndOfInformation = 257, and the code width
 * grows one code early (at 511, 1023, 2047), as TIFF 6.0 specifies. The dictionary is kept as
 * (prefix code, last byte, length) so each string is written backwards straight into the output.
 */
export function decodeLzw(src: Uint8Array, expected: number): Uint8Array {
  if (src.length >= 2 && src[0] === 0 && (src[1] & 1) === 1) {
    throw new Error('old-style (pre-TIFF 6.0) LZW is not supported');
  }
  const out = new Uint8Array(expected);
  const prefix = new Int16Array(LZW_MAX_CODES);
  const suffix = new Uint8Array(LZW_MAX_CODES);
  const first = new Uint8Array(LZW_MAX_CODES);
  const length = new Uint16Array(LZW_MAX_CODES);
  for (let c = 0; c < 256; c++) { prefix[c] = -1; suffix[c] = c; first[c] = c; length[c] = 1; }
  let next = 258;
  let width = 9;
  let prev = -1;
  let o = 0;
  let bitPos = 0;
  const totalBits = src.length * 8;
  // Two zero bytes of padding let the bit reader load three bytes without bounds checks.
  const input = new Uint8Array(src.length + 2);
  input.set(src);
  while (o < expected) {
    if (bitPos + width > totalBits) throw new Error(`LZW data end after ${o} of ${expected} bytes`);
    // Read `width` bits MSB-first; 12 bits never span more than three bytes.
    const byte = bitPos >> 3;
    const window = (input[byte] << 16) | (input[byte + 1] << 8) | input[byte + 2];
    const code = (window >> (24 - (bitPos & 7) - width)) & ((1 << width) - 1);
    bitPos += width;
    if (code === LZW_EOI) break;
    if (code === LZW_CLEAR) {
      next = 258;
      width = 9;
      prev = -1;
      continue;
    }
    let emit: number;
    if (prev < 0) {
      if (code > 255) throw new Error(`LZW code ${code} right after a Clear code`);
      out[o++] = code;
      prev = code;
      continue;
    }
    if (code < next) {
      emit = code;
    } else if (code === next) {
      emit = -1; // the KwKwK case: the new string is prev + first(prev)
    } else {
      throw new Error(`LZW code ${code} is not yet defined (next free code ${next})`);
    }
    const firstByte = emit >= 0 ? first[emit] : first[prev];
    if (next < LZW_MAX_CODES) {
      prefix[next] = prev;
      suffix[next] = firstByte;
      first[next] = first[prev];
      length[next] = length[prev] + 1;
      next++;
    }
    const src2 = emit >= 0 ? emit : next - 1;
    const len = length[src2];
    if (o + len > expected) {
      // Some encoders pad the last strip with whole rows; what lies past the image is dropped.
      const tmp = new Uint8Array(len);
      for (let k = src2, at = len - 1; k >= 0; k = prefix[k], at--) tmp[at] = suffix[k];
      out.set(tmp.subarray(0, expected - o), o);
      o = expected;
      break;
    }
    for (let k = src2, at = o + len - 1; k >= 0; k = prefix[k], at--) out[at] = suffix[k];
    o += len;
    prev = code;
    if (next + 1 >= (1 << width) && width < 12) width++;
  }
  if (o < expected) throw new Error(`LZW data decode to ${o} of ${expected} bytes`);
  return out;
}
