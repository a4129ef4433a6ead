/**
 * TIFFs written by independent encoders (tifffile/imagecodecs and libtiff's tiffcp; see
 * test/fixtures/io/make-tiff-fixtures.py), checked voxel by voxel against the pattern.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readImage } from '../../host/io/read-image.js';
import { expectFileError, FIXTURES, fixturePattern } from './image-test-helpers.js';

const fx = (name: string) => join(FIXTURES, name);

describe('TIFF compressions, predictors and layouts', () => {
  const cases: Array<[string, 'uint8' | 'uint16' | 'float32']> = [
    ['lzw_u8.tif', 'uint8'],
    ['packbits_u8.tif', 'uint8'],
    ['strips_u8.tif', 'uint8'],
    ['bigtiff_u8.tif', 'uint8'],
    ['deflate_u16.tif', 'uint16'],
    ['lzw_predictor_u16.tif', 'uint16'],
    ['tiled_deflate_u16.tif', 'uint16'],
    ['bigendian_u16.tif', 'uint16'],
    ['bigendian_lzw_predictor_u16.tif', 'uint16'],
    ['libtiff_lzw_predictor_u16.tif', 'uint16'],
    ['libtiff_zip_u16.tif', 'uint16'],
    ['libtiff_packbits_u16.tif', 'uint16'],
    ['libtiff_tiled_u16.tif', 'uint16'],
    ['libtiff_bigtiff_bigendian_u16.tif', 'uint16'],
    ['deflate_predictor_f32.tif', 'float32'],
    ['bigendian_f32.tif', 'float32'],
  ];
  for (const [name, dtype] of cases) {
    it(name, async () => {
      const s = await readImage(fx(name));
      expect(s.dtype).toBe(dtype);
      expect(s.dims).toEqual([20, 15, 4]);
      expect(s.channels).toBe(1);
      expect(Array.from(s.data)).toEqual(fixturePattern(dtype));
      expect(s.spacing).toEqual([1, 1, 1]);
    });
  }

  it('int16 samples become float32 with their signed values', async () => {
    const s = await readImage(fx('int16.tif'));
    expect(s.dtype).toBe('float32');
    expect(Array.from(s.data)).toEqual(fixturePattern('int16'));
  });
});

describe('TIFF samples and channels', () => {
  it('chunky RGB (LZW) becomes 3 planar channels', async () => {
    const s = await readImage(fx('rgb_contig_lzw_u8.tif'));
    expect(s.channels).toBe(3);
    expect(Array.from(s.data)).toEqual(fixturePattern('uint8', 3));
  });
  it('planar-separate RGB becomes 3 channels', async () => {
    const s = await readImage(fx('rgb_planar_u8.tif'));
    expect(s.channels).toBe(3);
    expect(Array.from(s.data)).toEqual(fixturePattern('uint8', 3));
  });
  it('RGBA drops the alpha sample', async () => {
    const s = await readImage(fx('rgba_u8.tif'));
    expect(s.channels).toBe(3);
    expect(Array.from(s.data)).toEqual(fixturePattern('uint8', 3));
  });
  it('a palette image keeps its indices as intensities', async () => {
    const s = await readImage(fx('palette_u8.tif'));
    expect(s.channels).toBe(1);
    expect(Array.from(s.data)).toEqual(fixturePattern('uint8'));
  });
});

describe('TIFF stack metadata', () => {
  it('ImageJ hyperstack with 2 channels: pages c-fastest are de-interleaved; voxel size from resolution + spacing', async () => {
    const s = await readImage(fx('imagej_hyperstack_2ch_u16.tif'));
    expect(s.dims).toEqual([20, 15, 4]);
    expect(s.channels).toBe(2);
    expect(Array.from(s.data)).toEqual(fixturePattern('uint16', 2));
    expect(s.spacing[0]).toBeCloseTo(0.3296, 3);
    expect(s.spacing[1]).toBeCloseTo(0.3296, 3);
    expect(s.spacing[2]).toBeCloseTo(0.9988, 10);
    expect(s.unit).toBe('micron');
  });
  it('OME-TIFF: dimension order, channels and physical sizes', async () => {
    const s = await readImage(fx('ome_2ch_u8.tif'));
    expect(s.dims).toEqual([20, 15, 4]);
    expect(s.channels).toBe(2);
    expect(Array.from(s.data)).toEqual(fixturePattern('uint8', 2));
    expect(s.spacing).toEqual([0.25, 0.25, 2]);
    expect(s.unit).toBe('micron');
  });
  it('plain TIFF resolution in pixels per cm gives µm; a 72 dpi print default is ignored', async () => {
    const cm = await readImage(fx('resolution_cm_u8.tif'));
    expect(cm.spacing).toEqual([2.5, 2.5, 1]);
    expect(cm.unit).toBe('micron');
    const dpi = await readImage(fx('resolution_72dpi_u8.tif'));
    expect(dpi.spacing).toEqual([1, 1, 1]);
    expect(dpi.unit).toBeUndefined();
  });
  it('ImageJ time series are refused with a hint', async () => {
    await expectFileError(readImage(fx('imagej_frames.tif')), 'imagej_frames.tif', /2 time frames; only single-time-point stacks/);
  });
});
