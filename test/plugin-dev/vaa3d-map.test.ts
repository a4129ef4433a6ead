import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../host/core/errors.js';
import { hostVersion, packageRoot } from '../../host/core/paths.js';
import { PluginRegistry } from '../../host/registry/registry.js';
import { resolveParams } from '../../host/registry/params.js';
import { parseVaa3dArgs } from '../../host/plugin-dev/vaa3d-args.js';
import { defaultVaa3dOutput, findVaa3dFunction, mapVaa3dCall, resolveVaa3dPluginName, schemaDefaults } from '../../host/plugin-dev/vaa3d-map.js';
import { fixtures } from './helpers.js';
import { tempDir } from '../helpers/plugin-fixtures.js';

const registry = () => new PluginRegistry(hostVersion(), [
  { dir: join(packageRoot(), 'plugins', 'app2'), source: 'builtin' },
  { dir: join(fixtures, 'sloppy-tracer'), source: 'path' },
]);

describe('vaa3d command-line grammar', () => {
  it('collects -i, -o and -p values up to the next option, as Vaa3D does', () => {
    const cl = parseVaa3dArgs(['-x', 'vn2', '-f', 'app2', '-i', 'a b.tif', '-p', 'NULL', '0', 'AUTO', '-o', 'out.swc', '--quiet']);
    expect(cl).toMatchObject({ plugin: 'vn2', func: 'app2', inputs: ['a b.tif'], outputs: ['out.swc'], params: ['NULL', '0', 'AUTO'], quiet: true, help: false });
  });

  it('reads -pf parameter files, one value per line', () => {
    const f = join(tempDir(), 'p.txt');
    writeFileSync(f, 'NULL\n0\r\n10\n\n1\n');
    expect(parseVaa3dArgs(['-x', 'vn2', '-f', 'app2', '-pf', f]).params).toEqual(['NULL', '0', '10', '1']);
    expect(() => parseVaa3dArgs(['-pf', join(f, 'missing')])).toThrow(/cannot read the -pf parameter file/);
  });

  it('refuses unknown options, stray values and missing values with one line each', () => {
    expect(() => parseVaa3dArgs(['-x', 'vn2', '-z'])).toThrow("vaa3d: unknown option '-z'; supported: -x -f -i -o -p -pf -h");
    expect(() => parseVaa3dArgs(['-p', 'NULL', '0', '-1'])).toThrow(/-p values cannot be negative numbers/);
    expect(() => parseVaa3dArgs(['vn2'])).toThrow(/unexpected argument 'vn2'/);
    expect(() => parseVaa3dArgs(['-x'])).toThrow('vaa3d: -x needs a value');
  });
});

describe('vaa3d mapping (APP2)', () => {
  const app2 = () => findVaa3dFunction(registry(), 'vn2', 'app2');

  it('maps each BigNeuron APP2 bench line onto its own preset', () => {
    const reg = registry();
    const lines: Record<string, string> = {
      app2: 'NULL 0 10 1 1 0 0 5 0 0 0',
      app2new1: 'NULL 0 AUTO 1 1 1 1 5 0 0 0',
      app2new2: 'NULL 0 AUTO 1 1 0 1 5 0 0 0',
      app2new3: 'NULL 0 10 1 1 1 1 5 0 0 0',
    };
    for (const [variant, line] of Object.entries(lines)) {
      const m = mapVaa3dCall(reg, app2(), line.split(' '));
      expect(m.variantId).toBe(variant);
      expect(m.overrides).toEqual({});
      expect(m.params).toEqual(resolveParams(reg.getVariant(variant)));
      expect(m.channel).toBe(0);
      expect(m.markerFile).toBeUndefined();
    }
  });

  it('keeps the plugin defaults for missing trailing values and runs them as overrides', () => {
    const reg = registry();
    const m = mapVaa3dCall(reg, app2(), ['NULL', '0', '25']);
    expect(m.variantId).toBe('app2');
    const defaults = schemaDefaults(reg.getPlugin('app2'));
    expect(m.params).toEqual({ ...defaults, bkgThresh: 25 });
    expect(m.params.resample).toBe(true); // the plugin default, not the bench preset's 0
    expect(m.overrides.bkgThresh).toBe(25);
  });

  it('reads the marker file and the channel positions', () => {
    const m = mapVaa3dCall(registry(), app2(), ['somas.marker', '2', '10']);
    expect(m.markerFile).toBe('somas.marker');
    expect(m.channel).toBe(2);
  });

  it('treats bool positions like atoi(...) != 0', () => {
    const m = mapVaa3dCall(registry(), app2(), ['NULL', '0', '10', '1', '1', '7', '0']);
    expect(m.params.gsdt).toBe(true);
    expect(m.params.gap).toBe(false);
  });

  it('refuses bad values naming the position and what it accepts', () => {
    const reg = registry();
    expect(() => mapVaa3dCall(reg, app2(), ['NULL', '0', 'abc'])).toThrow("vaa3d -x vn2 -f app2: -p value 3 (bkg_thresh) 'abc' must be an integer or 'AUTO'");
    expect(() => mapVaa3dCall(reg, app2(), ['NULL', '0', '300'])).toThrow(/\(-p value 3, bkg_thresh\): parameter 'bkgThresh' for app2 must be an integer from 0 to 255/);
    expect(() => mapVaa3dCall(reg, app2(), ['NULL', 'x'])).toThrow(/-p value 2 \(channel\) 'x' must be a channel number counted from 0/);
    expect(() => mapVaa3dCall(reg, app2(), 'NULL 0 10 1 1 0 0 5 0 0 0 9'.split(' '))).toThrow(/12 -p values given, at most 11 accepted \(inmarker_file channel bkg_thresh/);
    expect(() => mapVaa3dCall(reg, app2(), ['NULL', '0', '10', 'yes'])).toThrow(UsageError);
  });

  it('resolves -x like Vaa3D (exact, then a unique substring) and names what exists', () => {
    const reg = registry();
    expect(resolveVaa3dPluginName(reg, 'vn2')).toBe('vn2');
    expect(resolveVaa3dPluginName(reg, 'VN')).toBe('vn2');
    expect(resolveVaa3dPluginName(reg, 'slop')).toBe('sloppy');
    expect(() => resolveVaa3dPluginName(reg, 'neutube')).toThrow("vaa3d: no plugin answers to -x 'neutube'; known: sloppy, vn2");
    expect(() => findVaa3dFunction(reg, 'vn2', 'app1')).toThrow("vaa3d: plugin 'vn2' has no function 'app1'; functions: app2");
  });

  it('names the default output after the function template', () => {
    expect(defaultVaa3dOutput(app2().fn, '/d/img.tif')).toBe('/d/img.tif_app2.swc');
  });
});
