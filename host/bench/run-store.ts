import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { RunRecord } from '../generated/run-record.js';
import { NeurotraceError } from '../core/errors.js';

export type RunStatus = RunRecord['status'];

const COLUMNS = ['variant', 'imageId', 'plugin', 'pluginVersion', 'params', 'imagePath', 'imageSha256', 'seed', 'status', 'startedAt',
  'finishedAt', 'wallSeconds', 'cpuSeconds', 'peakRssMiB', 'outputPath', 'nodeCount', 'error', 'stderrTail', 'meta', 'scores', 'scoreError', 'inputsDigest'] as const;
const JSON_COLUMNS = new Set(['params', 'seed', 'meta', 'scores']);

/**
 * Run records in an embedded SQLite file beside the outputs. Each record is written in one
 * transaction after its SWC is in place, so a bench killed at any moment (even kill -9) keeps
 * every finished record and never records an output that is not complete on disk.
 */
export class RunStore {
  private db: Database.Database;

  constructor(readonly file: string) {
    try {
      this.db = new Database(file);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma('busy_timeout = 5000');
      this.db.exec(`CREATE TABLE IF NOT EXISTS runs (
        variant TEXT NOT NULL, imageId TEXT NOT NULL, plugin TEXT NOT NULL, pluginVersion TEXT NOT NULL,
        params TEXT NOT NULL, imagePath TEXT NOT NULL, imageSha256 TEXT NOT NULL, seed TEXT,
        status TEXT NOT NULL, startedAt TEXT NOT NULL, finishedAt TEXT NOT NULL, wallSeconds REAL NOT NULL,
        cpuSeconds REAL, peakRssMiB REAL, outputPath TEXT, nodeCount INTEGER, error TEXT, stderrTail TEXT,
        meta TEXT, scores TEXT, scoreError TEXT, inputsDigest TEXT,
        PRIMARY KEY (variant, imageId))`);
      // Bench folders written before host cells kept an input digest gain the column (NULL: recompute once).
      const have = new Set((this.db.prepare('PRAGMA table_info(runs)').all() as { name: string }[]).map((c) => c.name));
      if (!have.has('inputsDigest')) this.db.exec('ALTER TABLE runs ADD COLUMN inputsDigest TEXT');
    } catch (e) {
      throw new NeurotraceError(`${file}: cannot open the run database: ${(e as Error).message}`);
    }
  }

  static inDir(dir: string): RunStore {
    return new RunStore(join(dir, 'runs.sqlite'));
  }

  /** Insert or replace (a rerun replaces the earlier record of the same cell). */
  put(r: RunRecord): void {
    const row: Record<string, unknown> = {};
    for (const c of COLUMNS) {
      const v = (r as unknown as Record<string, unknown>)[c];
      row[c] = v === undefined ? null : JSON_COLUMNS.has(c) ? (v === null ? null : JSON.stringify(v)) : v;
    }
    this.db.prepare(`INSERT OR REPLACE INTO runs (${COLUMNS.join(',')}) VALUES (${COLUMNS.map((c) => '@' + c).join(',')})`).run(row);
  }

  get(variant: string, imageId: string): RunRecord | undefined {
    const row = this.db.prepare('SELECT * FROM runs WHERE variant = ? AND imageId = ?').get(variant, imageId) as Record<string, unknown> | undefined;
    return row ? decode(row) : undefined;
  }

  all(): RunRecord[] {
    return (this.db.prepare('SELECT * FROM runs ORDER BY variant, imageId').all() as Record<string, unknown>[]).map(decode);
  }

  close(): void {
    this.db.close();
  }
}

function decode(row: Record<string, unknown>): RunRecord {
  const out: Record<string, unknown> = {};
  for (const c of COLUMNS) {
    const v = row[c];
    if (v === null || v === undefined) { if (c !== 'seed' || v === null) out[c] = null; continue; }
    out[c] = JSON_COLUMNS.has(c) ? JSON.parse(v as string) : v;
  }
  return out as unknown as RunRecord;
}
