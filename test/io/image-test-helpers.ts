import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { FileFormatError } from '../../host/core/errors.js';
import { allocVoxels, type DType, type ImageStack, type Vec3 } from '../../host/core/volume.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/io/', import.meta.url));

/** A fresh temp folder and its cleanup. */
export function tempFolder(prefix: string): { dir: string; path: (name: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `nt-${prefix}-`));
  return { dir, path: (name) => join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The voxel pattern of the committed TIFF fixtures (make-tiff-fixtures.py), 20×15×4, recomputed
 * here so each fixture is checked voxel by voxel. Planar channels, x fastest.
 */
export function fixturePattern(kind: 'uint8' | 'uint16' | 'int16' | 'float32', channels = 1, dims: Vec3 = [20, 15, 4]): number[] {
  const [nx, ny, nz] = dims;
  const out: number[] = [];
  for (let c = 0; c < channels; c++) for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) {
    const flat = x < 6 && y % 3 === 0;
    const mod7 = (x * y) % 7;
    if (kind === 'uint8') out.push(flat ? 200 + c : (x * x + 3 * y + 17 * z + 101 * c + mod7) % 256);
    else if (kind === 'uint16') out.push(flat ? 60000 + c : (x * x * 31 + y * 977 + z * 4099 + c * 16411 + mod7) % 65536);
    else if (kind === 'int16') out.push(((x * x * 31 + y * 977 + z * 4099 + c * 16411 + mod7) % 65536) - 32768);
    else out.push((x - 0.5 * y) * 0.25 + z * 1.5 - c);
  }
  return out;
}

/** A deterministic stack with runs, smooth ramps and noise (so every PBD/TIFF path is exercised). */
export function makeStack(dtype: DType, dims: Vec3, channels: number, seed = 1): ImageStack {
  const n = dims[0] * dims[1] * dims[2] * channels;
  const data = allocVoxels(dtype, n);
  let s = seed >>> 0 || 1;
  const rand = () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s / 0x100000000;
  };
  const max = dtype === 'uint8' ? 255 : dtype === 'uint16' ? 65535 : 1;
  for (let i = 0; i < n; i++) {
    const region = Math.floor(i / 37) % 4;
    if (dtype === 'float32') data[i] = region === 0 ? 0.5 : (rand() - 0.3) * 1000;
    else if (region === 0) data[i] = 7;
    else if (region === 1) data[i] = (i * 3) % (max + 1);
    else if (region === 2) data[i] = Math.min(max, Math.max(0, (data[i - 1] ?? 0) + Math.floor(rand() * 7) - 3));
    else data[i] = Math.floor(rand() * (max + 1));
  }
  return { dtype, dims, channels, data, spacing: [1, 1, 1] };
}

/** Asserts a FileFormatError whose message names the file. */
export async function expectFileError(promise: Promise<unknown>, file: string, problem?: RegExp): Promise<FileFormatError> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  expect(caught, `expected a FileFormatError for ${file}`).toBeInstanceOf(FileFormatError);
  const err = caught as FileFormatError;
  expect(err.message).toContain(file);
  expect(err.message).not.toContain('\n');
  if (problem) expect(err.message).toMatch(problem);
  return err;
}

export function expectSameStack(actual: ImageStack, expected: ImageStack): void {
  expect(actual.dtype).toBe(expected.dtype);
  expect(actual.dims).toEqual(expected.dims);
  expect(actual.channels).toBe(expected.channels);
  expect(actual.data.length).toBe(expected.data.length);
  expect(Buffer.compare(Buffer.from(actual.data.buffer, actual.data.byteOffset, actual.data.byteLength), Buffer.from(expected.data.buffer, expected.data.byteOffset, expected.data.byteLength))).toBe(0);
}
