/**
 * The worst-case speed-ups (issue 6) must not change any output: the ring-skipping radius
 * estimate (RadiusEstimatorXY, native/kernels/marker_radius.h) and happ's one-pass segment lengths
 * and row-wise ball loops (native/kernels/happ.cc) give exactly what the plain code gave. Checks:
 *  - whole traces of app2 (two presets) and EnsembleNeuronTracerBasic on small synthetic volumes
 *    chosen to reach the fast paths (solid foreground, a block and a blob touching the border,
 *    noise with a background offset that makes everything foreground) are compared node by node
 *    with fixtures recorded from the code before the speed-up (commit 9e0a00f,
 *    test/fixtures/speed/);
 *  - the skipping estimator is compared with the plain one at many marker positions, including
 *    fractional ones and ones next to the image border.
 * Record the fixtures again only from a build whose output is known to be right:
 *   NT_UPDATE_GOLDEN=1 npx vitest run test/plugins/app2-radius-speed
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { canvas, drawBall, drawTube, neuronVolume, rng, type Canvas } from '../../bench/lib/synthetic.js';
import { packageRoot } from '../../host/core/paths.js';
import type { Vec3 } from '../../host/core/volume.js';
import type { SwcNode } from '../../host/morph/tree.js';
import { loadAddon } from '../../host/runtime/native-addon.js';
import { traceBuiltin } from '../helpers/builtin-tracers.js';

// swc: the node lines themselves, kept for traces small enough to read in a diff
interface Golden { nodes: number; sha256: string; swc?: string[] }
const kListedNodes = 400;

const fixtureFile = join(packageRoot(), 'test', 'fixtures', 'speed', 'app2-radius-golden.json');
const update = process.env.NT_UPDATE_GOLDEN === '1';
const golden: Record<string, Golden> = existsSync(fixtureFile) ? JSON.parse(readFileSync(fixtureFile, 'utf8')) : {};
const recorded: Record<string, Golden> = {};

// Numbers as JavaScript prints them round-trip exactly, so equal text means equal doubles.
function swcLines(nodes: SwcNode[]): string[] {
  return nodes.map((n) => `${n.id} ${n.type} ${n.x} ${n.y} ${n.z} ${n.radius} ${n.parent}`);
}

function noise(c: Canvas, lo: number, hi: number, seed: number): void {
  const r = rng(seed);
  for (let i = 0; i < c.data.length; i++) c.data[i] = lo + Math.floor(r() * (hi - lo + 1));
}

// Each volume stresses one way a marker can sit deep inside foreground.
const volumes: Record<string, () => Canvas> = {
  // everything bright: every shell scan ends at the image border
  'solid': () => canvas([40, 36, 12], 'uint8', 200),
  // a bright box on a dark background, with a brighter core so the tree has a soma
  'block': () => {
    const c = canvas([44, 40, 14]);
    for (let z = 2; z < 12; z++) for (let y = 3; y < 35; y++) for (let x = 4; x < 40; x++) c.data[(z * 40 + y) * 44 + x] = 120;
    drawBall(c, [22, 20, 7], 3, 250);
    return c;
  },
  'tube-on-noise': () => {
    const c = canvas([64, 32, 24]);
    noise(c, 0, 30, 7);
    drawTube(c, [6, 16, 12], [58, 14, 12], 3, 210, 70);
    drawBall(c, [6, 16, 12], 4, 250);
    return c;
  },
  'Y': () => {
    const c = canvas([72, 56, 20]);
    const j: Vec3 = [34, 28, 10];
    drawTube(c, [6, 28, 10], j, 2.5, 200, 60);
    for (const s of [1, -1]) {
      const a = (s * 30 * Math.PI) / 180;
      drawTube(c, j, [j[0] + 32 * Math.cos(a), j[1] + 32 * Math.sin(a), 10], 2.5, 200, 60);
    }
    drawBall(c, [6, 28, 10], 4, 250);
    return c;
  },
  // offset 6 plus noise: every voxel >= 1 (EnsembleNeuronTracerBasic's mask is everything), and a
  // bright tube that APP2 with threshold 10 follows through the noise above it
  'noise-offset': () => {
    const c = canvas([48, 40, 16]);
    noise(c, 6, 24, 3);
    drawTube(c, [5, 20, 8], [42, 22, 8], 3, 180, 60);
    drawBall(c, [5, 20, 8], 4, 230);
    return c;
  },
  // the benches' sparse branching neuron on faint noise
  'neuron': () => neuronVolume([96, 80, 40], 3),
  // a thick graded ball cut by the x = 0 face, and a neurite leaving it
  'blob-at-border': () => {
    const c = canvas([56, 44, 18]);
    drawTube(c, [3, 22, 9], [3, 22, 9], 15, 240, 90);
    drawTube(c, [15, 22, 9], [52, 30, 9], 2.5, 200, 60);
    return c;
  },
};

const runs: [string, Record<string, unknown>][] = [
  ['app2', {}],
  ['app2new2', {}],  // AUTO threshold, gap mode
  ['EnsembleNeuronTracerBasic', {}],
];

describe('traces are unchanged by the radius speed-up (golden fixtures)', () => {
  for (const [variant, overrides] of runs) {
    for (const [name, make] of Object.entries(volumes)) {
      const key = `${variant}/${name}`;
      it(key, async () => {
        const c = make();
        const { tree } = await traceBuiltin(variant, c, { overrides });
        const swc = swcLines(tree.nodes);
        const got: Golden = { nodes: swc.length, sha256: createHash('sha256').update(swc.join('\n')).digest('hex'), swc };
        if (update) {
          recorded[key] = swc.length <= kListedNodes ? got : { nodes: got.nodes, sha256: got.sha256 };
          return;
        }
        const want = golden[key];
        expect(want, `${fixtureFile} has no entry ${key}`).toBeDefined();
        if (want.swc) expect(got.swc).toEqual(want.swc);
        expect(got.nodes).toBe(want.nodes);
        expect(got.sha256).toBe(want.sha256);
      });
    }
  }

  // NT_UPDATE_GOLDEN=1 re-records the fixtures after the cases above ran (no test of its own, so a
  // normal run has nothing skipped).
  afterAll(() => {
    if (!update) return;
    mkdirSync(join(packageRoot(), 'test', 'fixtures', 'speed'), { recursive: true });
    writeFileSync(fixtureFile, JSON.stringify(recorded, null, 1) + '\n');
  });
});

describe('ring-skipping radius estimate equals the plain scan', () => {
  type Compare = (data: Uint8Array, dims: Vec3, at: Float64Array, thresh: number) => { fast: Float64Array; plain: Float64Array; slicesBuilt: number };
  const compare = (loadAddon('neurotrace_native') as unknown as Record<string, unknown>)._testRadiusEstimatorXY as Compare;

  // Integer voxels everywhere, fractional positions (including ones a hair below the next voxel,
  // where the scan's truncation matters most), and positions on or off the image edge.
  function positions(dims: Vec3, seed: number): Float64Array {
    const r = rng(seed);
    const out: number[] = [];
    const [nx, ny, nz] = dims;
    for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y += 2) for (let x = 0; x < nx; x += 2) out.push(x, y, z);
    const edge = (n: number) => [0, 0.5, 1 - 2 ** -52, n - 1, n - 0.5, n - 2 ** -40, n, -0.5, -1e-9][Math.floor(r() * 9)];
    for (let i = 0; i < 3000; i++) {
      const f = (n: number) => (r() < 0.3 ? edge(n) : r() < 0.5 ? Math.floor(r() * n) + 1 - 2 ** -50 : r() * n);
      out.push(f(nx), f(ny), Math.floor(r() * nz) + (r() < 0.2 ? 0.75 : 0));
    }
    return new Float64Array(out);
  }

  const cases: [string, () => Canvas, number][] = [
    ['solid', () => canvas([37, 30, 3], 'uint8', 200), 40],
    ['blobs with holes', () => {
      const c = canvas([70, 52, 4]);
      drawTube(c, [20, 20, 1], [20, 20, 1], 17, 220, 100);
      drawTube(c, [60, 40, 2], [60, 40, 2], 14, 200, 90);
      for (const [x, y] of [[20, 20], [31, 12], [62, 44]]) for (let z = 0; z < 4; z++) c.data[(z * 52 + y) * 70 + x] = 0;
      return c;
    }, 40],
    ['noise', () => { const c = canvas([40, 44, 3]); noise(c, 0, 255, 5); return c; }, 20],
    ['sparse holes', () => {
      const c = canvas([64, 64, 2], 'uint8', 150);
      const r = rng(9);
      for (let i = 0; i < 12; i++) c.data[Math.floor(r() * c.data.length)] = 10;
      return c;
    }, 40],
    ['one slice', () => canvas([50, 33, 1], 'uint8', 90), 40],
  ];
  for (const [name, make, thresh] of cases) {
    it(name, () => {
      const c = make();
      const at = positions(c.dims, name.length);
      const { fast, plain, slicesBuilt } = compare(c.data as Uint8Array, c.dims, at, thresh);
      expect(fast.length).toBe(at.length / 3);
      expect(Array.from(fast)).toEqual(Array.from(plain));
      if (name !== 'noise') expect(slicesBuilt).toBeGreaterThan(0);  // the map path was taken
    });
  }
});
