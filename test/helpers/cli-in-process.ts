import { vi } from 'vitest';
import { resetCliContainer } from '../../host/cli/context.js';
import { runCli } from '../../host/cli/main.js';

/**
 * Runs the CLI in this process (fast, no build needed) with a fresh container, capturing what it
 * writes to stdout and stderr.
 */
export async function cliInProcess(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  resetCliContainer();
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => { out += String(s); return true; });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => { err += String(s); return true; });
  try {
    return { code: await runCli(['node', 'neurotrace', ...args]), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}
