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
  vaa3d?: Vaa3DMapping;
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
   * argv template, one element per argument (never passed through a shell). Placeholders: {image} input image in imageFormat, {output} SWC to write, {seed} first seed 'x,y,z' (0-based voxels; empty without seeds), {marker} a Vaa3D .marker file of all seeds (1-based; 'NULL' without seeds), {params} a JSON file of all parameters, {param:NAME} one parameter's value, {scratch} the job's private folder, {plugin} the plugin folder. A leading './' or '../' is relative to the plugin folder.
   *
   * @minItems 1
   */
  command: [string, ...string[]];
  /**
   * File format the host writes the input image in: 'tif' (ImageJ-compatible TIFF stack) or 'v3draw' (Vaa3D raw, 43-byte header, little-endian).
   */
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
/**
 * How 'neurotrace vaa3d -x <plugin> -f <func> -i <img> [-o <swc>] -p ...' maps a BigNeuron bench command line onto this plugin's variants, so existing scripts run unchanged.
 */
export interface Vaa3DMapping {
  /**
   * Names -x accepts (Vaa3D plugin or library names, e.g. vn2). Like Vaa3D, -x also matches a unique substring of one of them.
   *
   * @minItems 1
   */
  plugins: [string, ...string[]];
  /**
   * @minItems 1
   */
  functions: [Vaa3DFunction, ...Vaa3DFunction[]];
}
export interface Vaa3DFunction {
  /**
   * The -f function name (exact match).
   */
  name: string;
  /**
   * Only under this -x name (one of 'plugins'), for manifests whose -x names select different variants with the same -f (e.g. EnsembleNeuronTracerBasic / V2n / V2s, all 'tracing_func').
   */
  plugin?: string;
  /**
   * Variant whose runtime runs this function. The parameters are the schema defaults, then 'fixed', then the -p values; when they equal another variant's preset exactly, that variant is reported instead (so '-p NULL 0 AUTO 1 1 1 1 5 0 0 0' runs as app2new1).
   */
  variant: string;
  description?: string;
  /**
   * The positional -p values, in order. Missing trailing values keep the defaults; more values than listed are refused.
   */
  args?: Vaa3DArgument[];
  /**
   * How many -p values are required (Advantra, for example, refuses anything but all 8).
   */
  minArgs?: number;
  /**
   * Parameters this function always sets (values the original could not change from the command line, when they differ from the schema defaults).
   */
  fixed?: {
    [k: string]: unknown;
  };
  /**
   * Output SWC when -o is absent: a path template where {image} is the -i path as given (e.g. '{image}_app2.swc'). Default: <image>.<variant>.swc.
   */
  output?: string;
}
export interface Vaa3DArgument {
  /**
   * The name Vaa3D's help text gives this position (e.g. bkg_thresh); error messages use it.
   */
  label: string;
  /**
   * What the value is: 'param' sets the parameter named by 'param'; 'marker' is a .marker file whose points become the seeds ('NULL' or an empty value: no seeds); 'channel' selects the channel to trace; 'ignored' is accepted and dropped (a value the original plugin never read).
   */
  role?: 'param' | 'marker' | 'channel' | 'ignored';
  /**
   * For role 'param': the parameter this value sets.
   */
  param?: string;
  /**
   * For role 'param': how the text is converted. 'bool' takes 0/1 (any integer: non-zero is true, as Vaa3D's atoi test) or true/false. Default: from the parameter's schema.
   */
  type?: 'integer' | 'number' | 'bool' | 'string';
  /**
   * Words passed through unchanged instead of being converted, e.g. ["AUTO"].
   */
  literals?: string[];
  /**
   * For role 'channel': 0 if the plugin counts channels from 0 (APP2), 1 if from 1 (most others).
   */
  channelBase?: 0 | 1;
}
