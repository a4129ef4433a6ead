import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../host/core/errors.js';
import type { ImageStack } from '../../host/core/volume.js';
import { readTiffSeries } from '../../host/io/tiff-series.js';
import { writeImage } from '../../host/io/write-image.js';
import { expectFileError, expectSameStack, makeStack, tempFolder } from './image-test-helpers.js';

const tmp = tempFolder('series');
afterAll(tmp.cleanup);

/** Writes each z slice of `stack` as its own 2-D TIFF. */
async function writeSlices(stack: ImageStack, prefix: string): Promise<string[]> {
  const [nx, ny, nz] = stack.dims;
  const plane = nx * ny;
  const files: string[] = [];
  for (let z = 0; z < nz; z++) {
    const data = stack.data.constructor === Uint8Array ? new Uint8Array(plane * stack.channels) : stack.dtype === 'uint16' ? new Uint16Array(plane * stack.channels) : new Float32Array(plane * stack.channels);
    for (let c = 0; c < stack.channels; c++) data.set(stack.data.subarray((c * nz + z) * plane, (c * nz + z + 1) * plane), c * plane);
    const f = tmp.path(`${prefix}${String(z).padStart(3, '0')}.tif`);
    await writeImage(f, { ...stack, dims: [nx, ny, 1], data });
    files.push(f);
  }
  return files;
}

describe('readTiffSeries (one 2-D TIFF per z slice, DIADEM layout)', () => {
  it('stacks slices in the given order, 1 and 2 channels', async () => {
    for (const channels of [1, 2]) {
      const stack: ImageStack = { ...makeStack('uint16', [9, 7, 6], channels, 4), spacing: [0.3, 0.3, 1], unit: 'micron' };
      const files = await writeSlices(stack, `ok${channels}-`);
      const back = await readTiffSeries(files);
      expectSameStack(back, stack);
      expect(back.spacing[0]).toBeCloseTo(0.3, 12);
      expect(back.spacing[2]).toBe(1);
      expect(back.unit).toBe('micron');
    }
  });
  it('order follows the list, not the names', async () => {
    const stack = makeStack('uint8', [4, 4, 3], 1, 2);
    const files = await writeSlices(stack, 'order-');
    const back = await readTiffSeries([files[2], files[1], files[0]]);
    expect(Array.from(back.data.subarray(0, 16))).toEqual(Array.from(stack.data.subarray(32, 48)));
  });
  it('a slice of another size names the offending file', async () => {
    const files = await writeSlices(makeStack('uint8', [4, 4, 2], 1), 'size-');
    const odd = tmp.path('odd.tif');
    await writeImage(odd, makeStack('uint8', [5, 4, 1], 1));
    await expectFileError(readTiffSeries([...files, odd]), odd, /is 5×4 uint8 but .* is 4×4 uint8/);
  });
  it('a multi-page file in a series is refused', async () => {
    const multi = tmp.path('multi.tif');
    await writeImage(multi, makeStack('uint8', [4, 4, 3], 1));
    await expectFileError(readTiffSeries([multi]), multi, /has 3 pages/);
  });
  it('an empty list is a usage error; a missing file names itself', async () => {
    await expect(readTiffSeries([])).rejects.toBeInstanceOf(UsageError);
    await expectFileError(readTiffSeries([tmp.path('nope.tif')]), 'nope.tif', /no such file/);
  });
});
