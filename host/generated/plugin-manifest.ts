/* Generated from schemas/plugin-manifest.schema.json by scripts/gen-types.mjs. Do not edit. */

/**
 * plugins/<id>/plugin.json: everything the host needs to list, validate and run a tracer plugin without loading its code.
 */
export interface PluginManifest {
  $schema?: string;
  manifestVersion: 1;
  /**
   * Plugin id, unique among installed plugins.
   */
  id: string;
  name: string;
  /**
   * Semantic version of the plugin.
   */
  version: string;
  /**
   * What the method does, and which quirks of the original are kept or fixed.
   */
  description?: string;
  engines: {
    /**
     * semver range of host versions this plugin supports.
     */
    neurotrace: string;
  };
  runtime: TypeScriptRuntime | NativeRuntime | CommandRuntime | HostRuntime;
  citation: string;
  homepage?: string;
  /**
   * JSON Schema (an object schema) for the tracer's parameters, with defaults.
   */
  parameters: {
    type: 'object';
    properties: {
      [k: string]: {
        [k: string]: unknown;
      };
    };
    [k: string]: unknown;
  };
  /**
   * @minItems 1
   */
  variants: [VariantPreset, ...VariantPreset[]];
  capabilities: {
    /**
     * @minItems 1
     */
    dtypes: ['uint8' | 'uint16' | 'float32', ...('uint8' | 'uint16' | 'float32')[]];
    seeds: 'none' | 'optional' | 'required';
  };
  resources: {
    timeoutSec: number;
    memoryMiB: number;
  };
}
export interface TypeScriptRuntime {
  kind: 'typescript';
  /**
   * Module path relative to the manifest (index.ts or index.js); it exports createTracer().
   */
  entry: string;
}
export interface NativeRuntime {
  kind: 'native';
  /**
   * 'neurotrace_native' for the built-in addon, or a .node path relative to the manifest.
   */
  addon: string;
  /**
   * Name of the tracer function the addon exports.
   */
  export: string;
}
export interface CommandRuntime {
  kind: 'command';
  /**
   * argv template; placeholders {image} {output} {seed} {scratch} {param:NAME}.
   *
   * @minItems 1
   */
  command: [string, ...string[]];
  imageFormat?: 'tif' | 'v3draw';
}
export interface HostRuntime {
  kind: 'host';
  /**
   * A variant computed by the host itself from other variants' outputs (Consensus).
   */
  service: string;
}
export interface VariantPreset {
  /**
   * The BigNeuron label, e.g. app2new1.
   */
  id: string;
  description?: string;
  /**
   * Parameter preset (the bench values).
   */
  params: {
    [k: string]: unknown;
  };
  /**
   * The original Vaa3D bench command line this preset reproduces.
   */
  benchCommand?: string;
}
