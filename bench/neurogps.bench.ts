/**
 * NeuroGPS-Tree speed on 256x256x128 uint8 volumes (the size limit: 10 minutes): the
 * seeded synthetic neuron of bench/lib/synthetic.ts at its default density, a denser one (4x the
 * neurite budget, more branches), and the denser neuron on strong Gaussian-like noise (mean 20,
 * sd ~12), each with the BigNeuron bench parameters (high-resolution branch, 2x xy downsampling)
 * and with the plugin defaults (low-resolution branch, no downsampling). Prints the median wall
 * time of N runs per cell and the stage counts the tracer reports.
 * Run: npx tsc -p . && node dist/bench/neurogps.bench.js [--runs N]
 */
import { performance } from 'node:perf_hooks';
import { loadAddon } from '../host/runtime/native-addon.js';
import type { NativeTracerFn } from '../host/runtime/native-addon.js';
import { neuronVolume, rng } from './lib/synthetic.js';
import type { Vec3 } from './lib/synthetic.js';

const BENCH = { xRes: 0.5, yRes: 0.5, zRes: 1, binaryThreshold: 15, traceValue: 10, enhanceValue: 150 };
const DEFAULTS = { xRes: 1, yRes: 1, zRes: 2, binaryThreshold: 6, traceValue: 0, enhanceValue: 0 };
const QUIRKS = { firstTreeOnly: true, zSliceQuirk: true, crossMergeFlagQuirk: true };

function withNoise(data: Uint8Array, seed: number): Uint8Array {
  const r = rng(seed);
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    let g = 0;
    for (let k = 0; k < 4; k++) g += r();
    out[i] = Math.max(0, Math.min(255, Math.max(data[i], 0) + Math.round(20 + 12 * (g - 2) * Math.sqrt(3))));
  }
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--runs');
  const runs = i >= 0 ? Number(process.argv[i + 1]) : 3;
  const trace = loadAddon('neurotrace_native').neuroGpsTree as NativeTracerFn;
  const dims: Vec3 = [256, 256, 128];
  const sparse = neuronVolume(dims, 7).data;
  const dense = neuronVolume(dims, 11, { branches: 14, fill: 0.016 }).data;
  const images: [string, Uint8Array][] = [['sparse', sparse], ['dense', dense], ['dense+noise', withNoise(dense, 3)]];
  console.log(`NeuroGPSTree, ${dims.join('x')} uint8, median of ${runs} run(s)`);
  console.log('image        params    seeds  traced  curves  trees  out nodes  median s');
  for (const [name, data] of images) {
    for (const [pname, params] of [['bench', BENCH], ['defaults', DEFAULTS]] as const) {
      const times: number[] = [];
      let meta: Record<string, number> = {};
      let nodes = 0;
      for (let r = 0; r < runs; r++) {
        const t0 = performance.now();
        const out = await trace({ data, dims, spacing: [1, 1, 1] }, { ...params, ...QUIRKS }, new Float64Array(0), { cancel: new Int32Array(1) });
        times.push((performance.now() - t0) / 1000);
        meta = out.meta;
        nodes = out.x.length;
      }
      console.log(`${name.padEnd(12)} ${pname.padEnd(9)} ${String(meta.seeds).padStart(5)}  ${String(meta.tracedSeeds).padStart(6)}  ${String(meta.curves).padStart(6)}  ${String(meta.trees).padStart(5)}  ${String(nodes).padStart(9)}  ${median(times).toFixed(2).padStart(8)}`);
    }
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
