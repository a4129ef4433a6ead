/**
 * Worker-thread entry for the synthetic-image pool (pool.ts): synthesises the requested images
 * and transfers the voxel buffers back. Each image depends only on its request, so the pool's
 * output is byte-identical to generating in one thread.
 */
import { parentPort } from 'node:worker_threads';
import { NeurotraceError } from '../../core/errors.js';
import { synthesizeImage, type SynthesisRequest } from './synthesize.js';

parentPort?.on('message', (req: SynthesisRequest) => {
  try {
    const result = synthesizeImage(req);
    parentPort!.postMessage({ ok: true, index: req.index, result }, [result.stack.data.buffer as ArrayBuffer]);
  } catch (e) {
    const err = e as Error;
    parentPort!.postMessage({
      ok: false, index: req.index, message: err?.message ?? String(e),
      exitCode: e instanceof NeurotraceError ? e.exitCode : undefined,
    });
  }
});
