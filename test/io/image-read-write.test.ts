import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { NeurotraceError, UsageError } from '../../host/core/errors.js';
import { IMAGE_EXTENSIONS, isImagePath, readImage } from '../../host/io/read-image.js';
import { writeImage } from '../../host/io/write-image.js';
import { expectFileError, expectSameStack, makeStack, tempFolder } from './image-test-helpers.js';

const tmp = tempFolder('rw');
afterAll(tmp.cleanup);

describe('readImage dispatch', () => {
  it('lists the supported extensions and recognises image paths case-insensitively', () => {
    expect(IMAGE_EXTENSIONS).toEqual(['.tif', '.tiff', '.v3draw', '.raw', '.v3dpbd', '.nrrd', '.nhdr']);
    expect(isImagePath('/a/b/Stack.TIF')).toBe(true);
    expect(isImagePath('x.v3dpbd')).toBe(true);
    expect(isImagePath('x.swc')).toBe(false);
    expect(isImagePath('tif')).toBe(false);
  });
  it('every writable format reads back through readImage, upper-case extensions included', async () => {
    const stack = { ...makeStack('uint16', [6, 5, 4], 2, 8), spacing: [0.5, 0.5, 1.25] as [number, number, number], unit: 'micron' };
    for (const ext of ['.TIF', '.tiff', '.v3draw', '.raw', '.v3dpbd', '.nrrd']) {
      const f = tmp.path(`all${ext}`);
      await writeImage(f, stack);
      expectSameStack(await readImage(f), stack);
    }
  });
  it('unknown extension, directory, empty file, missing file', async () => {
    const png = tmp.path('a.png');
    writeFileSync(png, 'x');
    await expectFileError(readImage(png), png, /unsupported image file extension "\.png"/);
    const dir = tmp.path('folder.tif');
    mkdirSync(dir);
    await expectFileError(readImage(dir), dir, /is a directory/);
    const empty = tmp.path('empty.nrrd');
    writeFileSync(empty, '');
    await expectFileError(readImage(empty), empty, /file is empty/);
    await expectFileError(readImage(tmp.path('gone.v3dpbd')), 'gone.v3dpbd', /no such file/);
  });
});

describe('writeImage', () => {
  it('is atomic: no temporary file is left behind, and an existing file is replaced whole', async () => {
    const f = tmp.path('atomic.v3draw');
    await writeImage(f, makeStack('uint8', [3, 3, 3], 1, 1));
    const second = makeStack('uint8', [4, 4, 4], 1, 2);
    await writeImage(f, second);
    expectSameStack(await readImage(f), second);
    expect(readdirSync(tmp.dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
  it('refuses unsupported extensions and inconsistent stacks with usage errors, writing nothing', async () => {
    const stack = makeStack('uint8', [3, 3, 3], 1);
    await expect(writeImage(tmp.path('x.png'), stack)).rejects.toBeInstanceOf(UsageError);
    await expect(writeImage(tmp.path('x.nhdr'), stack)).rejects.toThrow(/unsupported image file extension/);
    await expect(writeImage(tmp.path('bad.tif'), { ...stack, dims: [3, 3, 4] })).rejects.toThrow(/data hold 27 voxels/);
    await expect(writeImage(tmp.path('bad.tif'), { ...stack, dtype: 'uint16' })).rejects.toThrow(/dtype says uint16/);
    await expect(writeImage(tmp.path('bad.tif'), { ...stack, spacing: [1, 0, 1] })).rejects.toThrow(/invalid spacing/);
    expect(existsSync(tmp.path('x.png'))).toBe(false);
    expect(existsSync(tmp.path('bad.tif'))).toBe(false);
  });
  it('a missing folder is one clear error', async () => {
    const err = await writeImage(tmp.path('no/such/dir/x.tif'), makeStack('uint8', [2, 2, 2], 1)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NeurotraceError);
    expect((err as Error).message).toMatch(/cannot write .*x\.tif: the folder does not exist/);
  });
});
