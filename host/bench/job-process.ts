import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../core/paths.js';
import type { JobMessage, JobSpec } from './job-protocol.js';
import type { RunStatus } from './run-store.js';
import { killTree } from './kill-tree.js';

export interface JobLimits { timeoutSec: number; memoryMiB: number }

export interface JobOutcome {
  status: RunStatus;
  error: string | null;
  stderrTail: string | null;
  wallSeconds: number;
  cpuSeconds: number | null;
  peakRssMiB: number | null;
  nodeCount: number | null;
  meta: Record<string, number | string> | null;
  imageSha256: string | null;
  scores: Record<string, unknown> | null;
  scoreError: string | null;
}

/** The compiled worker; forked processes run plain JS, whether the parent runs from dist or under vitest. */
export function workerPath(): string {
  return join(packageRoot(), 'dist', 'host', 'bench', 'job-worker.js');
}

function procStatusMiB(pid: number): { rss: number; hwm: number } | null {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(s)?.[1] ?? NaN);
    return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

const TAIL_LINES = 12;

/**
 * Runs one job in its own process and classifies how it ended. The time cap covers tracing
 * only (scoring runs after the 'traced' message); the memory cap is the process RSS, polled,
 * because native allocations are invisible to V8's heap limit.
 */
export function runJobProcess(spec: JobSpec, limits: JobLimits, onProgress?: (f: number, note?: string) => void): Promise<JobOutcome> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const heapMiB = Math.max(256, Math.floor(limits.memoryMiB));
    const child = fork(workerPath(), [], {
      execArgv: [`--max-old-space-size=${heapMiB}`],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      // Under vitest the parent may prefer .ts plugin sources; the job is plain Node and must not.
      env: { ...process.env, VITEST: '', VITEST_WORKER_ID: '', VITEST_POOL_ID: '' },
      serialization: 'advanced',
    });
    const out: JobOutcome = {
      status: 'crashed', error: null, stderrTail: null, wallSeconds: 0, cpuSeconds: null, peakRssMiB: null,
      nodeCount: null, meta: null, imageSha256: null, scores: null, scoreError: null,
    };
    let stderr = '';
    let traced = false;
    let failed: JobMessage & { type: 'failed' } | undefined;
    let killedFor: 'timeout' | 'oom' | undefined;
    let peak = 0;
    child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-8192); });
    const kill = (why: 'timeout' | 'oom') => { if (!killedFor && !traced) { killedFor = why; if (child.pid) killTree(child.pid); else child.kill('SIGKILL'); } };
    const timer = setTimeout(() => kill('timeout'), limits.timeoutSec * 1000);
    const poll = setInterval(() => {
      const s = child.pid ? procStatusMiB(child.pid) : null;
      if (!s) return;
      // A zombie (exited, not yet reaped) has no Vm* lines: NaN must not poison the maximum.
      const seen = Number.isFinite(s.hwm) ? s.hwm : s.rss;
      if (Number.isFinite(seen)) peak = Math.max(peak, seen);
      if (s.rss > limits.memoryMiB) kill('oom');
    }, 100);
    child.on('message', (m: JobMessage) => {
      switch (m.type) {
        case 'progress': onProgress?.(m.fraction, m.note); break;
        case 'traced':
          traced = true;
          clearTimeout(timer);
          Object.assign(out, { nodeCount: m.nodeCount, meta: m.meta, imageSha256: m.imageSha256, wallSeconds: m.traceSeconds });
          break;
        case 'usage': out.cpuSeconds = m.cpuSeconds; if (Number.isFinite(m.peakRssMiB)) peak = Math.max(peak, m.peakRssMiB); break;
        case 'scored': out.scores = m.scores; out.scoreError = m.scoreError; break;
        case 'failed': failed = m; break;
      }
    });
    child.send(spec);
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      clearInterval(poll);
      if (!traced) out.wallSeconds = (performance.now() - t0) / 1000;
      out.peakRssMiB = peak > 0 ? Math.round(peak * 10) / 10 : null;
      const tail = stderr.trim().split('\n').slice(-TAIL_LINES).join('\n');
      out.stderrTail = tail || null;
      const heapOom = /heap out of memory|Reached heap limit|allocation failed/i.test(stderr);
      if (traced) {
        out.status = 'ok';
        if (code !== 0 && !out.scores && !out.scoreError) out.scoreError = `scoring process ended (${signal ?? `exit ${code}`})`;
      } else if (killedFor === 'timeout') {
        out.status = 'timeout'; out.error = `killed after the ${limits.timeoutSec} s time limit`;
      } else if (killedFor === 'oom' || heapOom) {
        out.status = 'oom'; out.error = `killed at the ${limits.memoryMiB} MiB memory limit`;
      } else if (failed) {
        out.status = failed.status; out.error = failed.error;
      } else {
        out.status = 'crashed';
        out.error = signal ? `process killed by ${signal}` : `process exited with code ${code}${tail ? `: ${tail.split('\n').pop()}` : ''}`;
      }
      resolve(out);
    };
    // Messages still queued on the IPC channel arrive before 'disconnect', which can come after
    // 'exit'/'close'; finish only when both the process and its channel are done.
    let exitInfo: [number | null, NodeJS.Signals | null] | undefined;
    let channelDone = false;
    const maybeFinish = () => { if (exitInfo && channelDone) finish(...exitInfo); };
    child.on('close', (code, signal) => { exitInfo = [code, signal]; maybeFinish(); });
    child.on('disconnect', () => { channelDone = true; maybeFinish(); });
    child.on('error', (e) => { out.error = e.message; });
  });
}
