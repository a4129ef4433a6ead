import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from '../helpers/cli.js';
import { manifest, tempDir, writePlugin } from '../helpers/plugin-fixtures.js';
import { packageRoot } from '../../host/core/paths.js';
import { writeImage } from '../../host/io/write-image.js';
import { readSwc } from '../../host/io/swc.js';

const testPlugins = join(packageRoot(), 'test', 'fixtures', 'plugins');
let dir: string;
let tif: string;
let env: Record<string, string>;

/** A bright tube along x in a dark 40x20x10 stack, 2 channels (the second is empty). */
beforeAll(async () => {
  dir = tempDir('nt-cli-');
  env = { NEUROTRACE_PLUGIN_PATH: testPlugins, NEUROTRACE_HOME: join(dir, 'home') };
  const [nx, ny, nz] = [40, 20, 10];
  const data = new Uint8Array(nx * ny * nz * 2);
  for (let x = 3; x < 37; x++) for (let y = 9; y <= 11; y++) for (let z = 4; z <= 6; z++) data[(z * ny + y) * nx + x] = 200;
  tif = join(dir, 'tube.tif');
  await writeImage(tif, { dtype: 'uint8', dims: [nx, ny, nz], channels: 2, data, spacing: [0.5, 0.5, 2] });
});

const oneLine = (s: string) => s.trim().split('\n').length === 1;

describe('neurotrace CLI', () => {
  it('prints help listing the commands', () => {
    const r = cli(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['plugins', 'run', 'bench', 'report', 'demo', 'score', 'features']) expect(r.stdout).toContain(c);
  });

  it('traces an image and writes the SWC with its provenance header', async () => {
    const r = cli(['run', 't-line', tif, '--seed', '3,10,5', '--quiet'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = `${tif}.t-line.swc`;
    expect(r.stdout).toContain(out);
    const tree = await readSwc(out);
    expect(tree.nodes.length).toBeGreaterThan(30);
    const header = tree.comments.join('\n');
    expect(header).toMatch(/^neurotrace \d+\.\d+\.\d+/m);
    expect(header).toContain('plugin line-tracer@1.0.0');
    expect(header).toContain('variant t-line');
    expect(header).toMatch(/image_sha256 [0-9a-f]{64}/);
    expect(header).toContain('params {"delayMs":0}');
    expect(header).toMatch(/wall_seconds \d/);
  });

  it('honours -o and --json', () => {
    const out = join(dir, 'custom.swc');
    const r = cli(['run', 't-line', tif, '-o', out, '--json', '--quiet'], env);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.output).toBe(out);
    expect(j.variant).toBe('t-line');
    expect(existsSync(out)).toBe(true);
  });

  const cases: [string, string[], number, RegExp][] = [
    ['unknown variant', ['run', 't-lin', 'x.tif'], 1, /no variant 't-lin'; did you mean 't-line'/],
    ['missing image', ['run', 't-line', 'nope.tif'], 1, /nope\.tif/],
    ['unknown parameter', ['run', 't-line', '@TIF', '--param', 'speed=3'], 2, /unknown parameter 'speed' for t-line; known: delayMs/],
    ['out-of-range parameter', ['run', 't-line', '@TIF', '--param', 'delayMs=-5'], 2, /parameter 'delayMs' for t-line must be a number >= 0 \(got -5\)/],
    ['malformed --param', ['run', 't-line', '@TIF', '--param', 'delayMs'], 2, /--param 'delayMs' must be name=value/],
    ['bad seed', ['run', 't-line', '@TIF', '--seed', '1,2'], 2, /seed '1,2' must be three numbers/],
    ['seed outside the image', ['run', 't-line', '@TIF', '--seed', '50,1,1'], 2, /seed 50,1,1 is outside .*tube\.tif \(dims 40x20x10/],
    ['missing channel', ['run', 't-line', '@TIF', '--channel', '2'], 2, /channel 2 does not exist \(the image has 2 channels: 0\.\.1\)/],
    ['plugin that throws', ['run', 't-throw', '@TIF'], 1, /no foreground above threshold/],
    ['unknown plugin for info', ['plugins', 'info', 'zzz'], 1, /no plugin 'zzz'/],
    ['unknown command', ['frobnicate'], 1, /unknown command 'frobnicate'/],
  ];
  for (const [name, args, code, msg] of cases) {
    it(`fails cleanly on ${name}`, () => {
      const r = cli(args.map((a) => (a === '@TIF' ? tif : a)), env, dir);
      expect(r.code).toBe(code);
      expect(r.stderr).toMatch(msg);
      if (code !== 1 || !name.startsWith('unknown command')) expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }

  it('gives one line for a corrupt image', () => {
    const bad = join(dir, 'corrupt.tif');
    writeFileSync(bad, Buffer.from('II*\0garbage-not-a-tiff'));
    const r = cli(['run', 't-line', bad, '--quiet'], env);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toBe(true);
    expect(r.stderr).toContain('corrupt.tif');
  });

  it('adds the stack with --verbose', () => {
    const r = cli(['run', 't-line', join(dir, 'nope.tif'), '--verbose'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\n\s+at /);
  });

  it('reports skipped manifests on stderr and in --json, and keeps listing the rest', () => {
    const extra = tempDir('nt-cli-plugins-');
    const bad = writePlugin(extra, 'bad', manifest({ id: 'bad', version: 'one' }));
    writePlugin(extra, 'good', manifest({ id: 'good', variants: [{ id: 'good-v', params: {} }] }));
    const e = { ...env, NEUROTRACE_PLUGIN_PATH: extra };
    const r = cli(['plugins', 'list'], e);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('good-v');
    expect(r.stdout).toContain('app2');
    expect(r.stderr).toContain(`skipped plugin: ${bad}: $.version:`);
    const j = JSON.parse(cli(['plugins', 'list', '--json'], e).stdout);
    expect(j.skipped[0].file).toBe(bad);
    expect(j.plugins.map((p: { id: string }) => p.id)).toContain('good');
  });

  it('shows parameters, defaults and variants in plugins info', () => {
    const r = cli(['plugins', 'info', 'app2']);
    expect(r.code).toBe(0);
    for (const s of ['parameters:', 'variants:', 'app2new1', 'app2new3', 'citation:', 'bkgThresh']) expect(r.stdout).toContain(s);
  });
});
