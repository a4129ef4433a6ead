/**
 * Consensus speed: N synthetic "tracer outputs" of one neuron, each about M nodes: the shared
 * tree jittered by up to 1 voxel, with some of its terminal branches missing and a few
 * spurious branches of its own (as real tracers disagree). Prints the median wall time of the
 * whole consensus and of median_swc, and what the consensus kept. Goal: 30 × 5 000 nodes in a
 * few seconds.
 * Run: npx tsc -p . && npm run bench:consensus [-- --runs 3 --trees 30 --nodes 5000]
 */
import { performance } from 'node:perf_hooks';
import { consensus, type ConsensusInput } from '../host/consensus/consensus.js';
import { medianSwc } from '../host/consensus/median.js';
import { jitterTree, mulberry32, randomTree } from '../host/metrics/random-tree.js';
import { neuronDistance } from '../host/metrics/neuron-distance.js';
import type { SwcNode, Tree } from '../host/morph/tree.js';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? Number(process.argv[i + 1]) : def;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The shared tree minus ~10 % of its nodes (whole subtrees cut at random) plus spurious walks. */
function tracerLike(base: Tree, seed: number): Tree {
  const rnd = mulberry32(seed);
  const noisy = jitterTree(base, 1, seed);
  const children = new Map<number, number[]>();
  for (const n of noisy.nodes) if (n.parent >= 0) (children.get(n.parent) ?? children.set(n.parent, []).get(n.parent)!).push(n.id);
  const cut = new Set<number>();
  const budget = 0.1 * noisy.nodes.length;
  for (let tries = 0; cut.size < budget && tries < 50; tries++) {
    const start = noisy.nodes[1 + Math.floor(rnd() * (noisy.nodes.length - 1))].id;
    const stack = [start], sub: number[] = [];
    while (stack.length) { const v = stack.pop()!; sub.push(v); stack.push(...(children.get(v) ?? [])); }
    if (cut.size + sub.length <= budget * 1.5) for (const v of sub) cut.add(v);
  }
  const nodes: SwcNode[] = noisy.nodes.filter((n) => !cut.has(n.id));
  let id = Math.max(...base.nodes.map((n) => n.id));
  for (let s = 0; s < 5; s++) {
    const from = nodes[Math.floor(rnd() * nodes.length)];
    let parent = from, dx = rnd() - 0.5, dy = rnd() - 0.5;
    for (let k = 0; k < 40; k++) {
      dx += (rnd() - 0.5) * 0.3; dy += (rnd() - 0.5) * 0.3;
      const l = Math.hypot(dx, dy) || 1;
      const n: SwcNode = { id: ++id, type: 3, x: parent.x + (1.5 * dx) / l, y: parent.y + (1.5 * dy) / l, z: parent.z, radius: 1, parent: parent.id };
      nodes.push(n);
      parent = n;
    }
  }
  return { nodes, comments: [] };
}

const runs = arg('runs', 3), trees = arg('trees', 30), size = arg('nodes', 5000);
// ~10 % of each copy is cut, so the shared tree is a little larger than the wanted input size.
const base = randomTree({ nodes: Math.round(size / 0.92), seed: 7 });
const inputs: ConsensusInput[] = Array.from({ length: trees }, (_, i) => ({ name: `tracer${String(i).padStart(2, '0')}`, tree: tracerLike(base, 100 + i) }));
const meanNodes = inputs.reduce((s, t) => s + t.tree.nodes.length, 0) / trees;
console.log(`consensus of ${trees} trees of ~${Math.round(meanNodes)} nodes (the same neuron, jittered ±1, ~10 % cut, 5 spurious branches each); ${runs} runs`);

/** Wall and CPU seconds of f (CPU time is less sensitive to other load on a shared machine). */
function timed<T>(f: () => T): { value: T; wall: number; cpu: number } {
  const c0 = process.cpuUsage(), t0 = performance.now();
  const value = f();
  const c = process.cpuUsage(c0);
  return { value, wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
}

const fmt = (xs: number[]) => `median ${median(xs).toFixed(2)} s [${xs.map((t) => t.toFixed(2)).join(', ')}]`;
const wall: number[] = [], cpu: number[] = [];
let last;
for (let r = 0; r < runs; r++) {
  const t = timed(() => consensus(inputs));
  last = t.value;
  wall.push(t.wall); cpu.push(t.cpu);
}
const rep = last!.report;
console.log(`consensus (V ${rep.voteThreshold}, D ${rep.clusterDistance}): wall ${fmt(wall)}; cpu ${fmt(cpu)}`);
console.log(`  ${rep.used.length} voters, ${rep.iterations} match-and-center iterations, ${rep.consensusNodes} consensus nodes, ${rep.trimmedNodes} trimmed, ${rep.removedPieces} pieces removed, ${rep.nodes} in the result`);
const dGold = neuronDistance(base, last!.tree);
const dInput = neuronDistance(base, inputs[0].tree);
if (dGold.computable && dInput.computable) {
  console.log(`  against the shared tree: consensus ESA ${dGold.esa.toFixed(3)} PDS ${dGold.pds.toFixed(3)}; one input ESA ${dInput.esa.toFixed(3)} PDS ${dInput.pds.toFixed(3)}`);
}

const mw: number[] = [], mc: number[] = [];
let med;
for (let r = 0; r < runs; r++) {
  const t = timed(() => medianSwc(inputs));
  med = t.value;
  mw.push(t.wall); mc.push(t.cpu);
}
console.log(`median_swc: wall ${fmt(mw)}; cpu ${fmt(mc)}; median tree ${med!.name}`);
