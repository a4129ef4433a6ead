import type { Command } from 'commander';
import type { CommandModule } from './index.js';
import { UsageError } from '../../core/errors.js';
import { readSwc } from '../../io/swc.js';
import { formatScoreTable } from '../../metrics/format-table.js';
import { METRIC_FAMILIES, parseMetricList, parseSpacing, scorePair } from '../../metrics/score.js';

interface ScoreFlags {
  metric: string;
  json?: boolean;
  spacing?: string;
  dthres?: string;
  diademDataset?: string;
  diademXy?: string;
  diademZ?: string;
}

function nonNegative(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v < 0) throw new UsageError(`${flag} must be a number >= 0 (got "${text}")`);
  return v;
}

async function scoreAction(goldPath: string, testPath: string, flags: ScoreFlags): Promise<void> {
  const metrics = parseMetricList(flags.metric);
  const spacing = flags.spacing !== undefined ? parseSpacing(flags.spacing) : undefined;
  const dThres = nonNegative('--dthres', flags.dthres);
  const dataset = nonNegative('--diadem-dataset', flags.diademDataset);
  if (dataset !== undefined && (!Number.isInteger(dataset) || dataset > 5)) {
    throw new UsageError(`--diadem-dataset must be an integer from 0 to 5 (got "${flags.diademDataset}")`);
  }
  const [gold, test] = await Promise.all([readSwc(goldPath), readSwc(testPath)]);
  const rec = scorePair(gold, test, {
    metrics, spacing, dThres,
    diadem: { dataset, xyThreshold: nonNegative('--diadem-xy', flags.diademXy), zThreshold: nonNegative('--diadem-z', flags.diademZ) },
    goldName: goldPath, testName: testPath,
  });
  process.stdout.write(flags.json ? `${JSON.stringify(rec, null, 2)}\n` : `${formatScoreTable(rec)}\n`);
}

export const scoreCommand: CommandModule = {
  register(program: Command) {
    program.command('score <gold.swc> <test.swc>')
      .description('score a reconstruction against a gold standard: Vaa3D neuron_distance (ESA/DSA/PDS), DIADEM, node precision/recall/F1, length overlap, SSD')
      .option('--metric <list>', `all, or a comma list of ${METRIC_FAMILIES.join(', ')}`, 'all')
      .option('--json', 'print the score record as JSON (schemas/scores.schema.json)')
      .option('--spacing <x,y,z>', 'voxel size; scores in microns instead of voxels')
      .option('--dthres <d>', 'neuron_distance threshold for "different structure" (Vaa3D -p)', '2')
      .option('--diadem-dataset <n>', 'DIADEM data set preset 0-5 (0: defaults, as BigNeuron ran it)')
      .option('--diadem-xy <px>', 'DIADEM XY distance threshold (jar -x)')
      .option('--diadem-z <slices>', 'DIADEM Z distance threshold in slices (jar -z)')
      .action(scoreAction);
  },
};
