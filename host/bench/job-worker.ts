/**
 * Entry point of one isolated bench job (a child process forked by job-pool.ts). Whatever the
 * tracer does here (segfault, endless loop, unbounded allocation) only this process dies; the
 * parent turns that into a run record and goes on.
 */
import 'reflect-metadata';
import { readImage } from '../io/read-image.js';
import { readSwc, writeSwc } from '../io/swc.js';
import { channelOf } from '../core/volume.js';
import { sha256File } from '../core/hash.js';
import { hostVersion } from '../core/paths.js';
import { PluginRegistry } from '../registry/registry.js';
import { loadTracer } from '../runtime/load-tracer.js';
import { adaptDtype, provenanceHeader } from '../runtime/run-variant.js';
import { validateTree } from '../morph/validate.js';
import { scoreAgainstGold } from './score-run.js';
import type { JobMessage, JobSpec } from './job-protocol.js';

function send(m: JobMessage): Promise<void> {
  return new Promise((res) => (process.send ? process.send(m, undefined, {}, () => res()) : res()));
}

function usage(): JobMessage {
  const u = process.resourceUsage();
  return { type: 'usage', cpuSeconds: (u.userCPUTime + u.systemCPUTime) / 1e6, peakRssMiB: u.maxRSS / 1024 };
}

async function runJob(spec: JobSpec): Promise<number> {
  const registry = new PluginRegistry(hostVersion(), spec.pluginRoots);
  const ref = registry.getVariant(spec.variant);
  const [stack, sha256] = await Promise.all([readImage(spec.imagePath), sha256File(spec.imagePath)]);
  const { volume, conversion } = adaptDtype(ref, channelOf(stack, spec.channel));
  const tracer = await loadTracer(ref.plugin);
  const scratchDir = spec.scratchDir;
  const seeds = spec.seed ? [spec.seed] : [];
  let lastSent = 0;
  const t0 = performance.now();
  let result;
  try {
    result = await tracer.trace({
      volume, params: spec.params, seeds, scratchDir, signal: new AbortController().signal,
      progress: (fraction, note) => {
        const now = performance.now();
        if (now - lastSent > 250) { lastSent = now; void send({ type: 'progress', fraction, note }); }
      },
    });
  } catch (e) {
    const msg = (e as Error)?.message?.split('\n')[0] ?? String(e);
    await send({ type: 'failed', status: /out of memory|allocation failed|bad_alloc/i.test(msg) ? 'oom' : 'failed', error: msg });
    await send(usage());
    return 1;
  }
  const traceSeconds = (performance.now() - t0) / 1000;
  const tree = result.tree;
  const issues = Array.isArray(tree?.nodes) ? validateTree(tree) : [{ message: 'the tracer returned no node list' }];
  if (issues.length) {
    await send({ type: 'failed', status: 'invalid', error: `invalid tree: ${issues.slice(0, 3).map((i) => i.message).join('; ')}${issues.length > 3 ? ` (+${issues.length - 3} more)` : ''}` });
    await send(usage());
    return 1;
  }
  const meta = result.meta ?? {};
  const header = provenanceHeader({ ref, params: spec.params, imagePath: spec.imagePath, sha256, channel: spec.channel, seeds, wallSeconds: traceSeconds, meta, conversion });
  await writeSwc(spec.outputPath, { nodes: tree.nodes, comments: [...header, ...tree.comments] });
  await send({ type: 'traced', nodeCount: tree.nodes.length, meta, traceSeconds, imageSha256: sha256, conversion });
  await send(usage());
  if (spec.goldPath) {
    try {
      const gold = await readSwc(spec.goldPath);
      const scores = scoreAgainstGold(gold, tree, spec.scoreSpacing);
      await send({ type: 'scored', scores, scoreError: null });
    } catch (e) {
      await send({ type: 'scored', scores: null, scoreError: (e as Error).message.split('\n')[0] });
    }
  }
  return 0;
}

process.once('message', (spec: JobSpec) => {
  runJob(spec).then((code) => {
    process.exitCode = code;
    process.disconnect?.();
  }, async (e) => {
    // Errors before or around the trace (unreadable image, bad plugin module) are failures with a reason.
    await send({ type: 'failed', status: 'failed', error: (e as Error)?.message?.split('\n')[0] ?? String(e) });
    process.exitCode = 1;
    process.disconnect?.();
  });
});
