import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readSwc } from '../../host/io/swc.js';
import { writeMarkers } from '../../host/io/marker.js';
import { noisyTube, yShape } from '../../host/plugin-dev/synthetic-images.js';
import { tempDir } from '../helpers/plugin-fixtures.js';
import { nodeRows, ntCli, tempHome, writeCase } from './helpers.js';

// The BigNeuron bench lines for the APP2 variants (app2.md, vaa3d-notes.md 1.5).
const BENCH: Record<string, string> = {
  app2: 'NULL 0 10 1 1 0 0 5 0 0 0',
  app2new1: 'NULL 0 AUTO 1 1 1 1 5 0 0 0',
  app2new2: 'NULL 0 AUTO 1 1 0 1 5 0 0 0',
  app2new3: 'NULL 0 10 1 1 1 1 5 0 0 0',
};

let dir: string;
let images: string[];
const home = tempHome();

beforeAll(async () => {
  dir = tempDir('nt-vaa3d-');
  images = [await writeCase(noisyTube(), join(dir, 'noisy.tif')), await writeCase(yShape(), join(dir, 'y.tif'))];
});

describe('neurotrace vaa3d', () => {
  it('runs each APP2 bench line exactly as neurotrace run runs the matching variant', async () => {
    for (const image of images) {
      for (const [variant, line] of Object.entries(BENCH)) {
        const viaVaa3d = join(dir, `${variant}.vaa3d.swc`);
        const viaRun = join(dir, `${variant}.run.swc`);
        const a = ntCli(['vaa3d', '-x', 'vn2', '-f', 'app2', '-i', image, '-o', viaVaa3d, '-p', ...line.split(' '), '--quiet'], home);
        expect(a.stderr).toBe('');
        expect(a.stdout).toMatch(new RegExp(`^${variant}: \\d+ nodes, 1 root, `));
        const b = ntCli(['run', variant, image, '-o', viaRun, '--quiet'], home);
        expect(b.code).toBe(0);
        const [ta, tb] = [await readSwc(viaVaa3d), await readSwc(viaRun)];
        expect(ta.nodes.length).toBeGreaterThan(10);
        expect(nodeRows(ta)).toEqual(nodeRows(tb));
        expect(ta.comments).toContain(`variant ${variant}`);
        const params = (t: typeof ta) => t.comments.find((c) => c.startsWith('params '));
        expect(params(ta)).toBe(params(tb));
      }
    }
  }, 120_000);

  it("writes Vaa3D's default output name when -o is absent", async () => {
    const image = images[1];
    const r = ntCli(['vaa3d', '-x', 'vn2', '-f', 'app2', '-i', image, '-p', ...BENCH.app2.split(' '), '--quiet'], home);
    expect(r.code).toBe(0);
    expect(existsSync(`${image}_app2.swc`)).toBe(true);
  });

  it('takes seeds from the marker position, as run --marker does', async () => {
    const image = images[1];
    const marker = join(dir, 'root.marker');
    await writeMarkers(marker, [[50, 16, 8]]);
    const a = ntCli(['vaa3d', '-x', 'vn2', '-f', 'app2', '-i', image, '-o', join(dir, 'm.vaa3d.swc'), '-p', marker, '0', '10', '1', '1', '0', '0', '5', '0', '0', '0', '--quiet'], home);
    expect(a.stderr).toBe('');
    const b = ntCli(['run', 'app2', image, '--marker', marker, '-o', join(dir, 'm.run.swc'), '--quiet'], home);
    expect(b.code).toBe(0);
    const [ta, tb] = [await readSwc(join(dir, 'm.vaa3d.swc')), await readSwc(join(dir, 'm.run.swc'))];
    expect(nodeRows(ta)).toEqual(nodeRows(tb));
    expect(ta.comments).toContain('seeds 50,16,8');
  });

  it('answers mistakes with one line and a usage exit code', () => {
    const image = images[0];
    const bad = (args: string[]) => ntCli(['vaa3d', ...args], home);
    const cases: [string[], string][] = [
      [['-x', 'vn2', '-f', 'app2', '-i', image, '-p', 'NULL', '0', 'abc'], "neurotrace: vaa3d -x vn2 -f app2: -p value 3 (bkg_thresh) 'abc' must be an integer or 'AUTO'\n"],
      [['-x', 'vn2', '-f', 'app3', '-i', image], "neurotrace: vaa3d: plugin 'vn2' has no function 'app3'; functions: app1, app2\n"],
      [['-x', 'vn2', '-i', image], "neurotrace: vaa3d: -f <function> is required (see 'neurotrace vaa3d -x vn2 -h')\n"],
      [['-x', 'vn2', '-f', 'app2'], 'neurotrace: vaa3d: -i takes exactly one image for a tracer, got 0\n'],
      [['-x', 'vn2', '-f', 'app2', '-i', image, '-p', 'NULL', '0', '-5'], "neurotrace: vaa3d: unknown option '-5' (as in Vaa3D, -p values cannot be negative numbers); supported: -x -f -i -o -p -pf -h\n"],
    ];
    for (const [args, err] of cases) {
      const r = bad(args);
      expect(r.stderr).toBe(err);
      expect(r.code).toBe(2);
    }
  });

  it('lists mapped functions and explains each -p position', () => {
    const all = ntCli(['vaa3d', '--help'], home);
    expect(all.stdout).toMatch(/-x\s+-f\s+variant\s+plugin/);
    expect(all.stdout).toMatch(/\nvn2\s+app2\s+app2\s+app2\n/);
    const one = ntCli(['vaa3d', '-x', 'vn2', '-h'], home);
    expect(one.stdout).toContain('-x vn2 -f app2 -i <image> [-o <out.swc>] -p [inmarker_file] [channel] [bkg_thresh]');
    expect(one.stdout).toContain("3. bkg_thresh: bkgThresh: an integer or 'AUTO'");
    expect(one.code).toBe(0);
  });
});
