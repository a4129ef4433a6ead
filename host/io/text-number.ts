/**
 * Strict decimal number syntax for text formats. Number() alone would also accept '', ' ',
 * '0x1F', 'Infinity' and '1_0'; a morphology file containing those is damaged, not exotic.
 * Leading '+' and exponents are accepted (several exporters write them).
 */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The finite value of a decimal token, or undefined when the token is not one. */
export function parseDecimal(token: string): number | undefined {
  if (!DECIMAL.test(token)) return undefined;
  const v = Number(token);
  return Number.isFinite(v) ? v : undefined;
}

/** The integer value of a token such as '7', '+7' or '7.0' (float ids are common), or undefined. */
export function parseIntegral(token: string): number | undefined {
  const v = parseDecimal(token);
  return v !== undefined && Number.isSafeInteger(v) ? v : undefined;
}

/**
 * Fixed-point text with at most `decimals` decimals and no trailing zeros ('12.5', '3', '-0.25'):
 * never an exponent, which strict readers (DIADEM) reject, and never '-0'.
 */
export function formatDecimal(v: number, decimals = 6): string {
  if (!Number.isFinite(v)) throw new RangeError(`cannot write the non-finite value ${v}`);
  if (Number.isSafeInteger(v)) return v === 0 ? '0' : String(v);
  // toFixed switches to exponent notation from 1e21 on; no voxel or µm coordinate gets there.
  let s = v.toFixed(decimals);
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s === '-0' ? '0' : s;
}
