// Times neuron_distance (the BigNeuron headline metric) on gold/test pairs of 1k, 10k and 50k
// nodes and prints medians. Test trees are the gold jittered by up to 1 voxel plus an unrelated
// tree of a tenth of the size (spurious branches), so both near and far samples are exercised.
import { performance } from 'node:perf_hooks';
import { neuronDistance } from '../host/metrics/neuron-distance.js';
import { scorePair } from '../host/metrics/score.js';
import { jitterTree, randomTree } from '../host/metrics/random-tree.js';
import type { Tree } from '../host/morph/tree.js';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function pair(n: number): { gold: Tree; test: Tree } {
  const gold = randomTree({ nodes: n, seed: n });
  const jittered = jitterTree(gold, 1, n + 1);
  const extra = randomTree({ nodes: Math.max(2, Math.floor(n / 10)), seed: n + 2 });
  const offset = jittered.nodes.length;
  const test: Tree = {
    comments: [],
    nodes: [...jittered.nodes, ...extra.nodes.map((nd) => ({ ...nd, id: nd.id + offset, parent: nd.parent < 0 ? -1 : nd.parent + offset }))],
  };
  return { gold, test };
}

function time(runs: number, f: () => void): number[] {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    f();
    out.push(performance.now() - t0);
  }
  return out;
}

const sizes = [1_000, 10_000, 20_000, 50_000];
console.log('neuron_distance (Vaa3D float32 semantics, BVH), median of runs');
for (const n of sizes) {
  const { gold, test } = pair(n);
  const runs = n >= 50_000 ? 5 : 7;
  let samples = 0;
  const ms = time(runs, () => {
    const r = neuronDistance(gold, test);
    if (r.computable) samples = r.samples12 + r.samples21;
  });
  console.log(`  ${String(n).padStart(6)} nodes (${test.nodes.length} in test, ${samples} samples): median ${median(ms).toFixed(1)} ms  [${ms.map((v) => v.toFixed(0)).join(', ')}]`);
}

console.log('exhaustive definition (every segment for every sample), for comparison');
{
  const { gold, test } = pair(1_000);
  const ms = time(3, () => neuronDistance(gold, test, { exhaustive: true }));
  console.log(`    1000 nodes: median ${median(ms).toFixed(1)} ms`);
}

console.log('all metrics (score --metric all), median of 3 runs');
for (const n of [1_000, 10_000]) {
  const { gold, test } = pair(n);
  const ms = time(3, () => scorePair(gold, test));
  console.log(`  ${String(n).padStart(6)} nodes: median ${median(ms).toFixed(1)} ms`);
}
