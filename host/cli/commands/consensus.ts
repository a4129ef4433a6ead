import type { Command } from 'commander';
import { dirname, basename, join } from 'node:path';
import type { CommandModule } from './index.js';
import { UsageError } from '../../core/errors.js';
import { consensus } from '../../consensus/consensus.js';
import { collectTreeFiles, readTreeFiles } from '../../consensus/input-files.js';
import { medianSwc } from '../../consensus/median.js';
import { writeAno } from '../../io/ano.js';
import { writeSwc } from '../../io/swc.js';
import { writeTextFileAtomic } from '../../io/text-file.js';

interface ConsensusFlags {
  output: string;
  voteThreshold?: string;
  clusterDistance?: string;
  median?: boolean;
  keepOutliers?: boolean;
  fewInputs?: string;
  json?: boolean;
}

function integerAtLeast1(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (text.trim() === '' || !Number.isInteger(v) || v < 1) throw new UsageError(`${flag} must be a whole number >= 1 (got "${text}")`);
  return v;
}

function positiveNumber(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v <= 0) throw new UsageError(`${flag} must be a number > 0 (got "${text}")`);
  return v;
}

/** '<out-stem>_<suffix>' beside the output (out.eswc -> out_SelectedNeurons.ano). */
function sidePath(out: string, suffix: string): string {
  return join(dirname(out), `${basename(out).replace(/\.e?swc$/i, '')}_${suffix}`);
}

const csvField = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

async function consensusAction(inputs: string[], flags: ConsensusFlags): Promise<void> {
  const voteThreshold = integerAtLeast1('--vote-threshold', flags.voteThreshold);
  const clusterDistance = positiveNumber('--cluster-distance', flags.clusterDistance);
  if (flags.fewInputs !== undefined && flags.fewInputs !== 'lower' && flags.fewInputs !== 'fail') {
    throw new UsageError(`--few-inputs must be lower or fail (got "${flags.fewInputs}")`);
  }
  if (!/\.e?swc$/i.test(flags.output)) throw new UsageError(`-o ${flags.output}: the output must end in .eswc or .swc`);
  const files = await collectTreeFiles(inputs);
  const trees = await readTreeFiles(files);

  if (flags.median) {
    const med = medianSwc(trees);
    const csv = sidePath(flags.output, 'median_distances.csv');
    const rows = ['swc_file_name1,swc_file_name2,sum_distance,structure_difference,max_distance'];
    for (const p of med.pairs) rows.push([csvField(files[p.i]), csvField(files[p.j]), p.sumDistance, p.structureDifference, p.maxDistance].join(','));
    await writeTextFileAtomic(csv, `${rows.join('\n')}\n`);
    const ranked = files.map((f, i) => ({ f, s: med.sums[i] })).filter((r) => Number.isFinite(r.s)).sort((a, b) => a.s - b.s).map((r) => r.f);
    await writeAno(sidePath(flags.output, 'ranked_by_distance.ano'), { swcFiles: ranked });
    const tree = trees[med.index].tree;
    await writeSwc(flags.output, tree, { header: [`median_swc of ${files.length} trees: ${med.name} (summed distance ${med.sums[med.index].toFixed(3)})`] });
    if (flags.json) process.stdout.write(`${JSON.stringify({ median: med.name, sums: Object.fromEntries(files.map((f, i) => [f, med.sums[i]])) }, null, 2)}\n`);
    else process.stdout.write(`median of ${files.length} trees: ${med.name} (summed distance ${med.sums[med.index].toFixed(3)}) -> ${flags.output}\ndistances: ${csv}\n`);
    return;
  }

  const { tree, report } = consensus(trees, {
    voteThreshold, clusterDistance, removeOutliers: flags.keepOutliers ? false : undefined,
    fewInputs: flags.fewInputs as 'lower' | 'fail' | undefined,
  });
  await writeSwc(flags.output, tree);
  const ano = sidePath(flags.output, 'SelectedNeurons.ano');
  await writeAno(ano, { swcFiles: report.used });
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ output: flags.output, selected: ano, ...report }, null, 2)}\n`);
    return;
  }
  const lines = [
    `consensus of ${report.used.length} of ${report.inputs} trees (vote threshold ${report.voteThreshold}${report.voteThreshold !== report.requestedVoteThreshold ? `, lowered from ${report.requestedVoteThreshold}` : ''}, cluster distance ${report.clusterDistance}): ${report.nodes} nodes -> ${flags.output}`,
    ...report.dropped.map((d) => `  dropped ${d.name}: ${d.reason}`),
  ];
  if (report.single) lines.push('  a single tree survived and is written as it is');
  lines.push(`voters listed in ${ano}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

export const consensusCommand: CommandModule = {
  register(program: Command) {
    program.command('consensus <inputs...>')
      .description("BigNeuron's vote-based consensus of several reconstructions of one image (Vaa3D consensus_swc); inputs are .swc/.eswc files, folders of them, or .ano lists")
      .requiredOption('-o, --output <file>', 'output tree (.eswc: vote fractions in the feature columns; .swc: plain)')
      .option('--vote-threshold <n>', 'trees a consensus node needs, and the minimum edge vote kept (default 6, as BigNeuron Gold166)')
      .option('--cluster-distance <d>', 'match radius in voxels (default 5, as BigNeuron Gold166)')
      .option('--median', 'write the median input instead (median_swc: smallest summed distance to the others), with <out>_median_distances.csv (sum_distance = mean of the two summed node-to-tree distances; structure_difference = mean distance of nodes 10 or more voxels away; max_distance = smaller directional maximum)')
      .option('--keep-outliers', 'do not drop inputs whose length or fragmentation is far from the median')
      .option('--few-inputs <mode>', "with fewer usable inputs than the vote threshold: 'lower' it to max(2, N/3) (default) or 'fail'")
      .option('--json', 'print the run report as JSON')
      .action(consensusAction);
  },
};
