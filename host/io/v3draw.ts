/**
 * Vaa3D raw stacks (.v3draw, .raw): a 24-byte magic, an endian flag, an int16 datatype code and
 * four sizes X,Y,Z,C, followed by the voxels uncompressed (x fastest, planar channels).
 *
 * Two header layouts exist: the current one with int32 sizes (43 bytes) and the legacy one with
 * int16 sizes (35 bytes). Nothing in the header says which; as in Vaa3D the exact file size is
 * the discriminator (43 + X·Y·Z·C·bytes, else 35 + …), so a truncated file is always an error.
 */
import { FileFormatError } from '../core/errors.js';
import { allocVoxels, type DType, type ImageStack, type Vec3 } from '../core/volume.js';
import { bytesInOrder, bytesOf, HOST_LITTLE_ENDIAN, swapBytesInPlace } from './byte-order.js';
import { type OpenedFile, readFully, withRegularFile } from './file-access.js';
import { checkImageShape, describeShape, DTYPE_BYTES } from './image-shape.js';
import { FORMAT_NAMES, sniffFormat } from './sniff.js';

export const V3DRAW_MAGIC = 'raw_image_stack_by_hpeng';
export const V3DRAW_HEADER_BYTES = 43;
export const V3DRAW_LEGACY_HEADER_BYTES = 35;

const DATATYPE_CODES: Readonly<Record<number, DType>> = { 1: 'uint8', 2: 'uint16', 4: 'float32' };
const CODE_OF: Readonly<Record<DType, number>> = { uint8: 1, uint16: 2, float32: 4 };

export interface Vaa3dHeader {
  littleEndian: boolean;
  /** The datatype code as stored (1, 2, 4; 33 for lossy PBD). */
  datatypeCode: number;
  dims: Vec3;
  channels: number;
  headerBytes: number;
}

/**
 * Reads magic, endian flag and datatype code, the part shared by .v3draw and .v3dpbd. `what`
 * names the expected format in messages.
 */
export function parseVaa3dPreamble(head: Uint8Array, file: string, magic: string, what: string): { littleEndian: boolean; datatypeCode: number } {
  const found = String.fromCharCode(...head.subarray(0, 24));
  if (found !== magic) {
    const fmt = sniffFormat(head);
    if (fmt === 'raw5') throw new FileFormatError(file, '5-D .raw5 stacks (with a time axis) are not supported');
    if (fmt === 'v3d-pkbit') throw new FileFormatError(file, "Gene Myers' packed-bit Vaa3D stacks (magic v3d_stack_pkbit_by_gene1) are not supported");
    if (fmt) throw new FileFormatError(file, `is ${FORMAT_NAMES[fmt]}, not ${what} (wrong file extension?)`);
    if (head.length < 24) throw new FileFormatError(file, `is not ${what}: only ${head.length} bytes, shorter than the 24-byte magic`);
    throw new FileFormatError(file, `is not ${what}: magic is "${printable(found)}", expected "${magic}"`);
  }
  if (head.length < 27) throw new FileFormatError(file, `truncated header: ${head.length} bytes`);
  const flag = head[24];
  if (flag !== 0x4c && flag !== 0x42) {
    throw new FileFormatError(file, `invalid endian flag 0x${flag.toString(16)} at byte 24 (expected 'L' or 'B')`);
  }
  const littleEndian = flag === 0x4c;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  return { littleEndian, datatypeCode: view.getInt16(25, littleEndian) };
}

function printable(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '?');
}

function sizesAt(head: Uint8Array, littleEndian: boolean, int32: boolean): number[] {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const out: number[] = [];
  for (let i = 0; i < 4; i++) out.push(int32 ? view.getInt32(27 + 4 * i, littleEndian) : view.getInt16(27 + 2 * i, littleEndian));
  return out;
}

function voxelBytes(sizes: number[], bytes: number): number {
  return sizes.every((v) => v > 0) ? sizes.reduce((a, b) => a * b, bytes) : NaN;
}

/** Parses a .v3draw header given its first (up to) 43 bytes and the file size. */
export function parseV3drawHeader(head: Uint8Array, fileSize: number, file: string): Vaa3dHeader {
  const { littleEndian, datatypeCode } = parseVaa3dPreamble(head, file, V3DRAW_MAGIC, FORMAT_NAMES.v3draw);
  const dtype = DATATYPE_CODES[datatypeCode];
  if (!dtype) throw new FileFormatError(file, `unsupported datatype code ${datatypeCode} (expected 1 = uint8, 2 = uint16 or 4 = float32)`);
  const bytes = DTYPE_BYTES[dtype];
  const attempts: string[] = [];
  for (const [headerBytes, int32] of [[V3DRAW_HEADER_BYTES, true], [V3DRAW_LEGACY_HEADER_BYTES, false]] as const) {
    if (head.length < headerBytes) {
      attempts.push(`${headerBytes}-byte header: file too short`);
      continue;
    }
    const sizes = sizesAt(head, littleEndian, int32);
    const need = voxelBytes(sizes, bytes);
    if (need === fileSize - headerBytes) {
      checkImageShape(file, sizes.slice(0, 3), sizes[3], bytes);
      return { littleEndian, datatypeCode, dims: [sizes[0], sizes[1], sizes[2]], channels: sizes[3], headerBytes };
    }
    attempts.push(Number.isNaN(need)
      ? `${headerBytes}-byte header gives invalid sizes ${sizes.join('×')}`
      : `${headerBytes}-byte header gives ${describeShape(sizes.slice(0, 3), sizes[3])} ${dtype} = ${headerBytes + need} bytes`);
  }
  throw new FileFormatError(file, `truncated or corrupt: the file has ${fileSize} bytes but ${attempts.join('; ')}`);
}

async function readHeaderBytes(file: OpenedFile): Promise<Uint8Array> {
  const head = new Uint8Array(Math.min(V3DRAW_HEADER_BYTES, file.size));
  await readFully(file, head, 0, 'header');
  return head;
}

/** Reads a .v3draw/.raw stack straight into the voxel array (one copy of the data in memory). */
export async function readV3draw(path: string): Promise<ImageStack> {
  return withRegularFile(path, async (file) => {
    const header = parseV3drawHeader(await readHeaderBytes(file), file.size, path);
    const dtype = DATATYPE_CODES[header.datatypeCode];
    const data = allocVoxels(dtype, header.dims[0] * header.dims[1] * header.dims[2] * header.channels);
    const bytes = bytesOf(data);
    await readFully(file, bytes, header.headerBytes, 'voxel data');
    if (data.BYTES_PER_ELEMENT > 1 && header.littleEndian !== HOST_LITTLE_ENDIAN) swapBytesInPlace(bytes, data.BYTES_PER_ELEMENT);
    return { dtype, dims: header.dims, channels: header.channels, data, spacing: [1, 1, 1] };
  });
}

/** The 43-byte header for `stack`, in the given byte order. */
export function encodeVaa3dHeader(magic: string, datatypeCode: number, dims: Vec3, channels: number, littleEndian = true): Uint8Array {
  const head = new Uint8Array(V3DRAW_HEADER_BYTES);
  for (let i = 0; i < 24; i++) head[i] = magic.charCodeAt(i);
  head[24] = littleEndian ? 0x4c : 0x42;
  const view = new DataView(head.buffer);
  view.setInt16(25, datatypeCode, littleEndian);
  [...dims, channels].forEach((v, i) => {
    if (!Number.isInteger(v) || v <= 0 || v > 0x7fffffff) throw new RangeError(`size ${v} cannot be stored in a Vaa3D header`);
    view.setInt32(27 + 4 * i, v, littleEndian);
  });
  return head;
}

/**
 * A .v3draw file as byte chunks (header, then the voxels as a view when the host is
 * little-endian), in Vaa3D's current layout: 43-byte header, little-endian.
 */
export function encodeV3draw(stack: ImageStack): Uint8Array[] {
  return [encodeVaa3dHeader(V3DRAW_MAGIC, CODE_OF[stack.dtype], stack.dims, stack.channels, true), bytesInOrder(stack.data, true)];
}
