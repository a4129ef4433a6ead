/**
 * Reads microscopy TIFF stacks into an ImageStack: classic TIFF and BigTIFF, either byte order,
 * strips or tiles, chunky or planar samples, compressions none/LZW/Deflate/PackBits, predictors
 * 2 (horizontal) and 3 (floating point); 8/16-bit unsigned and 32-bit float kept as they are,
 * int8/int16/(u)int32/float64 converted to float32.
 *
 * Stack layout: an ImageJ description (pages c fastest, then z) or OME-XML (its dimension order)
 * decides which page is which channel and slice; otherwise each page is one z slice. Each sample
 * of a page (RGB, multi-sample) becomes a channel; alpha is dropped; a palette image keeps its
 * indices as intensities (ImageJ and Vaa3D do the same: the palette is only a display LUT).
 * Time series (ImageJ frames > 1, OME SizeT > 1) are refused rather than silently cut to t = 0.
 * Reduced-resolution pages (thumbnails, e.g. in LSM files) are skipped; the Orientation tag is
 * ignored, as ImageJ and Vaa3D ignore it. ImageJ's > 4 GB files,
 * which have one directory and `images=N` contiguous planes, are read as N planes.
 *
 * The file is read in pieces (never whole): an uncompressed plane goes straight from the file
 * into the voxel array, so a stack costs one copy of its data plus one plane of scratch.
 */
import { FileFormatError, NeurotraceError } from '../core/errors.js';
import { allocVoxels, type ImageStack, type VoxelArray } from '../core/volume.js';
import { bytesOf, HOST_LITTLE_ENDIAN, swapBytesInPlace } from './byte-order.js';
import { BlockReader, type OpenedFile, readFully, withRegularFile } from './file-access.js';
import { checkImageShape, DTYPE_BYTES } from './image-shape.js';
import { type SampleType, voxelTypeFor } from './samples.js';
import { COMPRESSION_NAMES, decompressChunk, isSupportedCompression } from './tiff-compression.js';
import { type ImageJInfo, omeVoxelSize, type OmePixels, parseImageJDescription, parseOmeDescription, tiffVoxelSize, type VoxelSize } from './tiff-metadata.js';
import { parseTiffStructure, Tag, tagNumber, tagNumbers, tagString, type TiffDirectory } from './tiff-structure.js';

/** Everything needed to decode one page, shared by every page of the stack. */
interface PageFormat {
  width: number;
  height: number;
  samplesPerPixel: number;
  bitsPerSample: number;
  sampleType: TiffSampleType;
  photometric: number;
  planar: 1 | 2;
  /** Sample indices kept as channels (alpha dropped). */
  keptSamples: number[];
}

/** Where one page's compressed chunks are. */
interface ChunkTable {
  compression: number;
  predictor: number;
  tiled: boolean;
  chunkWidth: number;
  chunkHeight: number;
  offsets: number[];
  byteCounts: number[];
}

const MAX_RATIO: Readonly<Record<number, number>> = { 1: 1, 5: 2731, 8: 1032, 32946: 1032, 32773: 64 };

const PHOTOMETRIC_NAMES: Readonly<Record<number, string>> = {
  4: 'transparency mask', 5: 'CMYK', 6: 'YCbCr', 8: 'CIELab', 9: 'ICCLab', 10: 'ITULab', 32844: 'LogL', 32845: 'LogLuv',
};

/** The sample types a TIFF may hold here (64-bit integers are refused). */
type TiffSampleType = Exclude<SampleType, 'uint64' | 'int64'>;

function sampleTypeOf(bits: number, format: number, file: string): TiffSampleType {
  const kind = format === 2 ? 'int' : format === 3 ? 'float' : 'uint';
  const t = `${kind}${bits}`;
  switch (t) {
    case 'uint8': case 'int8': case 'uint16': case 'int16': case 'uint32': case 'int32': return t;
    case 'float32': case 'float64': return t;
  }
  if (format === 3 && bits === 16) throw new FileFormatError(file, '16-bit floating-point TIFF samples are not supported');
  throw new FileFormatError(file, `unsupported TIFF sample type: ${bits}-bit ${kind === 'uint' ? 'unsigned' : kind === 'int' ? 'signed' : 'float'} (supported: 8/16/32-bit integers, 32/64-bit float)`);
}

function pageFormat(dir: TiffDirectory, file: string): PageFormat {
  const width = tagNumber(dir, Tag.ImageWidth);
  const height = tagNumber(dir, Tag.ImageLength);
  if (width === undefined || height === undefined) throw new FileFormatError(file, `TIFF directory #${dir.index + 1} lacks ImageWidth/ImageLength`);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new FileFormatError(file, `invalid TIFF page size ${width}×${height}`);
  }
  const samplesPerPixel = tagNumber(dir, Tag.SamplesPerPixel, 1);
  if (!Number.isInteger(samplesPerPixel) || samplesPerPixel < 1 || samplesPerPixel > 64) {
    throw new FileFormatError(file, `invalid SamplesPerPixel ${samplesPerPixel}`);
  }
  const bitsList = tagNumbers(dir, Tag.BitsPerSample) ?? [1];
  if (bitsList.some((b) => b !== bitsList[0])) throw new FileFormatError(file, `samples of different bit depths (${bitsList.join(', ')}) are not supported`);
  const bitsPerSample = bitsList[0];
  const formats = tagNumbers(dir, Tag.SampleFormat) ?? [1];
  const sampleType = sampleTypeOf(bitsPerSample, formats[0], file);
  const photometric = tagNumber(dir, Tag.Photometric, samplesPerPixel >= 3 ? 2 : 1);
  if (photometric > 3) throw new FileFormatError(file, `unsupported TIFF colour model: ${PHOTOMETRIC_NAMES[photometric] ?? `photometric ${photometric}`}`);
  if (photometric === 0 && !sampleType.startsWith('uint')) throw new FileFormatError(file, 'WhiteIsZero is only supported for unsigned samples');
  if (tagNumber(dir, Tag.FillOrder, 1) !== 1) throw new FileFormatError(file, 'TIFF FillOrder 2 (reversed bits) is not supported');
  const planarTag = tagNumber(dir, Tag.PlanarConfiguration, 1);
  if (planarTag !== 1 && planarTag !== 2) throw new FileFormatError(file, `invalid PlanarConfiguration ${planarTag}`);
  const extra = tagNumbers(dir, Tag.ExtraSamples) ?? [];
  const firstExtra = samplesPerPixel - extra.length;
  const keptSamples: number[] = [];
  for (let s = 0; s < samplesPerPixel; s++) {
    const e = s - firstExtra;
    if (e >= 0 && (extra[e] === 1 || extra[e] === 2)) continue;
    keptSamples.push(s);
  }
  return { width, height, samplesPerPixel, bitsPerSample, sampleType, photometric, planar: samplesPerPixel === 1 ? 1 : planarTag, keptSamples };
}

function chunkTable(dir: TiffDirectory, fmt: PageFormat, file: string, fileSize: number, page: number): ChunkTable {
  const compression = tagNumber(dir, Tag.Compression, 1);
  if (!isSupportedCompression(compression)) {
    const name = COMPRESSION_NAMES[compression] ?? `code ${compression}`;
    throw new FileFormatError(file, `unsupported TIFF compression ${name} (supported: none, LZW, Deflate, PackBits)`);
  }
  const predictor = tagNumber(dir, Tag.Predictor, 1);
  if (predictor !== 1 && predictor !== 2 && predictor !== 3) throw new FileFormatError(file, `unsupported TIFF predictor ${predictor}`);
  if (predictor === 2 && fmt.sampleType.startsWith('float')) throw new FileFormatError(file, 'horizontal-differencing predictor on floating-point samples is invalid');
  if (predictor === 3 && !fmt.sampleType.startsWith('float')) throw new FileFormatError(file, 'floating-point predictor on integer samples is invalid');
  const bytesPerSample = fmt.bitsPerSample / 8;
  const tiled = dir.tags.has(Tag.TileWidth);
  let chunkWidth: number;
  let chunkHeight: number;
  let perPlane: number;
  if (tiled) {
    chunkWidth = tagNumber(dir, Tag.TileWidth, 0);
    chunkHeight = tagNumber(dir, Tag.TileLength, 0);
    if (!(chunkWidth > 0 && chunkHeight > 0)) throw new FileFormatError(file, `invalid tile size ${chunkWidth}×${chunkHeight}`);
    perPlane = Math.ceil(fmt.width / chunkWidth) * Math.ceil(fmt.height / chunkHeight);
  } else {
    chunkWidth = fmt.width;
    chunkHeight = Math.min(tagNumber(dir, Tag.RowsPerStrip, fmt.height), fmt.height);
    if (!(chunkHeight > 0)) throw new FileFormatError(file, `invalid RowsPerStrip ${chunkHeight}`);
    perPlane = Math.ceil(fmt.height / chunkHeight);
  }
  const count = perPlane * (fmt.planar === 2 ? fmt.samplesPerPixel : 1);
  const offsets = tagNumbers(dir, tiled ? Tag.TileOffsets : Tag.StripOffsets);
  if (!offsets) throw new FileFormatError(file, `page ${page + 1} lacks ${tiled ? 'TileOffsets' : 'StripOffsets'}`);
  if (offsets.length < count) throw new FileFormatError(file, `page ${page + 1} has ${offsets.length} ${tiled ? 'tiles' : 'strips'}, expected ${count}`);
  const samplesInChunk = fmt.planar === 2 ? 1 : fmt.samplesPerPixel;
  const chunkBytes = (k: number): number => {
    const rows = tiled ? chunkHeight : Math.min(chunkHeight, fmt.height - (k % perPlane) * chunkHeight);
    return rows * chunkWidth * samplesInChunk * bytesPerSample;
  };
  let byteCounts = tagNumbers(dir, tiled ? Tag.TileByteCounts : Tag.StripByteCounts);
  if (!byteCounts) {
    if (compression !== 1) throw new FileFormatError(file, `page ${page + 1} lacks ${tiled ? 'TileByteCounts' : 'StripByteCounts'}`);
    byteCounts = Array.from({ length: count }, (_, k) => chunkBytes(k));
  }
  if (byteCounts.length < count) throw new FileFormatError(file, `page ${page + 1} lists ${byteCounts.length} chunk sizes, expected ${count}`);
  let total = 0;
  let needed = 0;
  for (let k = 0; k < count; k++) {
    if (offsets[k] + byteCounts[k] > fileSize) {
      throw new FileFormatError(file, `truncated: ${tiled ? 'tile' : 'strip'} ${k + 1} of page ${page + 1} ends at byte ${offsets[k] + byteCounts[k]} but the file has ${fileSize}`);
    }
    total += byteCounts[k];
    needed += chunkBytes(k);
  }
  if (total * MAX_RATIO[compression] < needed) {
    throw new FileFormatError(file, `truncated or corrupt: page ${page + 1} has ${total} bytes of ${COMPRESSION_NAMES[compression]} data, too few for ${needed} bytes of pixels`);
  }
  return { compression, predictor, tiled, chunkWidth, chunkHeight, offsets: offsets.slice(0, count), byteCounts: byteCounts.slice(0, count) };
}

function sameFormat(a: PageFormat, b: PageFormat): boolean {
  return a.width === b.width && a.height === b.height && a.samplesPerPixel === b.samplesPerPixel
    && a.sampleType === b.sampleType && a.photometric === b.photometric && a.planar === b.planar;
}

/** Which channel group and slice each page holds. */
interface StackLayout {
  pages: number;
  channelGroups: number;
  slices: number;
  place(page: number): { group: number; z: number };
  voxelSize: VoxelSize;
  /** ImageJ > 4 GB file: all planes follow the first one contiguously. */
  contiguousPlanes: boolean;
}

function imageJLayout(ij: ImageJInfo, pageCount: number, file: string): Omit<StackLayout, 'voxelSize'> {
  const images = ij.images ?? pageCount;
  const channels = ij.channels ?? 1;
  const frames = ij.frames ?? 1;
  const slices = ij.slices ?? images / (channels * frames);
  if (frames > 1) {
    throw new FileFormatError(file, `ImageJ hyperstack has ${frames} time frames; only single-time-point stacks can be read (if the frames are really z slices, fix it in Fiji with Image > Properties, or extract one frame with Image > Duplicate)`);
  }
  if (!Number.isInteger(slices) || channels * slices * frames !== images) {
    throw new FileFormatError(file, `inconsistent ImageJ description: images=${images} but channels×slices×frames = ${channels}×${ij.slices ?? '?'}×${frames}`);
  }
  let contiguousPlanes = false;
  if (images !== pageCount) {
    if (pageCount !== 1) throw new FileFormatError(file, `ImageJ description says ${images} images but the file has ${pageCount} pages (truncated?)`);
    contiguousPlanes = true;
  }
  return { pages: images, channelGroups: channels, slices, place: (p) => ({ group: p % channels, z: Math.floor(p / channels) }), contiguousPlanes };
}

function omeLayout(ome: OmePixels, pageCount: number, fmt: PageFormat, file: string): Omit<StackLayout, 'voxelSize'> {
  const sizes: Record<string, number> = { Z: ome.sizeZ, C: ome.sizeC, T: ome.sizeT };
  if (![ome.sizeZ, ome.sizeC, ome.sizeT].every((n) => Number.isInteger(n) && n > 0)) throw new FileFormatError(file, 'OME-XML has invalid SizeZ/SizeC/SizeT');
  if (ome.sizeT > 1) throw new FileFormatError(file, `OME-TIFF has ${ome.sizeT} time points; only single-time-point stacks can be read`);
  const order = ome.dimensionOrder.toUpperCase();
  if (!/^XY[ZCT]{3}$/.test(order) || new Set(order.slice(2)).size !== 3) throw new FileFormatError(file, `invalid OME DimensionOrder "${ome.dimensionOrder}"`);
  const groups = ome.sizeC % fmt.samplesPerPixel === 0 ? ome.sizeC / fmt.samplesPerPixel : NaN;
  sizes.C = groups;
  const expected = ome.sizeZ * groups;
  if (ome.imageCount > 1 || expected !== pageCount) {
    throw new FileFormatError(file, `OME-TIFF describes ${ome.imageCount} image(s) of ${ome.sizeZ} slices × ${ome.sizeC} channels but the file has ${pageCount} pages (multi-file or multi-series OME-TIFF is not supported)`);
  }
  const [a, b] = [order[2], order[3]];
  return {
    pages: pageCount,
    channelGroups: groups,
    slices: ome.sizeZ,
    place: (p) => {
      const idx: Record<string, number> = { [a]: p % sizes[a], [b]: Math.floor(p / sizes[a]) % sizes[b] };
      return { group: idx.C ?? 0, z: idx.Z ?? 0 };
    },
    contiguousPlanes: false,
  };
}

function stackLayout(first: TiffDirectory, fmt: PageFormat, pageCount: number, file: string): StackLayout {
  const description = tagString(first, Tag.ImageDescription);
  const res = {
    xResolution: tagNumber(first, Tag.XResolution),
    yResolution: tagNumber(first, Tag.YResolution),
    resolutionUnit: tagNumber(first, Tag.ResolutionUnit, 2),
  };
  const ij = parseImageJDescription(description);
  if (ij) return { ...imageJLayout(ij, pageCount, file), voxelSize: tiffVoxelSize(res, ij) };
  const ome = parseOmeDescription(description);
  if (ome) {
    const layout = omeLayout(ome, pageCount, fmt, file);
    const vs = omeVoxelSize(ome);
    return { ...layout, voxelSize: vs.unit ? vs : tiffVoxelSize(res, undefined) };
  }
  return { pages: pageCount, channelGroups: 1, slices: pageCount, place: (p) => ({ group: 0, z: p }), voxelSize: tiffVoxelSize(res, undefined), contiguousPlanes: false };
}

const TYPED: Readonly<Record<TiffSampleType, { new (buffer: ArrayBufferLike, byteOffset: number, length: number): ArrayLike<number> & { subarray(a: number, b: number): ArrayLike<number> } }>> = {
  uint8: Uint8Array, int8: Int8Array, uint16: Uint16Array, int16: Int16Array, uint32: Uint32Array, int32: Int32Array,
  float32: Float32Array, float64: Float64Array,
};

/** Undoes TIFF's floating-point predictor on one row: byte-wise differencing, then byte planes. */
function undoFloatPredictor(bytes: Uint8Array, rowStart: number, rowSamples: number, stride: number, width: number): void {
  const n = rowSamples * width;
  const row = bytes.subarray(rowStart, rowStart + n);
  for (let i = stride; i < n; i++) row[i] = (row[i] + row[i - stride]) & 0xff;
  const planes = row.slice();
  // Planes hold the most significant byte of every sample first; rebuild host-order words.
  for (let s = 0; s < rowSamples; s++) {
    for (let b = 0; b < width; b++) {
      const significance = width - 1 - b; // 0 = most significant plane
      row[s * width + (HOST_LITTLE_ENDIAN ? b : width - 1 - b)] = planes[significance * rowSamples + s];
    }
  }
}

/**
 * Turns one decompressed chunk into host-order samples of its own type, with the predictor undone
 * (integer differencing wraps in the sample's own width, which the typed array gives for free).
 */
function chunkSamples(raw: Uint8Array, fmt: PageFormat, table: ChunkTable, samplesInChunk: number, rows: number, littleEndian: boolean) {
  const width = fmt.bitsPerSample / 8;
  const needsSwap = width > 1 && littleEndian !== HOST_LITTLE_ENDIAN && table.predictor !== 3;
  // `raw` lies in a buffer this reader owns (scratch or fresh), so it is modified in place.
  const bytes = raw.byteOffset % width !== 0 ? raw.slice() : raw;
  const rowSamples = table.chunkWidth * samplesInChunk;
  if (table.predictor === 3) {
    for (let r = 0; r < rows; r++) undoFloatPredictor(bytes, r * rowSamples * width, rowSamples, samplesInChunk, width);
  } else if (needsSwap) {
    swapBytesInPlace(bytes, width);
  }
  const values = new TYPED[fmt.sampleType](bytes.buffer, bytes.byteOffset, rows * rowSamples) as unknown as Int32Array;
  if (table.predictor === 2) {
    for (let r = 0; r < rows; r++) {
      const base = r * rowSamples;
      for (let i = samplesInChunk; i < rowSamples; i++) values[base + i] += values[base + i - samplesInChunk];
    }
  }
  return values;
}

interface Target {
  out: VoxelArray;
  /** Voxels per channel in the whole stack. */
  channelSize: number;
  /** First output channel of this page, and the slice. */
  channelBase: number;
  z: number;
  /** 0-based page number, for messages. */
  page: number;
}

/** Decodes one page into its slice of the output. */
async function decodePage(file: OpenedFile, fmt: PageFormat, table: ChunkTable, littleEndian: boolean, target: Target, scratch: { buf: Uint8Array }): Promise<void> {
  const { width, height } = fmt;
  const plane = width * height;
  const samplesInChunk = fmt.planar === 2 ? 1 : fmt.samplesPerPixel;
  const sampleBytes = fmt.bitsPerSample / 8;
  const keptIndex = new Map(fmt.keptSamples.map((s, k) => [s, k]));

  if (await readPlaneDirect(file, fmt, table, littleEndian, target)) return;

  // Read the page's chunks in one go when they are packed together (the usual layout).
  const n = table.offsets.length;
  let lo = Infinity;
  let hi = 0;
  let sum = 0;
  for (let k = 0; k < n; k++) {
    lo = Math.min(lo, table.offsets[k]);
    hi = Math.max(hi, table.offsets[k] + table.byteCounts[k]);
    sum += table.byteCounts[k];
  }
  const packed = hi - lo <= sum * 2 + 65536;
  if (packed) {
    if (scratch.buf.length < hi - lo) scratch.buf = new Uint8Array(hi - lo);
    await readFully(file, scratch.buf.subarray(0, hi - lo), lo, 'pixel data');
  }
  const perPlane = n / (fmt.planar === 2 ? fmt.samplesPerPixel : 1);
  const across = Math.ceil(width / table.chunkWidth);
  for (let k = 0; k < n; k++) {
    const planeSample = fmt.planar === 2 ? Math.floor(k / perPlane) : 0;
    const r = k % perPlane;
    const x0 = table.tiled ? (r % across) * table.chunkWidth : 0;
    const y0 = table.tiled ? Math.floor(r / across) * table.chunkHeight : r * table.chunkHeight;
    const rows = table.tiled ? table.chunkHeight : Math.min(table.chunkHeight, height - y0);
    const validRows = Math.min(rows, height - y0);
    const validCols = Math.min(table.chunkWidth, width - x0);
    const src = packed
      ? scratch.buf.subarray(table.offsets[k] - lo, table.offsets[k] - lo + table.byteCounts[k])
      : await readChunk(file, table.offsets[k], table.byteCounts[k]);
    let raw: Uint8Array;
    try {
      raw = decompressChunk(table.compression, src, rows * table.chunkWidth * samplesInChunk * sampleBytes);
    } catch (err) {
      throw new FileFormatError(file.path, `corrupt ${table.tiled ? 'tile' : 'strip'} ${k + 1} of page ${target.page + 1}: ${(err as Error).message}`, { cause: err });
    }
    const values = chunkSamples(raw, fmt, table, samplesInChunk, rows, littleEndian);
    const rowSamples = table.chunkWidth * samplesInChunk;
    for (let sc = 0; sc < samplesInChunk; sc++) {
      const kept = keptIndex.get(fmt.planar === 2 ? planeSample : sc);
      if (kept === undefined) continue;
      const base = (target.channelBase + kept) * target.channelSize + target.z * plane;
      for (let yy = 0; yy < validRows; yy++) {
        const dst = base + (y0 + yy) * width + x0;
        const rowIn = yy * rowSamples;
        if (samplesInChunk === 1) {
          target.out.set(values.subarray(rowIn, rowIn + validCols), dst);
        } else {
          for (let x = 0, i = rowIn + sc; x < validCols; x++, i += samplesInChunk) target.out[dst + x] = values[i];
        }
      }
    }
  }
  if (fmt.photometric === 0) invertPage(fmt, target);
}

async function readChunk(file: OpenedFile, offset: number, length: number): Promise<Uint8Array> {
  const buf = new Uint8Array(length);
  await readFully(file, buf, offset, 'pixel data');
  return buf;
}

/**
 * The fast path: an uncompressed single-sample page stored as consecutive full-width strips of a
 * type the output keeps is read straight into its place in the voxel array.
 */
async function readPlaneDirect(file: OpenedFile, fmt: PageFormat, table: ChunkTable, littleEndian: boolean, target: Target): Promise<boolean> {
  if (table.compression !== 1 || table.predictor !== 1 || table.tiled || fmt.samplesPerPixel !== 1) return false;
  if (voxelTypeFor(fmt.sampleType) !== fmt.sampleType) return false;
  const sampleBytes = fmt.bitsPerSample / 8;
  const rowBytes = fmt.width * sampleBytes;
  for (let k = 0; k < table.offsets.length; k++) {
    const rows = Math.min(table.chunkHeight, fmt.height - k * table.chunkHeight);
    if (table.byteCounts[k] < rows * rowBytes) return false;
    if (k > 0 && table.offsets[k] !== table.offsets[k - 1] + table.byteCounts[k - 1]) return false;
  }
  const plane = fmt.width * fmt.height;
  const start = target.channelBase * target.channelSize + target.z * plane;
  const dst = bytesOf(target.out).subarray(start * sampleBytes, (start + plane) * sampleBytes);
  await readFully(file, dst, table.offsets[0], 'pixel data');
  if (sampleBytes > 1 && littleEndian !== HOST_LITTLE_ENDIAN) swapBytesInPlace(dst, sampleBytes);
  if (fmt.photometric === 0) invertPage(fmt, target);
  return true;
}

function invertPage(fmt: PageFormat, target: Target): void {
  const max = 2 ** fmt.bitsPerSample - 1;
  const plane = fmt.width * fmt.height;
  for (let k = 0; k < fmt.keptSamples.length; k++) {
    const base = (target.channelBase + k) * target.channelSize + target.z * plane;
    for (let i = base; i < base + plane; i++) target.out[i] = max - target.out[i];
  }
}

/** Reads a TIFF stack from an opened file. */
export async function decodeTiffFile(file: OpenedFile): Promise<ImageStack> {
  const path = file.path;
  const structure = await parseTiffStructure(new BlockReader(file));
  const images = structure.directories.filter((d) => (tagNumber(d, Tag.NewSubfileType, 0) & 0b101) === 0);
  if (images.length === 0) throw new FileFormatError(path, 'TIFF file holds only thumbnails or masks, no full-resolution image');
  const fmt = pageFormat(images[0], path);
  images.forEach((dir, p) => {
    if (p === 0) return;
    const other = pageFormat(dir, path);
    if (!sameFormat(fmt, other)) {
      const describe = (f: PageFormat) => `${f.width}×${f.height} ${f.samplesPerPixel === 1 ? '' : `${f.samplesPerPixel}-sample `}${f.sampleType}`;
      throw new FileFormatError(path, `page ${p + 1} is ${describe(other)} but page 1 is ${describe(fmt)}; all pages of a stack must match`);
    }
  });
  const layout = stackLayout(images[0], fmt, images.length, path);
  const tables = images.map((dir, p) => chunkTable(dir, fmt, path, file.size, p));
  if (layout.contiguousPlanes) extendContiguousPlanes(tables, layout.pages, file.size, path);

  const channels = layout.channelGroups * fmt.keptSamples.length;
  const count = checkImageShape(path, [fmt.width, fmt.height, layout.slices], channels, DTYPE_BYTES[voxelTypeFor(fmt.sampleType)]);
  const out = allocVoxels(voxelTypeFor(fmt.sampleType), count);
  const channelSize = fmt.width * fmt.height * layout.slices;
  const scratch = { buf: new Uint8Array(0) };
  for (let p = 0; p < layout.pages; p++) {
    const { group, z } = layout.place(p);
    await decodePage(file, fmt, tables[p], structure.littleEndian, { out, channelSize, channelBase: group * fmt.keptSamples.length, z, page: p }, scratch);
  }
  const stack: ImageStack = { dtype: voxelTypeFor(fmt.sampleType), dims: [fmt.width, fmt.height, layout.slices], channels, data: out, spacing: layout.voxelSize.spacing };
  if (layout.voxelSize.unit) stack.unit = layout.voxelSize.unit;
  return stack;
}

/** ImageJ's > 4 GB layout: planes 2..N follow the first plane's strips back to back. */
function extendContiguousPlanes(tables: ChunkTable[], pages: number, fileSize: number, file: string): void {
  const first = tables[0];
  if (first.compression !== 1 || first.tiled) throw new FileFormatError(file, 'ImageJ description lists more images than the file has pages, and the pages are not stored contiguously (truncated?)');
  const planeBytes = first.byteCounts.reduce((a, b) => a + b, 0);
  const end = first.offsets[0] + planeBytes * pages;
  if (end > fileSize) {
    throw new FileFormatError(file, `truncated: ImageJ description says ${pages} images, which need ${end} bytes, but the file has ${fileSize}`);
  }
  for (let p = 1; p < pages; p++) tables.push({ ...first, offsets: first.offsets.map((o) => o + p * planeBytes) });
}

/** Reads a TIFF file (see the module comment for what is supported). */
export async function readTiff(path: string): Promise<ImageStack> {
  return withRegularFile(path, async (file) => {
    try {
      return await decodeTiffFile(file);
    } catch (err) {
      if (err instanceof NeurotraceError) throw err;
      throw new FileFormatError(path, `corrupt or unsupported TIFF (${(err as Error).message})`, { cause: err });
    }
  });
}
