import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatSwc, parseSwc, readSwc, writeSwc } from '../../host/io/swc.js';
import { NeurotraceError } from '../../host/core/errors.js';
import type { Tree } from '../../host/morph/tree.js';
import { rng, tree } from '../morph/tree-builders.js';

const FIX = fileURLToPath(new URL('../fixtures/swc/', import.meta.url));
const tmp = () => mkdtempSync(join(tmpdir(), 'nt-swcw-'));

/** Nodes without the source line, which legitimately differs between files. */
const strip = (t: Tree) => t.nodes.map(({ line: _line, ...rest }) => rest);

describe('formatSwc', () => {
  it('writes comments, one legend and 7-column rows with \\n line ends', () => {
    const t = tree([[1, 1, 0, 10, 2, 4.5, -1], [2, 3, 10.25, 10, 2, 2, 1]], ['name demo', ' note']);
    expect(formatSwc(t)).toBe('#name demo\n# note\n##n,type,x,y,z,radius,parent\n1 1 0 10 2 4.5 -1\n2 3 10.25 10 2 2 1\n');
  });

  it('prints numbers in fixed point with up to 6 decimals, never with an exponent or -0', () => {
    const t = tree([[1, 1, 1e-7, -1e-7, 123456789.125, 2.5e-5, -1], [2, 3, 1.23456789, -0, 1e20, 0.1 + 0.2, 1]]);
    const rows = formatSwc(t).trim().split('\n').slice(1);
    expect(rows).toEqual(['1 1 0 0 123456789.125 0.000025 -1', '2 3 1.234568 0 100000000000000000000 0.3 1']);
    expect(formatSwc(t)).not.toMatch(/e[+-]?\d/i);
  });

  it('replaces a legend that no longer matches the columns written', () => {
    const t = parseSwc('#n type x y z radius parent seg_id level\n1 1 0 0 0 1 -1 4 2\n', 'a.eswc');
    expect(formatSwc(t)).toBe('##n,type,x,y,z,radius,parent\n1 1 0 0 0 1 -1\n');
    expect(formatSwc(t, { eswc: true })).toBe('#n type x y z radius parent seg_id level\n1 1 0 0 0 1 -1 4 2\n');
  });

  it('puts header lines first and keeps a matching legend read from a file in place, once', () => {
    const t = parseSwc('#name x\n##n,type,x,y,z,radius,parent\n1 1 0 0 0 1 -1\n', 'a.swc');
    const text = formatSwc(t, { header: ['neurotrace run app2', 'two\nlines'] });
    expect(text).toBe('#neurotrace run app2\n#two\n#lines\n#name x\n##n,type,x,y,z,radius,parent\n1 1 0 0 0 1 -1\n');
    const twice = parseSwc('# N T X Y Z R P\n#n,type,x,y,z,radius,parent\n#after\n1 1 0 0 0 1 -1\n', 'b.swc');
    expect(formatSwc(twice)).toBe('# N T X Y Z R P\n#after\n1 1 0 0 0 1 -1\n');
  });

  it('writes roots as -1 whatever the convention they were read with', () => {
    const t = tree([[1, 1, 0, 0, 0, 1, -5], [2, 1, 1, 0, 0, 1, 0], [3, 3, 2, 0, 0, 1, 2]]);
    expect(formatSwc(t).trim().split('\n').slice(1).map((r) => r.split(' ')[6])).toEqual(['-1', '-1', '2']);
  });

  it('drops extra columns in plain SWC and pads ESWC rows to a common width', () => {
    const t = tree([[1, 1, 0, 0, 0, 1, -1], [2, 3, 1, 0, 0, 1, 1]]);
    t.nodes[1].extra = [4, 2, 0, 77, 0, 0.5];
    expect(formatSwc(t)).toBe('##n,type,x,y,z,radius,parent\n1 1 0 0 0 1 -1\n2 3 1 0 0 1 1\n');
    expect(formatSwc(t, { eswc: true })).toBe(
      '##n,type,x,y,z,radius,parent,seg_id,level,mode,timestamp,teraflyindex,feature_value\n'
      + '1 1 0 0 0 1 -1 0 0 0 0 0 0\n2 3 1 0 0 1 1 4 2 0 77 0 0.5\n');
  });

  it('gives ESWC without extras the five Vaa3D columns', () => {
    const t = tree([[1, 1, 0, 0, 0, 1, -1]]);
    expect(formatSwc(t, { eswc: true })).toBe('##n,type,x,y,z,radius,parent,seg_id,level,mode,timestamp,teraflyindex\n1 1 0 0 0 1 -1 0 0 0 0 0\n');
  });

  it('refuses values a reader could not read back', () => {
    expect(() => formatSwc(tree([[1, 1, Number.NaN, 0, 0, 1, -1]]))).toThrow('SWC output: cannot write node id 1: x is NaN');
    expect(() => formatSwc(tree([[1.5, 1, 0, 0, 0, 1, -1]]))).toThrow('cannot write node id 1.5: id 1.5 is not an integer');
    expect(() => formatSwc(tree([[1, 1, 0, 0, 0, Infinity, -1]]))).toThrow(NeurotraceError);
  });
});

describe('round trips', () => {
  it('parse -> format -> parse keeps every node and comment', () => {
    const text = readFileSync(join(FIX, 'neuromorpho-crlf.swc'), 'utf8');
    const a = parseSwc(text, 'in.swc');
    const b = parseSwc(formatSwc(a), 'out.swc');
    expect(strip(b)).toEqual(strip(a));
    expect(b.comments.filter((c) => !c.startsWith('#n,'))).toEqual(a.comments);
    expect(formatSwc(b)).toBe(formatSwc(a));
  });

  it('keeps random coordinates to 1e-6', () => {
    const r = rng(7);
    const t = tree(Array.from({ length: 500 }, (_, i) => [i + 1, 3, (r() - 0.5) * 2000, r() * 500, r() * 1e-3, r() * 5, i === 0 ? -1 : 1 + Math.floor(r() * i)] as [number, number, number, number, number, number, number]));
    const back = parseSwc(formatSwc(t), 'r.swc');
    back.nodes.forEach((m, i) => {
      const o = t.nodes[i];
      expect([m.id, m.type, m.parent]).toEqual([o.id, o.type, o.parent]);
      for (const k of ['x', 'y', 'z', 'radius'] as const) expect(Math.abs(m[k] - o[k])).toBeLessThanOrEqual(5e-7);
    });
  });

  it('ESWC round trip keeps extra columns (Vaa3D and consensus layouts)', async () => {
    for (const name of ['vaa3d.eswc', 'consensus.eswc']) {
      const a = await readSwc(join(FIX, name));
      const out = join(tmp(), name);
      await writeSwc(out, a);
      const b = await readSwc(out);
      expect(strip(b)).toEqual(strip(a));
      expect(b.comments).toEqual(a.comments);
    }
  });
});

describe('writeSwc', () => {
  it('writes ESWC when the path ends in .eswc and plain SWC otherwise', async () => {
    const t = tree([[1, 1, 0, 0, 0, 1, -1]]);
    t.nodes[0].extra = [3, 1];
    const dir = tmp();
    await writeSwc(join(dir, 'a.eswc'), t);
    await writeSwc(join(dir, 'a.SWC'), t);
    expect(readFileSync(join(dir, 'a.eswc'), 'utf8')).toBe('##n,type,x,y,z,radius,parent,seg_id,level\n1 1 0 0 0 1 -1 3 1\n');
    expect(readFileSync(join(dir, 'a.SWC'), 'utf8')).toBe('##n,type,x,y,z,radius,parent\n1 1 0 0 0 1 -1\n');
  });

  it('replaces an existing file atomically, creates folders and leaves no temporary files', async () => {
    const dir = tmp();
    const p = join(dir, 'deep', 'er', 'out.swc');
    await writeSwc(p, tree([[1, 1, 0, 0, 0, 1, -1]]), { header: ['first'] });
    await writeSwc(p, tree([[1, 1, 5, 0, 0, 1, -1]]), { header: ['second'] });
    expect(readFileSync(p, 'utf8')).toBe('#second\n##n,type,x,y,z,radius,parent\n1 1 5 0 0 1 -1\n');
    expect(readdirSync(join(dir, 'deep', 'er'))).toEqual(['out.swc']);
  });

  it('reports an unwritable path and an invalid tree with the path', async () => {
    const dir = tmp();
    const blocker = join(dir, 'file');
    writeFileSync(blocker, 'x');
    await expect(writeSwc(join(blocker, 'out.swc'), tree([[1, 1, 0, 0, 0, 1, -1]]))).rejects.toThrow(`${join(blocker, 'out.swc')}: cannot write:`);
    const p = join(dir, 'bad.swc');
    await expect(writeSwc(p, tree([[1, 1, 0, Number.NaN, 0, 1, -1]]))).rejects.toThrow(`${p}: cannot write node id 1: y is NaN`);
    expect(readdirSync(dir)).toEqual(['file']);
  });
});
