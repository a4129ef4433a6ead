/**
 * The kit's cancellation check, run in its own process (a tracer that ignores cancellation
 * must not hang the kit): a trace cancelled before it starts must refuse to run, and a trace
 * cancelled at its first progress report must stop within a grace period, with a cancellation
 * error rather than some other failure.
 */
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { NeurotraceError } from '../core/errors.js';
import { packageRoot } from '../core/paths.js';
import type { CancelPhaseReport, CancelProbeMessage, CancelProbeSpec } from './cancel-probe-protocol.js';
import { row, type CheckRow } from './check-types.js';

/** How long a cancelled trace may take to stop. */
export const CANCEL_GRACE_MS = 5000;

export function cancelProbeWorkerPath(): string {
  return join(packageRoot(), 'dist', 'host', 'plugin-dev', 'cancel-probe-worker.js');
}

export function probeCancellation(spec: CancelProbeSpec, deadlineSec: number): Promise<{ phases: CancelPhaseReport[]; setupError?: string; killed: boolean; stderr: string }> {
  const worker = cancelProbeWorkerPath();
  if (!existsSync(worker)) throw new NeurotraceError(`${worker}: not built; run 'npm run build' in ${packageRoot()}`);
  return new Promise((resolve) => {
    const child = fork(worker, [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced' });
    const phases: CancelPhaseReport[] = [];
    let setupError: string | undefined;
    let killed = false;
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4096); });
    const timer = setTimeout(() => { killed = true; child.kill('SIGKILL'); }, deadlineSec * 1000);
    child.on('message', (m: CancelProbeMessage) => {
      if (m.type === 'phase') phases.push(m);
      else setupError = m.message;
    });
    child.on('close', () => { clearTimeout(timer); resolve({ phases, setupError, killed, stderr }); });
    child.send(spec);
  });
}

/** Turns the probe's reports into table rows. */
export function cancellationRows(variant: string, r: Awaited<ReturnType<typeof probeCancellation>>, deadlineSec: number): CheckRow[] {
  if (r.setupError) return [row('cancellation', variant, 'fail', `could not start: ${r.setupError}`)];
  const rows: CheckRow[] = [];
  const before = r.phases.find((p) => p.phase === 'before-start');
  const during = r.phases.find((p) => p.phase === 'during-run');
  if (!before) {
    const tail = r.stderr.trim().split('\n').pop();
    return [row('cancel before start', variant, 'fail', r.killed ? `a trace cancelled before it started was still running after ${deadlineSec} s` : `the probe process died${tail ? `: ${tail}` : ''}`)];
  }
  rows.push(before.outcome === 'cancelled'
    ? row('cancel before start', variant, 'pass', `refused at once (${Math.round(before.ms)} ms): ${before.message}`)
    : before.outcome === 'completed'
      ? row('cancel before start', variant, 'fail', 'ran to completion although its signal was already cancelled (check req.signal.aborted)')
      : row('cancel before start', variant, 'fail', `failed with a non-cancellation error: ${before.message}`));
  if (!during) {
    rows.push(row('cancel during run', variant, 'fail', r.killed ? `did not stop within ${deadlineSec} s of the cancel request` : 'the probe process died'));
    return rows;
  }
  const ms = Math.round(during.ms);
  if (!during.cancelSent) rows.push(row('cancel during run', variant, 'pass', `finished (${during.outcome}) before a cancel was sent`));
  else if (during.ms > CANCEL_GRACE_MS) rows.push(row('cancel during run', variant, 'fail', `took ${ms} ms to stop after the cancel request (limit ${CANCEL_GRACE_MS} ms)`));
  else if (during.outcome === 'cancelled') rows.push(row('cancel during run', variant, 'pass', `stopped ${ms} ms after the cancel request`));
  else if (during.outcome === 'completed') rows.push(row('cancel during run', variant, 'warn', `finished ${ms} ms after the cancel request instead of stopping`));
  else rows.push(row('cancel during run', variant, 'fail', `failed with a non-cancellation error: ${during.message}`));
  return rows;
}
