import { execa } from 'execa';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { CancelledError, FileFormatError, NeurotraceError } from '../core/errors.js';
import type { CommandRuntime } from '../generated/plugin-manifest.js';
import { readSwc } from '../io/swc.js';
import { writeImage } from '../io/write-image.js';
import { writeMarkers } from '../io/marker.js';
import { dtypeOf } from '../core/volume.js';
import type { LoadedPlugin } from '../registry/registry.js';
import type { TraceRequest, TraceResult, Tracer } from './tracer.js';

/** Every placeholder a command template may use besides {param:NAME}. */
export const COMMAND_PLACEHOLDERS = ['image', 'output', 'seed', 'marker', 'params', 'scratch', 'plugin'] as const;
type Placeholder = typeof COMMAND_PLACEHOLDERS[number];

export type TemplateValues = Record<Placeholder, string> & { paramValues: Record<string, unknown> };

const PLACEHOLDER = /\{([A-Za-z]+)(?::([A-Za-z0-9_.-]+))?\}/g;

/** Placeholders a template uses, split into known ones, parameter names and unknown ones (a manifest error). */
export function templatePlaceholders(template: string[]): { known: string[]; params: string[]; unknown: string[] } {
  const out = { known: [] as string[], params: [] as string[], unknown: [] as string[] };
  for (const arg of template) {
    for (const m of arg.matchAll(PLACEHOLDER)) {
      if (m[1] === 'param' && m[2] !== undefined) out.params.push(m[2]);
      else if (m[2] === undefined && (COMMAND_PLACEHOLDERS as readonly string[]).includes(m[1])) out.known.push(m[1]);
      else out.unknown.push(m[0]);
    }
  }
  return out;
}

function formatParam(v: unknown): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/**
 * Expands a command template. Each template element becomes exactly one argv element, so user
 * values (paths with spaces, parameter strings) are never re-split or shell-interpreted. Text
 * in braces that is not a placeholder stays as written.
 */
export function expandTemplate(template: string[], values: TemplateValues): string[] {
  return template.map((arg) => arg.replace(PLACEHOLDER, (whole, key: string, pname?: string) => {
    if (key === 'param' && pname !== undefined) return formatParam(values.paramValues[pname]);
    if (pname === undefined && (COMMAND_PLACEHOLDERS as readonly string[]).includes(key)) return values[key as Placeholder];
    return whole;
  }));
}

/** './x' and '../x' are relative to the plugin folder; anything else is looked up on PATH. */
export function resolveExecutable(plugin: LoadedPlugin, file: string): string {
  return file.startsWith('./') || file.startsWith('../') ? resolve(plugin.dir, file) : file;
}

/*
 * Memory cap. A tracer started by a command may fork helpers (a shell script calling python),
 * so the cap is the resident memory of the whole process tree, polled from /proc; Linux only
 * (elsewhere only the time limit applies).
 */
function childrenByParent(): Map<number, number[]> {
  const map = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Field 4 (ppid) follows the command name, which is parenthesised and may contain spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      map.set(ppid, [...(map.get(ppid) ?? []), Number(name)]);
    } catch { /* the process ended while we looked */ }
  }
  return map;
}

function rssMiB(pid: number): number {
  try {
    const kb = /^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : 0;
  } catch {
    return 0;
  }
}

export function processTreeRssMiB(root: number): number {
  const kids = childrenByParent();
  let total = 0;
  const stack = [root];
  const seen = new Set<number>();
  while (stack.length) {
    const pid = stack.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    total += rssMiB(pid);
    stack.push(...(kids.get(pid) ?? []));
  }
  return total;
}

const canPollMemory = process.platform === 'linux' && existsSync('/proc/self/status');

function tail(text: string, lines = 3): string {
  return text.trim().split('\n').map((l) => l.trim()).filter(Boolean).slice(-lines).join(' | ');
}

/** "progress 0.4 note" lines on the tracer's stdout become progress reports. */
const PROGRESS_LINE = /^progress[:\s]\s*([0-9]*\.?[0-9]+)\s*(.*)$/i;

/**
 * Runs an external executable on the image written into the job's scratch folder (TIFF or
 * v3draw, as the manifest asks), with the manifest's time limit and memory cap, then reads
 * its SWC back. The executable runs in its own process group so a cancel, a timeout or the
 * memory cap stops everything it started.
 */
export function commandTracer(plugin: LoadedPlugin, rt: CommandRuntime): Tracer {
  const id = plugin.manifest.id;
  const { timeoutSec, memoryMiB } = plugin.manifest.resources;
  return {
    async trace(req: TraceRequest): Promise<TraceResult> {
      if (req.signal.aborted) throw new CancelledError(id);
      const ext = rt.imageFormat === 'v3draw' ? 'v3draw' : 'tif';
      const image = join(req.scratchDir, `input.${ext}`);
      const output = join(req.scratchDir, 'output.swc');
      const paramsFile = join(req.scratchDir, 'params.json');
      const markerFile = join(req.scratchDir, 'seeds.marker');
      await writeImage(image, { dtype: dtypeOf(req.volume.data), dims: req.volume.dims, channels: 1, data: req.volume.data, spacing: req.volume.spacing });
      await writeFile(paramsFile, JSON.stringify(req.params, null, 2) + '\n');
      if (req.seeds.length) await writeMarkers(markerFile, req.seeds);
      const [file, ...args] = expandTemplate(rt.command, {
        image, output, scratch: req.scratchDir, plugin: plugin.dir, params: paramsFile,
        seed: req.seeds[0] ? req.seeds[0].join(',') : '',
        marker: req.seeds.length ? markerFile : 'NULL',
        paramValues: req.params,
      });
      const exe = resolveExecutable(plugin, file);
      const shown = isAbsolute(file) || file.startsWith('.') ? exe : file;
      req.progress(0, `running ${shown}`);

      const child = execa(exe, args, {
        cwd: req.scratchDir, reject: false, all: true, stdin: 'ignore', detached: true,
        env: { NEUROTRACE_SCRATCH: req.scratchDir, NEUROTRACE_PLUGIN_DIR: plugin.dir },
      });
      let stopped: 'cancel' | 'timeout' | 'memory' | undefined;
      let peakMiB = 0;
      const killTree = (why: typeof stopped) => {
        if (stopped || child.pid === undefined) return;
        stopped = why;
        try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
      };
      const onAbort = () => killTree('cancel');
      const onExit = () => killTree('cancel');
      req.signal.addEventListener('abort', onAbort, { once: true });
      // A cancel that arrived while the image was written (or from the progress call) counts too.
      if (req.signal.aborted) killTree('cancel');
      process.once('exit', onExit);
      const timer = setTimeout(() => killTree('timeout'), timeoutSec * 1000);
      const poll = canPollMemory && child.pid !== undefined ? setInterval(() => {
        const mib = processTreeRssMiB(child.pid!);
        peakMiB = Math.max(peakMiB, mib);
        if (mib > memoryMiB) killTree('memory');
      }, 100) : undefined;
      let pending = '';
      child.stdout?.on('data', (d: Buffer) => {
        pending += d.toString();
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) {
          const m = PROGRESS_LINE.exec(line.trim());
          if (m) req.progress(Math.max(0, Math.min(1, Number(m[1]))), m[2] || undefined);
        }
      });
      let res;
      try {
        res = await child;
      } finally {
        clearTimeout(timer);
        if (poll) clearInterval(poll);
        req.signal.removeEventListener('abort', onAbort);
        process.off('exit', onExit);
        // Helpers left behind by a tracer that exited on its own are stopped too.
        if (child.pid !== undefined) { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* none left */ } }
      }

      if (stopped === 'cancel') throw new CancelledError(id);
      if (stopped === 'timeout') throw new NeurotraceError(`${id}: '${shown}' timed out after ${timeoutSec} s (resources.timeoutSec) and was killed`);
      if (stopped === 'memory') throw new NeurotraceError(`${id}: '${shown}' ran out of memory: its processes exceeded the ${memoryMiB} MiB limit (resources.memoryMiB) and were killed`);
      const errCode = (res as { code?: string }).code;
      if (errCode === 'ENOENT') {
        throw new NeurotraceError(exe !== file || isAbsolute(file) ? `${id}: ${exe} does not exist` : `${id}: command '${file}' not found (is it installed and on PATH?)`);
      }
      if (errCode === 'EACCES') throw new NeurotraceError(`${id}: ${exe} is not executable (chmod +x it, or name its interpreter first in the command template)`);
      if (res.failed) {
        const why = res.signal ? `killed by ${res.signal}` : res.exitCode !== undefined ? `exit code ${res.exitCode}` : String(res.shortMessage ?? 'failed').split('\n')[0];
        const t = tail(String(res.all ?? ''));
        throw new NeurotraceError(`${id}: '${shown}' failed (${why})${t ? `: ${t}` : ''}`);
      }
      if (!existsSync(output)) throw new NeurotraceError(`${id}: '${shown}' finished but wrote no SWC (the template's {output} is ${output})`);
      let tree;
      try {
        tree = await readSwc(output);
      } catch (e) {
        if (e instanceof FileFormatError) throw new NeurotraceError(`${id}: '${shown}' wrote an unreadable SWC: ${e.message.slice(output.length + 2)}`);
        throw e;
      }
      req.progress(1);
      return { tree, meta: peakMiB > 0 ? { commandPeakRssMiB: Math.round(peakMiB * 10) / 10 } : {} };
    },
  };
}
