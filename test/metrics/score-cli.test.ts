import { readFileSync } from 'node:fs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { runCli } from '../../host/cli/main.js';
import { parseMetricList, parseSpacing, scorePair } from '../../host/metrics/score.js';
import { FIXTURES, fixture, tree } from './helpers.js';

const schema = JSON.parse(readFileSync(new URL('../../schemas/scores.schema.json', import.meta.url), 'utf8'));
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => { out += String(s); return true; });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => { err += String(s); return true; });
  try {
    const code = await runCli(['node', 'neurotrace', ...args]);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe('scorePair', () => {
  it('returns one record that validates against schemas/scores.schema.json', async () => {
    const rec = scorePair(await fixture('gold'), await fixture('t_missbranch'), { goldName: 'g', testName: 't' });
    expect(validate(rec), JSON.stringify(validate.errors)).toBe(true);
    expect(Object.keys(rec)).toEqual(['gold', 'test', 'units', 'spacing', 'distance', 'diadem', 'prf', 'length', 'ssd']);
  });

  it('validates also when nothing is computable', () => {
    const one = tree([[1, 0, 0, 0, -1]]);
    const rec = scorePair(one, one);
    expect(validate(rec), JSON.stringify(validate.errors)).toBe(true);
    expect(rec.distance).toMatchObject({ computable: false });
  });

  it('runs only the requested metrics', async () => {
    const rec = scorePair(await fixture('gold'), await fixture('t_same'), { metrics: ['prf'] });
    expect(Object.keys(rec)).toEqual(['gold', 'test', 'units', 'spacing', 'prf']);
  });

  it('scores in microns with a spacing: isotropic 0.5 halves every distance', async () => {
    const gold = await fixture('line_gold'), test = await fixture('line_test_y3');
    const vox = scorePair(gold, test, { metrics: ['distance'] });
    const um = scorePair(gold, test, { metrics: ['distance'], spacing: [0.5, 0.5, 0.5], dThres: 1 });
    expect(um.units).toBe('micron');
    expect(um.distance).toMatchObject({ computable: true, esa: 1.5, pds: 1 });
    // the sample count follows the physical length (round(L)+1 per edge), as Vaa3D on a micron SWC
    expect(vox.distance).toMatchObject({ samples12: 12 });
    expect(um.distance).toMatchObject({ samples12: 8 });
  });

  it('parses metric lists and spacings, naming what is wrong', () => {
    expect(parseMetricList('all')).toEqual(['distance', 'diadem', 'prf', 'length', 'ssd']);
    expect(parseMetricList('prf, distance')).toEqual(['distance', 'prf']);
    expect(() => parseMetricList('esa')).toThrow("unknown metric 'esa'; choose all or any of distance, diadem, prf, length, ssd");
    expect(parseSpacing('0.2,0.2,1')).toEqual([0.2, 0.2, 1]);
    expect(() => parseSpacing('1,0,1')).toThrow('--spacing must be three positive numbers x,y,z (got "1,0,1")');
  });
});

describe('neurotrace score / features', () => {
  it('prints a readable table', async () => {
    const r = await cli('score', `${FIXTURES}line_gold.swc`, `${FIXTURES}line_test_spur.swc`, '--metric', 'distance');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/ESA21 \(test to gold\)\s+1\.83333/);
    expect(r.out).toMatch(/PDS\s+0\.138889/);
    expect(r.out).not.toMatch(/DIADEM/);
  });

  it('prints JSON that validates against the schema', async () => {
    const r = await cli('score', `${FIXTURES}gold.swc`, `${FIXTURES}t_extra_from2.swc`, '--json', '--spacing', '1,1,1');
    expect(r.code).toBe(0);
    const rec = JSON.parse(r.out);
    expect(validate(rec), JSON.stringify(validate.errors)).toBe(true);
    expect(rec.diadem.score).toBeCloseTo(0.8, 12);
    expect(rec.units).toBe('micron');
  });

  it('passes --dthres and the DIADEM thresholds through', async () => {
    const r = await cli('score', `${FIXTURES}gold.swc`, `${FIXTURES}t_shift05z.swc`, '--json', '--metric', 'diadem,distance', '--diadem-xy', '2', '--diadem-z', '2', '--dthres', '0.4');
    const rec = JSON.parse(r.out);
    expect(rec.diadem.score).toBe(1);
    expect(rec.distance.pds).toBe(1);
  });

  it('fails with one line naming the file or the option', async () => {
    const missing = await cli('score', join(tmpdir(), 'nope-gold.swc'), `${FIXTURES}gold.swc`);
    expect(missing.code).not.toBe(0);
    expect(missing.err.trim().split('\n')).toHaveLength(1);
    expect(missing.err).toContain('nope-gold.swc');

    const dir = mkdtempSync(join(tmpdir(), 'nt-metrics-'));
    const bad = join(dir, 'bad.swc');
    writeFileSync(bad, '1 1 0 0 0 1 -1\n2 3 x 0 0 1 1\n');
    const parse = await cli('score', bad, `${FIXTURES}gold.swc`);
    expect(parse.err).toMatch(/bad\.swc: line 2/);

    const opt = await cli('score', `${FIXTURES}gold.swc`, `${FIXTURES}gold.swc`, '--metric', 'foo');
    expect(opt.code).toBe(2);
    expect(opt.err).toContain("unknown metric 'foo'");
    const ds = await cli('score', `${FIXTURES}gold.swc`, `${FIXTURES}gold.swc`, '--diadem-dataset', '9');
    expect(ds.err).toContain('--diadem-dataset must be an integer from 0 to 5');
  });

  it('prints the features and a Sholl profile, or JSON', async () => {
    const r = await cli('features', `${FIXTURES}gold.swc`, '--sholl-step', '5');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/total_length\s+38\.2843/);
    expect(r.out).toMatch(/r = 15\s+2/);
    const j = JSON.parse((await cli('features', `${FIXTURES}gold.swc`, '--json', '--spacing', '2,2,2')).out);
    expect(j.features.total_length).toBeCloseTo(2 * 38.2842712, 6);
    expect(j.units).toBe('micron');
  });
});
