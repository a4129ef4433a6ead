import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import type { DType } from '../../host/core/volume.js';
import { readNrrd } from '../../host/io/nrrd.js';
import { readImage } from '../../host/io/read-image.js';
import { writeImage } from '../../host/io/write-image.js';
import { expectFileError, expectSameStack, makeStack, tempFolder } from './image-test-helpers.js';

const tmp = tempFolder('nrrd');
afterAll(tmp.cleanup);

const header = (lines: string[]) => Buffer.from(lines.join('\n') + '\n\n', 'latin1');
const u16le = (v: number[]) => { const b = Buffer.alloc(2 * v.length); v.forEach((x, i) => b.writeUInt16LE(x, 2 * i)); return b; };
const u16be = (v: number[]) => { const b = Buffer.alloc(2 * v.length); v.forEach((x, i) => b.writeUInt16BE(x, 2 * i)); return b; };

describe('NRRD round trips (our writer: gzip, channel axis last)', () => {
  for (const dtype of ['uint8', 'uint16', 'float32'] as DType[]) {
    for (const channels of [1, 2]) {
      it(`${dtype}, ${channels} channel(s)`, async () => {
        const stack = { ...makeStack(dtype, [11, 6, 4], channels, 3), spacing: [0.25, 0.5, 2] as [number, number, number], unit: 'micron' };
        const f = tmp.path(`rt-${dtype}-${channels}.nrrd`);
        await writeImage(f, stack);
        expect(readFileSync(f).subarray(0, 8).toString('latin1')).toBe('NRRD0004');
        const back = await readImage(f);
        expectSameStack(back, stack);
        expect(back.spacing).toEqual([0.25, 0.5, 2]);
        expect(back.unit).toBe('micron');
      });
    }
  }
});

describe('NRRD variants written by hand', () => {
  const values = Array.from({ length: 3 * 2 * 2 }, (_, i) => i * 1000 + 7);

  it('attached raw big-endian uint16 with spacings', async () => {
    const f = tmp.path('be.nrrd');
    writeFileSync(f, Buffer.concat([header(['NRRD0004', '# a comment', 'type: unsigned short', 'dimension: 3', 'sizes: 3 2 2', 'spacings: 0.5 0.5 1.5', 'endian: big', 'encoding: raw', 'my key:=my value']), u16be(values)]));
    const s = await readNrrd(f);
    expect(s.dtype).toBe('uint16');
    expect(s.dims).toEqual([3, 2, 2]);
    expect(Array.from(s.data)).toEqual(values);
    expect(s.spacing).toEqual([0.5, 0.5, 1.5]);
    expect(s.unit).toBeUndefined();
  });

  it('detached .nhdr with a raw data file, line skip and byte skip', async () => {
    writeFileSync(tmp.path('data.raw'), Buffer.concat([Buffer.from('junk line\n'), Buffer.alloc(4), u16le(values)]));
    const h = tmp.path('det.nhdr');
    writeFileSync(h, ['NRRD0005', 'type: uint16', 'dimension: 3', 'sizes: 3 2 2', 'endian: little', 'encoding: raw', 'line skip: 1', 'byte skip: 4', 'data file: data.raw', ''].join('\n'));
    expect(Array.from((await readImage(h)).data)).toEqual(values);
  });

  it('byte skip -1 takes the last bytes of the data file', async () => {
    writeFileSync(tmp.path('tail.raw'), Buffer.concat([Buffer.alloc(13, 0xee), u16le(values)]));
    const h = tmp.path('tail.nhdr');
    writeFileSync(h, ['NRRD0004', 'type: uint16', 'dimension: 3', 'sizes: 3 2 2', 'endian: little', 'encoding: raw', 'byte skip: -1', 'data file: tail.raw'].join('\n'));
    expect(Array.from((await readImage(h)).data)).toEqual(values);
  });

  it('detached gzip data split over a printf-style file list, and over LIST', async () => {
    const half = values.length / 2;
    writeFileSync(tmp.path('slab01.raw.gz'), gzipSync(u16le(values.slice(0, half))));
    writeFileSync(tmp.path('slab02.raw.gz'), gzipSync(u16le(values.slice(half))));
    const h = tmp.path('fmt.nhdr');
    writeFileSync(h, ['NRRD0004', 'type: uint16', 'dimension: 3', 'sizes: 3 2 2', 'endian: little', 'encoding: gzip', 'data file: slab%02d.raw.gz 1 2 1 2'].join('\n'));
    expect(Array.from((await readImage(h)).data)).toEqual(values);
    const l = tmp.path('list.nhdr');
    writeFileSync(l, ['NRRD0004', 'type: uint16', 'dimension: 3', 'sizes: 3 2 2', 'endian: little', 'encoding: gzip', 'data file: LIST 2', 'slab01.raw.gz', 'slab02.raw.gz'].join('\n'));
    expect(Array.from((await readImage(l)).data)).toEqual(values);
  });

  it('space directions give the voxel size; space units convert to µm', async () => {
    const f = tmp.path('dirs.nrrd');
    writeFileSync(f, Buffer.concat([header(['NRRD0004', 'type: uint8', 'dimension: 3', 'space: left-posterior-superior', 'sizes: 2 2 1',
      'space directions: (0.0003,0,0) (0,0.0004,0) (0,0,0.002)', 'space units: "mm" "mm" "mm"', 'encoding: raw']), Buffer.from([1, 2, 3, 4])]));
    const s = await readImage(f);
    expect(s.spacing[0]).toBeCloseTo(0.3, 12);
    expect(s.spacing[1]).toBeCloseTo(0.4, 12);
    expect(s.spacing[2]).toBeCloseTo(2, 12);
    expect(s.unit).toBe('micron');
  });

  it('channel axis first (kinds) is de-interleaved into planar channels; 4-D without kinds too', async () => {
    // 2 channels × 3 × 2 × 1, channel fastest: c0 = 1..6, c1 = 101..106.
    const inter: number[] = [];
    for (let i = 0; i < 6; i++) inter.push(1 + i, 101 + i);
    for (const kinds of ['kinds: RGB-color domain domain domain', 'kinds: vector domain domain domain', undefined]) {
      const f = tmp.path(`ch-${kinds?.split(' ')[1] ?? 'none'}.nrrd`);
      writeFileSync(f, Buffer.concat([header(['NRRD0004', 'type: uint8', 'dimension: 4', 'sizes: 2 3 2 1', ...(kinds ? [kinds] : []), 'encoding: raw']), Buffer.from(inter)]));
      const s = await readImage(f);
      expect(s.channels).toBe(2);
      expect(s.dims).toEqual([3, 2, 1]);
      expect(Array.from(s.data)).toEqual([1, 2, 3, 4, 5, 6, 101, 102, 103, 104, 105, 106]);
    }
    const n = tmp.path('none-dir.nrrd');
    writeFileSync(n, Buffer.concat([header(['NRRD0004', 'type: uint8', 'dimension: 4', 'sizes: 3 2 1 2', 'space dimension: 3',
      'space directions: (2,0,0) (0,2,0) (0,0,5) none', 'encoding: raw']), Buffer.from([1, 2, 3, 4, 5, 6, 101, 102, 103, 104, 105, 106])]));
    const s = await readImage(n);
    expect(s.channels).toBe(2);
    expect(s.spacing).toEqual([2, 2, 5]);
    expect(Array.from(s.data.subarray(6))).toEqual([101, 102, 103, 104, 105, 106]);
  });

  it('int16, int32 and double convert to float32; 2-D images get z = 1', async () => {
    const f = tmp.path('i16.nrrd');
    const b = Buffer.alloc(8); [-32768, -1, 0, 32767].forEach((v, i) => b.writeInt16LE(v, 2 * i));
    writeFileSync(f, Buffer.concat([header(['NRRD0004', 'type: short', 'dimension: 2', 'sizes: 2 2', 'endian: little', 'encoding: raw']), b]));
    const s = await readImage(f);
    expect(s.dtype).toBe('float32');
    expect(s.dims).toEqual([2, 2, 1]);
    expect(Array.from(s.data)).toEqual([-32768, -1, 0, 32767]);
    const d = tmp.path('f64.nrrd');
    const db = Buffer.alloc(16); db.writeDoubleBE(0.5, 0); db.writeDoubleBE(-1e10, 8);
    writeFileSync(d, Buffer.concat([header(['NRRD0004', 'type: double', 'dimension: 3', 'sizes: 2 1 1', 'endian: big', 'encoding: raw']), db]));
    expect(Array.from((await readImage(d)).data)).toEqual([0.5, -1e10]);
  });

  it('ascii and hex encodings', async () => {
    const a = tmp.path('ascii.nrrd');
    writeFileSync(a, Buffer.concat([header(['NRRD0004', 'type: float', 'dimension: 3', 'sizes: 2 2 1', 'encoding: ascii']), Buffer.from('1.5 -2\n3e2 4\n')]));
    expect(Array.from((await readImage(a)).data)).toEqual([1.5, -2, 300, 4]);
    const h = tmp.path('hex.nrrd');
    writeFileSync(h, Buffer.concat([header(['NRRD0004', 'type: uint16', 'dimension: 3', 'sizes: 2 1 1', 'endian: big', 'encoding: hex']), Buffer.from('01 02\nff00\n')]));
    expect(Array.from((await readImage(h)).data)).toEqual([0x0102, 0xff00]);
  });
});

describe('NRRD errors', () => {
  const ok = ['NRRD0004', 'type: uint16', 'dimension: 3', 'sizes: 3 2 2', 'endian: little'];
  const data = u16le(Array.from({ length: 12 }, (_, i) => i));

  it('bad and truncated gzip', async () => {
    const f = tmp.path('badgz.nrrd');
    writeFileSync(f, Buffer.concat([header([...ok, 'encoding: gzip']), Buffer.from('this is not gzip at all')]));
    await expectFileError(readImage(f), f, /gzip data are corrupt or truncated/);
    const t = tmp.path('truncgz.nrrd');
    const gz = gzipSync(data);
    writeFileSync(t, Buffer.concat([header([...ok, 'encoding: gzip']), gz.subarray(0, gz.length - 10)]));
    await expectFileError(readImage(t), t, /gzip data are corrupt or truncated/);
    const s = tmp.path('shortgz.nrrd');
    writeFileSync(s, Buffer.concat([header([...ok, 'encoding: gzip']), gzipSync(data.subarray(0, 10))]));
    await expectFileError(readImage(s), s, /decompress to 10 of the 24 bytes/);
  });
  it('truncated raw data, and a header with no blank line', async () => {
    const f = tmp.path('trunc.nrrd');
    writeFileSync(f, Buffer.concat([header([...ok, 'encoding: raw']), data.subarray(0, 20)]));
    await expectFileError(readImage(f), f, /truncated/);
    const h = tmp.path('nohead.nrrd');
    writeFileSync(h, ok.join('\n'));
    await expectFileError(readImage(h), h, /no blank line/);
  });
  it('missing endian, bzip2, unknown type, too many axes, time axis', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['NRRD0004', 'type: uint16', 'dimension: 3', 'sizes: 3 2 2', 'encoding: raw'], /lacks the "endian" field/],
      [[...ok, 'encoding: bzip2'], /bzip2-encoded NRRD is not supported/],
      [['NRRD0004', 'type: quaternion', 'dimension: 3', 'sizes: 3 2 2', 'encoding: raw'], /unknown NRRD type "quaternion"/],
      [['NRRD0004', 'type: uint8', 'dimension: 5', 'sizes: 1 3 2 2 1', 'encoding: raw'], /5-D NRRD is not supported/],
      [['NRRD0004', 'type: uint8', 'dimension: 4', 'sizes: 3 2 2 4', 'kinds: domain domain domain time', 'encoding: raw'], /time axis with 4 samples/],
      [['NRRD0004', 'type: uint8', 'dimension: 3', 'sizes: 3 0 2', 'encoding: raw'], /invalid image size/],
      [['NRRD0004', 'type: uint8', 'dimension: 3', 'sizes: 3 2', 'encoding: raw'], /"sizes" lists 2 axes but "dimension" is 3/],
      [['NRRD0004', 'type: uint8', 'dimension: 3', 'sizes: 100000 100000 100000', 'encoding: raw'], /needs 931322\.6 GiB, more than the 4 GiB one image can hold in memory/],
    ];
    for (const [lines, re] of cases) {
      const f = tmp.path(`err-${Math.random().toString(36).slice(2)}.nrrd`);
      writeFileSync(f, Buffer.concat([header(lines), data]));
      await expectFileError(readImage(f), f, re);
    }
  });
  it('a detached header naming a missing data file names that file', async () => {
    const h = tmp.path('missing.nhdr');
    writeFileSync(h, [...ok, 'encoding: raw', 'data file: nowhere.raw'].join('\n'));
    await expectFileError(readImage(h), 'nowhere.raw', /does not exist/);
  });
  it('not a NRRD file, and a gzip file under a .nrrd name', async () => {
    const f = tmp.path('text.nrrd');
    writeFileSync(f, 'hello world\n\n');
    await expectFileError(readImage(f), f, /does not start with "NRRD000x"/);
    const g = tmp.path('gz.nrrd');
    writeFileSync(g, gzipSync(Buffer.from('NRRD0004\n')));
    await expectFileError(readImage(g), g, /is a gzip-compressed file, not a NRRD file/);
  });
});
