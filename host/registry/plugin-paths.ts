import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { packageRoot } from '../core/paths.js';

export type PluginSource = 'builtin' | 'user' | 'path';

export interface PluginRoot { dir: string; source: PluginSource }

/** NEUROTRACE_HOME overrides ~/.neurotrace (tests and shared lab installs use it). */
export function neurotraceHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.NEUROTRACE_HOME ? resolve(env.NEUROTRACE_HOME) : join(homedir(), '.neurotrace');
}

export function userPluginDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(neurotraceHome(env), 'plugins');
}

/** Search order decides who wins a clash: built-in, then the user folder, then NEUROTRACE_PLUGIN_PATH entries. */
export function pluginRoots(env: NodeJS.ProcessEnv = process.env): PluginRoot[] {
  const roots: PluginRoot[] = [
    { dir: join(packageRoot(), 'plugins'), source: 'builtin' },
    { dir: userPluginDir(env), source: 'user' },
  ];
  for (const p of (env.NEUROTRACE_PLUGIN_PATH ?? '').split(delimiter)) {
    if (p.trim()) roots.push({ dir: resolve(p.trim()), source: 'path' });
  }
  return roots;
}
