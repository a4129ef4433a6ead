/**
 * The TIFF container: header and the chain of image file directories (IFDs), classic (32-bit
 * offsets) or BigTIFF (64-bit). Only the tags the image reader needs are loaded. Every offset and
 * count is checked against the file size before it is followed, and the chain is checked for
 * loops, so a corrupt file gives an error instead of a hang or a huge allocation.
 */
import { FileFormatError } from '../core/errors.js';
import type { BlockReader } from './file-access.js';
import { FORMAT_NAMES, SNIFF_BYTES, sniffFormat } from './sniff.js';

export const Tag = {
  NewSubfileType: 254,
  ImageWidth: 256,
  ImageLength: 257,
  BitsPerSample: 258,
  Compression: 259,
  Photometric: 262,
  FillOrder: 266,
  ImageDescription: 270,
  StripOffsets: 273,
  Orientation: 274,
  SamplesPerPixel: 277,
  RowsPerStrip: 278,
  StripByteCounts: 279,
  XResolution: 282,
  YResolution: 283,
  PlanarConfiguration: 284,
  ResolutionUnit: 296,
  Predictor: 317,
  TileWidth: 322,
  TileLength: 323,
  TileOffsets: 324,
  TileByteCounts: 325,
  ExtraSamples: 338,
  SampleFormat: 339,
} as const;

const WANTED = new Set<number>(Object.values(Tag));

/** Bytes per value of each TIFF field type (0 = unknown type). */
const TYPE_BYTES = [0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4, 0, 0, 8, 8, 8];

export type TagValue = number[] | string;

export interface TiffDirectory {
  /** 0-based position in the IFD chain. */
  index: number;
  offset: number;
  tags: Map<number, TagValue>;
}

export interface TiffStructure {
  littleEndian: boolean;
  bigTiff: boolean;
  directories: TiffDirectory[];
}

/** Upper bound on directories; a real stack has one per plane. */
const MAX_DIRECTORIES = 1_000_000;

function tagName(tag: number): string {
  return Object.entries(Tag).find(([, v]) => v === tag)?.[0] ?? `tag ${tag}`;
}

export async function parseTiffStructure(reader: BlockReader): Promise<TiffStructure> {
  const file = reader.file.path;
  const size = reader.size;
  const head = await reader.bytes(0, Math.min(SNIFF_BYTES, size), 'TIFF header');
  const fmt = sniffFormat(head);
  if (fmt !== 'tiff' && fmt !== 'bigtiff') {
    if (fmt) throw new FileFormatError(file, `is ${FORMAT_NAMES[fmt]}, not a TIFF file (wrong file extension?)`);
    throw new FileFormatError(file, 'is not a TIFF file: it does not start with II*\\0 or MM\\0*');
  }
  const littleEndian = head[0] === 0x49;
  const bigTiff = fmt === 'bigtiff';
  if (head.length < (bigTiff ? 16 : 8)) throw new FileFormatError(file, `truncated TIFF header (${head.length} bytes)`);
  const hv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let next: number;
  if (bigTiff) {
    if (hv.getUint16(4, littleEndian) !== 8 || hv.getUint16(6, littleEndian) !== 0) {
      throw new FileFormatError(file, 'unsupported BigTIFF variant (offset size is not 8)');
    }
    next = Number(hv.getBigUint64(8, littleEndian));
  } else {
    next = hv.getUint32(4, littleEndian);
  }
  if (next === 0) throw new FileFormatError(file, 'TIFF file has no image directory');

  const entrySize = bigTiff ? 20 : 12;
  const countSize = bigTiff ? 8 : 2;
  const inlineBytes = bigTiff ? 8 : 4;
  const seen = new Set<number>();
  const directories: TiffDirectory[] = [];
  while (next !== 0) {
    const index = directories.length;
    if (seen.has(next)) throw new FileFormatError(file, `corrupt TIFF: directory #${index + 1} points back to an earlier directory (loop in the IFD chain)`);
    if (index >= MAX_DIRECTORIES) throw new FileFormatError(file, `corrupt TIFF: more than ${MAX_DIRECTORIES} image directories`);
    seen.add(next);
    const offset = next;
    const cb = await reader.bytes(offset, countSize, `directory #${index + 1}`);
    const cv = new DataView(cb.buffer, cb.byteOffset, cb.byteLength);
    const n = bigTiff ? Number(cv.getBigUint64(0, littleEndian)) : cv.getUint16(0, littleEndian);
    const body = await reader.bytes(offset + countSize, n * entrySize + (bigTiff ? 8 : 4), `directory #${index + 1} (${n} entries)`);
    const bv = new DataView(body.buffer, body.byteOffset, body.byteLength);
    const pending: Array<{ tag: number; type: number; count: number; at: number; inline: boolean }> = [];
    for (let e = 0; e < n; e++) {
      const p = e * entrySize;
      const tag = bv.getUint16(p, littleEndian);
      if (!WANTED.has(tag)) continue;
      const type = bv.getUint16(p + 2, littleEndian);
      const count = bigTiff ? Number(bv.getBigUint64(p + 4, littleEndian)) : bv.getUint32(p + 4, littleEndian);
      const width = TYPE_BYTES[type] ?? 0;
      if (width === 0) throw new FileFormatError(file, `corrupt TIFF: ${tagName(tag)} in directory #${index + 1} has unknown field type ${type}`);
      const bytes = count * width;
      if (!Number.isSafeInteger(bytes) || bytes > size) {
        throw new FileFormatError(file, `corrupt TIFF: ${tagName(tag)} in directory #${index + 1} claims ${count} values, more than the file holds`);
      }
      const valueAt = p + (bigTiff ? 12 : 8);
      if (bytes <= inlineBytes) {
        pending.push({ tag, type, count, at: offset + countSize + valueAt, inline: true });
      } else {
        const at = bigTiff ? Number(bv.getBigUint64(valueAt, littleEndian)) : bv.getUint32(valueAt, littleEndian);
        pending.push({ tag, type, count, at, inline: false });
      }
    }
    const tail = n * entrySize;
    next = bigTiff ? Number(bv.getBigUint64(tail, littleEndian)) : bv.getUint32(tail, littleEndian);
    const tags = new Map<number, TagValue>();
    for (const f of pending) {
      const raw = await reader.bytes(f.at, f.count * TYPE_BYTES[f.type], `${tagName(f.tag)} of directory #${index + 1}`);
      tags.set(f.tag, decodeValues(raw, f.type, f.count, littleEndian));
    }
    directories.push({ index, offset, tags });
    if (next !== 0 && next >= size) {
      throw new FileFormatError(file, `truncated TIFF: directory #${index + 2} would start at byte ${next} but the file has ${size} bytes`);
    }
  }
  return { littleEndian, bigTiff, directories };
}

function decodeValues(raw: Uint8Array, type: number, count: number, le: boolean): TagValue {
  if (type === 2) {
    let end = raw.length;
    while (end > 0 && raw[end - 1] === 0) end--;
    return Buffer.from(raw.buffer, raw.byteOffset, end).toString('utf8');
  }
  const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    switch (type) {
      case 1: case 7: out[i] = v.getUint8(i); break;
      case 6: out[i] = v.getInt8(i); break;
      case 3: out[i] = v.getUint16(2 * i, le); break;
      case 8: out[i] = v.getInt16(2 * i, le); break;
      case 4: case 13: out[i] = v.getUint32(4 * i, le); break;
      case 9: out[i] = v.getInt32(4 * i, le); break;
      case 5: out[i] = v.getUint32(8 * i, le) / v.getUint32(8 * i + 4, le); break;
      case 10: out[i] = v.getInt32(8 * i, le) / v.getInt32(8 * i + 4, le); break;
      case 11: out[i] = v.getFloat32(4 * i, le); break;
      case 12: out[i] = v.getFloat64(8 * i, le); break;
      case 16: case 18: out[i] = Number(v.getBigUint64(8 * i, le)); break;
      case 17: out[i] = Number(v.getBigInt64(8 * i, le)); break;
    }
  }
  return out;
}

/** First numeric value of a tag, or `fallback`. */
export function tagNumber(dir: TiffDirectory, tag: number, fallback: number): number;
export function tagNumber(dir: TiffDirectory, tag: number): number | undefined;
export function tagNumber(dir: TiffDirectory, tag: number, fallback?: number): number | undefined {
  const v = dir.tags.get(tag);
  return Array.isArray(v) && v.length > 0 ? v[0] : fallback;
}

export function tagNumbers(dir: TiffDirectory, tag: number): number[] | undefined {
  const v = dir.tags.get(tag);
  return Array.isArray(v) ? v : undefined;
}

export function tagString(dir: TiffDirectory, tag: number): string | undefined {
  const v = dir.tags.get(tag);
  return typeof v === 'string' ? v : undefined;
}

export { tagName };
