/**
 * Entry point of the conformance kit's cancellation probe, forked by cancel-probe.ts. It runs
 * a tracer twice: once with a signal cancelled before the call, once cancelling at the first
 * progress report, and says how each run ended. A tracer that ignores cancellation only
 * stalls this process, which the parent kills at its deadline.
 */
import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { channelOf } from '../core/volume.js';
import { hostVersion } from '../core/paths.js';
import { readImage } from '../io/read-image.js';
import { PluginRegistry } from '../registry/registry.js';
import { loadTracer } from '../runtime/load-tracer.js';
import { adaptDtype } from '../runtime/run-variant.js';
import type { Tracer } from '../runtime/tracer.js';
import type { CancelOutcome, CancelProbeMessage, CancelProbeSpec } from './cancel-probe-protocol.js';

function send(m: CancelProbeMessage): Promise<void> {
  return new Promise((res) => (process.send ? process.send(m, undefined, {}, () => res()) : res()));
}

export function isCancellation(e: unknown): boolean {
  const err = e as Error | undefined;
  return !!err && (err.name === 'CancelledError' || /cancel/i.test(String(err.message ?? err)));
}

async function probe(spec: CancelProbeSpec): Promise<void> {
  let tracer: Tracer;
  let volume;
  let ref;
  try {
    const registry = new PluginRegistry(hostVersion(), spec.pluginRoots);
    ref = registry.getVariant(spec.variant);
    volume = adaptDtype(ref, channelOf(await readImage(spec.imagePath), 0)).volume;
    tracer = await loadTracer(ref.plugin);
  } catch (e) {
    await send({ type: 'setup-failed', message: (e as Error).message.split('\n')[0] });
    return;
  }
  const run = async (signal: AbortSignal, progress: (f: number) => void): Promise<{ outcome: CancelOutcome; message?: string }> => {
    const scratchDir = await mkdtemp(join(spec.scratchRoot, 'cancel-'));
    try {
      await tracer.trace({ volume, params: spec.params, seeds: spec.seeds, signal, progress, scratchDir });
      return { outcome: 'completed' };
    } catch (e) {
      return { outcome: isCancellation(e) ? 'cancelled' : 'error', message: (e as Error)?.message?.split('\n')[0] ?? String(e) };
    } finally {
      await rm(scratchDir, { recursive: true, force: true });
    }
  };

  const before = new AbortController();
  before.abort();
  let t0 = performance.now();
  const a = await run(before.signal, () => {});
  await send({ type: 'phase', phase: 'before-start', ...a, ms: performance.now() - t0, cancelSent: true });

  const during = new AbortController();
  let sentAt: number | undefined;
  const cancel = () => {
    if (sentAt === undefined) { sentAt = performance.now(); during.abort(); }
  };
  const timer = setTimeout(cancel, spec.fallbackDelayMs);
  t0 = performance.now();
  const b = await run(during.signal, () => cancel());
  clearTimeout(timer);
  const end = performance.now();
  await send({ type: 'phase', phase: 'during-run', ...b, ms: end - (sentAt ?? t0), cancelSent: sentAt !== undefined });
}

process.once('message', (spec: CancelProbeSpec) => {
  probe(spec).then(() => process.disconnect?.(), async (e) => {
    await send({ type: 'setup-failed', message: (e as Error)?.message?.split('\n')[0] ?? String(e) });
    process.disconnect?.();
  });
});
