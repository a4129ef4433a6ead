import { readDatasetManifest, resolveImagePaths } from '../dataset/manifest.js';
import type { Vec3 } from '../core/volume.js';
import type { BenchImage } from './bench.js';

/** The bench's view of a dataset folder: absolute paths, seed and voxel size per image. */
export async function benchImagesFromDataset(dir: string, only?: string[]): Promise<BenchImage[]> {
  const m = await readDatasetManifest(dir);
  const wanted = only?.length ? new Set(only) : undefined;
  // An import with no known voxel size carries a [1,1,1] placeholder: scoring in "microns" with it
  // would silently be voxels, so such images keep spacing null and are scored in voxels.
  return m.images.filter((e) => !wanted || wanted.has(e.id)).map((e) => {
    const p = resolveImagePaths(dir, e);
    return { id: e.id, imagePath: p.image, goldPath: p.gold ?? null, seed: (e.seed as Vec3 | undefined) ?? null, spacing: e.spacingKnown === false ? null : e.spacing as Vec3, sha256: e.sha256 };
  });
}
