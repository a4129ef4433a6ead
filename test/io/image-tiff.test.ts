import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DType, ImageStack } from '../../host/core/volume.js';
import { readImage } from '../../host/io/read-image.js';
import { parseImageJDescription } from '../../host/io/tiff-metadata.js';
import { encodeTiff, toRational } from '../../host/io/tiff-writer.js';
import { writeImage } from '../../host/io/write-image.js';
import { expectFileError, expectSameStack, FIXTURES, makeStack, tempFolder } from './image-test-helpers.js';

const tmp = tempFolder('tiff');
afterAll(tmp.cleanup);

/** Classic little-endian TIFF helpers for patching files written by our writer. */
const ifdOffsets = (b: Buffer): number[] => {
  const out: number[] = [];
  for (let o = b.readUInt32LE(4); o !== 0; o = b.readUInt32LE(o + 2 + 12 * b.readUInt16LE(o))) out.push(o);
  return out;
};
const entryAt = (b: Buffer, ifd: number, tag: number): number => {
  const n = b.readUInt16LE(ifd);
  for (let e = 0; e < n; e++) if (b.readUInt16LE(ifd + 2 + 12 * e) === tag) return ifd + 2 + 12 * e;
  throw new Error(`tag ${tag} not found`);
};
const descriptionOf = (b: Buffer): string => {
  const e = entryAt(b, ifdOffsets(b)[0], 270);
  const len = b.readUInt32LE(e + 4);
  return b.toString('latin1', b.readUInt32LE(e + 8), b.readUInt32LE(e + 8) + len - 1);
};

async function written(name: string, stack: ImageStack, opts?: { unit?: string }): Promise<Buffer> {
  await writeImage(tmp.path(name), stack, opts);
  return readFileSync(tmp.path(name));
}

describe('TIFF writer round trips', () => {
  for (const dtype of ['uint8', 'uint16', 'float32'] as DType[]) {
    for (const channels of [1, 2]) {
      it(`${dtype}, ${channels} channel(s), calibrated`, async () => {
        const stack: ImageStack = { ...makeStack(dtype, [17, 9, 5], channels, 5), spacing: [0.3296, 0.3296, 0.9988], unit: 'micron' };
        await written(`rt-${dtype}-${channels}.tif`, stack);
        const back = await readImage(tmp.path(`rt-${dtype}-${channels}.tif`));
        expectSameStack(back, stack);
        expect(back.spacing[0]).toBeCloseTo(0.3296, 12);
        expect(back.spacing[1]).toBeCloseTo(0.3296, 12);
        expect(back.spacing[2]).toBe(0.9988);
        expect(back.unit).toBe('micron');
      });
    }
  }

  it('writes the ImageJ hyperstack description and resolution ImageJ expects', async () => {
    const b = await written('ij.tiff', { ...makeStack('uint16', [4, 3, 5], 2), spacing: [0.5, 0.25, 2], unit: 'µm' });
    expect(ifdOffsets(b)).toHaveLength(10);
    const desc = descriptionOf(b);
    expect(desc.startsWith('ImageJ=')).toBe(true);
    expect(parseImageJDescription(desc)).toEqual({ images: 10, channels: 2, slices: 5, unit: 'micron', spacing: 2 });
    expect(desc).toContain('hyperstack=true');
    const x = entryAt(b, ifdOffsets(b)[0], 282);
    const at = b.readUInt32LE(x + 8);
    expect(b.readUInt32LE(at) / b.readUInt32LE(at + 4)).toBe(2); // 2 pixels per µm
  });

  it('an uncalibrated stack gets no unit and reads back as spacing 1', async () => {
    const stack = makeStack('uint8', [5, 4, 3], 1);
    const b = await written('plain.tif', stack);
    expect(descriptionOf(b)).not.toContain('unit=');
    const back = await readImage(tmp.path('plain.tif'));
    expect(back.spacing).toEqual([1, 1, 1]);
    expect(back.unit).toBeUndefined();
  });

  it('BigTIFF output reads back', async () => {
    const stack: ImageStack = { ...makeStack('uint16', [6, 5, 3], 2), spacing: [1.5, 1.5, 3], unit: 'micron' };
    const f = tmp.path('big.tif');
    const chunks = encodeTiff(stack, { bigTiff: true });
    writeFileSync(f, Buffer.concat(chunks));
    expect(readFileSync(f).readUInt16LE(2)).toBe(43);
    const back = await readImage(f);
    expectSameStack(back, stack);
    expect(back.spacing).toEqual([1.5, 1.5, 3]);
  });

  it('rational approximations are close to double precision', () => {
    for (const v of [1 / 0.3296, 3.033534, 1e-6, 123456.789, 1 / 3]) {
      const [n, d] = toRational(v);
      expect(n).toBeLessThanOrEqual(0xffffffff);
      expect(d).toBeLessThanOrEqual(0xffffffff);
      expect(Math.abs(n / d - v) / v).toBeLessThan(1e-9);
    }
  });

  it("reads ImageJ's > 4 GB layout: one directory, images=N planes stored back to back", async () => {
    const stack = makeStack('uint16', [7, 6, 4], 1, 9);
    const b = await written('large.tif', stack);
    const first = ifdOffsets(b)[0];
    const nextAt = first + 2 + 12 * b.readUInt16LE(first);
    const dataEnd = b.readUInt32LE(nextAt);
    b.writeUInt32LE(0, nextAt);
    const f = tmp.path('large-layout.tif');
    writeFileSync(f, b.subarray(0, dataEnd));
    expectSameStack(await readImage(f), stack);
    writeFileSync(f, b.subarray(0, dataEnd - 10));
    await expectFileError(readImage(f), f, /truncated: ImageJ description says 4 images/);
  });
});

describe('TIFF errors', () => {
  const base = async (name: string, stack = makeStack('uint8', [8, 8, 3], 1)) => written(name, stack);

  it('truncated pixel data and a missing directory', async () => {
    const b = await base('t1.tif');
    const f = tmp.path('cut.tif');
    writeFileSync(f, b.subarray(0, 300));
    await expectFileError(readImage(f), f, /truncated/);
    const g = tmp.path('noifd.tif');
    writeFileSync(g, b.subarray(0, ifdOffsets(b)[1] + 4));
    await expectFileError(readImage(g), g, /truncated or corrupt: directory #2/);
  });
  it('a loop in the directory chain', async () => {
    const b = await base('t2.tif');
    const offs = ifdOffsets(b);
    const last = offs[offs.length - 1];
    b.writeUInt32LE(offs[0], last + 2 + 12 * b.readUInt16LE(last));
    const f = tmp.path('loop.tif');
    writeFileSync(f, b);
    await expectFileError(readImage(f), f, /loop in the IFD chain/);
  });
  it('pages of different sizes', async () => {
    const b = await base('t3.tif');
    b.writeUInt32LE(6, entryAt(b, ifdOffsets(b)[1], 256) + 8);
    const f = tmp.path('sizes.tif');
    writeFileSync(f, b);
    await expectFileError(readImage(f), f, /page 2 is 6×8 uint8 but page 1 is 8×8 uint8/);
  });
  it('unsupported compression and bit depth; zero and huge sizes', async () => {
    const cases: Array<[number, number, RegExp]> = [
      [259, 7, /unsupported TIFF compression JPEG/],
      [258, 12, /unsupported TIFF sample type: 12-bit unsigned/],
      [256, 0, /invalid TIFF page size 0×8/],
      [256, 65535, /too few for/],
      [262, 5, /unsupported TIFF colour model: CMYK/],
    ];
    for (const [tag, value, re] of cases) {
      const b = await base(`t4-${tag}.tif`);
      for (const ifd of ifdOffsets(b)) {
        const e = entryAt(b, ifd, tag);
        if (b.readUInt16LE(e + 2) === 3) b.writeUInt16LE(value, e + 8); else b.writeUInt32LE(value, e + 8);
      }
      const f = tmp.path(`bad-${tag}.tif`);
      writeFileSync(f, b);
      await expectFileError(readImage(f), f, re);
    }
  });
  it('corrupt LZW and Deflate strips', async () => {
    for (const [fixture, re] of [['lzw_u8.tif', /corrupt strip 1 of page 1: LZW/], ['deflate_u16.tif', /corrupt strip 1 of page 1: Deflate/]] as const) {
      const b = readFileSync(join(FIXTURES, fixture));
      const { parseTiffStructure, Tag } = await import('../../host/io/tiff-structure.js');
      const { BlockReader, withRegularFile } = await import('../../host/io/file-access.js');
      const structure = await withRegularFile(join(FIXTURES, fixture), (file) => parseTiffStructure(new BlockReader(file)));
      const offsets = structure.directories[0].tags.get(Tag.StripOffsets) as number[];
      const counts = structure.directories[0].tags.get(Tag.StripByteCounts) as number[];
      b.fill(0xff, offsets[0], offsets[0] + counts[0]);
      const f = tmp.path(`corrupt-${fixture}`);
      writeFileSync(f, b);
      await expectFileError(readImage(f), f, re);
    }
  });
  it('not a TIFF, an empty .tif, and a v3draw under a .tif name', async () => {
    const f = tmp.path('text.tif');
    writeFileSync(f, 'just some text, definitely not a tiff');
    await expectFileError(readImage(f), f, /is not a TIFF file/);
    const e = tmp.path('empty.tiff');
    writeFileSync(e, '');
    await expectFileError(readImage(e), e, /file is empty/);
    await writeImage(tmp.path('s.v3draw'), makeStack('uint8', [2, 2, 2], 1));
    const v = tmp.path('v3d.tif');
    writeFileSync(v, readFileSync(tmp.path('s.v3draw')));
    await expectFileError(readImage(v), v, /is a Vaa3D \.v3draw raw stack, not a TIFF file/);
    const p = tmp.path('png.tif');
    writeFileSync(p, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]));
    await expectFileError(readImage(p), p, /is a PNG image/);
  });
});
