// Generates host/generated/*.ts from schemas/*.schema.json so record and manifest types are
// written once (in the schema) and derived everywhere else.
import { compileFromFile } from 'json-schema-to-typescript';
import { readdirSync, writeFileSync, readFileSync, existsSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'host', 'generated');
mkdirSync(outDir, { recursive: true });
for (const f of readdirSync(join(root, 'schemas')).filter((n) => n.endsWith('.schema.json')).sort()) {
  const ts = await compileFromFile(join(root, 'schemas', f), {
    bannerComment: `/* Generated from schemas/${f} by scripts/gen-types.mjs. Do not edit. */`,
    additionalProperties: false,
    style: { singleQuote: true },
    cwd: join(root, 'schemas'),
  });
  const target = join(outDir, f.replace('.schema.json', '.ts'));
  if (!existsSync(target) || readFileSync(target, 'utf8') !== ts) writeFileSync(target, ts);
}
