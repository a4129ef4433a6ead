/**
 * Closest point to (px, py, pz) on segment k of `seg` (endpoints at seg[6k..6k+5]; a
 * zero-length segment is a point). Writes the point to out[0..2] and returns the distance.
 */
export function closestOnSegment(seg: Float64Array, k: number, px: number, py: number, pz: number, out: Float64Array): number {
  const o = 6 * k;
  const ax = seg[o], ay = seg[o + 1], az = seg[o + 2];
  const dx = seg[o + 3] - ax, dy = seg[o + 4] - ay, dz = seg[o + 5] - az;
  const len2 = dx * dx + dy * dy + dz * dz;
  let t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy + (pz - az) * dz) / len2 : 0;
  if (t < 0) t = 0;
  else if (t > 1) t = 1;
  const qx = ax + t * dx, qy = ay + t * dy, qz = az + t * dz;
  out[0] = qx; out[1] = qy; out[2] = qz;
  const ex = qx - px, ey = qy - py, ez = qz - pz;
  return Math.sqrt(ex * ex + ey * ey + ez * ez);
}

/** Segments node→parent of every row (a root is a zero-length segment at itself), 6 numbers each. */
export function rowSegments(x: Float64Array, y: Float64Array, z: Float64Array, parent: Int32Array, out: Float64Array, offset: number): void {
  for (let r = 0; r < x.length; r++) {
    const o = 6 * (offset + r);
    const p = parent[r] < 0 ? r : parent[r];
    out[o] = x[r]; out[o + 1] = y[r]; out[o + 2] = z[r];
    out[o + 3] = x[p]; out[o + 4] = y[p]; out[o + 5] = z[p];
  }
}
