// meanshift speed on 256×256×128 uint8 volumes (goal: every cell well under 10 minutes):
//   clean  - a synthetic neuron (soma, branching tubes) on background noise 0..8, below the
//            noise test's threshold of 10
//   noisy  - the same neuron on background noise 0..20: ~0.9 M voxels pass the noise test
//   random - uniform 0..255 in every voxel: all 8.4 M voxels pass, the worst case for the
//            mean-shift stage (the bench's 10^6-signal-voxel guard, eight times over)
// Prints the median wall time of N runs per cell and the stage times; never asserts on timing.
//   npx tsc -p . && node dist/bench/meanshift.bench.js [--runs N] [--images clean,noisy,random] [--variants meanshift,meanshift-fixed]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { packageRoot } from '../host/core/paths.js';
import type { Vec3 } from '../host/core/volume.js';
import { PluginRegistry } from '../host/registry/registry.js';
import { resolveParams } from '../host/registry/params.js';
import { loadTracer } from '../host/runtime/load-tracer.js';
import { neuronVolume, rng } from './lib/synthetic.js';

const DIMS: Vec3 = [256, 256, 128];

function image(kind: string): Uint8Array {
  if (kind === 'clean') return neuronVolume(DIMS, 3).data;
  if (kind === 'noisy') return neuronVolume(DIMS, 3, { noise: 20 }).data;
  if (kind === 'random') {
    const rand = rng(9);
    const data = new Uint8Array(DIMS[0] * DIMS[1] * DIMS[2]);
    for (let i = 0; i < data.length; i++) data[i] = Math.floor(rand() * 256);
    return data;
  }
  throw new Error(`unknown image '${kind}' (clean, noisy or random)`);
}

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

async function main(): Promise<void> {
  const runs = Number(option('runs', '1'));
  const images = option('images', 'clean,noisy,random').split(',');
  const variants = option('variants', 'meanshift,meanshift-fixed').split(',');
  const registry = new PluginRegistry('0.1.0', [{ dir: join(packageRoot(), 'plugins'), source: 'builtin' }]);
  const scratch = mkdtempSync(join(tmpdir(), 'nt-meanshift-bench-'));
  try {
    for (const kind of images) {
      const data = image(kind);
      for (const variant of variants) {
        const ref = registry.getVariant(variant);
        const tracer = await loadTracer(ref.plugin);
        const params = resolveParams(ref, {});
        const times: number[] = [];
        let summary = '';
        for (let r = 0; r < runs; r++) {
          const t0 = performance.now();
          const out = await tracer.trace({
            volume: { data, dims: DIMS, spacing: [1, 1, 1] }, params, seeds: [], signal: new AbortController().signal,
            progress: () => {}, scratchDir: scratch,
          });
          times.push((performance.now() - t0) / 1000);
          const m = out.meta ?? {};
          const s = (k: string) => (Number(m[k]) / 1000).toFixed(1);
          summary = `signal ${m.signalVoxels}, modes ${m.modes} -> ${m.modesMerged}, walk nodes ${m.pathNodes}, walks ${m.walks}, ` +
            `nodes ${out.tree.nodes.length}; stages (s): modes ${s('msModes')}, merge+thin ${s('msNodes')}, ` +
            `walks+tree ${s('msConnect')}, happ ${s('msPrune')}`;
        }
        times.sort((a, b) => a - b);
        console.log(`${variant} ${kind} ${DIMS.join('x')}: median ${times[Math.floor(times.length / 2)].toFixed(1)} s over ${runs} run(s); ${summary}`);
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
