/** Voxel data types every reader produces and every tracer may declare support for. */
export type DType = 'uint8' | 'uint16' | 'float32';
export type VoxelArray = Uint8Array | Uint16Array | Float32Array;
export type Vec3 = [number, number, number];

/**
 * One channel of a 3D image. x varies fastest, then y, then z: index = (z*ny + y)*nx + x.
 * spacing is the voxel size (µm by convention, 1 when unknown); coordinates elsewhere in the
 * host are 0-based voxel indices and spacing travels beside them, never baked in.
 */
export interface Volume {
  data: VoxelArray;
  dims: Vec3;
  spacing: Vec3;
}

/** A multi-channel image as read from a file; channels are planar (all of c0, then all of c1). */
export interface ImageStack {
  dtype: DType;
  dims: Vec3;
  channels: number;
  /** Length dims[0]*dims[1]*dims[2]*channels. */
  data: VoxelArray;
  spacing: Vec3;
  /** Unit of spacing when the file says it (e.g. 'micron'); undefined when unknown. */
  unit?: string;
}

export function dtypeOf(data: VoxelArray): DType {
  if (data instanceof Uint8Array) return 'uint8';
  if (data instanceof Uint16Array) return 'uint16';
  return 'float32';
}

export function voxelCount(dims: Vec3): number {
  return dims[0] * dims[1] * dims[2];
}

/** A zero-copy view of one channel. */
export function channelOf(stack: ImageStack, channel: number): Volume {
  if (!Number.isInteger(channel) || channel < 0 || channel >= stack.channels) {
    throw new RangeError(`channel ${channel} does not exist (the image has ${stack.channels} channel${stack.channels === 1 ? '' : 's'}: 0..${stack.channels - 1})`);
  }
  const n = voxelCount(stack.dims);
  return { data: stack.data.subarray(channel * n, (channel + 1) * n) as VoxelArray, dims: stack.dims, spacing: stack.spacing };
}

export function allocVoxels(dtype: DType, n: number): VoxelArray {
  switch (dtype) {
    case 'uint8': return new Uint8Array(n);
    case 'uint16': return new Uint16Array(n);
    case 'float32': return new Float32Array(n);
  }
}
