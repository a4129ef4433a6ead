import type { Command } from 'commander';
import type { CommandModule } from './index.js';
import { UsageError } from '../../core/errors.js';
import { readSwc } from '../../io/swc.js';
import { formatFeatureTable } from '../../metrics/format-table.js';
import { morphometrics } from '../../metrics/morphometrics.js';
import { parseSpacing, scaleTree } from '../../metrics/score.js';
import { sholl } from '../../metrics/sholl.js';

interface FeatureFlags {
  json?: boolean;
  spacing?: string;
  shollStep: string;
  shollCenter: string;
}

async function featuresAction(path: string, flags: FeatureFlags): Promise<void> {
  const spacing = flags.spacing !== undefined ? parseSpacing(flags.spacing) : undefined;
  const step = Number(flags.shollStep);
  if (!(step > 0) || !Number.isFinite(step)) throw new UsageError(`--sholl-step must be a positive number (got "${flags.shollStep}")`);
  if (flags.shollCenter !== 'root' && flags.shollCenter !== 'mean') {
    throw new UsageError(`--sholl-center must be root or mean (got "${flags.shollCenter}")`);
  }
  let tree = await readSwc(path);
  if (spacing) tree = scaleTree(tree, spacing);
  const features = morphometrics(tree, path);
  const profile = sholl(tree, { step, center: flags.shollCenter }, path);
  const units = spacing ? 'µm' : 'voxels';
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ file: path, units: spacing ? 'micron' : 'voxel', spacing: spacing ?? [1, 1, 1], features, sholl: profile }, null, 2)}\n`);
  } else {
    process.stdout.write(`${formatFeatureTable(path, features, units, profile)}\n`);
  }
}

export const featuresCommand: CommandModule = {
  register(program: Command) {
    program.command('features <tree.swc>')
      .description('global morphometrics (the BlastNeuron features BigNeuron used) and a Sholl profile')
      .option('--json', 'machine-readable output')
      .option('--spacing <x,y,z>', 'voxel size; report lengths in microns')
      .option('--sholl-step <r>', 'Sholl radius step (output units)', '10')
      .option('--sholl-center <where>', 'Sholl centre: root (soma) or mean (BigNeuron web app)', 'root')
      .action(featuresAction);
  },
};
