import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { NeurotraceError } from '../core/errors.js';
import type { CommandRuntime } from '../generated/plugin-manifest.js';
import { readSwc } from '../io/swc.js';
import { writeImage } from '../io/write-image.js';
import { dtypeOf } from '../core/volume.js';
import type { LoadedPlugin } from '../registry/registry.js';
import type { TraceRequest, TraceResult, Tracer } from './tracer.js';

/**
 * Expands a command template. Each template element becomes exactly one argv element, so user
 * values (paths with spaces, parameter strings) are never re-split or shell-interpreted.
 */
export function expandTemplate(template: string[], values: { image: string; output: string; scratch: string; seed: string; params: Record<string, unknown> }): string[] {
  return template.map((arg) => arg.replace(/\{(image|output|scratch|seed|param:([A-Za-z0-9_.-]+))\}/g, (_m, key: string, pname?: string) => {
    if (pname !== undefined) {
      const v = values.params[pname];
      return v === undefined || v === null ? '' : String(v);
    }
    return (values as unknown as Record<string, string>)[key];
  }));
}

/** Runs an external executable on the image written into the job's scratch folder, then reads its SWC. */
export function commandTracer(plugin: LoadedPlugin, rt: CommandRuntime): Tracer {
  return {
    async trace(req: TraceRequest): Promise<TraceResult> {
      const ext = rt.imageFormat === 'v3draw' ? 'v3draw' : 'tif';
      const image = join(req.scratchDir, `input.${ext}`);
      const output = join(req.scratchDir, 'output.swc');
      await writeImage(image, { dtype: dtypeOf(req.volume.data), dims: req.volume.dims, channels: 1, data: req.volume.data, spacing: req.volume.spacing });
      const seed = req.seeds[0] ? req.seeds[0].join(',') : '';
      const [file, ...args] = expandTemplate(rt.command, { image, output, scratch: req.scratchDir, seed, params: req.params });
      const exe = file.startsWith('./') || file.startsWith('../') ? join(plugin.dir, file) : file;
      req.progress(0, `running ${exe}`);
      const res = await execa(exe, args, {
        cwd: req.scratchDir, reject: false, cancelSignal: req.signal, all: true,
        timeout: plugin.manifest.resources.timeoutSec * 1000, stdin: 'ignore',
      });
      if (res.isCanceled) throw new NeurotraceError(`${plugin.manifest.id}: cancelled`, 130);
      if (res.timedOut) throw new NeurotraceError(`${plugin.manifest.id}: '${exe}' timed out after ${plugin.manifest.resources.timeoutSec} s`);
      if (res.failed) {
        const tail = String(res.all ?? '').trim().split('\n').slice(-3).join(' | ');
        const why = res.exitCode !== undefined ? `exit code ${res.exitCode}` : (res.signal ? `signal ${res.signal}` : res.shortMessage);
        throw new NeurotraceError(`${plugin.manifest.id}: '${exe}' failed (${why})${tail ? `: ${tail}` : ''}`);
      }
      if (!existsSync(output)) throw new NeurotraceError(`${plugin.manifest.id}: '${exe}' finished but wrote no SWC at ${output}`);
      req.progress(1);
      return { tree: await readSwc(output) };
    },
  };
}
