/**
 * Seedable pseudo-random numbers for the dataset generator. Math.random is never used: every
 * generated file must be reproducible from its seed, on any machine and thread count.
 *
 * Generator: xoshiro128** (Blackman & Vigna 2018), 32-bit output, period 2^128 − 1, seeded from a
 * string key through a splitmix32-style mixer so that sub-streams ("morphology", "noise", ...)
 * are independent of each other and of the order in which they are used.
 */
export const RNG_ALGORITHM = 'xoshiro128** (splitmix32 seeding, key-derived sub-streams)';

const TWO_POW_M32 = 1 / 4294967296;

function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** FNV-1a over the UTF-16 code units of the key, then avalanche-mixed. */
function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h >>> 0);
}

/** 1/k for the sequential-search Poisson sampler (a multiply instead of a divide per step). */
const INVERSE = Float64Array.from({ length: 201 }, (_, k) => (k === 0 ? 0 : 1 / k));

const LOG_FACT_TABLE_SIZE = 256;
const logFactTable = new Float64Array(LOG_FACT_TABLE_SIZE);
for (let k = 2; k < LOG_FACT_TABLE_SIZE; k++) logFactTable[k] = logFactTable[k - 1] + Math.log(k);

/** ln(k!) exactly from a table for small k, by Stirling's series (error < 1e-12) above it. */
export function logFactorial(k: number): number {
  if (k < LOG_FACT_TABLE_SIZE) return logFactTable[k];
  const n = k + 1;
  const inv = 1 / n;
  const inv2 = inv * inv;
  return (n - 0.5) * Math.log(n) - n + 0.9189385332046728 + inv * (1 / 12 - inv2 * (1 / 360 - inv2 / 1260));
}

export class Rng {
  // State in a typed array: 32-bit values in object fields would be boxed as heap numbers.
  private readonly s = new Int32Array(4);
  private spareNormal = 0;
  private hasSpare = false;
  // Per-mean constants of the last Poisson draw: background voxels repeat the same mean.
  private lastLambda = -1;
  private c0 = 0;
  private c1 = 0;
  private c2 = 0;
  private c3 = 0;

  /** A stream named by a key; `derive('1', 'img', 3)` and `derive('1').fork('img').fork(3)` are the same stream. */
  static derive(...key: (string | number)[]): Rng {
    return new Rng(key.map(String).join('/'));
  }

  private constructor(readonly key: string) {
    let x = hashKey(key);
    const next = () => {
      x = (x + 0x9e3779b9) >>> 0;
      return mix32(x);
    };
    for (let i = 0; i < 4; i++) this.s[i] = next();
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1; // the all-zero state is a fixed point
  }

  /** An independent sub-stream; it depends only on this stream's key and the label, not on draws made so far. */
  fork(label: string | number): Rng {
    return new Rng(`${this.key}/${label}`);
  }

  uint32(): number {
    const s = this.s;
    const s0 = s[0], s1 = s[1];
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    const s2 = s[2] ^ s0;
    const s3 = s[3] ^ s1;
    s[1] = s1 ^ s2;
    s[0] = s0 ^ s3;
    s[2] = s2 ^ t;
    s[3] = rotl(s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 32 bits of resolution (enough for every use here). */
  float(): number {
    return this.uint32() * TWO_POW_M32;
  }

  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.float();
  }

  /** Uniform over a [lo, hi] pair (the form presets use); a degenerate pair returns lo without a draw. */
  range(r: readonly [number, number]): number {
    return r[0] === r[1] ? r[0] : this.uniform(r[0], r[1]);
  }

  /** Integer uniform in [lo, hi] inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  intRange(r: readonly [number, number]): number {
    return this.int(Math.round(r[0]), Math.round(r[1]));
  }

  bernoulli(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)];
  }

  /** Standard normal by Marsaglia's polar method (pairs are cached). */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spareNormal;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.float() - 1;
      v = 2 * this.float() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt(-2 * Math.log(s) / s);
    this.spareNormal = v * f;
    this.hasSpare = true;
    return u * f;
  }

  /** exp(N(mu, sigma²)). */
  logNormal(mu: number, sigma: number): number {
    return Math.exp(mu + sigma * this.normal());
  }

  /** A uniformly distributed direction in 3-D. */
  unitVector(): [number, number, number] {
    const z = 2 * this.float() - 1;
    const phi = 2 * Math.PI * this.float();
    const r = Math.sqrt(Math.max(0, 1 - z * z));
    return [r * Math.cos(phi), r * Math.sin(phi), z];
  }

  /**
   * Exact Poisson variates: inversion by sequential search for small means, Hörmann's transformed
   * rejection with squeeze (PTRS, 1993) for mean ≥ 10, so the cost stays flat for bright voxels.
   * Only the rare slow path of PTRS needs logarithms.
   */
  poisson(lambda: number): number {
    if (!(lambda > 0)) return 0;
    if (lambda < 10) {
      if (lambda !== this.lastLambda) {
        this.lastLambda = lambda;
        this.c0 = Math.exp(-lambda);
      }
      const u = this.float();
      let k = 0;
      let p = this.c0;
      let F = p;
      while (u > F && k < 200) {
        k++;
        p *= lambda * INVERSE[k];
        F += p;
      }
      return k;
    }
    if (lambda !== this.lastLambda) {
      this.lastLambda = lambda;
      const b = 0.931 + 2.53 * Math.sqrt(lambda);
      this.c0 = b;
      this.c1 = -0.059 + 0.02483 * b;
      this.c2 = 0.9277 - 3.6224 / (b - 2);
      this.c3 = 1.1239 + 1.1328 / (b - 3.4);
    }
    const b = this.c0, a = this.c1, vr = this.c2;
    for (;;) {
      const u = this.float() - 0.5;
      const v = this.float();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor((2 * a / us + b) * u + lambda + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (Math.log(v * this.c3 / (a / (us * us) + b)) <= -lambda + k * Math.log(lambda) - logFactorial(k)) return k;
    }
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
