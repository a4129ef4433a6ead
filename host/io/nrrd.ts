/**
 * NRRD images: `.nrrd` (header and data in one file) and `.nhdr` (detached header naming one or
 * more data files). Encodings raw, gzip, ascii and hex; bzip2 is refused (no decoder in Node).
 *
 * Types: uint8, uint16 and float32 are kept; int8, int16, int32, uint32, (u)int64 and double are
 * converted to float32 (see samples.ts for the rounding). Axes are listed fastest first; at most
 * one axis may be non-spatial (a channel axis, told apart by `kinds` or a `none` space direction;
 * with neither, a 4-D image's first axis is taken as the channel axis, NRRD's usual place for it).
 * Channels end up planar. Voxel size comes from `space directions` (vector lengths) or `spacings`,
 * in µm when `space units`/`units` name a known length.
 */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip as gunzipCb, gzip as gzipCb } from 'node:zlib';
import { FileFormatError } from '../core/errors.js';
import { allocVoxels, dtypeOf, type ImageStack, type Vec3, type VoxelArray } from '../core/volume.js';
import { bytesInOrder } from './byte-order.js';
import { BlockReader, type OpenedFile, readFully, withRegularFile } from './file-access.js';
import { checkImageShape, DTYPE_BYTES } from './image-shape.js';
import { decodeOwnedSamples, SAMPLE_BYTES, type SampleType, voxelTypeFor } from './samples.js';
import { FORMAT_NAMES, sniffFormat } from './sniff.js';
import { isMicron, MICRON, micronsPerUnit } from './units.js';

const gunzip = promisify(gunzipCb);
const gzip = promisify(gzipCb);

/** NRRD headers are a few KB; the cap only stops a file without a blank line being read whole. */
const MAX_HEADER_BYTES = 1 << 20;

const TYPE_NAMES: ReadonlyArray<[SampleType, string[]]> = [
  ['int8', ['signed char', 'int8', 'int8_t']],
  ['uint8', ['uchar', 'unsigned char', 'uint8', 'uint8_t']],
  ['int16', ['short', 'short int', 'signed short', 'signed short int', 'int16', 'int16_t']],
  ['uint16', ['ushort', 'unsigned short', 'unsigned short int', 'uint16', 'uint16_t']],
  ['int32', ['int', 'signed int', 'int32', 'int32_t']],
  ['uint32', ['uint', 'unsigned int', 'uint32', 'uint32_t']],
  ['int64', ['longlong', 'long long', 'long long int', 'signed long long', 'signed long long int', 'int64', 'int64_t']],
  ['uint64', ['ulonglong', 'unsigned long long', 'unsigned long long int', 'uint64', 'uint64_t']],
  ['float32', ['float']],
  ['float64', ['double']],
];
const SAMPLE_TYPE_OF = new Map(TYPE_NAMES.flatMap(([t, names]) => names.map((n) => [n, t] as const)));

type Encoding = 'raw' | 'gzip' | 'ascii' | 'hex';
const ENCODINGS: ReadonlyMap<string, Encoding | 'bzip2'> = new Map([
  ['raw', 'raw'], ['gzip', 'gzip'], ['gz', 'gzip'], ['ascii', 'ascii'], ['text', 'ascii'], ['txt', 'ascii'],
  ['hex', 'hex'], ['bzip2', 'bzip2'], ['bz2', 'bzip2'],
]);

/** Axis kinds that are positions in space (or time); every other kind is a per-voxel value axis. */
const SPATIAL_KINDS = new Set(['domain', 'space', 'time']);

export interface NrrdHeader {
  fields: Map<string, string>;
  /** Lines after the header in a detached `.nhdr` using `data file: LIST`. */
  trailingLines: string[];
  /** Byte offset of the data in an attached file. */
  dataOffset: number;
}

/** Splits the header text into fields; `text` starts at the magic. */
export function parseNrrdHeaderText(text: string, file: string, detached: boolean): NrrdHeader {
  const lines: string[] = [];
  let pos = 0;
  let ended = false;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    const end = nl < 0 ? text.length : nl;
    const line = text.slice(pos, end).replace(/\r$/, '');
    pos = nl < 0 ? text.length : nl + 1;
    if (line === '' && lines.length > 0) { ended = true; break; }
    lines.push(line);
  }
  if (!/^NRRD000[1-5]$/.test(lines[0] ?? '')) {
    throw new FileFormatError(file, `is not a NRRD file: first line "${(lines[0] ?? '').slice(0, 40)}" is not NRRD0001..NRRD0005`);
  }
  if (!ended && !detached) throw new FileFormatError(file, 'truncated NRRD header: no blank line ends it');
  const fields = new Map<string, string>();
  const trailingLines: string[] = [];
  let inList = false;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (inList) { if (line.trim()) trailingLines.push(line.trim()); continue; }
    if (line.startsWith('#')) continue;
    if (/^[^:]*:=/.test(line)) continue; // key/value pairs carry no geometry
    const m = /^([^:]+):\s?(.*)$/.exec(line);
    if (!m) throw new FileFormatError(file, `malformed NRRD header line ${i + 1}: "${line.slice(0, 60)}"`);
    const key = m[1].trim().toLowerCase();
    fields.set(key === 'datafile' ? 'data file' : key, m[2].trim());
    if ((key === 'data file' || key === 'datafile') && /^LIST(\s|$)/.test(m[2].trim())) inList = true;
  }
  return { fields, trailingLines, dataOffset: pos };
}

function required(h: NrrdHeader, key: string, file: string): string {
  const v = h.fields.get(key);
  if (v === undefined) throw new FileFormatError(file, `NRRD header lacks the required "${key}" field`);
  return v;
}

function parseInteger(s: string, what: string, file: string): number {
  if (!/^[+-]?\d+$/.test(s)) throw new FileFormatError(file, `${what} "${s}" is not an integer`);
  return Number(s);
}

/** `(1,0,0) (0,0.5,0) none` → vectors or undefined for `none`. */
function parseSpaceDirections(value: string, file: string): (number[] | undefined)[] {
  const out: (number[] | undefined)[] = [];
  const re = /\(([^)]*)\)|none/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(value)) !== null) {
    if (m[0] === 'none') { out.push(undefined); continue; }
    const v = m[1].split(',').map((s) => Number(s.trim()));
    if (v.some((x) => !Number.isFinite(x))) throw new FileFormatError(file, `bad vector "(${m[1]})" in "space directions"`);
    out.push(v);
  }
  return out;
}

function parseQuotedList(value: string): string[] {
  const quoted = [...value.matchAll(/"([^"]*)"/g)].map((m) => m[1]);
  return quoted.length > 0 ? quoted : value.split(/\s+/).filter(Boolean);
}

interface AxisPlan {
  sizes: number[];
  /** Index of the channel axis, or -1. */
  channelAxis: number;
  spatialAxes: number[];
}

function planAxes(h: NrrdHeader, file: string): AxisPlan {
  const dimension = parseInteger(required(h, 'dimension', file), '"dimension"', file);
  const sizes = required(h, 'sizes', file).split(/\s+/).map((s) => parseInteger(s, 'size', file));
  if (sizes.length !== dimension) throw new FileFormatError(file, `"sizes" lists ${sizes.length} axes but "dimension" is ${dimension}`);
  if (dimension < 2 || dimension > 4) throw new FileFormatError(file, `${dimension}-D NRRD is not supported (need 2, 3 or 4 axes: x, y, z and an optional channel axis)`);
  const kinds = h.fields.get('kinds')?.split(/\s+/);
  const directions = h.fields.has('space directions') ? parseSpaceDirections(h.fields.get('space directions')!, file) : undefined;
  const nonSpatial = new Set<number>();
  for (let a = 0; a < dimension; a++) {
    if (kinds && kinds.length === dimension && kinds[a] !== '???' && kinds[a] !== 'none' && !SPATIAL_KINDS.has(kinds[a])) nonSpatial.add(a);
    if (directions && directions.length === dimension && directions[a] === undefined) nonSpatial.add(a);
  }
  if (kinds && kinds.length === dimension) {
    kinds.forEach((k, a) => {
      if (k === 'time' && sizes[a] > 1) throw new FileFormatError(file, `axis ${a} is a time axis with ${sizes[a]} samples; time series are not supported`);
    });
  }
  if (nonSpatial.size === 0 && dimension === 4) nonSpatial.add(0);
  if (nonSpatial.size > 1) throw new FileFormatError(file, `axes ${[...nonSpatial].join(', ')} are all non-spatial; only one channel axis is supported`);
  const channelAxis = nonSpatial.size === 1 ? [...nonSpatial][0] : -1;
  const spatialAxes = sizes.map((_, a) => a).filter((a) => a !== channelAxis);
  if (spatialAxes.length > 3) throw new FileFormatError(file, `${spatialAxes.length} spatial axes; only x, y and z are supported`);
  return { sizes, channelAxis, spatialAxes };
}

function spacingOf(h: NrrdHeader, plan: AxisPlan, file: string): { spacing: Vec3; unit?: string } {
  const spacing: Vec3 = [1, 1, 1];
  const directions = h.fields.has('space directions') ? parseSpaceDirections(h.fields.get('space directions')!, file) : undefined;
  const spacings = h.fields.get('spacings')?.split(/\s+/).map(Number);
  plan.spatialAxes.forEach((axis, k) => {
    const dir = directions?.[axis];
    const len = dir ? Math.hypot(...dir) : spacings?.[axis];
    if (len !== undefined && Number.isFinite(len) && len > 0) spacing[k] = len;
  });
  const units = h.fields.has('space units') ? parseQuotedList(h.fields.get('space units')!)
    : h.fields.has('units') ? parseQuotedList(h.fields.get('units')!).filter((_, a) => plan.spatialAxes.includes(a)) : [];
  const factors = units.map((u) => micronsPerUnit(u));
  if (units.length > 0 && factors.every((f) => f !== undefined)) {
    for (let k = 0; k < Math.min(3, factors.length); k++) spacing[k] *= factors[k]!;
    return { spacing, unit: MICRON };
  }
  return { spacing, unit: units[0] };
}

/** The data files of a detached header, resolved against the header's folder. */
function dataFiles(h: NrrdHeader, headerPath: string, file: string): string[] | undefined {
  const value = h.fields.get('data file');
  if (value === undefined) return undefined;
  const base = dirname(headerPath);
  const resolve = (name: string): string => (isAbsolute(name) ? name : join(base, name));
  if (/^LIST(\s|$)/.test(value)) {
    if (h.trailingLines.length === 0) throw new FileFormatError(file, '"data file: LIST" is not followed by any file names');
    return h.trailingLines.map(resolve);
  }
  const parts = value.split(/\s+/);
  if (parts.length >= 4 && parts[0].includes('%')) {
    const [fmt, minS, maxS, stepS] = parts;
    const [min, max, step] = [minS, maxS, stepS].map((s) => parseInteger(s, '"data file" index', file));
    if (step === 0 || (max - min) / step < 0) throw new FileFormatError(file, `"data file" range ${min}..${max} step ${step} is empty`);
    const names: string[] = [];
    for (let i = min; step > 0 ? i <= max : i >= max; i += step) names.push(resolve(formatIndex(fmt, i, file)));
    return names;
  }
  return [resolve(value)];
}

/** printf-style `%d`, `%03d`, `%i`, `%u` for data-file name patterns. */
function formatIndex(fmt: string, i: number, file: string): string {
  const m = /%(0?)(\d*)[diu]/.exec(fmt);
  if (!m) throw new FileFormatError(file, `"data file" pattern "${fmt}" has no %d conversion`);
  const digits = String(Math.abs(i)).padStart(m[2] ? Number(m[2]) - (i < 0 ? 1 : 0) : 0, m[1] ? '0' : ' ');
  return fmt.slice(0, m.index) + (i < 0 ? '-' : '') + digits + fmt.slice(m.index + m[0].length);
}

function skipLines(bytes: Uint8Array, lines: number, file: string): number {
  let pos = 0;
  for (let l = 0; l < lines; l++) {
    const nl = bytes.indexOf(0x0a, pos);
    if (nl < 0) throw new FileFormatError(file, `truncated: "line skip: ${lines}" but the data have only ${l} lines`);
    pos = nl + 1;
  }
  return pos;
}

interface DataSpec {
  sample: SampleType;
  encoding: Encoding;
  littleEndian: boolean;
  lineSkip: number;
  byteSkip: number;
}

/** Decodes the element bytes of one data source (whole file or the part after the header). */
async function decodeSource(spec: DataSpec, source: Uint8Array, count: number, file: string): Promise<Uint8Array> {
  const width = SAMPLE_BYTES[spec.sample];
  const need = count * width;
  let start = skipLines(source, spec.lineSkip, file);
  if (spec.encoding === 'raw') {
    if (spec.byteSkip === -1) start = source.length - need;
    else start += spec.byteSkip;
    if (start < 0 || start + need > source.length) {
      throw new FileFormatError(file, `truncated: the header describes ${need} bytes of data but the file holds ${Math.max(0, source.length - Math.max(0, start))}`);
    }
    return source.subarray(start, start + need);
  }
  if (spec.byteSkip === -1) throw new FileFormatError(file, '"byte skip: -1" is only allowed with raw encoding');
  if (spec.encoding === 'gzip') {
    let out: Uint8Array;
    try {
      out = await gunzip(source.subarray(start), { maxOutputLength: need + spec.byteSkip + 1 });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'ERR_BUFFER_TOO_LARGE') throw new FileFormatError(file, `gzip data decompress to more than the ${need} bytes the header describes`);
      throw new FileFormatError(file, `gzip data are corrupt or truncated (${e.message})`, { cause: err });
    }
    if (out.length > need + spec.byteSkip) throw new FileFormatError(file, `gzip data decompress to more than the ${need} bytes the header describes`);
    if (out.length < need + spec.byteSkip) throw new FileFormatError(file, `truncated: gzip data decompress to ${out.length - spec.byteSkip} of the ${need} bytes the header describes`);
    return out.subarray(spec.byteSkip);
  }
  const text = Buffer.from(source.buffer, source.byteOffset + start + spec.byteSkip, Math.max(0, source.length - start - spec.byteSkip)).toString('latin1');
  return spec.encoding === 'hex' ? decodeHex(text, need, file) : decodeAscii(text, spec.sample, count, file);
}

function decodeHex(text: string, need: number, file: string): Uint8Array {
  const digits = text.replace(/\s+/g, '');
  if (!/^[0-9a-fA-F]*$/.test(digits)) throw new FileFormatError(file, 'hex-encoded data contain a character that is not a hex digit');
  if (digits.length < 2 * need) throw new FileFormatError(file, `truncated: hex data hold ${digits.length >> 1} of ${need} bytes`);
  return Buffer.from(digits.slice(0, 2 * need), 'hex');
}

/** ASCII values become little-endian binary of the declared type, so one path decodes both. */
function decodeAscii(text: string, sample: SampleType, count: number, file: string): Uint8Array {
  const tokens = text.split(/[\s,]+/).filter(Boolean);
  if (tokens.length < count) throw new FileFormatError(file, `truncated: ascii data hold ${tokens.length} of ${count} values`);
  const out = new Uint8Array(count * SAMPLE_BYTES[sample]);
  const view = new DataView(out.buffer);
  const w = SAMPLE_BYTES[sample];
  for (let i = 0; i < count; i++) {
    const v = Number(tokens[i]);
    if (Number.isNaN(v) && !/^nan$/i.test(tokens[i])) throw new FileFormatError(file, `ascii value #${i + 1} "${tokens[i].slice(0, 20)}" is not a number`);
    switch (sample) {
      case 'uint8': view.setUint8(i, v); break;
      case 'int8': view.setInt8(i, v); break;
      case 'uint16': view.setUint16(i * w, v, true); break;
      case 'int16': view.setInt16(i * w, v, true); break;
      case 'uint32': view.setUint32(i * w, v, true); break;
      case 'int32': view.setInt32(i * w, v, true); break;
      case 'uint64': view.setBigUint64(i * w, BigInt(Math.trunc(v)), true); break;
      case 'int64': view.setBigInt64(i * w, BigInt(Math.trunc(v)), true); break;
      case 'float32': view.setFloat32(i * w, v, true); break;
      case 'float64': view.setFloat64(i * w, v, true); break;
    }
  }
  return out;
}

/** Moves the channel axis (wherever it is) to the slowest position: planar channels. */
function toPlanar(src: VoxelArray, plan: AxisPlan): VoxelArray {
  const { sizes, channelAxis } = plan;
  if (channelAxis < 0 || channelAxis === sizes.length - 1 || sizes[channelAxis] === 1) return src;
  const channels = sizes[channelAxis];
  const inner = sizes.slice(0, channelAxis).reduce((a, b) => a * b, 1);
  const outer = sizes.slice(channelAxis + 1).reduce((a, b) => a * b, 1);
  const n = inner * outer;
  const out = allocVoxels(dtypeOf(src), src.length);
  let s = 0;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const base = c * n + o * inner;
      for (let i = 0; i < inner; i++) out[base + i] = src[s++];
    }
  }
  return out;
}

async function readHeader(file: OpenedFile, detached: boolean): Promise<NrrdHeader> {
  const reader = new BlockReader(file);
  const head = await reader.bytes(0, Math.min(24, file.size), 'NRRD header');
  const fmt = sniffFormat(head);
  if (fmt !== 'nrrd') {
    if (fmt) throw new FileFormatError(file.path, `is ${FORMAT_NAMES[fmt]}, not ${FORMAT_NAMES.nrrd} (wrong file extension?)`);
    throw new FileFormatError(file.path, 'is not a NRRD file: it does not start with "NRRD000x"');
  }
  // Read 64 KiB blocks until the blank line that ends the header (or the whole .nhdr).
  const limit = Math.min(file.size, MAX_HEADER_BYTES);
  const end = /\r?\n\r?\n/;
  let text = '';
  for (let pos = 0; pos < limit && !end.test(text);) {
    const n = Math.min(1 << 16, limit - pos);
    text += Buffer.from(await reader.bytes(pos, n, 'NRRD header')).toString('latin1');
    pos += n;
  }
  if (!detached && !end.test(text)) {
    throw new FileFormatError(file.path, file.size > MAX_HEADER_BYTES ? `no blank line ends the NRRD header within ${MAX_HEADER_BYTES} bytes` : 'truncated NRRD header: no blank line ends it (no data follow)');
  }
  return parseNrrdHeaderText(text, file.path, detached);
}

/** Reads a .nrrd or .nhdr image. */
export async function readNrrd(path: string): Promise<ImageStack> {
  const detached = path.toLowerCase().endsWith('.nhdr');
  return withRegularFile(path, async (file) => {
    const header = await readHeader(file, detached);
    const typeName = required(header, 'type', path).toLowerCase();
    if (typeName === 'block') throw new FileFormatError(path, 'NRRD type "block" is not supported');
    const sample = SAMPLE_TYPE_OF.get(typeName);
    if (!sample) throw new FileFormatError(path, `unknown NRRD type "${typeName}"`);
    const encodingName = required(header, 'encoding', path).toLowerCase();
    const encoding = ENCODINGS.get(encodingName);
    if (!encoding) throw new FileFormatError(path, `unknown NRRD encoding "${encodingName}"`);
    if (encoding === 'bzip2') throw new FileFormatError(path, 'bzip2-encoded NRRD is not supported (re-save it with gzip or raw encoding)');
    const endianName = header.fields.get('endian')?.toLowerCase();
    if (endianName !== undefined && endianName !== 'little' && endianName !== 'big') throw new FileFormatError(path, `"endian" must be little or big, not "${endianName}"`);
    if (SAMPLE_BYTES[sample] > 1 && (encoding === 'raw' || encoding === 'gzip' || encoding === 'hex') && endianName === undefined) {
      throw new FileFormatError(path, `NRRD header lacks the "endian" field required for ${typeName} data`);
    }
    const plan = planAxes(header, path);
    const channels = plan.channelAxis >= 0 ? plan.sizes[plan.channelAxis] : 1;
    const spatial = plan.spatialAxes.map((a) => plan.sizes[a]);
    while (spatial.length < 3) spatial.push(1);
    // The file's own bytes and the decoded voxels must both fit in one array.
    const count = checkImageShape(path, spatial, channels, Math.max(SAMPLE_BYTES[sample], DTYPE_BYTES[voxelTypeFor(sample)]));
    const spec: DataSpec = {
      sample,
      encoding,
      littleEndian: encoding === 'ascii' ? true : endianName !== 'big',
      lineSkip: parseInteger(header.fields.get('line skip') ?? '0', '"line skip"', path),
      byteSkip: parseInteger(header.fields.get('byte skip') ?? '0', '"byte skip"', path),
    };
    if (spec.lineSkip < 0 || spec.byteSkip < -1) throw new FileFormatError(path, '"line skip" and "byte skip" must not be negative (byte skip may be -1)');

    const width = SAMPLE_BYTES[sample];
    const files = dataFiles(header, path, path);
    let elementBytes: Uint8Array;
    if (!files) {
      if (detached) throw new FileFormatError(path, 'detached NRRD header (.nhdr) lacks the "data file" field');
      elementBytes = await readAttached(file, header.dataOffset, spec, count, path);
    } else {
      if (count % files.length !== 0) throw new FileFormatError(path, `${count} values cannot be split evenly over ${files.length} data files`);
      const per = count / files.length;
      elementBytes = files.length === 1 ? await readDataFile(files[0], spec, per) : new Uint8Array(count * width);
      if (files.length > 1) {
        for (let k = 0; k < files.length; k++) elementBytes.set(await readDataFile(files[k], spec, per), k * per * width);
      }
    }
    const decoded = decodeOwnedSamples(elementBytes, sample, spec.littleEndian, count);
    const data = toPlanar(decoded, plan);
    const { spacing, unit } = spacingOf(header, plan, path);
    return { dtype: voxelTypeFor(sample), dims: [spatial[0], spatial[1], spatial[2]], channels, data, spacing, ...(unit !== undefined ? { unit } : {}) };
  });
}

async function readAttached(file: OpenedFile, dataOffset: number, spec: DataSpec, count: number, path: string): Promise<Uint8Array> {
  const need = count * SAMPLE_BYTES[spec.sample];
  if (spec.encoding === 'raw' && spec.lineSkip === 0) {
    // The common case reads the voxels with one positioned read, no whole-file copy.
    const start = spec.byteSkip === -1 ? file.size - need : dataOffset + spec.byteSkip;
    if (start < dataOffset || start + need > file.size) {
      throw new FileFormatError(path, `truncated: the header describes ${need} bytes of data but ${Math.max(0, file.size - dataOffset - Math.max(0, spec.byteSkip))} follow the header`);
    }
    const out = new Uint8Array(need);
    await readFully(file, out, start, 'voxel data');
    return out;
  }
  const rest = new Uint8Array(file.size - dataOffset);
  await readFully(file, rest, dataOffset, 'data');
  return decodeSource(spec, rest, count, path);
}

async function readDataFile(dataPath: string, spec: DataSpec, count: number): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(dataPath);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new FileFormatError(dataPath, code === 'ENOENT' ? 'data file named by the NRRD header does not exist' : `cannot read NRRD data file (${code ?? (err as Error).message})`, { cause: err });
  }
  return decodeSource(spec, bytes, count, dataPath);
}

export interface NrrdWriteOptions {
  encoding?: 'raw' | 'gzip';
  unit?: string;
}

/**
 * A single-file .nrrd as byte chunks: NRRD0004, little-endian, channel axis last (so the planar
 * voxel array is written as is), voxel size as `space directions`.
 */
export async function encodeNrrd(stack: ImageStack, opts: NrrdWriteOptions = {}): Promise<Uint8Array[]> {
  const encoding = opts.encoding ?? 'gzip';
  const unit = opts.unit ?? stack.unit;
  const multi = stack.channels > 1;
  const [sx, sy, sz] = stack.spacing;
  const lines = [
    'NRRD0004',
    '# written by neurotrace',
    `type: ${stack.dtype === 'float32' ? 'float' : stack.dtype}`,
    `dimension: ${multi ? 4 : 3}`,
    'space dimension: 3',
    `sizes: ${[...stack.dims, ...(multi ? [stack.channels] : [])].join(' ')}`,
    `space directions: (${sx},0,0) (0,${sy},0) (0,0,${sz})${multi ? ' none' : ''}`,
    `kinds: domain domain domain${multi ? ' list' : ''}`,
    'endian: little',
    `encoding: ${encoding}`,
    'space origin: (0,0,0)',
  ];
  if (unit) {
    const name = isMicron(unit) ? 'microns' : unit.replace(/"/g, '');
    lines.push(`space units: "${name}" "${name}" "${name}"`);
  }
  const header = Buffer.from(lines.join('\n') + '\n\n', 'latin1');
  const data = bytesInOrder(stack.data, true);
  return [header, encoding === 'gzip' ? await gzip(data) : data];
}

