import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../host/core/paths.js';
import { tempDir } from '../helpers/plugin-fixtures.js';
import { fixtures, ntCli, tableRows, tempHome } from './helpers.js';

const result = (rows: ReturnType<typeof tableRows>, check: string, variant = '') => rows.find((r) => r.check === check && r.variant === variant);

describe('plugins test (conformance kit)', () => {
  it('catches each deliberate flaw, prints the table and exits non-zero', () => {
    const r = ntCli(['plugins', 'test', join(fixtures, 'sloppy-tracer')], tempHome());
    const rows = tableRows(r.stdout);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^neurotrace: sloppy-tracer@1\.0\.0: 12 conformance checks failed \(first: parameter schema\)\n$/);
    expect(result(rows, 'manifest')?.result).toBe('PASS');
    expect(result(rows, 'parameter schema')).toMatchObject({ result: 'FAIL', detail: "'loose' accepts any value (give it a type, enum or const)" });
    expect(result(rows, 'bad parameters', 'sloppy-deaf')).toMatchObject({ result: 'FAIL' });
    expect(result(rows, 'bad parameters', 'sloppy-deaf')?.detail).toMatch(/^'loose' accepts every value tried/);
    // A benchCommand that lands on another preset.
    expect(result(rows, 'vaa3d benchCommand', 'sloppy-deaf')?.result).toBe('PASS');
    expect(result(rows, 'vaa3d benchCommand', 'sloppy-star')?.detail).toBe("'vaa3d -x sloppy -f trace -i <img> -p scaled' maps to the preset of sloppy-scaled, not to this preset");
    // Shapes: a straight path is right for the tube, wrong for the Y; doubled coordinates leave the image; a star is no path.
    expect(result(rows, 'trace straight-tube', 'sloppy-deaf')?.result).toBe('PASS');
    expect(result(rows, 'trace y', 'sloppy-deaf')?.detail).toMatch(/^expected one bifurcation and 3 tips \(\d+ nodes, 1 root, 2 tips, 0 branch points\)/);
    expect(result(rows, 'trace straight-tube', 'sloppy-scaled')?.detail).toMatch(/nodes outside the 64x48x24 image, e\.g\. node 1 at .*\(coordinates must be 0-based voxels\)/);
    expect(result(rows, 'trace straight-tube', 'sloppy-star')?.detail).toMatch(/^not a single path/);
    expect(result(rows, 'trace noisy-tube', 'sloppy-star')?.result).toBe('PASS');
    // It never looks at the signal.
    expect(result(rows, 'cancel before start', 'sloppy-deaf')).toMatchObject({ result: 'FAIL', detail: 'ran to completion although its signal was already cancelled (check req.signal.aborted)' });
    expect(r.stdout).toMatch(/\n10 of 22 checks passed\n$/);
  }, 120_000);

  it('passes the built-in APP2 plugin, including its vaa3d bench lines', () => {
    const r = ntCli(['plugins', 'test', 'app2', '--json'], tempHome());
    const report = JSON.parse(r.stdout) as { passed: boolean; rows: { check: string; variant: string; status: string; detail: string }[] };
    expect(report.rows.filter((x) => x.status === 'fail')).toEqual([]);
    expect(report.passed).toBe(true);
    expect(r.code).toBe(0);
    for (const v of ['app2', 'app2new1', 'app2new2', 'app2new3']) {
      expect(report.rows.find((x) => x.check === 'vaa3d benchCommand' && x.variant === v)?.status).toBe('pass');
      for (const c of ['trace straight-tube', 'trace y', 'trace noisy-tube']) expect(report.rows.find((x) => x.check === c && x.variant === v)?.status).toBe('pass');
    }
    expect(report.rows.find((x) => x.check === 'cancel before start')?.status).toBe('pass');
  }, 120_000);

  it('reports a manifest that fails the schema as a failed check, without running anything', () => {
    const dir = join(tempDir(), 'broken');
    cpSync(join(fixtures, 'sloppy-tracer'), dir, { recursive: true });
    const m = JSON.parse(readFileSync(join(dir, 'plugin.json'), 'utf8'));
    m.resources.timeoutSec = 0;
    writeFileSync(join(dir, 'plugin.json'), JSON.stringify(m));
    const r = ntCli(['plugins', 'test', dir], tempHome());
    expect(tableRows(r.stdout)).toEqual([{ check: 'manifest', variant: '', result: 'FAIL', detail: `${dir}/plugin.json: $.resources.timeoutSec: must be > 0` }]);
    expect(r.code).toBe(1);
  });

  it('keeps docs/plugins.md in step with the manifest schema', () => {
    const r = spawnSync(process.execPath, [join(packageRoot(), 'scripts', 'gen-manifest-docs.mjs'), '--check'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
