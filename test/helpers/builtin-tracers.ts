/**
 * Running a built-in variant the way the host does: the registry over plugins/, the variant's
 * resolved parameters, the loaded tracer and a private scratch folder per run (all removed after
 * the test file). Images without spacing get unit voxels. Unless told otherwise it also checks
 * that the tracer left nothing behind.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import { packageRoot } from '../../host/core/paths.js';
import type { Vec3, VoxelArray } from '../../host/core/volume.js';
import { resolveParams } from '../../host/registry/params.js';
import { PluginRegistry } from '../../host/registry/registry.js';
import { loadTracer } from '../../host/runtime/load-tracer.js';
import type { TraceResult } from '../../host/runtime/tracer.js';

export const registry = new PluginRegistry('0.1.0', [{ dir: join(packageRoot(), 'plugins'), source: 'builtin' }]);

const scratchRoot = mkdtempSync(join(tmpdir(), 'nt-trace-'));
afterAll(() => rmSync(scratchRoot, { recursive: true, force: true }));

export interface TraceOptions {
  overrides?: Record<string, unknown>;
  seeds?: Vec3[];
  signal?: AbortSignal;
  progress?: (fraction: number, note?: string) => void;
  /** The tracer may write into its scratch folder (the test inspects it); otherwise it must stay empty. */
  allowScratchFiles?: boolean;
}

export async function traceBuiltin(variant: string, image: { data: VoxelArray; dims: Vec3; spacing?: Vec3 }, opts: TraceOptions = {}): Promise<TraceResult & { scratchDir: string }> {
  const ref = registry.getVariant(variant);
  const params = resolveParams(ref, opts.overrides ?? {});
  const tracer = await loadTracer(ref.plugin);
  const scratchDir = mkdtempSync(join(scratchRoot, 'job-'));
  const result = await tracer.trace({
    volume: { data: image.data, dims: image.dims, spacing: image.spacing ?? [1, 1, 1] }, params, seeds: opts.seeds ?? [],
    signal: opts.signal ?? new AbortController().signal, progress: opts.progress ?? (() => {}), scratchDir,
  });
  if (!opts.allowScratchFiles) expect(readdirSync(scratchDir)).toEqual([]);  // nothing written, let alone outside the scratch folder
  return { ...result, scratchDir };
}
