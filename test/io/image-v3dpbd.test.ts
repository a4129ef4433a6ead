import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { DType } from '../../host/core/volume.js';
import { readImage } from '../../host/io/read-image.js';
import { decodePbd, encodePbd, encodeV3dpbd, PbdDecodeError } from '../../host/io/v3dpbd.js';
import { writeImage } from '../../host/io/write-image.js';
import { expectFileError, expectSameStack, makeStack, tempFolder } from './image-test-helpers.js';

const tmp = tempFolder('pbd');
afterAll(tmp.cleanup);

const hex = (s: string) => Uint8Array.from(s.split(' ').map((h) => parseInt(h, 16)));
const toHex = (b: Uint8Array) => Array.from(b, (v) => v.toString(16).toUpperCase().padStart(2, '0')).join(' ');

/** A .v3dpbd header (43 bytes) followed by a payload. */
function pbdFile(code: number, sizes: number[], payload: Uint8Array, endian: 'L' | 'B' = 'L'): Buffer {
  const head = Buffer.alloc(43);
  head.write('v3d_volume_pkbitdf_encod', 0, 'latin1');
  head.write(endian, 24, 'latin1');
  const le = endian === 'L';
  if (le) head.writeInt16LE(code, 25); else head.writeInt16BE(code, 25);
  sizes.forEach((v, i) => (le ? head.writeInt32LE(v, 27 + 4 * i) : head.writeInt32BE(v, 27 + 4 * i)));
  return Buffer.concat([head, payload]);
}

describe('PBD test vectors from the format card', () => {
  it('worked example test_strip8 (PBD16, X=8): 00 04 00 26 A4 52 B0 → 4,3,4,4,3,4,6,4', async () => {
    const payload = hex('00 04 00 26 A4 52 B0');
    expect(Array.from(decodePbd(payload, 'uint16', 8))).toEqual([4, 3, 4, 4, 3, 4, 6, 4]);
    const f = tmp.path('test_strip8.v3dpbd');
    writeFileSync(f, pbdFile(2, [8, 1, 1, 1], payload));
    const s = await readImage(f);
    expect(s.dtype).toBe('uint16');
    expect(s.dims).toEqual([8, 1, 1]);
    expect(Array.from(s.data)).toEqual([4, 3, 4, 4, 3, 4, 6, 4]);
  });

  const v8 = [...Array(9).fill(10), 11, 12, 11, 10, 200, 3, 4, 6, 5];
  it('PBD8 vector: encoder output is byte-exact and decodes back', () => {
    const enc = encodePbd(Uint8Array.from(v8));
    expect(toHex(enc)).toBe('88 0A 24 F5 01 C8 03 23 39');
    expect(Array.from(decodePbd(enc, 'uint8', v8.length))).toEqual(v8);
  });

  const v16 = [...Array(20).fill(1000), 1001, 1004, 1002, 999, 1000, 5000, 7];
  it('PBD16 vector (little-endian): byte-exact both ways', () => {
    const enc = encodePbd(Uint16Array.from(v16), true);
    expect(toHex(enc)).toBe('F2 E8 03 24 2F 72 01 88 13 07 00');
    expect(Array.from(decodePbd(hex('F2 E8 03 24 2F 72 01 88 13 07 00'), 'uint16', v16.length, true))).toEqual(v16);
  });

  it('PBD16 big-endian: literal and repeat values follow the header byte order', async () => {
    const enc = encodePbd(Uint16Array.from(v16), false);
    expect(toHex(enc)).toBe('F2 03 E8 24 2F 72 01 13 88 00 07');
    const f = tmp.path('be.v3dpbd');
    writeFileSync(f, pbdFile(2, [27, 1, 1, 1], enc, 'B'));
    expect(Array.from((await readImage(f)).data)).toEqual(v16);
  });

  it('PBD8 encoder quirk: a partial last difference byte repeats the previous byte\'s unused slots', () => {
    // 1 literal, then 6 steps +1,+2,-1,+1 | +2,-1 : the second byte fills slots 0-1 and keeps
    // slots 2-3 (codes 3 and 1) from the first byte.
    const v = [50, 51, 53, 52, 53, 55, 54];
    const enc = encodePbd(Uint8Array.from(v));
    const slots = (b: number) => [b & 3, (b >> 2) & 3, (b >> 4) & 3, (b >> 6) & 3];
    expect(enc[0]).toBe(0); // literal of 1
    expect(enc[2]).toBe(32 + 6);
    expect(slots(enc[3])).toEqual([1, 2, 3, 1]);
    expect(slots(enc[4])).toEqual([2, 3, 3, 1]);
    expect(Array.from(decodePbd(enc, 'uint8', v.length))).toEqual(v);
  });

  it('decoder state carries across slice and channel boundaries (one stream)', () => {
    // 2×1×2×2 image: the difference run crosses from slice 0 into slice 1 and channel 1.
    const v = [10, 11, 12, 13, 14, 15, 16, 17];
    const enc = encodePbd(Uint8Array.from(v));
    expect(enc.length).toBeLessThan(v.length);
    expect(Array.from(decodePbd(enc, 'uint8', 8))).toEqual(v);
  });
});

describe('.v3dpbd round trips', () => {
  for (const dtype of ['uint8', 'uint16'] as DType[]) {
    for (const channels of [1, 2]) {
      it(`${dtype}, ${channels} channel(s)`, async () => {
        const stack = makeStack(dtype, [31, 9, 6], channels, 7 + channels);
        const f = tmp.path(`rt-${dtype}-${channels}.v3dpbd`);
        await writeImage(f, stack);
        expectSameStack(await readImage(f), stack);
      });
    }
  }

  it('wrapping differences and extreme values survive (mod 256 / 65536)', () => {
    const u8 = Uint8Array.from([0, 255, 0, 1, 255, 254, 255, 0, 2, 1, 0, 255]);
    expect(Array.from(decodePbd(encodePbd(u8), 'uint8', u8.length))).toEqual(Array.from(u8));
    const u16 = Uint16Array.from([65535, 0, 65534, 65535, 1, 0, 3, 7, 4, 0, 65535]);
    expect(Array.from(decodePbd(encodePbd(u16), 'uint16', u16.length))).toEqual(Array.from(u16));
  });

  it('random data of many lengths round-trip in both byte orders', () => {
    let s = 12345;
    const rand = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let n = 1; n < 300; n += 7) {
      const u8 = Uint8Array.from({ length: n }, (_, i) => (rand() < 0.5 ? 100 + (i % 3) : Math.floor(rand() * 256)));
      expect(decodePbd(encodePbd(u8), 'uint8', n)).toEqual(u8);
      const u16 = Uint16Array.from({ length: n }, (_, i) => (rand() < 0.5 ? 4000 + (i % 5) : Math.floor(rand() * 65536)));
      for (const le of [true, false]) expect(decodePbd(encodePbd(u16, le), 'uint16', n, le)).toEqual(u16);
    }
  });

  it('refuses float32', async () => {
    await expect(writeImage(tmp.path('f.v3dpbd'), makeStack('float32', [2, 2, 2], 1))).rejects.toThrow(/uint8 or uint16/);
  });
});

describe('.v3dpbd errors', () => {
  it('payload ends early', async () => {
    expect(() => decodePbd(hex('00 04 00 26 A4'), 'uint16', 8)).toThrow(PbdDecodeError);
    const f = tmp.path('short.v3dpbd');
    writeFileSync(f, pbdFile(2, [8, 1, 1, 1], hex('00 04 00 26 A4 52')));
    await expectFileError(readImage(f), f, /corrupt PBD data: payload ends/);
  });
  it('a run that overflows the image', async () => {
    const f = tmp.path('over.v3dpbd');
    writeFileSync(f, pbdFile(1, [4, 1, 1, 1], hex('88 0A')));
    await expectFileError(readImage(f), f, /repeat run of 9 values .* overflows/);
  });
  it('reserved PBD16 codes 80–222', async () => {
    const f = tmp.path('reserved.v3dpbd');
    writeFileSync(f, pbdFile(2, [4, 1, 1, 1], hex('50 00 00 00')));
    await expectFileError(readImage(f), f, /reserved run code 80/);
  });
  it('a header claiming more voxels than the payload can hold is rejected before allocating', async () => {
    const f = tmp.path('claim.v3dpbd');
    writeFileSync(f, pbdFile(1, [60000, 60000, 1000, 1], hex('88 0A')));
    await expectFileError(readImage(f), f, /truncated or corrupt: the header says 60000×60000×1000×1 voxels but 2 payload bytes can hold at most 128/);
    const z = tmp.path('zero.v3dpbd');
    writeFileSync(z, pbdFile(1, [4, 0, 1, 1], hex('88 0A')));
    await expectFileError(readImage(z), z, /invalid image size/);
  });
  it('lossy PBD3 (datatype 33) and float are unsupported', async () => {
    const f = tmp.path('pbd3.v3dpbd');
    writeFileSync(f, pbdFile(33, [2, 1, 1, 1], hex('01 00 00')));
    await expectFileError(readImage(f), f, /datatype 33/);
    const g = tmp.path('f32.v3dpbd');
    writeFileSync(g, pbdFile(4, [2, 1, 1, 1], hex('01 00 00')));
    await expectFileError(readImage(g), g, /datatype code 4/);
  });
  it('a .v3draw under a .v3dpbd name', async () => {
    const f = tmp.path('raw.v3dpbd');
    await writeImage(tmp.path('x.v3draw'), makeStack('uint8', [2, 2, 1], 1));
    const { readFileSync } = await import('node:fs');
    writeFileSync(f, readFileSync(tmp.path('x.v3draw')));
    await expectFileError(readImage(f), f, /is a Vaa3D \.v3draw raw stack, not a Vaa3D \.v3dpbd/);
  });
  it('the writer makes a file Vaa3D-style (43-byte header + stream)', () => {
    const chunks = encodeV3dpbd(makeStack('uint16', [3, 2, 1], 1));
    expect(chunks[0].length).toBe(43);
    expect(Buffer.from(chunks[0].subarray(0, 27)).toString('latin1', 0, 25)).toBe('v3d_volume_pkbitdf_encodL');
  });
});
