/**
 * One benchmark trace in a fresh process, so peak RSS belongs to this run alone.
 * argv: <raw uint8 volume> <nx> <ny> <nz> <params JSON> <seeds JSON>
 * stdout: one JSON line {traceMs, uptimeMs, maxRssMiB, nodes, meta}.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nativeTracer } from '../../host/runtime/native-addon.js';
import { nativeTracerAdapter } from '../../host/runtime/native-runner.js';
import type { Vec3 } from '../../host/core/volume.js';

async function main(): Promise<void> {
  const [file, nx, ny, nz, paramsJson, seedsJson] = process.argv.slice(2);
  const dims: Vec3 = [Number(nx), Number(ny), Number(nz)];
  const buf = readFileSync(file);
  const data = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  if (data.length !== dims[0] * dims[1] * dims[2]) throw new Error(`${file}: expected ${dims.join('x')} voxels, found ${data.length}`);
  const tracer = nativeTracerAdapter(nativeTracer('neurotrace_native', 'app2'), 'app2');
  const scratchDir = mkdtempSync(join(tmpdir(), 'nt-app2-bench-'));
  const t0 = performance.now();
  const res = await tracer.trace({
    volume: { data, dims, spacing: [1, 1, 1] },
    params: JSON.parse(paramsJson) as Record<string, unknown>,
    seeds: JSON.parse(seedsJson) as Vec3[],
    signal: new AbortController().signal,
    progress: () => {},
    scratchDir,
  });
  const traceMs = performance.now() - t0;
  rmSync(scratchDir, { recursive: true, force: true });
  const out = {
    traceMs,
    uptimeMs: process.uptime() * 1000,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    nodes: res.tree.nodes.length,
    meta: res.meta,
  };
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
