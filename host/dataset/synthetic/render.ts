/**
 * Fluorophore density of a set of tubes on the voxel grid, then optical blur.
 *
 * Coordinate convention (shared with the gold SWC, so there is no half-voxel shift anywhere):
 * voxel (i, j, k) has its centre at the physical point (i·sx, j·sy, k·sz) µm and covers
 * [(i − ½)·sx, (i + ½)·sx) × … . A gold node at voxel coordinate x therefore lies at x·sx µm, the
 * same point the renderer draws the tube's axis through, and a straight rendered tube has its
 * intensity maximum on the gold line. (SWC2IMG's frame puts voxel centres at i + ½ and needs
 * x − ½ before scoring Vaa3D-style tracers; we never enter that frame.)
 */
import type { Vec3 } from '../../core/volume.js';
import { capsuleRowInterval } from '../capsule.js';

/**
 * A tube piece: a cone frustum from a to b with spherical caps (SWC2IMG's edge shape), in µm,
 * radii ra/rb in µm, fluorophore brightness ia/ib at the ends (interpolated along the axis).
 * A sphere is a primitive with a = b.
 */
export interface Primitive {
  ax: number; ay: number; az: number;
  bx: number; by: number; bz: number;
  ra: number; rb: number;
  ia: number; ib: number;
}

/**
 * Partial-volume density: each voxel is split into m sub-slices along z (m ≈ z/xy voxel ratio,
 * so sub-samples are near-isotropic), each sub-sample takes the union of all primitives (the
 * maximum of their anti-aliased occupancy × brightness, which for equal brightness is exactly
 * the occupancy of the union), and the voxel value is the mean over its sub-slices. Occupancy of
 * one sub-sample is a linear ramp of the signed distance to the tube surface, as for a box-filtered
 * edge; the ramp's width along the normal n is √Σ(nᵢ·sᵢ)², which gives the ramp the variance of the
 * sample box projected on n (exact for axis-aligned edges, never wider than the longest side).
 */
export function renderDensity(prims: Primitive[], dims: Vec3, spacing: Vec3): Float32Array {
  const [nx, ny, nz] = dims;
  const [sx, sy, sz] = spacing;
  const m = Math.max(1, Math.round(sz / Math.min(sx, sy)));
  const szs = sz / m;
  const rampMax = 0.5 * Math.max(sx, sy, szs);
  const out = new Float32Array(nx * ny * nz);
  // bucket primitives by the slices they touch
  const k0s = new Int32Array(prims.length);
  const k1s = new Int32Array(prims.length);
  const counts = new Int32Array(nz + 1);
  prims.forEach((p, i) => {
    const R = Math.max(p.ra, p.rb) + rampMax;
    const zlo = Math.min(p.az, p.bz) - R;
    const zhi = Math.max(p.az, p.bz) + R;
    const k0 = Math.max(0, Math.floor(zlo / sz + 0.5));
    const k1 = Math.min(nz - 1, Math.floor(zhi / sz + 0.5));
    k0s[i] = k0;
    k1s[i] = k1;
    for (let k = k0; k <= k1; k++) counts[k + 1]++;
  });
  for (let k = 0; k < nz; k++) counts[k + 1] += counts[k];
  const fill = counts.slice(0, nz);
  const bucket = new Int32Array(counts[nz]);
  for (let i = 0; i < prims.length; i++) for (let k = k0s[i]; k <= k1s[i]; k++) bucket[fill[k]++] = i;

  const plane = nx * ny;
  const sub = new Float32Array(m * plane);
  for (let k = 0; k < nz; k++) {
    if (counts[k] === counts[k + 1]) continue;
    sub.fill(0);
    for (let q = counts[k]; q < counts[k + 1]; q++) {
      const p = prims[bucket[q]];
      const R = Math.max(p.ra, p.rb) + rampMax;
      const dx = p.bx - p.ax, dy = p.by - p.ay, dz = p.bz - p.az;
      const L2 = dx * dx + dy * dy + dz * dz;
      const invL2 = L2 > 1e-18 ? 1 / L2 : 0;
      const j0 = Math.max(0, Math.ceil((Math.min(p.ay, p.by) - R) / sy));
      const j1 = Math.min(ny - 1, Math.floor((Math.max(p.ay, p.by) + R) / sy));
      for (let s = 0; s < m; s++) {
        const z0 = (k - 0.5 + (s + 0.5) / m) * sz;
        const base = s * plane;
        for (let j = j0; j <= j1; j++) {
          const y0 = j * sy;
          const iv = capsuleRowInterval(p.ax, p.ay, p.az, p.bx, p.by, p.bz, R, y0, z0);
          if (!iv) continue;
          const i0 = Math.max(0, Math.ceil(iv[0] / sx));
          const i1 = Math.min(nx - 1, Math.floor(iv[1] / sx));
          const row = base + j * nx;
          const wy = y0 - p.ay, wz = z0 - p.az;
          for (let i = i0; i <= i1; i++) {
            const wx = i * sx - p.ax;
            let u = (wx * dx + wy * dy + wz * dz) * invL2;
            if (u < 0) u = 0;
            else if (u > 1) u = 1;
            const ex = wx - u * dx, ey = wy - u * dy, ez = wz - u * dz;
            const d = Math.sqrt(ex * ex + ey * ey + ez * ez);
            const sdf = d - (p.ra + u * (p.rb - p.ra));
            if (sdf >= rampMax) continue;
            const w = d > 1e-12 ? Math.sqrt((ex * sx) ** 2 + (ey * sy) ** 2 + (ez * szs) ** 2) / d : Math.min(sx, sy, szs);
            let occ = 0.5 - sdf / w;
            if (occ <= 0) continue;
            if (occ > 1) occ = 1;
            const v = occ * (p.ia + u * (p.ib - p.ia));
            if (v > sub[row + i]) sub[row + i] = v;
          }
        }
      }
    }
    const o = k * plane;
    const inv = 1 / m;
    for (let idx = 0; idx < plane; idx++) {
      let acc = 0;
      for (let s = 0; s < m; s++) acc += sub[s * plane + idx];
      out[o + idx] = acc * inv;
    }
  }
  return out;
}

/** Sampled, normalised Gaussian kernel of standard deviation sigma (voxels), radius ⌈3.5σ⌉. */
export function gaussianKernel(sigma: number): Float64Array {
  if (!(sigma > 0)) return Float64Array.of(1);
  const r = Math.max(1, Math.ceil(3.5 * sigma));
  const k = new Float64Array(2 * r + 1);
  let s = 0;
  for (let t = -r; t <= r; t++) s += k[t + r] = Math.exp(-(t * t) / (2 * sigma * sigma));
  for (let t = 0; t < k.length; t++) k[t] /= s;
  return k;
}

/**
 * For each row (fixed y, z): the first and last non-zero x, or −1 for an empty row. The blur
 * touches only these spans (widened by the kernel), since most of a neuron image is empty.
 */
function rowSpans(data: Float32Array, nx: number, rows: number): Int32Array {
  const spans = new Int32Array(2 * rows).fill(-1);
  for (let r = 0; r < rows; r++) {
    const o = r * nx;
    let i = 0;
    while (i < nx && data[o + i] === 0) i++;
    if (i === nx) continue;
    let j = nx - 1;
    while (data[o + j] === 0) j--;
    spans[2 * r] = i;
    spans[2 * r + 1] = j;
  }
  return spans;
}

/**
 * Separable anisotropic Gaussian blur (the PSF), zero outside the volume (light from outside
 * the field of view is not collected). sigma is in voxels per axis. Returns a new array.
 */
export function gaussianBlur(src: Float32Array, dims: Vec3, sigma: Vec3): Float32Array {
  const [nx, ny, nz] = dims;
  const plane = nx * ny;
  const rows = ny * nz;
  let data = src.slice();
  // x: in place, row by row
  const kx = gaussianKernel(sigma[0]);
  if (kx.length > 1) {
    const rx = (kx.length - 1) / 2;
    const line = new Float64Array(nx);
    const spans = rowSpans(data, nx, rows);
    for (let r = 0; r < rows; r++) {
      const f = spans[2 * r];
      if (f < 0) continue;
      const l = spans[2 * r + 1];
      const o = r * nx;
      for (let i = f; i <= l; i++) line[i] = data[o + i];
      const i0 = Math.max(0, f - rx), i1 = Math.min(nx - 1, l + rx);
      for (let i = i0; i <= i1; i++) {
        let acc = 0;
        const t0 = Math.max(-rx, f - i), t1 = Math.min(rx, l - i);
        for (let t = t0; t <= t1; t++) acc += kx[t + rx] * line[i + t];
        data[o + i] = acc;
      }
    }
  }
  // y: whole row segments at a time (cache-friendly), per slice
  const ky = gaussianKernel(sigma[1]);
  if (ky.length > 1) {
    const ry = (ky.length - 1) / 2;
    const spans = rowSpans(data, nx, rows);
    const slice = new Float32Array(plane);
    for (let z = 0; z < nz; z++) {
      const o = z * plane;
      let any = false;
      for (let ys = 0; ys < ny; ys++) {
        const f = spans[2 * (z * ny + ys)];
        if (f < 0) continue;
        if (!any) slice.fill(0);
        any = true;
        const l = spans[2 * (z * ny + ys) + 1];
        const srcRow = o + ys * nx;
        const y0 = Math.max(0, ys - ry), y1 = Math.min(ny - 1, ys + ry);
        for (let y = y0; y <= y1; y++) {
          const w = ky[ys - y + ry];
          const dst = y * nx;
          for (let i = f; i <= l; i++) slice[dst + i] += w * data[srcRow + i];
        }
      }
      if (any) data.set(slice, o);
    }
  }
  // z: scatter each non-empty source row segment into the output slices it reaches
  const kz = gaussianKernel(sigma[2]);
  if (kz.length > 1) {
    const rz = (kz.length - 1) / 2;
    const spans = rowSpans(data, nx, rows);
    const outZ = new Float32Array(data.length);
    for (let zs = 0; zs < nz; zs++) {
      const z0 = Math.max(0, zs - rz), z1 = Math.min(nz - 1, zs + rz);
      for (let y = 0; y < ny; y++) {
        const f = spans[2 * (zs * ny + y)];
        if (f < 0) continue;
        const l = spans[2 * (zs * ny + y) + 1];
        const srcRow = zs * plane + y * nx;
        for (let z = z0; z <= z1; z++) {
          const w = kz[zs - z + rz];
          const dst = z * plane + y * nx;
          for (let i = f; i <= l; i++) outZ[dst + i] += w * data[srcRow + i];
        }
      }
    }
    data = outZ;
  }
  return data;
}
