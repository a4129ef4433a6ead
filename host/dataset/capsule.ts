/**
 * Where a row of voxels (fixed y and z, x varying) meets a capsule: the set of points within R
 * of the segment a–b. A capsule is convex, so the answer is one interval; renderers and masks
 * visit only that interval instead of the whole bounding box (most of a diagonal segment's box
 * is empty). Coordinates are in any common frame (µm or voxels); the result is in x of that frame.
 */
export function capsuleRowInterval(
  ax: number, ay: number, az: number, bx: number, by: number, bz: number, R: number, y0: number, z0: number,
): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  const R2 = R * R;
  // end spheres
  for (const [cx, cy, cz] of [[ax, ay, az], [bx, by, bz]]) {
    const h = R2 - (y0 - cy) * (y0 - cy) - (z0 - cz) * (z0 - cz);
    if (h >= 0) {
      const s = Math.sqrt(h);
      if (cx - s < lo) lo = cx - s;
      if (cx + s > hi) hi = cx + s;
    }
  }
  // the cylinder between them, limited to projections inside the segment
  const dx = bx - ax, dy = by - ay, dz = bz - az;
  const L2 = dx * dx + dy * dy + dz * dz;
  if (L2 > 1e-18) {
    const wy = y0 - ay, wz = z0 - az;
    const k = wy * dy + wz * dz;
    const c0 = wy * wy + wz * wz;
    const A = 1 - (dx * dx) / L2;
    const B = (-2 * dx * k) / L2;
    const C = c0 - (k * k) / L2 - R2;
    let x0: number, x1: number;
    let ok = true;
    if (A < 1e-12) {
      x0 = -Infinity;
      x1 = Infinity;
      ok = C <= 0;
    } else {
      const disc = B * B - 4 * A * C;
      if (disc < 0) ok = false;
      const sq = Math.sqrt(Math.max(0, disc));
      x0 = (-B - sq) / (2 * A);
      x1 = (-B + sq) / (2 * A);
    }
    if (ok) {
      // u = (dx·X + k)/L2 must lie in [0, 1]
      if (Math.abs(dx) > 1e-12) {
        const u0 = -k / dx, u1 = (L2 - k) / dx;
        x0 = Math.max(x0, Math.min(u0, u1));
        x1 = Math.min(x1, Math.max(u0, u1));
      } else if (k < 0 || k > L2) ok = false;
      if (ok && x0 <= x1) {
        if (ax + x0 < lo) lo = ax + x0;
        if (ax + x1 > hi) hi = ax + x1;
      }
    }
  }
  return lo <= hi ? [lo, hi] : undefined;
}
