/**
 * Shared by the ENT and EnsembleNeuronTracer tests: running a variant the way the host does
 * (registry, resolved parameters, loaded tracer, private scratch folder), the addon's _test hooks,
 * and tree measurements.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import { packageRoot } from '../../host/core/paths.js';
import type { Vec3, VoxelArray } from '../../host/core/volume.js';
import type { SwcNode, Tree } from '../../host/morph/tree.js';
import { PluginRegistry } from '../../host/registry/registry.js';
import { resolveParams } from '../../host/registry/params.js';
import { loadTracer } from '../../host/runtime/load-tracer.js';
import type { TraceResult } from '../../host/runtime/tracer.js';

export const registry = new PluginRegistry('0.1.0', [{ dir: join(packageRoot(), 'plugins'), source: 'builtin' }]);

const scratchRoot = mkdtempSync(join(tmpdir(), 'nt-ent-'));
afterAll(() => rmSync(scratchRoot, { recursive: true, force: true }));

export interface TraceOptions {
  overrides?: Record<string, unknown>;
  seeds?: Vec3[];
  signal?: AbortSignal;
  progress?: (fraction: number, note?: string) => void;
}

export async function traceVariant(variant: string, data: VoxelArray, dims: Vec3, opts: TraceOptions = {}): Promise<TraceResult> {
  const ref = registry.getVariant(variant);
  const params = resolveParams(ref, opts.overrides ?? {});
  const tracer = await loadTracer(ref.plugin);
  const scratchDir = mkdtempSync(join(scratchRoot, 'job-'));
  const result = await tracer.trace({
    volume: { data, dims, spacing: [1, 1, 1] }, params, seeds: opts.seeds ?? [],
    signal: opts.signal ?? new AbortController().signal, progress: opts.progress ?? (() => {}), scratchDir,
  });
  expect(readdirSync(scratchDir)).toEqual([]);  // nothing written, let alone outside the scratch folder
  return result;
}

type Hook = (...args: unknown[]) => unknown;
/** The built addon, for the synchronous _test* hooks. */
export function hooks(): Record<string, Hook> {
  const require = createRequire(import.meta.url);
  return require(join(packageRoot(), 'build', 'Release', 'neurotrace_native.node')) as Record<string, Hook>;
}

export const index3 = (dims: Vec3, x: number, y: number, z: number): number => (z * dims[1] + y) * dims[0] + x;

/** Every voxel within r of segment a-b set to `value` (a flat tube, as the cards' tests use). */
export function flatTube(data: VoxelArray, dims: Vec3, a: Vec3, b: Vec3, r: number, value: number): void {
  const d = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
  const len2 = d[0] ** 2 + d[1] ** 2 + d[2] ** 2;
  for (let z = 0; z < dims[2]; z++)
    for (let y = 0; y < dims[1]; y++)
      for (let x = 0; x < dims[0]; x++) {
        const t = len2 > 0 ? Math.max(0, Math.min(1, ((x - a[0]) * d[0] + (y - a[1]) * d[1] + (z - a[2]) * d[2]) / len2)) : 0;
        const q = [a[0] + t * d[0] - x, a[1] + t * d[1] - y, a[2] + t * d[2] - z];
        if (q[0] ** 2 + q[1] ** 2 + q[2] ** 2 <= r * r) data[index3(dims, x, y, z)] = value;
      }
}

export function roots(t: Tree): SwcNode[] {
  return t.nodes.filter((n) => n.parent === -1);
}

/** Nodes with three or more neighbours (bifurcations, wherever the root sits). */
export function branchNodes(t: Tree): SwcNode[] {
  const deg = new Map<number, number>();
  for (const n of t.nodes) {
    if (n.parent === -1) continue;
    deg.set(n.id, (deg.get(n.id) ?? 0) + 1);
    deg.set(n.parent, (deg.get(n.parent) ?? 0) + 1);
  }
  return t.nodes.filter((n) => (deg.get(n.id) ?? 0) >= 3);
}

export function pathLength(t: Tree): number {
  const byId = new Map(t.nodes.map((n) => [n.id, n]));
  let len = 0;
  for (const n of t.nodes) {
    const p = byId.get(n.parent);
    if (p) len += Math.hypot(n.x - p.x, n.y - p.y, n.z - p.z);
  }
  return len;
}

/** Every parent id exists and following parents always ends at a root. */
export function expectValidForest(t: Tree): void {
  const byId = new Map(t.nodes.map((n) => [n.id, n]));
  for (const n of t.nodes) {
    if (n.parent !== -1) expect(byId.has(n.parent)).toBe(true);
    let cur: SwcNode | undefined = n;
    for (let steps = 0; cur && cur.parent !== -1; steps++) {
      expect(steps).toBeLessThan(t.nodes.length);
      cur = byId.get(cur.parent);
    }
  }
}
