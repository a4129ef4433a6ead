import type { Command } from 'commander';
import type { CommandModule } from './index.js';
import { cliContainer, cliRegistry } from '../context.js';
import { collect, parseKeyValues, parseNonNegativeInt, parsePoint } from '../parse-args.js';
import { coerceParam } from '../../registry/params.js';
import { runVariant } from '../../runtime/run-variant.js';
import { readMarkers } from '../../io/marker.js';
import { Tokens, type ProgressFactory } from '../../container.js';
import type { Vec3 } from '../../core/volume.js';

interface RunOpts { output?: string; seed?: string[]; marker?: string; channel: string; param?: string[]; json?: boolean; quiet?: boolean }

async function runAction(variant: string, image: string, opts: RunOpts): Promise<void> {
  const registry = cliRegistry();
  const ref = registry.getVariant(variant);
  const raw = parseKeyValues(opts.param ?? []);
  const overrides = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, coerceParam(ref, k, v)]));
  const seeds: Vec3[] = (opts.seed ?? []).map((s) => parsePoint(s));
  if (opts.marker) seeds.push(...await readMarkers(opts.marker));
  const ac = new AbortController();
  const onSigint = () => ac.abort();
  process.once('SIGINT', onSigint);
  const bar = opts.quiet ? undefined : cliContainer().resolve<ProgressFactory>(Tokens.Progress)(ref.id);
  try {
    const out = await runVariant(registry, {
      variantId: ref.id, imagePath: image, outputPath: opts.output, seeds,
      channel: parseNonNegativeInt(opts.channel, '--channel'), overrides, signal: ac.signal,
      progress: (f, note) => bar?.update(f, note),
    });
    bar?.stop();
    const roots = out.tree.nodes.filter((n) => n.parent < 0).length;
    if (opts.json) {
      process.stdout.write(JSON.stringify({ variant: out.variant, plugin: out.plugin, output: out.outputPath, nodes: out.tree.nodes.length,
        roots, wallSeconds: out.wallSeconds, params: out.params, meta: out.meta, imageSha256: out.imageSha256, conversion: out.conversion }, null, 2) + '\n');
    } else {
      process.stdout.write(`${out.variant}: ${out.tree.nodes.length} nodes, ${roots} root${roots === 1 ? '' : 's'}, ${out.wallSeconds.toFixed(2)} s -> ${out.outputPath}\n`);
    }
  } finally {
    bar?.stop();
    process.off('SIGINT', onSigint);
  }
}

export const runCommand: CommandModule = {
  register(program: Command) {
    program.command('run <variant> <image>')
      .description('trace one image with one variant and write an SWC (0-based voxel coordinates) with its provenance')
      .option('-o, --output <file>', 'output SWC (default <image>.<variant>.swc)')
      .option('--seed <x,y,z>', 'seed / root point, 0-based voxels (repeatable; first = root)', collect)
      .option('--marker <file>', 'Vaa3D .marker file with seeds (1-based, as Vaa3D writes them)')
      .option('--channel <c>', 'channel to trace, 0-based', '0')
      .option('--param <name=value>', 'override a parameter (repeatable); see plugins info <id>', collect)
      .option('--json', 'print a JSON summary')
      .option('--quiet', 'no progress output')
      .action(runAction);
  },
};
