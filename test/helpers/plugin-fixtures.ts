import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A minimal valid manifest; tests override fields to build the bad ones. */
export function manifest(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    manifestVersion: 1,
    id: 'demo',
    name: 'Demo tracer',
    version: '1.0.0',
    engines: { neurotrace: '^0.1.0' },
    runtime: { kind: 'typescript', entry: 'index.js' },
    citation: 'Test (2026)',
    parameters: {
      type: 'object',
      properties: {
        threshold: { oneOf: [{ type: 'number', minimum: 0, maximum: 255 }, { const: 'AUTO' }], default: 10 },
        length: { type: 'number', minimum: 0, default: 5 },
        gap: { type: 'boolean', default: false },
      },
    },
    variants: [{ id: 'demo', params: {} }, { id: 'demo-auto', params: { threshold: 'AUTO', gap: true } }],
    capabilities: { dtypes: ['uint8'], seeds: 'optional' },
    resources: { timeoutSec: 60, memoryMiB: 512 },
    ...over,
  };
}

export function tempDir(prefix = 'nt-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes plugins/<folder>/plugin.json (raw text when `m` is a string) and optional extra files. */
export function writePlugin(root: string, folder: string, m: Record<string, unknown> | string, files: Record<string, string> = {}): string {
  const dir = join(root, folder);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'plugin.json'), typeof m === 'string' ? m : JSON.stringify(m, null, 2));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return join(dir, 'plugin.json');
}
