import { describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostVersion } from '../../host/core/paths.js';
import type { Vec3, Volume } from '../../host/core/volume.js';
import type { CommandRuntime } from '../../host/generated/plugin-manifest.js';
import { PluginRegistry, type LoadedPlugin } from '../../host/registry/registry.js';
import { resolveParams } from '../../host/registry/params.js';
import { commandTracer, expandTemplate, templatePlaceholders } from '../../host/runtime/command-runner.js';
import type { TraceRequest } from '../../host/runtime/tracer.js';
import { tempDir } from '../helpers/plugin-fixtures.js';
import { fixtures } from './helpers.js';

const probeDir = join(fixtures, 'command-probe');

function probePlugin(over: { resources?: Partial<LoadedPlugin['manifest']['resources']>; runtime?: Partial<CommandRuntime> } = {}): { plugin: LoadedPlugin; rt: CommandRuntime } {
  const reg = new PluginRegistry(hostVersion(), [{ dir: probeDir, source: 'path' }]);
  const base = reg.getPlugin('command-probe');
  const manifest = structuredClone(base.manifest);
  Object.assign(manifest.resources, over.resources ?? {});
  const rt = { ...(manifest.runtime as CommandRuntime), ...(over.runtime ?? {}) } as CommandRuntime;
  manifest.runtime = rt;
  return { plugin: { ...base, manifest }, rt };
}

function volume(dtype: 'uint8' | 'uint16' | 'float32' = 'uint8'): Volume {
  const dims: Vec3 = [20, 10, 5];
  const n = dims[0] * dims[1] * dims[2];
  const data = dtype === 'uint8' ? new Uint8Array(n) : dtype === 'uint16' ? new Uint16Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = i % 7;
  return { data, dims, spacing: [1, 1, 2] };
}

function request(plugin: LoadedPlugin, params: Record<string, unknown>, opts: { seeds?: Vec3[]; signal?: AbortSignal; vol?: Volume; progress?: TraceRequest['progress'] } = {}): TraceRequest {
  const scratchDir = join(tempDir('nt-cmd-'), 'scratch');
  mkdirSync(scratchDir);
  const ref = { id: 'command-probe', plugin, preset: plugin.manifest.variants[0] };
  return {
    volume: opts.vol ?? volume(), params: resolveParams(ref, params), seeds: opts.seeds ?? [],
    signal: opts.signal ?? new AbortController().signal, progress: opts.progress ?? (() => {}), scratchDir,
  };
}

const comment = (comments: string[], key: string) => JSON.parse(comments.find((c) => c.trim().startsWith(`${key} `))!.trim().slice(key.length + 1));

/** Running, not just a zombie left for a parent that does not reap (PID 1 in some containers). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

describe('command templates', () => {
  it('expands placeholders into exactly one argument each, never re-splitting values', () => {
    const args = expandTemplate(['run', '--in={image}', '{param:label}', '{param:missing}', '{param:flag}', '{notaplaceholder}', '{seed}'], {
      image: '/a b/in.tif', output: 'o', seed: '1,2,3', marker: 'NULL', params: 'p.json', scratch: 's', plugin: 'pl',
      paramValues: { label: 'x; rm -rf / $(whoami)', flag: true },
    });
    expect(args).toEqual(['run', '--in=/a b/in.tif', 'x; rm -rf / $(whoami)', '', 'true', '{notaplaceholder}', '1,2,3']);
  });

  it('lists the placeholders a template uses, flagging unknown ones', () => {
    expect(templatePlaceholders(['x', '{image}', '{output}', '{param:t}', '{imgae}', '{seed:x}'])).toEqual({
      known: ['image', 'output'], params: ['t'], unknown: ['{imgae}', '{seed:x}'],
    });
  });
});

describe('command runtime', () => {
  it('converts the image to TIFF or v3draw, passes seeds, markers and parameters, and reads the SWC back', async () => {
    for (const [fmt, dtype] of [['tif', 'uint8'], ['tif', 'uint16'], ['v3draw', 'float32'], ['v3draw', 'uint8']] as const) {
      const { plugin, rt } = probePlugin({ runtime: { imageFormat: fmt } });
      const req = request(plugin, { label: 'two words; $(no shell)', level: 2.25 }, { seeds: [[3, 4, 1], [10, 5, 2]], vol: volume(dtype) });
      const { tree } = await commandTracer(plugin, rt).trace(req);
      expect(comment(tree.comments, 'image')).toEqual({ format: fmt, dims: [20, 10, 5], dtype, name: `input.${fmt}` });
      const argv = comment(tree.comments, 'argv') as string[];
      expect(argv[0]).toBe('inspect');
      expect(argv[6]).toBe('two words; $(no shell)');
      expect(comment(tree.comments, 'seed')).toBe('3,4,1');
      // Markers are written 1-based, as Vaa3D writes them.
      expect(comment(tree.comments, 'marker')).toEqual(['4, 5, 2, 0, 1, , , 255,0,0', '11, 6, 3, 0, 1, , , 255,0,0']);
      expect(comment(tree.comments, 'params')).toEqual({ mode: 'inspect', label: 'two words; $(no shell)', level: 2.25 });
      expect(comment(tree.comments, 'cwd')).toBe(req.scratchDir);
      expect(tree.nodes.map((n) => [n.x, n.y, n.z])).toEqual([[0, 0, 0], [19, 9, 4]]);
    }
  });

  it("passes NULL for the marker and an empty seed when there are no seeds", async () => {
    const { plugin, rt } = probePlugin();
    const { tree } = await commandTracer(plugin, rt).trace(request(plugin, {}));
    expect(comment(tree.comments, 'marker')).toBe('NULL');
    expect(comment(tree.comments, 'seed')).toBe('');
  });

  it("turns 'progress <f> <note>' lines into progress reports", async () => {
    const { plugin, rt } = probePlugin();
    const seen: [number, string | undefined][] = [];
    await commandTracer(plugin, rt).trace(request(plugin, { mode: 'progress' }, { progress: (f, note) => seen.push([f, note]) }));
    expect(seen.filter(([, n]) => n?.startsWith('step'))).toEqual([[0.25, 'step 1'], [0.5, 'step 2'], [0.75, 'step 3']]);
    expect(seen[seen.length - 1][0]).toBe(1);
  });

  it('reports a failing program with its exit code and last output lines', async () => {
    const { plugin, rt } = probePlugin();
    await expect(commandTracer(plugin, rt).trace(request(plugin, { mode: 'fail' })))
      .rejects.toThrow(/^command-probe: '.*probe\.py' failed \(exit code 3\): .*ValueError: the model file is missing$/);
  });

  it('reports a missing or unreadable SWC', async () => {
    const { plugin, rt } = probePlugin();
    await expect(commandTracer(plugin, rt).trace(request(plugin, { mode: 'nooutput' }))).rejects.toThrow(/finished but wrote no SWC/);
    await expect(commandTracer(plugin, rt).trace(request(plugin, { mode: 'badswc' }))).rejects.toThrow(/wrote an unreadable SWC: line 2: x 'zero' is not a finite number/);
  });

  it('reports a missing program, a missing file and a file without execute permission', async () => {
    const { plugin } = probePlugin();
    const run = (command: [string, ...string[]]) => commandTracer(plugin, { kind: 'command', command }).trace(request(plugin, {}));
    await expect(run(['no-such-tracer-xyz', '{image}'])).rejects.toThrow("command-probe: command 'no-such-tracer-xyz' not found (is it installed and on PATH?)");
    await expect(run(['./missing.sh', '{image}'])).rejects.toThrow(`command-probe: ${join(probeDir, 'missing.sh')} does not exist`);
    const dir = tempDir();
    writeFileSync(join(dir, 'tracer.sh'), '#!/bin/sh\nexit 0\n');
    chmodSync(join(dir, 'tracer.sh'), 0o644);
    const other = { ...plugin, dir };
    await expect(commandTracer(other, { kind: 'command', command: ['./tracer.sh'] }).trace(request(other, {})))
      .rejects.toThrow(/tracer\.sh is not executable/);
  });

  it('kills the program and everything it started on cancel', async () => {
    const { plugin, rt } = probePlugin();
    const ac = new AbortController();
    const pidFile = join(tempDir(), 'helper.pid');
    const req = request(plugin, { mode: 'sleep', label: pidFile }, { signal: ac.signal, progress: (f, note) => { if (note === 'sleeping') ac.abort(); } });
    const t0 = performance.now();
    await expect(commandTracer(plugin, rt).trace(req)).rejects.toMatchObject({ name: 'CancelledError', message: 'command-probe cancelled' });
    expect(performance.now() - t0).toBeLessThan(20_000);
    const helper = Number(readFileSync(pidFile, 'utf8'));
    await new Promise((r) => setTimeout(r, 200));
    if (process.platform === 'linux') expect(alive(helper)).toBe(false);
  });

  it('stops at the time limit', async () => {
    const { plugin, rt } = probePlugin({ resources: { timeoutSec: 1 } });
    const pidFile = join(tempDir(), 'helper.pid');
    await expect(commandTracer(plugin, rt).trace(request(plugin, { mode: 'sleep', label: pidFile })))
      .rejects.toThrow(/^command-probe: '.*probe\.py' timed out after 1 s \(resources\.timeoutSec\) and was killed$/);
    await new Promise((r) => setTimeout(r, 200));
    if (process.platform === 'linux') expect(alive(Number(readFileSync(pidFile, 'utf8')))).toBe(false);
  });

  it.skipIf(process.platform !== 'linux')('stops at the memory cap, counting the whole process tree', async () => {
    const { plugin, rt } = probePlugin({ resources: { memoryMiB: 200 } });
    await expect(commandTracer(plugin, rt).trace(request(plugin, { mode: 'hog' })))
      .rejects.toThrow(/^command-probe: '.*probe\.py' ran out of memory: its processes exceeded the 200 MiB limit \(resources\.memoryMiB\) and were killed$/);
  });

  it('refuses to start when already cancelled', async () => {
    const { plugin, rt } = probePlugin();
    const ac = new AbortController();
    ac.abort();
    const req = request(plugin, {}, { signal: ac.signal });
    await expect(commandTracer(plugin, rt).trace(req)).rejects.toMatchObject({ name: 'CancelledError' });
    expect(existsSync(join(req.scratchDir, 'input.tif'))).toBe(false);
  });
});
