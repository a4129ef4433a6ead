import { writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunRecord } from '../generated/run-record.js';
import { buildLeaderboard, FAILURE_KINDS, sortLeaderboard, type LeaderboardRow } from './leaderboard.js';
import { scoreColumns } from './score-columns.js';
import { toCsv } from './csv.js';
import { formatTable } from '../cli/format.js';

const fmt = (v: number | null, digits = 3) => (v === null ? '-' : Number.isInteger(v) ? String(v) : v.toFixed(digits));

export function leaderboardHeaders(): string[] {
  return ['variant', 'plugin', 'images', 'traced', ...FAILURE_KINDS, ...scoreColumns.flatMap((c) => [`median_${c.key}`, `mean_${c.key}`]), 'median_wall_s', 'median_peak_rss_mib'];
}

export function leaderboardRowValues(r: LeaderboardRow): (string | number | null)[] {
  return [r.variant, r.plugin, r.images, r.traced, ...FAILURE_KINDS.map((k) => r.failures[k]),
    ...scoreColumns.flatMap((c) => [r.median[c.key], r.mean[c.key]]), r.medianWallSeconds, r.medianPeakRssMiB];
}

/** The terminal leaderboard: medians only, failures summed into one column with their kinds. */
export function formatLeaderboard(rows: LeaderboardRow[]): string {
  return formatTable(
    ['variant', 'traced', 'failures', ...scoreColumns.map((c) => c.key), 'wall s', 'RSS MiB'],
    rows.map((r) => {
      const fails = FAILURE_KINDS.filter((k) => r.failures[k]).map((k) => `${r.failures[k]} ${k}`).join(', ');
      return [r.variant, `${r.traced}/${r.images}`, fails || '0', ...scoreColumns.map((c) => fmt(r.median[c.key])), fmt(r.medianWallSeconds, 2), fmt(r.medianPeakRssMiB, 0)];
    }),
  );
}

const RUN_COLUMNS = ['variant', 'imageId', 'status', 'plugin', 'pluginVersion', 'wallSeconds', 'cpuSeconds', 'peakRssMiB', 'nodeCount', 'outputPath', 'error', 'imageSha256'] as const;

async function writeAtomic(file: string, text: string): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}

export interface ReportPaths { leaderboardCsv: string; runsCsv: string; leaderboardJson: string; html: string }

/** Writes leaderboard.csv, runs.csv, leaderboard.json and report.html into the bench folder. */
export async function writeReport(outDir: string, records: RunRecord[], sortKey = 'PDS'): Promise<{ rows: LeaderboardRow[]; paths: ReportPaths }> {
  const rows = sortLeaderboard(buildLeaderboard(records), sortKey);
  const paths: ReportPaths = {
    leaderboardCsv: join(outDir, 'leaderboard.csv'), runsCsv: join(outDir, 'runs.csv'),
    leaderboardJson: join(outDir, 'leaderboard.json'), html: join(outDir, 'report.html'),
  };
  await writeAtomic(paths.leaderboardCsv, toCsv(leaderboardHeaders(), rows.map(leaderboardRowValues)));
  await writeAtomic(paths.runsCsv, toCsv([...RUN_COLUMNS, ...scoreColumns.map((c) => c.key)],
    records.map((r) => [...RUN_COLUMNS.map((c) => r[c] ?? null), ...scoreColumns.map((c) => (r.status === 'ok' ? c.get(r.scores) : null))])));
  await writeAtomic(paths.leaderboardJson, JSON.stringify({ generatedAt: new Date().toISOString(), sortedBy: sortKey, scoreColumns: scoreColumns.map((c) => ({ key: c.key, description: c.description, higherIsBetter: c.higherIsBetter })), rows }, null, 2) + '\n');
  // vega is large: load it only when a report is actually written, not on every CLI start
  const { renderReportHtml } = await import('./report-html.js');
  await writeAtomic(paths.html, await renderReportHtml(rows, records));
  return { rows, paths };
}
