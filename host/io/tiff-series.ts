/**
 * A z stack stored as one 2-D TIFF per slice (the DIADEM layout), read in the order given.
 * Every file must hold one page of the same size, sample type and channel count; voxel size
 * in x/y comes from the first file (each file is a single slice, so z stays unknown: 1).
 */
import { FileFormatError, UsageError } from '../core/errors.js';
import { allocVoxels, type ImageStack, type VoxelArray } from '../core/volume.js';
import { checkImageShape, DTYPE_BYTES } from './image-shape.js';
import { readTiff } from './tiff-reader.js';

export async function readTiffSeries(files: string[]): Promise<ImageStack> {
  if (files.length === 0) throw new UsageError('readTiffSeries: no files given (need one 2-D TIFF per z slice)');
  let out: VoxelArray | undefined;
  let first: ImageStack | undefined;
  const nz = files.length;
  for (let z = 0; z < nz; z++) {
    const slice = await readTiff(files[z]);
    if (slice.dims[2] !== 1) {
      throw new FileFormatError(files[z], `has ${slice.dims[2]} pages; a TIFF series needs one 2-D image per file`);
    }
    if (!first || !out) {
      first = slice;
      const n = checkImageShape(files[z], [slice.dims[0], slice.dims[1], nz], slice.channels, DTYPE_BYTES[slice.dtype]);
      out = allocVoxels(slice.dtype, n);
    } else if (slice.dims[0] !== first.dims[0] || slice.dims[1] !== first.dims[1] || slice.dtype !== first.dtype || slice.channels !== first.channels) {
      const describe = (s: ImageStack) => `${s.dims[0]}×${s.dims[1]} ${s.dtype}${s.channels > 1 ? ` with ${s.channels} channels` : ''}`;
      throw new FileFormatError(files[z], `is ${describe(slice)} but ${files[0]} is ${describe(first)}; all slices of a series must match`);
    }
    const plane = first.dims[0] * first.dims[1];
    for (let c = 0; c < first.channels; c++) out.set(slice.data.subarray(c * plane, (c + 1) * plane), (c * nz + z) * plane);
  }
  const stack: ImageStack = {
    dtype: first!.dtype,
    dims: [first!.dims[0], first!.dims[1], nz],
    channels: first!.channels,
    data: out!,
    spacing: [first!.spacing[0], first!.spacing[1], 1],
  };
  if (first!.unit) stack.unit = first!.unit;
  return stack;
}
