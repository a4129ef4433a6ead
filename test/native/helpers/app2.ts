/**
 * Test helpers for the native APP2 tracer: full parameter objects built the way the host builds
 * them (schema defaults, then the variant preset, then overrides, validated against the
 * manifest's parameter schema), and a one-call trace through the native adapter.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { packageRoot } from '../../../host/core/paths.js';
import type { Vec3, VoxelArray } from '../../../host/core/volume.js';
import { loadAddon, nativeTracer } from '../../../host/runtime/native-addon.js';
import { nativeTracerAdapter } from '../../../host/runtime/native-runner.js';
import type { TraceResult } from '../../../host/runtime/tracer.js';
import type { SwcNode } from '../../../host/morph/tree.js';

interface Manifest {
  parameters: { properties: Record<string, { default?: unknown }> } & Record<string, unknown>;
  variants: { id: string; params: Record<string, unknown> }[];
}

export const manifestPath = join(packageRoot(), 'plugins', 'app2', 'plugin.json');
export const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
const validateParams = new Ajv2020({ strict: false, allErrors: true }).compile(manifest.parameters);

export function app2Params(variant: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const p: Record<string, unknown> = {};
  for (const [k, s] of Object.entries(manifest.parameters.properties)) if (s.default !== undefined) p[k] = s.default;
  const v = manifest.variants.find((x) => x.id === variant);
  if (!v) throw new Error(`no variant ${variant} in ${manifestPath}`);
  const merged = { ...p, ...v.params, ...overrides };
  if (!validateParams(merged)) throw new Error(`invalid app2 params: ${JSON.stringify(validateParams.errors)}`);
  return merged;
}

/** The built addon, for the synchronous _test* kernel hooks. */
export function addon(): Record<string, (...args: unknown[]) => unknown> {
  return loadAddon('neurotrace_native') as unknown as Record<string, (...args: unknown[]) => unknown>;
}

export interface TraceOptions {
  seeds?: Vec3[];
  signal?: AbortSignal;
  progress?: (fraction: number, note?: string) => void;
}

export async function traceApp2(data: VoxelArray, dims: Vec3, params: Record<string, unknown>, opts: TraceOptions = {}): Promise<TraceResult> {
  const tracer = nativeTracerAdapter(nativeTracer('neurotrace_native', 'app2'), 'app2');
  const scratchDir = mkdtempSync(join(tmpdir(), 'nt-app2-test-'));
  try {
    return await tracer.trace({
      volume: { data, dims, spacing: [1, 1, 1] },
      params,
      seeds: opts.seeds ?? [],
      signal: opts.signal ?? new AbortController().signal,
      progress: opts.progress ?? (() => {}),
      scratchDir,
    });
  } finally {
    rmSync(scratchDir, { recursive: true, force: true });
  }
}

export function childCounts(nodes: SwcNode[]): Map<number, number> {
  const m = new Map<number, number>();
  for (const n of nodes) if (n.parent >= 0) m.set(n.parent, (m.get(n.parent) ?? 0) + 1);
  return m;
}

// Kept under the names the APP2 tests have always imported.
export { cableLength as pathLength, roots } from '../../helpers/tree-measures.js';
