import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../host/core/paths.js';
import { lcg } from '../helpers/synthetic-volumes.js';

// nctuTW's tip-finder stages and the shared kernels they run on (thinning, component labelling,
// GD path merging), each on tiny hand-made images through the _test hooks.

type Vec3 = [number, number, number];
const addon = createRequire(import.meta.url)(join(packageRoot(), 'build', 'Release', 'neurotrace_native.node')) as {
  _testNctu(stage: string, img: Uint8Array, dims: Vec3, opt?: Record<string, unknown>): unknown;
  _testThin(img: Uint8Array, dims: Vec3, idlePass: boolean): Uint8Array;
  _testLabel(mask: Uint8Array, dims: Vec3, connectivity: number): { label: Int32Array; size: Float64Array };
  _testMergeBack(paths: Float64Array[]): Float64Array[];
};

function image(dims: Vec3) {
  const data = new Uint8Array(dims[0] * dims[1] * dims[2]);
  return {
    data, dims,
    set(x: number, y: number, z: number, v = 255) { data[(z * dims[1] + y) * dims[0] + x] = v; },
    get(x: number, y: number, z: number) { return data[(z * dims[1] + y) * dims[0] + x]; },
  };
}
const triples = (a: Float64Array): Vec3[] => Array.from({ length: a.length / 3 }, (_, i) => [a[3 * i], a[3 * i + 1], a[3 * i + 2]]);

describe('grey threshold (ImagePreprocessforTracing)', () => {
  it('keeps the brightest 90 % of the non-zero voxels', () => {
    const a = new Uint8Array(1100);
    a.fill(10, 0, 100); a.fill(200, 100, 1000); // 100 zeros at the end do not count
    expect(addon._testNctu('greyThreshold', a, [1100, 1, 1], { fraction: 0.9 })).toBe(200);
    const b = new Uint8Array(1000);
    for (let v = 1; v <= 10; v++) b.fill(v, (v - 1) * 100, v * 100);
    expect(addon._testNctu('greyThreshold', b, [1000, 1, 1], { fraction: 0.9 })).toBe(2);
    expect(addon._testNctu('greyThreshold', new Uint8Array(10), [10, 1, 1], { fraction: 0.9 })).toBe(0);
  });
});

describe('slice distance map (DistanceTransTwo)', () => {
  it('propagates squared distances on the interior and leaves the border at 50000', () => {
    const img = image([7, 7, 1]);
    for (let y = 1; y <= 5; y++) for (let x = 1; x <= 5; x++) img.set(x, y, 0);
    const d = addon._testNctu('sliceDistance', img.data, img.dims) as Uint8Array;
    expect(d[1 * 7 + 1]).toBe(1);
    expect(d[2 * 7 + 2]).toBe(2);
    expect(d[3 * 7 + 3]).toBe(3);
    expect(d[0]).toBe(0);
    const full = new Uint8Array(9).fill(1);
    expect(Array.from(addon._testNctu('sliceDistance', full, [3, 3, 1]) as Uint8Array)).toEqual(new Array(9).fill(223));
  });
});

describe('3-D skeleton endpoints (Endpoint3D)', () => {
  it('finds both ends of a line, but only the first of a row while quirk N4 is kept', () => {
    const img = image([10, 7, 1]);
    for (let x = 2; x <= 6; x++) img.set(x, 3, 0);
    expect(triples(addon._testNctu('endpoints3d', img.data, img.dims, { rowQuirk: true }) as Float64Array)).toEqual([[2, 3, 0]]);
    expect(triples(addon._testNctu('endpoints3d', img.data, img.dims, { rowQuirk: false }) as Float64Array)).toEqual([[2, 3, 0], [6, 3, 0]]);
  });
});

describe('2-D branch points (BranchPoint2D_Iter2D)', () => {
  it('recognises a Y junction, and for a T only the stem pixel under the bar (the original\'s patterns)', () => {
    const y = image([9, 9, 1]);
    for (let k = 1; k <= 3; k++) { y.set(4 - k, 4 - k, 0); y.set(4 + k, 4 - k, 0); y.set(4, 4 + k, 0); }
    y.set(4, 4, 0);
    expect(triples(addon._testNctu('branchPoints2d', y.data, y.dims) as Float64Array)).toEqual([[4, 4, 0]]);
    const t = image([9, 9, 1]);
    for (let x = 1; x <= 7; x++) t.set(x, 3, 0);
    for (let k = 4; k <= 6; k++) t.set(4, k, 0);
    expect(triples(addon._testNctu('branchPoints2d', t.data, t.dims) as Float64Array)).toEqual([[4, 4, 0]]);
  });
});

describe('soma detection', () => {
  it('picks the centre of a ball wider than the density box, and the first of tied positions otherwise', () => {
    const dims: Vec3 = [40, 30, 20];
    const raw = image(dims), g = image(dims);
    for (let z = 0; z < 20; z++) for (let y = 0; y < 30; y++) for (let x = 0; x < 40; x++) {
      const inBall = (x - 25) ** 2 + (y - 15) ** 2 + (z - 10) ** 2 <= 25;
      const inTube = Math.hypot(y - 15, z - 10) <= 1.5;
      const v = inBall ? 250 : inTube ? 100 : 0;
      raw.set(x, y, z, v);
      g.set(x, y, z, v);
    }
    expect(triples(addon._testNctu('soma', g.data, dims, { raw: raw.data, R: 4 }) as Float64Array)).toEqual([[25, 15, 10]]);
    // A ball of radius 3 fits the ±4 box at 3 × 3 positions with equal mass; the growing box
    // scores lower against the kept maximum (quirk N3), so the first tied position stays.
    const small = image(dims);
    for (let z = 0; z < 20; z++) for (let y = 0; y < 30; y++) for (let x = 0; x < 40; x++)
      if ((x - 25) ** 2 + (y - 15) ** 2 + (z - 10) ** 2 <= 9) small.set(x, y, z, 250);
    expect(triples(addon._testNctu('soma', small.data, dims, { raw: small.data, R: 4 }) as Float64Array)).toEqual([[24, 14, 10]]);
    expect(triples(addon._testNctu('soma', new Uint8Array(8), [2, 2, 2], { raw: new Uint8Array(8), R: 4 }) as Float64Array)).toEqual([]);
  });
});

describe('slice-wise cleaning and skeleton', () => {
  it('drops small components and thins the rest', () => {
    const img = image([40, 20, 9]);
    for (let x = 3; x <= 5; x++) for (let y = 3; y <= 5; y++) img.set(x, y, 4, 120); // 9 px: not > 9
    for (let x = 10; x <= 13; x++) for (let y = 3; y <= 6; y++) img.set(x, y, 4, 120); // 16 px, one slice: not > 30 voxels
    for (let z = 2; z <= 6; z++) for (let y = 12; y <= 16; y++) for (let x = 5; x <= 35; x++) img.set(x, y, z, 120); // a bar
    const s = addon._testNctu('cleanSkeleton', img.data, img.dims, { cc2d: 9, cc3d: 30 }) as Uint8Array;
    const at = (x: number, y: number, z: number) => s[(z * 20 + y) * 40 + x];
    for (let x = 0; x < 20; x++) for (let y = 0; y < 9; y++) expect(at(x, y, 4)).toBe(0);
    // the bar becomes a one-pixel line along x in each of its slices (centre row y = 14)
    for (let z = 2; z <= 6; z++) {
      const row = Array.from({ length: 40 }, (_, x) => at(x, 14, z));
      expect(row.filter((v) => v > 0).length).toBeGreaterThan(20);
      for (let x = 8; x <= 32; x++) for (const y of [12, 13, 15, 16]) expect(at(x, y, z)).toBe(0);
    }
  });
});

describe('skeleton repair (ImageRepair)', () => {
  const twoLines = () => {
    const img = image([24, 10, 3]);
    for (let x = 2; x <= 7; x++) img.set(x, 5, 1);
    for (let x = 12; x <= 17; x++) img.set(x, 5, 1);
    for (let x = 20; x <= 22; x++) img.set(x, 8, 1); // a third piece, farther away
    return img;
  };

  it('joins the pieces by their shortest endpoint bridges, painting 3×3×3 blocks along each', () => {
    const img = twoLines();
    const r = addon._testNctu('repair', img.data, img.dims, { ccMin: 2 }) as { image: Uint8Array; bridges: number; components: number; frontiers: number };
    expect(r).toMatchObject({ components: 3, bridges: 2, frontiers: 6 });
    const at = (x: number, y: number, z: number) => r.image[(z * 10 + y) * 24 + x];
    for (let x = 6; x <= 13; x++) for (let y = 4; y <= 6; y++) for (let z = 0; z <= 2; z++) expect(at(x, y, z)).toBe(255);
    expect(at(9, 7, 1)).toBe(0);
    // (17, 5) -> (20, 8) is the shortest bridge to the third piece
    for (const [x, y] of [[17, 5], [18, 6], [19, 7], [20, 8]]) expect(at(x, y, 1)).toBe(255);
  });

  it('picks the same bridges with the memory-light search used for huge frontier sets', () => {
    const img = twoLines();
    const sorted = addon._testNctu('repair', img.data, img.dims, { ccMin: 2 }) as { image: Uint8Array };
    const prim = addon._testNctu('repair', img.data, img.dims, { ccMin: 2, maxSortedPairs: 0 }) as { image: Uint8Array };
    expect(Array.from(prim.image)).toEqual(Array.from(sorted.image));
  });

  it('stops instead of looping when a component has no endpoint to bridge from', () => {
    const img = image([20, 20, 1]);
    for (let x = 2; x <= 8; x++) { img.set(x, 2, 0); img.set(x, 8, 0); }
    for (let y = 2; y <= 8; y++) { img.set(2, y, 0); img.set(8, y, 0); } // a closed ring: no endpoints
    for (let x = 12; x <= 17; x++) img.set(x, 15, 0);
    const r = addon._testNctu('repair', img.data, img.dims, { ccMin: 2 }) as { bridges: number; components: number };
    expect(r).toMatchObject({ components: 2, bridges: 0 });
  });
});

describe('2-D thinning kernel (Zhang–Suen, IPToolBox form)', () => {
  // The straightforward full-image version of the rule, as a reference.
  function reference(src: Uint8Array, nx: number, ny: number, idlePass: boolean): Uint8Array {
    const out = Uint8Array.from(src);
    let first = true, idle = 0;
    for (;;) {
      const doomed: number[] = [];
      for (let y = 1; y < ny - 1; y++) for (let x = 1; x < nx - 1; x++) {
        const p = y * nx + x;
        if (!out[p]) continue;
        const v = (dx: number, dy: number) => (out[p + dy * nx + dx] ? 1 : 0);
        const nb = [v(-1, -1), v(0, -1), v(1, -1), v(1, 0), v(1, 1), v(0, 1), v(-1, 1), v(-1, 0)];
        const np = nb.reduce((a, b) => a + b, 0);
        let sp = 0;
        for (let k = 0; k < 8; k++) if (!nb[k] && nb[(k + 1) % 8]) sp++;
        const [, n, , e, , s, , w] = nb;
        const ok = first ? (!n || !e || !s) && (!e || !s || !w) : (!n || !e || !w) && (!n || !s || !w);
        if (np >= 2 && np <= 6 && sp === 1 && ok) doomed.push(p);
      }
      for (const p of doomed) out[p] = 0;
      first = !first;
      if (doomed.length === 0) { if (!idlePass || ++idle >= 2) break; } else idle = 0;
    }
    return out;
  }

  it('matches the full-scan rule on random blobs, in both stopping modes', () => {
    const rnd = lcg(5);
    for (let trial = 0; trial < 6; trial++) {
      const nx = 30 + trial * 7, ny = 25 + trial * 3;
      const img = new Uint8Array(nx * ny);
      for (let b = 0; b < 6; b++) {
        const cx = rnd() * nx, cy = rnd() * ny, r = 2 + rnd() * 6;
        for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) img[y * nx + x] = 200;
      }
      for (const idle of [false, true]) {
        expect(Array.from(addon._testThin(img, [nx, ny, 1], idle))).toEqual(Array.from(reference(img, nx, ny, idle)));
      }
    }
  });

  it('leaves the outermost rows and columns alone', () => {
    const full = new Uint8Array(25).fill(9);
    expect(Array.from(addon._testThin(full, [5, 5, 1], false))).toEqual(new Array(25).fill(9));
  });
});

describe('component labelling kernel', () => {
  function reference(mask: Uint8Array, dims: Vec3, conn: 6 | 26): { label: number[]; size: number[] } {
    const [nx, ny, nz] = dims;
    const label = new Array(mask.length).fill(-1);
    const size: number[] = [];
    for (let i = 0; i < mask.length; i++) {
      if (!mask[i] || label[i] >= 0) continue;
      const id = size.length;
      let count = 0;
      const stack = [i];
      label[i] = id;
      while (stack.length) {
        const p = stack.pop()!;
        count++;
        const x = p % nx, y = Math.floor(p / nx) % ny, z = Math.floor(p / (nx * ny));
        for (let dz = -1; dz <= 1; dz++) for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
          const l1 = Math.abs(dx) + Math.abs(dy) + Math.abs(dz);
          if (l1 === 0 || (conn === 6 && l1 > 1)) continue;
          const xx = x + dx, yy = y + dy, zz = z + dz;
          if (xx < 0 || yy < 0 || zz < 0 || xx >= nx || yy >= ny || zz >= nz) continue;
          const q = (zz * ny + yy) * nx + xx;
          if (mask[q] && label[q] < 0) { label[q] = id; stack.push(q); }
        }
      }
      size.push(count);
    }
    return { label, size };
  }

  it('numbers components by their first voxel and counts them, 6- and 26-connected', () => {
    const rnd = lcg(11);
    const dims: Vec3 = [17, 13, 9];
    const mask = Uint8Array.from({ length: 17 * 13 * 9 }, () => (rnd() < 0.3 ? 1 : 0));
    for (const conn of [6, 26] as const) {
      const got = addon._testLabel(mask, dims, conn);
      const want = reference(mask, dims, conn);
      expect(Array.from(got.label)).toEqual(want.label);
      expect(Array.from(got.size)).toEqual(want.size);
    }
  });
});

describe('GD path merging (merge_back_traced_paths)', () => {
  it('splits two paths into the shared stem and the two diverging branches', () => {
    // Paths are listed end first and end at the common start (0, 0, 0).
    const stem: Vec3[] = [[3, 0, 0], [2, 0, 0], [1, 0, 0], [0, 0, 0]];
    const a: Vec3[] = [[5, 2, 0], [4, 1, 0], ...stem];
    const b: Vec3[] = [[5, -2, 0], [4, -1, 0], ...stem];
    const segs = addon._testMergeBack([a, b].map((p) => Float64Array.from(p.flat()))).map(triples);
    expect(segs).toEqual([
      [[0, 0, 0], [1, 0, 0], [2, 0, 0], [3, 0, 0]],
      [[3, 0, 0], [4, 1, 0], [5, 2, 0]],
      [[3, 0, 0], [4, -1, 0], [5, -2, 0]],
    ]);
  });

  it('leaves a single path as it is', () => {
    const p = Float64Array.from([2, 0, 0, 1, 0, 0, 0, 0, 0]);
    expect(addon._testMergeBack([p]).map(triples)).toEqual([[[2, 0, 0], [1, 0, 0], [0, 0, 0]]]);
  });
});
