import type { Volume } from './volume.js';

/**
 * Min–max scaling to 8 bit with truncation, as Vaa3D does before handing a stack to an
 * 8-bit-only plugin (so thresholds in plugin parameters keep their Vaa3D meaning).
 */
export function toUint8(vol: Volume): Volume {
  const src = vol.data;
  if (src instanceof Uint8Array) return vol;
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const out = new Uint8Array(src.length);
  const range = hi - lo;
  if (range > 0 && Number.isFinite(range)) {
    const k = 255 / range;
    for (let i = 0; i < src.length; i++) out[i] = Math.trunc((src[i] - lo) * k);
  }
  return { data: out, dims: vol.dims, spacing: vol.spacing };
}
