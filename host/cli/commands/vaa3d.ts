import type { Command } from 'commander';
import type { CommandModule } from './index.js';
import { cliContainer, cliRegistry } from '../context.js';
import { formatTable } from '../format.js';
import { UsageError } from '../../core/errors.js';
import { readMarkers } from '../../io/marker.js';
import { runVariant } from '../../runtime/run-variant.js';
import { Tokens, type ProgressFactory } from '../../container.js';
import { parseVaa3dArgs } from '../../plugin-dev/vaa3d-args.js';
import {
  defaultVaa3dOutput, describePosition, findVaa3dFunction, functionsOf, mapVaa3dCall, resolveVaa3dPluginName, usageOf,
} from '../../plugin-dev/vaa3d-map.js';

const USAGE = 'usage: neurotrace vaa3d -x <plugin> -f <function> -i <image> [-o <out.swc>] [-p <values...> | -pf <file>] [--json] [--quiet]';

function help(x: string | undefined): void {
  const out = [USAGE, '',
    'Runs a Vaa3D/BigNeuron bench command line through the variant its manifest maps it to, exactly as',
    "'neurotrace run' would. Positional -p values follow the plugin's original order; NULL means no marker file.", ''];
  const registry = cliRegistry({ quiet: true });
  if (x) {
    const name = resolveVaa3dPluginName(registry, x);
    for (const t of functionsOf(registry, name)) {
      out.push(`${usageOf(t)}    (variant ${t.fn.variant}, plugin ${t.plugin.manifest.id})`);
      if (t.fn.description) out.push(`  ${t.fn.description}`);
      (t.fn.args ?? []).forEach((a, i) => out.push(`  ${String(i + 1).padStart(2)}. ${a.label}: ${describePosition(t, a)}`));
      out.push('');
    }
  } else {
    const rows = registry.listPlugins().flatMap((p) => (p.manifest.vaa3d?.functions ?? [])
      .map((fn) => [p.manifest.vaa3d!.plugins.join('|'), fn.name, fn.variant, p.manifest.id]));
    out.push(rows.length ? formatTable(['-x', '-f', 'variant', 'plugin'], rows).trimEnd() : '(no registered plugin declares a vaa3d mapping)');
    out.push('', "'neurotrace vaa3d -x <plugin> -h' lists a plugin's functions and -p positions.");
  }
  process.stdout.write(out.join('\n') + '\n');
}

async function vaa3dAction(argv: string[]): Promise<void> {
  const cl = parseVaa3dArgs(argv);
  if (cl.help || argv.length === 0) { help(cl.plugin); return; }
  if (!cl.plugin) throw new UsageError('vaa3d: -x <plugin> is required');
  if (!cl.func) throw new UsageError(`vaa3d: -f <function> is required (see 'neurotrace vaa3d -x ${cl.plugin} -h')`);
  if (cl.inputs.length !== 1) throw new UsageError(`vaa3d: -i takes exactly one image for a tracer, got ${cl.inputs.length}`);
  if (cl.outputs.length > 1) throw new UsageError(`vaa3d: -o takes one output SWC, got ${cl.outputs.length}`);
  const registry = cliRegistry();
  const target = findVaa3dFunction(registry, cl.plugin, cl.func);
  const mapped = mapVaa3dCall(registry, target, cl.params);
  const image = cl.inputs[0];
  const seeds = mapped.markerFile ? await readMarkers(mapped.markerFile) : [];
  for (const n of mapped.notes) process.stderr.write(`note: ${n}\n`);
  const ac = new AbortController();
  const onSigint = () => ac.abort();
  process.once('SIGINT', onSigint);
  const bar = cl.quiet || cl.json ? undefined : cliContainer().resolve<ProgressFactory>(Tokens.Progress)(mapped.variantId);
  try {
    const out = await runVariant(registry, {
      variantId: mapped.variantId, imagePath: image, outputPath: cl.outputs[0] ?? defaultVaa3dOutput(target.fn, image),
      seeds, channel: mapped.channel, overrides: mapped.overrides, signal: ac.signal,
      progress: (f, note) => bar?.update(f, note),
    });
    bar?.stop();
    const roots = out.tree.nodes.filter((n) => n.parent < 0).length;
    if (cl.json) {
      process.stdout.write(JSON.stringify({ variant: out.variant, plugin: out.plugin, output: out.outputPath, nodes: out.tree.nodes.length,
        roots, wallSeconds: out.wallSeconds, params: out.params, meta: out.meta, channel: mapped.channel, seeds: seeds.length }, null, 2) + '\n');
    } else {
      process.stdout.write(`${out.variant}: ${out.tree.nodes.length} nodes, ${roots} root${roots === 1 ? '' : 's'}, ${out.wallSeconds.toFixed(2)} s -> ${out.outputPath}\n`);
    }
  } finally {
    bar?.stop();
    process.off('SIGINT', onSigint);
  }
}

export const vaa3dCommand: CommandModule = {
  register(program: Command) {
    program.command('vaa3d')
      .description('run a Vaa3D/BigNeuron bench command line (-x <plugin> -f <func> -i <image> [-o <swc>] -p ...) through the mapped variant')
      .usage('-x <plugin> -f <function> -i <image> [-o <out.swc>] [-p <values...>]')
      // Vaa3D's own grammar (-pf, -h with -x, values up to the next '-') is parsed by parseVaa3dArgs.
      .helpOption(false)
      .allowUnknownOption()
      .allowExcessArguments()
      .argument('[args...]')
      .action((args: string[]) => vaa3dAction(args));
  },
};
