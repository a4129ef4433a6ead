import type { NativeTracerFn } from './native-addon.js';
import type { TraceRequest, TraceResult, Tracer } from './tracer.js';
import { treeFromArrays } from '../morph/tree.js';
import { CancelledError } from '../core/errors.js';

/**
 * Adapts a native export to the Tracer contract: the voxel buffer is passed as is (no copy),
 * cancellation is a shared Int32 flag the core polls, progress comes back as callbacks.
 */
export function nativeTracerAdapter(fn: NativeTracerFn, label: string): Tracer {
  return {
    async trace(req: TraceRequest): Promise<TraceResult> {
      if (req.signal.aborted) throw new CancelledError(label);
      const cancel = new Int32Array(1);
      const onAbort = () => { cancel[0] = 1; };
      req.signal.addEventListener('abort', onAbort, { once: true });
      const seeds = new Float64Array(req.seeds.flat());
      try {
        const out = await fn(
          { data: req.volume.data, dims: [...req.volume.dims], spacing: [...req.volume.spacing] },
          req.params, seeds, { cancel, progress: (f, note) => req.progress(f, note || undefined) },
        );
        return { tree: treeFromArrays(out), meta: { ...out.meta } };
      } catch (e) {
        if (cancel[0] === 1 || (e instanceof Error && e.message === 'cancelled')) throw new CancelledError(label);
        throw e;
      } finally {
        req.signal.removeEventListener('abort', onAbort);
      }
    },
  };
}
