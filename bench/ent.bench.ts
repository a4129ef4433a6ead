/**
 * ENT and EnsembleNeuronTracer{Basic,V2n,V2s} run times on 256x256x128 voxels (the issue's
 * limit: 10 minutes per variant on this size): a sparse synthetic neuron (< 1 % foreground on a
 * noisy background of 0..8) and the worst case for the binarising tracers, a volume that is
 * foreground everywhere (every APP2 run marches through all of it). Medians of --runs runs.
 * Run: npx tsc -p . && node dist/bench/ent.bench.js [--runs N] [--cases neuron,solid] [--variants ENT,...]
 */
import { nativeTracer } from '../host/runtime/native-addon.js';
import { nativeTracerAdapter } from '../host/runtime/native-runner.js';
import { neuronVolume, type Vec3 } from './lib/synthetic.js';

const params: Record<string, { export: string; params: Record<string, unknown> }> = {
  ENT: { export: 'ENT', params: { niblackK: 0.2, sauvolaK: 0.5, sauvolaR: 128, bernsenContrast: 15, nodeCap: 11000, combineDistance: 2 } },
  EnsembleNeuronTracerBasic: { export: 'EnsembleNeuronTracer', params: { binarization: 'nonzero', contrastStretch: false, contrastPercent: 50, niblackK: 0.2, sauvolaK: 0.5, sauvolaR: 128, combineDistance: 2, thirdImage: 'mask' } },
  EnsembleNeuronTracerV2n: { export: 'EnsembleNeuronTracer', params: { binarization: 'niblack', contrastStretch: true, contrastPercent: 50, niblackK: 0.2, sauvolaK: 0.5, sauvolaR: 128, combineDistance: 2, thirdImage: 'mask' } },
  EnsembleNeuronTracerV2s: { export: 'EnsembleNeuronTracer', params: { binarization: 'sauvola', contrastStretch: true, contrastPercent: 50, niblackK: 0.2, sauvolaK: 0.5, sauvolaR: 128, combineDistance: 2, thirdImage: 'mask' } },
};

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : def;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const dims: Vec3 = [256, 256, 128];
const runs = Number(arg('runs', '1'));
const cases: Record<string, () => Uint8Array> = {
  neuron: () => neuronVolume(dims, 1).data,
  solid: () => new Uint8Array(dims[0] * dims[1] * dims[2]).fill(150),
};

async function main(): Promise<void> {
  const rows: string[][] = [];
  for (const name of arg('cases', 'neuron,solid').split(',')) {
    const make = cases[name];
    if (!make) throw new Error(`--cases: unknown case '${name}' (use ${Object.keys(cases).join(', ')})`);
    const data = make();
    for (const variant of arg('variants', Object.keys(params).join(',')).split(',')) {
      const p = params[variant];
      if (!p) throw new Error(`--variants: unknown variant '${variant}'`);
      const tracer = nativeTracerAdapter(nativeTracer('neurotrace_native', p.export), variant);
      const times: number[] = [];
      let nodes = 0;
      for (let r = 0; r < runs; r++) {
        const t0 = performance.now();
        const res = await tracer.trace({
          volume: { data, dims, spacing: [1, 1, 1] }, params: p.params, seeds: [],
          signal: new AbortController().signal, progress: () => {}, scratchDir: '',
        });
        times.push((performance.now() - t0) / 1000);
        nodes = res.tree.nodes.length;
      }
      rows.push([name, variant, median(times).toFixed(1), String(nodes)]);
      process.stderr.write(`done ${rows[rows.length - 1].join(' ')}\n`);
    }
  }
  const head = ['image (256x256x128)', 'variant', 'median s', 'nodes'];
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const r of [head, ...rows]) console.log(r.map((c, i) => c.padEnd(width[i])).join('  '));
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
