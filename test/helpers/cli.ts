import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../../host/core/paths.js';

export interface CliResult { code: number; stdout: string; stderr: string }

/** Runs the compiled CLI as a user would (needs `npm run build`; `npm test` does it first). */
export function cli(args: string[], env: Record<string, string> = {}, cwd?: string): CliResult {
  const r = spawnSync(process.execPath, [join(packageRoot(), 'bin', 'neurotrace.js'), ...args], {
    env: { ...process.env, ...env }, encoding: 'utf8', cwd, timeout: 120_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
