/** Small 3-vector helpers for the growth model and the renderer (plain tuples, no classes). */
export type V3 = [number, number, number];

export const add = (a: V3, b: V3): V3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
export const sub = (a: V3, b: V3): V3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
export const scale = (a: V3, k: number): V3 => [a[0] * k, a[1] * k, a[2] * k];
export const dot = (a: V3, b: V3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
export const norm = (a: V3): number => Math.hypot(a[0], a[1], a[2]);
export const dist = (a: V3, b: V3): number => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

export function normalize(a: V3): V3 {
  const n = norm(a);
  return n > 0 ? [a[0] / n, a[1] / n, a[2] / n] : [1, 0, 0];
}

/** A unit vector perpendicular to unit d, built from a random draw r (any vector not parallel to d). */
export function perpendicular(d: V3, r: V3): V3 {
  let p = sub(r, scale(d, dot(r, d)));
  if (norm(p) < 1e-6) p = sub([d[1], d[2], d[0]], scale(d, dot([d[1], d[2], d[0]], d)));
  return normalize(p);
}

export const cross = (a: V3, b: V3): V3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
