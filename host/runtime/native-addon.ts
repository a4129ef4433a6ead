import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { packageRoot } from '../core/paths.js';
import { NeurotraceError } from '../core/errors.js';

/** The shape every native tracer export has (see native/core/trace_worker.h). */
export type NativeTracerFn = (
  volume: { data: Uint8Array | Uint16Array | Float32Array; dims: number[]; spacing: number[] },
  params: Record<string, unknown>,
  seeds: Float64Array,
  control: { cancel: Int32Array; progress?: (fraction: number, note: string) => void },
) => Promise<NativeTreeArrays>;

export interface NativeTreeArrays {
  x: Float64Array; y: Float64Array; z: Float64Array; radius: Float64Array;
  type: Int32Array; parent: Int32Array;
  meta: Record<string, number>;
}

export type NativeAddon = Record<string, unknown>;

const require = createRequire(import.meta.url);
const cache = new Map<string, NativeAddon>();

/** Loads the built-in addon ('neurotrace_native') or a plugin's own .node file (path relative to its folder). */
export function loadAddon(addon: string, pluginDir?: string): NativeAddon {
  const file = addon === 'neurotrace_native'
    ? join(packageRoot(), 'build', 'Release', 'neurotrace_native.node')
    : isAbsolute(addon) ? addon : resolve(pluginDir ?? process.cwd(), addon);
  const hit = cache.get(file);
  if (hit) return hit;
  if (!existsSync(file)) {
    throw new NeurotraceError(addon === 'neurotrace_native'
      ? `${file}: native addon not built; run 'npm install' (or 'npx node-gyp rebuild') in ${packageRoot()}`
      : `${file}: native addon not found`);
  }
  let mod: NativeAddon;
  try {
    mod = require(file) as NativeAddon;
  } catch (e) {
    throw new NeurotraceError(`${file}: cannot load native addon: ${(e as Error).message.split('\n')[0]}`, 1, { cause: e });
  }
  cache.set(file, mod);
  return mod;
}

export function nativeTracer(addon: string, exportName: string, pluginDir?: string): NativeTracerFn {
  const mod = loadAddon(addon, pluginDir);
  const fn = mod[exportName];
  if (typeof fn !== 'function') throw new NeurotraceError(`native addon '${addon}' has no export '${exportName}'`);
  return fn as NativeTracerFn;
}
