/**
 * Writes an ImageStack as an uncompressed multi-page grayscale TIFF that ImageJ/Fiji opens as a
 * (hyper)stack with the right voxel size: one page per (channel, slice), channels fastest, an
 * ImageJ description (`images`, `channels`, `slices`, `unit`, `spacing`) and X/YResolution in
 * pixels per unit. Pixel data of all pages are contiguous after the first directory, as ImageJ
 * writes them. Files past 4 GiB become BigTIFF (Fiji opens those through Bio-Formats).
 *
 * The encoder returns byte chunks that view the stack's own voxel memory where possible, so
 * writing costs no copy of the image on a little-endian host.
 */
import type { ImageStack } from '../core/volume.js';
import { bytesInOrder } from './byte-order.js';
import { DTYPE_BYTES } from './image-shape.js';
import { formatImageJDescription } from './tiff-metadata.js';
import { Tag } from './tiff-structure.js';

export interface TiffWriteOptions {
  /** Unit of stack.spacing; defaults to stack.unit. Without a unit no calibration is written. */
  unit?: string;
  /** Force BigTIFF even for small files (otherwise chosen only past 4 GiB). */
  bigTiff?: boolean;
}

const TYPE = { SHORT: 3, LONG: 4, RATIONAL: 5, ASCII: 2, LONG8: 16 } as const;
const TYPE_BYTES: Readonly<Record<number, number>> = { 2: 1, 3: 2, 4: 4, 5: 8, 16: 8 };

interface Entry {
  tag: number;
  type: number;
  /** Numbers (RATIONAL as [num, den] pairs) or the bytes of an ASCII string including its NUL. */
  values: number[] | Uint8Array;
}

function entryCount(e: Entry): number {
  return e.type === TYPE.RATIONAL ? e.values.length / 2 : e.values.length;
}

/** Best rational approximation with 32-bit numerator and denominator (continued fractions). */
export function toRational(value: number): [number, number] {
  const max = 0xffffffff;
  if (!(value > 0) || !Number.isFinite(value)) return [0, 1];
  let [h0, h1, k0, k1] = [0, 1, 1, 0];
  let x = value;
  for (let i = 0; i < 40; i++) {
    const a = Math.floor(x);
    const h2 = a * h1 + h0;
    const k2 = a * k1 + k0;
    if (h2 > max || k2 > max) break;
    [h0, h1, k0, k1] = [h1, h2, k1, k2];
    const frac = x - a;
    if (frac < 1e-15) break;
    x = 1 / frac;
  }
  return k1 === 0 ? [Math.min(max, Math.round(value)), 1] : [h1, k1];
}

class IfdLayout {
  readonly entrySize: number;
  readonly inline: number;
  constructor(readonly big: boolean, readonly entries: Entry[]) {
    entries.sort((a, b) => a.tag - b.tag);
    this.entrySize = big ? 20 : 12;
    this.inline = big ? 8 : 4;
  }
  private valueBytes(e: Entry): number { return entryCount(e) * TYPE_BYTES[e.type]; }
  /** Directory plus the out-of-line values that follow it (word-aligned). */
  get size(): number {
    let n = (this.big ? 8 : 2) + this.entries.length * this.entrySize + (this.big ? 8 : 4);
    for (const e of this.entries) {
      const b = this.valueBytes(e);
      if (b > this.inline) n += b + (b & 1);
    }
    return n;
  }
  /** Writes the directory at file offset `at` into `target`, whose first byte is file offset `base`. */
  write(target: DataView, base: number, at: number, next: number): void {
    const big = this.big;
    let p = at - base;
    if (big) { target.setBigUint64(p, BigInt(this.entries.length), true); p += 8; } else { target.setUint16(p, this.entries.length, true); p += 2; }
    let extra = at + (big ? 8 : 2) + this.entries.length * this.entrySize + (big ? 8 : 4);
    for (const e of this.entries) {
      target.setUint16(p, e.tag, true);
      target.setUint16(p + 2, e.type, true);
      if (big) target.setBigUint64(p + 4, BigInt(entryCount(e)), true); else target.setUint32(p + 4, entryCount(e), true);
      const valueField = p + (big ? 12 : 8);
      const b = this.valueBytes(e);
      let dst = valueField;
      if (b > this.inline) {
        if (big) target.setBigUint64(valueField, BigInt(extra), true); else target.setUint32(valueField, extra, true);
        dst = extra - base;
        extra += b + (b & 1);
      }
      writeValues(target, dst, e);
      p += this.entrySize;
    }
    if (big) target.setBigUint64(p, BigInt(next), true); else target.setUint32(p, next, true);
  }
}

function writeValues(t: DataView, at: number, e: Entry): void {
  const v = e.values;
  for (let i = 0; i < v.length; i++) {
    switch (e.type) {
      case TYPE.ASCII: t.setUint8(at + i, v[i]); break;
      case TYPE.SHORT: t.setUint16(at + 2 * i, v[i], true); break;
      case TYPE.LONG: case TYPE.RATIONAL: t.setUint32(at + 4 * i, v[i], true); break;
      case TYPE.LONG8: t.setBigUint64(at + 8 * i, BigInt(v[i]), true); break;
    }
  }
}

function asciiBytes(s: string): Uint8Array {
  const b = Buffer.from(s + '\0', 'latin1');
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

/** The TIFF file as chunks: header + first directory, the pixel data of every page, the other directories. */
export function encodeTiff(stack: ImageStack, opts: TiffWriteOptions = {}): Uint8Array[] {
  const [w, h, z] = stack.dims;
  const c = stack.channels;
  const bytes = DTYPE_BYTES[stack.dtype];
  const plane = w * h;
  const planeBytes = plane * bytes;
  const pages = z * c;
  const unit = opts.unit ?? stack.unit;
  const description = asciiBytes(formatImageJDescription({ images: pages, channels: c, slices: z, unit, spacing: unit ? stack.spacing[2] : undefined }));

  const layoutFor = (big: boolean) => {
    const offsetType = big ? TYPE.LONG8 : TYPE.LONG;
    const make = (p: number, dataOffset: number): IfdLayout => {
      const entries: Entry[] = [
        { tag: Tag.NewSubfileType, type: TYPE.LONG, values: [0] },
        { tag: Tag.ImageWidth, type: TYPE.LONG, values: [w] },
        { tag: Tag.ImageLength, type: TYPE.LONG, values: [h] },
        { tag: Tag.BitsPerSample, type: TYPE.SHORT, values: [bytes * 8] },
        { tag: Tag.Compression, type: TYPE.SHORT, values: [1] },
        { tag: Tag.Photometric, type: TYPE.SHORT, values: [1] },
        { tag: Tag.StripOffsets, type: offsetType, values: [dataOffset] },
        { tag: Tag.SamplesPerPixel, type: TYPE.SHORT, values: [1] },
        { tag: Tag.RowsPerStrip, type: TYPE.LONG, values: [h] },
        { tag: Tag.StripByteCounts, type: offsetType, values: [planeBytes] },
        { tag: Tag.SampleFormat, type: TYPE.SHORT, values: [stack.dtype === 'float32' ? 3 : 1] },
      ];
      if (p === 0) entries.push({ tag: Tag.ImageDescription, type: TYPE.ASCII, values: description });
      if (unit) {
        entries.push({ tag: Tag.XResolution, type: TYPE.RATIONAL, values: toRational(1 / stack.spacing[0]) });
        entries.push({ tag: Tag.YResolution, type: TYPE.RATIONAL, values: toRational(1 / stack.spacing[1]) });
        entries.push({ tag: Tag.ResolutionUnit, type: TYPE.SHORT, values: [1] });
      }
      return new IfdLayout(big, entries);
    };
    const headerSize = big ? 16 : 8;
    const first = make(0, 0);
    const dataStart = align(headerSize + first.size, 16);
    const dataEnd = dataStart + pages * planeBytes;
    const rest: IfdLayout[] = [];
    for (let p = 1; p < pages; p++) rest.push(make(p, dataStart + p * planeBytes));
    const restStart = align(dataEnd, 2);
    const restSize = rest.reduce((a, l) => a + l.size, 0);
    return { headerSize, first: make(0, dataStart), dataStart, dataEnd, rest, restStart, end: restStart + restSize };
  };

  let big = opts.bigTiff === true;
  let layout = layoutFor(big);
  if (!big && layout.end > 0xffffffff) {
    big = true;
    layout = layoutFor(true);
  }

  const head = new Uint8Array(layout.dataStart);
  const hv = new DataView(head.buffer);
  hv.setUint16(0, 0x4949, true);
  hv.setUint16(2, big ? 43 : 42, true);
  if (big) { hv.setUint16(4, 8, true); hv.setUint16(6, 0, true); hv.setBigUint64(8, BigInt(layout.headerSize), true); } else { hv.setUint32(4, layout.headerSize, true); }
  layout.first.write(hv, 0, layout.headerSize, pages > 1 ? layout.restStart : 0);

  const chunks: Uint8Array[] = [head];
  for (let p = 0; p < pages; p++) {
    const ch = p % c;
    const zz = Math.floor(p / c);
    const start = (ch * z + zz) * plane;
    chunks.push(bytesInOrder(stack.data.subarray(start, start + plane) as typeof stack.data, true));
  }
  if (pages > 1) {
    const tail = new Uint8Array(layout.end - layout.dataEnd);
    const tv = new DataView(tail.buffer);
    let at = layout.restStart;
    layout.rest.forEach((ifd, k) => {
      const next = k + 1 < layout.rest.length ? at + ifd.size : 0;
      ifd.write(tv, layout.dataEnd, at, next);
      at += ifd.size;
    });
    chunks.push(tail);
  }
  return chunks;
}

function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}
