/**
 * Synthesises images on up to two worker threads (the generator is CPU-bound: Poisson and
 * Gaussian draws for every voxel), handing results back in index order. Workers need the
 * compiled worker.js next to this module, which exists when neurotrace runs from dist/; from
 * TypeScript sources (tests) or for small jobs, images are made in this thread instead. Either
 * way each image is a pure function of its request, so the files do not depend on the path taken.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CancelledError, NeurotraceError } from '../../core/errors.js';
import { synthesizeImage, type SynthesisRequest, type SynthesisResult } from './synthesize.js';

type Reply = { ok: true; index: number; result: SynthesisResult } | { ok: false; index: number; message: string; exitCode?: number };

/** Below this many voxels per image, starting workers costs more than it saves. */
const MIN_VOXELS_FOR_WORKERS = 1_000_000;

function workerFile(): string | undefined {
  const url = new URL('./worker.js', import.meta.url);
  if (url.protocol !== 'file:') return undefined;
  const path = fileURLToPath(url);
  return existsSync(path) ? path : undefined;
}

export function plannedThreads(requests: number, voxelsPerImage: number, maxThreads?: number): number {
  if (requests < 2 || voxelsPerImage < MIN_VOXELS_FOR_WORKERS || !workerFile()) return 1;
  return Math.max(1, Math.min(maxThreads ?? 2, availableParallelism(), requests));
}

/**
 * Yields results for requests in order. With threads = 1 everything runs here, one image at a
 * time; otherwise a small pool keeps every worker busy and at most 2·threads results wait in memory.
 */
export async function* synthesizeAll(requests: SynthesisRequest[], threads: number, signal?: AbortSignal): AsyncGenerator<SynthesisResult> {
  if (threads <= 1) {
    for (const req of requests) {
      if (signal?.aborted) throw new CancelledError('dataset generation');
      yield synthesizeImage(req);
      // let progress output and signals through between images
      await new Promise((r) => setImmediate(r));
    }
    return;
  }
  const file = workerFile()!;
  const workers = Array.from({ length: threads }, () => new Worker(file));
  const done = new Map<number, SynthesisResult>();
  let failure: Error | undefined;
  let finished = false;
  let next = 0;
  let wake: (() => void) | undefined;
  const notify = () => { wake?.(); wake = undefined; };
  const dispatch = (w: Worker) => {
    if (failure || next >= requests.length || done.size >= 2 * threads) return false;
    w.postMessage(requests[next++]);
    return true;
  };
  const idle: Worker[] = [];
  for (const w of workers) {
    w.on('message', (msg: Reply) => {
      if (msg.ok) done.set(msg.index, msg.result);
      else failure ??= msg.exitCode !== undefined ? new NeurotraceError(msg.message, msg.exitCode) : new Error(msg.message);
      if (!dispatch(w)) idle.push(w);
      notify();
    });
    w.on('error', (e) => {
      failure ??= e;
      notify();
    });
    w.on('exit', (code) => {
      // a worker killed from outside (e.g. out of memory) says so only through its exit code
      if (!finished) failure ??= new NeurotraceError(`dataset generation: a worker thread stopped unexpectedly (exit code ${code})`);
      notify();
    });
    if (!dispatch(w)) idle.push(w);
  }
  const onAbort = () => notify();
  signal?.addEventListener('abort', onAbort);
  try {
    for (let i = 0; i < requests.length; i++) {
      const index = requests[i].index;
      while (!done.has(index)) {
        if (failure) throw failure;
        if (signal?.aborted) throw new CancelledError('dataset generation');
        await new Promise<void>((r) => (wake = r));
      }
      const result = done.get(index)!;
      done.delete(index);
      while (idle.length && dispatch(idle[idle.length - 1])) idle.pop();
      yield result;
    }
  } finally {
    finished = true;
    signal?.removeEventListener('abort', onAbort);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
