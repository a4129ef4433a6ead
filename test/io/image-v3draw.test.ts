import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { DType } from '../../host/core/volume.js';
import { readImage } from '../../host/io/read-image.js';
import { readV3draw } from '../../host/io/v3draw.js';
import { writeImage } from '../../host/io/write-image.js';
import { expectFileError, expectSameStack, makeStack, tempFolder } from './image-test-helpers.js';

const tmp = tempFolder('v3draw');
afterAll(tmp.cleanup);

const MAGIC = 'raw_image_stack_by_hpeng';

/** A .v3draw written byte by byte, independent of our writer. */
function handMade(opts: { endian: 'L' | 'B'; code: number; sizes: number[]; legacy?: boolean; voxels: number[] }): Buffer {
  const le = opts.endian === 'L';
  const head = Buffer.alloc(opts.legacy ? 35 : 43);
  head.write(MAGIC, 0, 'latin1');
  head.write(opts.endian, 24, 'latin1');
  if (le) head.writeInt16LE(opts.code, 25); else head.writeInt16BE(opts.code, 25);
  opts.sizes.forEach((v, i) => {
    if (opts.legacy) { if (le) head.writeInt16LE(v, 27 + 2 * i); else head.writeInt16BE(v, 27 + 2 * i); }
    else if (le) head.writeInt32LE(v, 27 + 4 * i); else head.writeInt32BE(v, 27 + 4 * i);
  });
  const width = opts.code;
  const body = Buffer.alloc(opts.voxels.length * width);
  opts.voxels.forEach((v, i) => {
    if (width === 1) body.writeUInt8(v, i);
    else if (width === 2) { if (le) body.writeUInt16LE(v, 2 * i); else body.writeUInt16BE(v, 2 * i); }
    else if (le) body.writeFloatLE(v, 4 * i); else body.writeFloatBE(v, 4 * i);
  });
  return Buffer.concat([head, body]);
}

describe('.v3draw round trips', () => {
  for (const dtype of ['uint8', 'uint16', 'float32'] as DType[]) {
    for (const channels of [1, 2]) {
      it(`${dtype}, ${channels} channel(s)`, async () => {
        const stack = makeStack(dtype, [13, 7, 5], channels, channels * 11);
        const file = tmp.path(`rt-${dtype}-${channels}.v3draw`);
        await writeImage(file, stack);
        const bytes = readFileSync(file);
        expect(bytes.length).toBe(43 + stack.data.byteLength);
        expect(bytes.subarray(0, 25).toString('latin1')).toBe(`${MAGIC}L`);
        const back = await readImage(file);
        expectSameStack(back, stack);
        expect(back.spacing).toEqual([1, 1, 1]);
      });
    }
  }

  it('reads .raw as a Vaa3D raw stack too', async () => {
    const stack = makeStack('uint8', [4, 3, 2], 1);
    await writeImage(tmp.path('a.raw'), stack);
    expectSameStack(await readImage(tmp.path('a.raw')), stack);
  });
});

describe('.v3draw header variants', () => {
  it('reads the 123stack16 layout from the format card (43 + 3·5·3·1·2 = 133 bytes)', async () => {
    const voxels = Array.from({ length: 45 }, (_, i) => i * 1000);
    const file = tmp.path('card.v3draw');
    writeFileSync(file, handMade({ endian: 'L', code: 2, sizes: [3, 5, 3, 1], voxels }));
    expect(readFileSync(file).length).toBe(133);
    const s = await readV3draw(file);
    expect(s.dims).toEqual([3, 5, 3]);
    expect(Array.from(s.data)).toEqual(voxels);
  });

  it('reads the legacy 35-byte header (int16 sizes)', async () => {
    const voxels = Array.from({ length: 2 * 3 * 2 * 2 }, (_, i) => (i * 37) % 256);
    const file = tmp.path('legacy.v3draw');
    writeFileSync(file, handMade({ endian: 'L', code: 1, sizes: [2, 3, 2, 2], legacy: true, voxels }));
    const s = await readV3draw(file);
    expect(s.dims).toEqual([2, 3, 2]);
    expect(s.channels).toBe(2);
    expect(Array.from(s.data)).toEqual(voxels);
  });

  it('reads big-endian uint16 and float32, and legacy big-endian', async () => {
    const u16 = [0, 1, 256, 65535, 4095, 1234];
    writeFileSync(tmp.path('be16.v3draw'), handMade({ endian: 'B', code: 2, sizes: [3, 2, 1, 1], voxels: u16 }));
    expect(Array.from((await readV3draw(tmp.path('be16.v3draw'))).data)).toEqual(u16);
    const f32 = [0.5, -2.25, 1e6, 3.125];
    writeFileSync(tmp.path('bef.v3draw'), handMade({ endian: 'B', code: 4, sizes: [2, 1, 2, 1], voxels: f32 }));
    const f = await readV3draw(tmp.path('bef.v3draw'));
    expect(f.dtype).toBe('float32');
    expect(Array.from(f.data)).toEqual(f32);
    writeFileSync(tmp.path('belegacy.v3draw'), handMade({ endian: 'B', code: 2, sizes: [3, 2, 1, 1], legacy: true, voxels: u16 }));
    expect(Array.from((await readV3draw(tmp.path('belegacy.v3draw'))).data)).toEqual(u16);
  });
});

describe('.v3draw errors', () => {
  const good = () => handMade({ endian: 'L', code: 1, sizes: [4, 4, 2, 1], voxels: Array(32).fill(9) });

  it('truncated data', async () => {
    const f = tmp.path('trunc.v3draw');
    writeFileSync(f, good().subarray(0, 43 + 20));
    await expectFileError(readImage(f), f, /truncated or corrupt.*63 bytes/);
  });
  it('extra bytes (size must match exactly)', async () => {
    const f = tmp.path('extra.v3draw');
    writeFileSync(f, Buffer.concat([good(), Buffer.alloc(3)]));
    await expectFileError(readImage(f), f, /truncated or corrupt/);
  });
  it('wrong magic, and a TIFF under a .v3draw name', async () => {
    const f = tmp.path('magic.v3draw');
    const b = good(); b.write('XXX', 0, 'latin1');
    writeFileSync(f, b);
    await expectFileError(readImage(f), f, /magic/);
    const t = tmp.path('tiff.v3draw');
    await writeImage(tmp.path('real.tif'), makeStack('uint8', [4, 4, 1], 1));
    writeFileSync(t, readFileSync(tmp.path('real.tif')));
    await expectFileError(readImage(t), t, /is a TIFF file, not a Vaa3D/);
  });
  it('bad endian flag and unsupported datatype', async () => {
    const f = tmp.path('flag.v3draw');
    const b = good(); b.write('X', 24, 'latin1');
    writeFileSync(f, b);
    await expectFileError(readImage(f), f, /endian flag/);
    const d = tmp.path('dtype.v3draw');
    const c = good(); c.writeInt16LE(3, 25);
    writeFileSync(d, c);
    await expectFileError(readImage(d), d, /datatype code 3/);
  });
  it('zero and overflowing sizes never allocate', async () => {
    const z = tmp.path('zero.v3draw');
    writeFileSync(z, handMade({ endian: 'L', code: 1, sizes: [4, 0, 2, 1], voxels: [] }));
    await expectFileError(readImage(z), z, /invalid sizes 4×0×2×1/);
    const o = tmp.path('huge.v3draw');
    writeFileSync(o, handMade({ endian: 'L', code: 2, sizes: [2147483647, 2147483647, 2147483647, 2147483647], voxels: [1, 2] }));
    await expectFileError(readImage(o), o, /truncated or corrupt/);
  });
  it('an empty file, a header-only stub, a directory, a missing file', async () => {
    const e = tmp.path('empty.v3draw');
    writeFileSync(e, '');
    await expectFileError(readImage(e), e, /file is empty/);
    const s = tmp.path('stub.v3draw');
    writeFileSync(s, MAGIC);
    await expectFileError(readImage(s), s, /truncated header/);
    const d = tmp.path('dir.v3draw');
    mkdirSync(d);
    await expectFileError(readImage(d), d, /is a directory/);
    await expectFileError(readImage(tmp.path('missing.v3draw')), 'missing.v3draw', /no such file/);
  });
  it('refuses raw5 and Gene Myers stacks by name', async () => {
    const f = tmp.path('five.raw');
    const b = good(); b.write('raw5image_stack_by_hpeng', 0, 'latin1');
    writeFileSync(f, b);
    await expectFileError(readImage(f), f, /raw5/);
    const g = tmp.path('gene.raw');
    const c = good(); c.write('v3d_stack_pkbit_by_gene1', 0, 'latin1');
    writeFileSync(g, c);
    await expectFileError(readImage(g), g, /Gene Myers/);
  });
});
