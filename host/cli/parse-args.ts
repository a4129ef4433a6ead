import { UsageError } from '../core/errors.js';
import type { Vec3 } from '../core/volume.js';

/** "x,y,z" → a 0-based voxel point. */
export function parsePoint(text: string, what = 'seed'): Vec3 {
  const parts = text.split(',').map((s) => s.trim());
  const nums = parts.map(Number);
  if (parts.length !== 3 || parts.some((p) => p === '') || nums.some((n) => !Number.isFinite(n))) {
    throw new UsageError(`${what} '${text}' must be three numbers x,y,z (0-based voxel coordinates)`);
  }
  return nums as Vec3;
}

export function parseTriple(text: string, what: string): Vec3 {
  const v = parsePoint(text, what);
  if (v.some((n) => n <= 0)) throw new UsageError(`${what} '${text}' must be three positive numbers`);
  return v;
}

/** "k=v" pairs from repeated --param options. */
export function parseKeyValues(items: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const it of items) {
    const eq = it.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param '${it}' must be name=value`);
    out[it.slice(0, eq).trim()] = it.slice(eq + 1);
  }
  return out;
}

export const collect = (v: string, prev: string[] = []) => [...prev, v];

export function parseNonNegativeInt(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${what} '${text}' must be a non-negative integer`);
  return n;
}
