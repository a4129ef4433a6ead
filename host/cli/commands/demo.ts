import type { Command } from 'commander';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CommandModule } from './index.js';
import { generateDemoDataset } from '../../dataset/synthetic/generate.js';
import { benchAction } from './bench.js';
import { parseNonNegativeInt } from '../parse-args.js';

interface DemoOpts { dir?: string; count: string; seed: string; jobs?: string; variants: string }

export const demoCommand: CommandModule = {
  register(program: Command) {
    program.command('demo')
      .description('generate a small synthetic dataset with exact gold standards, bench every registered variant on it and print the leaderboard')
      .option('--dir <dir>', 'where to put the dataset and the bench output (default: a new temporary folder)')
      .option('--count <n>', 'number of images', '4')
      .option('--seed <s>', 'random seed of the generator', '1')
      .option('--jobs <n>', 'parallel jobs (default: number of cores)')
      .option('--variants <list>', "'all' or a comma list of variant ids", 'all')
      .action(async (o: DemoOpts) => {
        const dir = o.dir ? resolve(o.dir) : mkdtempSync(join(tmpdir(), 'neurotrace-demo-'));
        const datasetDir = join(dir, 'dataset');
        const count = parseNonNegativeInt(o.count, '--count');
        process.stderr.write(`demo: generating ${count} synthetic images in ${datasetDir}\n`);
        await generateDemoDataset(datasetDir, { count, seed: parseNonNegativeInt(o.seed, '--seed') });
        await benchAction(datasetDir, { variants: o.variants, jobs: o.jobs, out: join(dir, 'bench'), seed: true, channel: '0', sort: 'PDS' });
      });
  },
};
