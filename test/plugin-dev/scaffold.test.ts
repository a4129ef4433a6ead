import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../host/core/paths.js';
import { readSwc } from '../../host/io/swc.js';
import { yShape } from '../../host/plugin-dev/synthetic-images.js';
import { tempDir } from '../helpers/plugin-fixtures.js';
import { homeState, nodeRows, ntCli, tableRows, tempHome, writeCase } from './helpers.js';

const EXPECTED_CHECKS = ['manifest', 'build', 'parameter schema', 'runtime', 'vaa3d mapping', 'trace straight-tube', 'trace y', 'trace noisy-tube',
  'bad parameters', 'cancel before start', 'cancel during run'];

/** `plugins new` through the CLI; returns the plugin folder. */
function scaffold(id: string, lang: string, home: string): string {
  const parent = tempDir('nt-scaffold-');
  const r = ntCli(['plugins', 'new', id, '--lang', lang], home, parent);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(`neurotrace plugins test ./${id}`);
  return join(parent, id);
}

/** The conformance kit passes every check (warn/skip allowed, no FAIL) and exits 0. */
function expectConformance(target: string, home: string, cwd?: string): void {
  const r = ntCli(['plugins', 'test', target], home, cwd);
  const rows = tableRows(r.stdout);
  const failed = rows.filter((x) => x.result === 'FAIL');
  expect(failed, r.stdout + r.stderr).toEqual([]);
  expect(r.code).toBe(0);
  const installedId = !target.includes('/'); // an installed plugin is tested as it is: no build row
  expect(rows.map((x) => x.check)).toEqual(expect.arrayContaining(EXPECTED_CHECKS.filter((c) => !(installedId && c === 'build'))));
  for (const c of ['trace straight-tube', 'trace y', 'trace noisy-tube', 'bad parameters', 'cancel before start']) {
    expect(rows.find((x) => x.check === c)?.result, c).toBe('PASS');
  }
}

/** Installs plugin folders into `home` and traces the Y with each installed variant. */
async function traceY(home: string, variants: string[]): Promise<string[][]> {
  const dir = tempDir();
  const image = await writeCase(yShape(), join(dir, 'y.tif'));
  const out: string[][] = [];
  for (const v of variants) {
    const r = ntCli(['run', v, image, '-o', join(dir, `${v}.swc`), '--quiet'], home);
    expect(r.stderr).toBe('');
    out.push(nodeRows(await readSwc(join(dir, `${v}.swc`))));
  }
  return out;
}

describe('plugins new', () => {
  it('ts: type-checks under strict TypeScript, its unit tests pass, and it passes plugins test unchanged', () => {
    const home = tempHome();
    const dir = scaffold('scaf-ts', 'ts', home);
    const tsc = spawnSync(process.execPath, [join(packageRoot(), 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir, '--typeRoots', join(packageRoot(), 'node_modules', '@types')], { encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
    const unit = spawnSync(process.execPath, ['--test', 'test/'], { cwd: dir, encoding: 'utf8' });
    expect(unit.stdout).toMatch(/# pass 3\n# fail 0/);
    expectConformance(dir, home);
  }, 120_000);

  it('command: the Python tracer passes its unit tests, plugins test, and traces like the TypeScript scaffold', async () => {
    const home = tempHome();
    const py = scaffold('scaf-py', 'command', home);
    expect(statSync(join(py, 'tracer.py')).mode & 0o111).not.toBe(0);
    const unit = spawnSync('python3', ['-m', 'unittest', 'discover', '-s', 'test'], { cwd: py, encoding: 'utf8' });
    expect(unit.stderr).toMatch(/Ran 2 tests[\s\S]*\nOK\n$/);
    expectConformance(py, home);
    // The same algorithm in two languages, through two runtimes (the command one via v3draw files).
    const ts = scaffold('scaf-ts2', 'ts', home);
    expect(ntCli(['plugins', 'install', py], home).code).toBe(0);
    expect(ntCli(['plugins', 'install', ts], home).code).toBe(0);
    const [a, b] = await traceY(home, ['scaf-py', 'scaf-ts2']);
    expect(a.length).toBeGreaterThan(60);
    expect(a).toEqual(b);
  }, 120_000);

  it('cpp: builds with cmake-js on install, passes plugins test and its unit tests, traces like the TypeScript scaffold, and shows compiler errors', async () => {
    const home = tempHome();
    const cpp = scaffold('scaf-cpp', 'cpp', home);
    const inst = ntCli(['plugins', 'install', cpp], home);
    expect(inst.stderr).toContain('built build/Release/scaf_cpp.node with cmake-js');
    expect(inst.code).toBe(0);
    expectConformance('scaf-cpp', home);
    const unit = spawnSync(process.execPath, ['--test', 'test/'], { cwd: join(home, 'plugins', 'scaf-cpp'), encoding: 'utf8' });
    expect(unit.stdout).toMatch(/# pass 3\n# fail 0/);
    const ts = scaffold('scaf-ts3', 'ts', home);
    expect(ntCli(['plugins', 'install', ts], home).code).toBe(0);
    const [a, b] = await traceY(home, ['scaf-cpp', 'scaf-ts3']);
    expect(a).toEqual(b);

    // A compile error: the compiler's own message, pointing at the user's file; nothing installed.
    const broken = scaffold('scaf-broken', 'cpp', home);
    const src = join(broken, 'src', 'skeleton.cc');
    const lines = readFileSync(src, 'utf8').split('\n');
    const at = lines.findIndex((l) => l.includes('out.threshold = opt.autoThreshold'));
    lines[at] = lines[at].replace('opt.autoThreshold', 'opt.autoThreshould');
    writeFileSync(src, lines.join('\n'));
    const before = homeState(home).plugins;
    const fail = ntCli(['plugins', 'install', broken], home);
    expect(fail.code).toBe(1);
    const last = fail.stderr.trim().split('\n').pop()!;
    expect(last).toMatch(new RegExp(`^neurotrace: C\\+\\+ build of scaf-broken failed: ${src}:${at + 1}:\\d+: error: .*autoThreshould.* \\(full log: .*\\.log\\)$`));
    expect(fail.stderr).toContain(`${src}:${at + 1}`); // the excerpt printed above the one-line error
    expect(homeState(home)).toEqual({ plugins: before, staging: [] });
  }, 240_000);

  it('refuses taken ids, bad ids, unknown languages and non-empty folders', () => {
    const home = tempHome();
    const cwd = tempDir();
    const taken = ntCli(['plugins', 'new', 'app2new2', '--lang', 'ts'], home, cwd);
    expect(taken.stderr).toMatch(/^neurotrace: variant id 'app2new2' is already registered by .*plugins\/app2\/plugin\.json; pick another id\n$/);
    expect(taken.code).toBe(2);
    expect(ntCli(['plugins', 'new', '9lives', '--lang', 'ts'], home, cwd).stderr).toMatch(/plugin id '9lives' must start with a letter/);
    expect(ntCli(['plugins', 'new', 'x', '--lang', 'rust'], home, cwd).stderr).toBe("neurotrace: --lang 'rust' must be one of ts, cpp, command\n");
    mkdirSync(join(cwd, 'busy'));
    writeFileSync(join(cwd, 'busy', 'notes.txt'), 'mine');
    expect(ntCli(['plugins', 'new', 'busy', '--lang', 'ts'], home, cwd).stderr).toBe(`neurotrace: ${join(cwd, 'busy')} already exists and is not empty; choose another --dir\n`);
  });
});
