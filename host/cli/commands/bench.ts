import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import type { CommandModule } from './index.js';
import { cliRegistry } from '../context.js';
import { UsageError } from '../../core/errors.js';
import { runBench, type BenchEvent } from '../../bench/bench.js';
import { benchImagesFromDataset } from '../../bench/dataset-images.js';
import { RunStore } from '../../bench/run-store.js';
import { formatLeaderboard, writeReport } from '../../bench/report.js';
import { hostVariantRunners } from '../../bench/host-variants.js';

interface BenchOpts { variants: string; jobs?: string; timeout?: string; memory?: string; out?: string; rerun?: string; seed: boolean; images?: string; channel: string; microns?: boolean; sort: string }

function positive(text: string | undefined, what: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${what} '${text}' must be a positive number`);
  return n;
}

/** A progress bar on a terminal, one line per finished job otherwise. */
function progressPrinter(): (e: BenchEvent) => void {
  const tty = process.stderr.isTTY;
  let bar: cliProgress.SingleBar | undefined;
  return (e) => {
    if (e.type === 'start') {
      process.stderr.write(`bench: ${e.total} runs to do, ${e.skipped} already done\n`);
      if (tty && e.total > 0) {
        bar = new cliProgress.SingleBar({ format: 'bench [{bar}] {value}/{total} | failures {failures} | ETA {eta_formatted} | {last}', stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
        bar.start(e.total, 0, { failures: 0, last: '' });
      }
    } else if (e.type === 'job-end') {
      const r = e.record;
      const what = `${r.variant} on ${r.imageId}: ${r.status}${r.status === 'ok' ? ` (${r.wallSeconds.toFixed(1)} s, ${r.nodeCount} nodes)` : ` (${r.error ?? ''})`}`;
      if (bar) {
        bar.update(e.done, { failures: e.failures, last: what.slice(0, 60) });
        if (e.done === e.total) bar.stop();
      } else {
        process.stderr.write(`[${e.done}/${e.total}] ${what}\n`);
      }
    }
  };
}

export async function benchAction(datasetDir: string, opts: BenchOpts): Promise<void> {
  const registry = cliRegistry();
  const outDir = resolve(opts.out ?? resolve(datasetDir, 'bench'));
  const jobs = positive(opts.jobs, '--jobs') ?? cpus().length;
  if (!Number.isInteger(jobs)) throw new UsageError(`--jobs '${opts.jobs}' must be a whole number`);
  if (opts.rerun && !['failed', 'all'].includes(opts.rerun)) throw new UsageError(`--rerun '${opts.rerun}' must be failed or all`);
  const images = await benchImagesFromDataset(datasetDir, opts.images?.split(',').map((s) => s.trim()).filter(Boolean));
  if (!images.length) throw new UsageError(`${datasetDir}: no images selected`);
  const variants = opts.variants === 'all' ? 'all' as const : opts.variants.split(',').map((s) => s.trim()).filter(Boolean);
  const summary = await runBench(registry, {
    images, outDir, variants, jobs,
    timeoutSec: positive(opts.timeout, '--timeout'), memoryMiB: positive(opts.memory, '--memory'),
    rerun: opts.rerun as 'failed' | 'all' | undefined, noSeed: !opts.seed, channel: Number(opts.channel),
    physicalUnits: !!opts.microns, onEvent: progressPrinter(), hostVariants: hostVariantRunners(),
  });
  const store = RunStore.inDir(outDir);
  const all = store.all();
  store.close();
  const { rows, paths } = await writeReport(outDir, all, opts.sort);
  process.stdout.write(formatLeaderboard(rows));
  process.stdout.write(`${summary.ran} runs now (${summary.failures} failed), ${summary.skipped} skipped as already done; ${all.length} records in ${outDir}/runs.sqlite\nreport: ${paths.html}\n`);
}

export const benchCommand: CommandModule = {
  register(program: Command) {
    program.command('bench <dataset-dir>')
      .description('run every selected variant on every dataset image (isolated, resumable), score against gold, write a leaderboard and report')
      .option('--variants <list>', "'all' or a comma list of variant ids", 'all')
      .option('--jobs <n>', 'parallel jobs (default: number of cores)')
      .option('--timeout <s>', "per-run time limit in seconds (default: each variant's manifest value)")
      .option('--memory <MiB>', "per-run memory cap (default: each variant's manifest value)")
      .option('--out <dir>', 'output folder (default <dataset-dir>/bench)')
      .option('--rerun <which>', "'failed' to retry failures, 'all' to redo everything")
      .option('--no-seed', "don't pass the dataset's seed point (fully automatic tracing)")
      .option('--images <ids>', 'only these image ids (comma list)')
      .option('--channel <c>', 'channel to trace', '0')
      .option('--microns', "score in µm using each image's voxel size (default: voxels, as BigNeuron)")
      .option('--sort <column>', 'leaderboard order: PDS, ESA, DSA, DIADEM, F1, wall, rss, traced, failures, variant', 'PDS')
      .action(benchAction);
    program.command('report <bench-dir>')
      .description('print the leaderboard of a bench folder and (re)write leaderboard.csv, runs.csv, leaderboard.json and report.html')
      .option('--sort <column>', 'PDS, ESA, DSA, DIADEM, F1, wall, rss, traced, failures, variant', 'PDS')
      .option('--json', 'print leaderboard.json to stdout instead of the table')
      .action(async (dir: string, o: { sort: string; json?: boolean }) => {
        const { existsSync } = await import('node:fs');
        const { join } = await import('node:path');
        if (!existsSync(join(dir, 'runs.sqlite'))) throw new UsageError(`${dir}: no runs.sqlite here (not a bench output folder)`);
        const store = RunStore.inDir(dir);
        const all = store.all();
        store.close();
        const res = await writeReport(resolve(dir), all, o.sort);
        if (o.json) process.stdout.write((await import('node:fs')).readFileSync(res.paths.leaderboardJson, 'utf8'));
        else process.stdout.write(formatLeaderboard(res.rows) + `report: ${res.paths.html}\n`);
      });
  },
};
