import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSwc, readSwc } from '../../host/io/swc.js';
import { FileFormatError } from '../../host/core/errors.js';

const FIX = fileURLToPath(new URL('../fixtures/swc/', import.meta.url));

function parseError(text: string, file = 'bad.swc'): FileFormatError {
  try {
    parseSwc(text, file);
  } catch (e) {
    expect(e).toBeInstanceOf(FileFormatError);
    return e as FileFormatError;
  }
  throw new Error('expected parseSwc to throw');
}

describe('parseSwc tolerance', () => {
  it('accepts CRLF, tabs, repeated spaces, surrounding blanks and blank lines', () => {
    const t = parseSwc('# hdr\r\n  1\t1  0 0 0   1 -1  \r\n\r\n   \r\n2 3 1.5\t0 0 1 1\r\n', 'a.swc');
    expect(t.comments).toEqual([' hdr']);
    expect(t.nodes).toEqual([
      { id: 1, type: 1, x: 0, y: 0, z: 0, radius: 1, parent: -1, line: 2 },
      { id: 2, type: 3, x: 1.5, y: 0, z: 0, radius: 1, parent: 1, line: 5 },
    ]);
  });

  it('accepts lone CR line ends and a UTF-8 BOM', () => {
    const t = parseSwc('\ufeff#x\r1 1 0 0 0 1 -1\r2 3 1 0 0 1 1', 'mac.swc');
    expect(t.comments).toEqual(['x']);
    expect(t.nodes.map((n) => [n.id, n.line])).toEqual([[1, 2], [2, 3]]);
  });

  it('keeps header comment lines without the leading #, in file order, wherever they are', () => {
    const t = parseSwc('#name foo\n##n,type,x,y,z,radius,parent\n  # indented\n1 1 0 0 0 1 -1\n#tail\n', 'c.swc');
    expect(t.comments).toEqual(['name foo', '#n,type,x,y,z,radius,parent', ' indented', 'tail']);
  });

  it('parses scientific notation and leading plus signs', () => {
    const t = parseSwc('1 1 1.5e+02 -2E-1 .5 1e0 -1\n2 +3 +4. 0 0 7.5e-1 +1\n', 'e.swc');
    expect(t.nodes[0]).toMatchObject({ x: 150, y: -0.2, z: 0.5, radius: 1 });
    expect(t.nodes[1]).toMatchObject({ type: 3, x: 4, radius: 0.75, parent: 1 });
  });

  it('keeps unsorted nodes in file order with parents that appear later', () => {
    const t = parseSwc('3 3 2 0 0 1 2\n2 3 1 0 0 1 1\n1 1 0 0 0 1 -1\n', 'u.swc');
    expect(t.nodes.map((n) => [n.id, n.parent])).toEqual([[3, 2], [2, 1], [1, -1]]);
  });

  it('treats any negative parent as a root (-1) and parent 0 as a root when no node has id 0', () => {
    const t = parseSwc('1 1 0 0 0 1 -1\n2 1 5 0 0 1 -7\n3 1 9 0 0 1 0\n4 3 1 0 0 1 1\n', 'roots.swc');
    expect(t.nodes.map((n) => n.parent)).toEqual([-1, -1, -1, 1]);
  });

  it('keeps parent 0 as a real reference when a node has id 0', () => {
    const t = parseSwc('0 1 0 0 0 1 -1\n1 3 1 0 0 1 0\n', 'zero.swc');
    expect(t.nodes.map((n) => n.parent)).toEqual([-1, 0]);
  });

  it('keeps a dangling parent as read (validateTree reports it)', () => {
    const t = parseSwc('1 1 0 0 0 1 -1\n2 3 1 0 0 1 9\n', 'dangling.swc');
    expect(t.nodes[1].parent).toBe(9);
  });

  it('accepts float ids, types and parents written as 3.0', () => {
    const t = parseSwc('1.0 1.00 0 0 0 1 -1.0\n2.0 3.0 1 0 0 1 1.000\n', 'f.swc');
    expect(t.nodes.map((n) => [n.id, n.type, n.parent])).toEqual([[1, 1, -1], [2, 3, 1]]);
  });

  it('accepts comma-separated rows (with or without blanks around the commas)', () => {
    const t = parseSwc('1,1,0,0,0,1,-1\n2, 3, 1, 0, 0, 1, 1,\n', 'csv.swc');
    expect(t.nodes.map((n) => [n.id, n.parent, n.extra])).toEqual([[1, -1, undefined], [2, 1, undefined]]);
  });

  it('keeps columns after the 7th as extra (ESWC), and none when absent', () => {
    const t = parseSwc('1 1 0 0 0 1 -1 0 0 0 1554120000 0 0.5\n2 3 1 0 0 1 1\n', 'x.eswc');
    expect(t.nodes[0].extra).toEqual([0, 0, 0, 1554120000, 0, 0.5]);
    expect(t.nodes[1].extra).toBeUndefined();
    expect('extra' in t.nodes[1]).toBe(false);
  });

  it('gives an empty tree for empty or comment-only text', () => {
    expect(parseSwc('', 'e.swc')).toEqual({ nodes: [], comments: [] });
    expect(parseSwc('# only\n\n', 'e.swc')).toEqual({ nodes: [], comments: [' only'] });
  });
});

describe('parseSwc errors name the file and the line', () => {
  it('too few columns', () => {
    const e = parseError('1 1 0 0 0 1 -1\n\n2 3 1 0 0 1\n', 'short.swc');
    expect(e.message).toBe('short.swc: line 3: expected 7 columns (id type x y z radius parent), found 6: "2 3 1 0 0 1"');
  });

  it('non-numeric field', () => {
    expect(parseError('1 1 0 0 abc 1 -1\n', 'nn.swc').message).toBe("nn.swc: line 1: z 'abc' is not a finite number");
  });

  it('nan, inf and overflowing numbers', () => {
    expect(parseError('1 1 nan 0 0 1 -1').message).toContain("line 1: x 'nan' is not a finite number");
    expect(parseError('1 1 0 Infinity 0 1 -1').message).toContain("y 'Infinity' is not a finite number");
    expect(parseError('1 1 0 0 0 1e999 -1').message).toContain("radius '1e999' is not a finite number");
    expect(parseError('1 1 0x10 0 0 1 -1').message).toContain("x '0x10' is not a finite number");
  });

  it('non-integral id, type or parent', () => {
    expect(parseError('1 1 0 0 0 1 -1\n2.5 3 1 0 0 1 1').message).toBe("bad.swc: line 2: id '2.5' is not an integer");
    expect(parseError('1 1.5 0 0 0 1 -1').message).toContain("line 1: type '1.5' is not an integer");
    expect(parseError('1 1 0 0 0 1 -1\n2 3 1 0 0 1 0.5').message).toContain("line 2: parent '0.5' is not an integer");
  });

  it('an empty comma-separated field instead of silently shifting columns', () => {
    expect(parseError('1,1,,0,0,1,-1').message).toBe('bad.swc: line 1: x is empty');
  });

  it('duplicate ids, naming both lines', () => {
    expect(parseError('1 1 0 0 0 1 -1\n2 3 1 0 0 1 1\n# c\n2 3 2 0 0 1 1\n', 'dup.swc').message)
      .toBe('dup.swc: line 4: duplicate id 2 (first defined on line 2)');
  });

  it('negative ids', () => {
    expect(parseError('-3 1 0 0 0 1 -1').message).toContain('line 1: id -3 is negative');
  });

  it('non-numeric extra columns', () => {
    expect(parseError('1 1 0 0 0 1 -1 0 soma').message).toBe("bad.swc: line 1: column 9 'soma' is not a finite number");
  });

  it('keeps huge junk rows readable in the message', () => {
    const e = parseError(`1 1 0 0 0 1 -1\n${'z'.repeat(5000)}`);
    expect(e.message.length).toBeLessThan(200);
    expect(e.message).toContain('line 2:');
  });
});

describe('readSwc', () => {
  it('reads a Vaa3D APP2 file: headers, legend comment, unsorted rows', async () => {
    const t = await readSwc(join(FIX, 'vaa3d-app2.swc'));
    expect(t.comments[0]).toBe('name APP2_Tracing');
    expect(t.comments).toContain('#n,type,x,y,z,radius,parent');
    expect(t.nodes).toHaveLength(5);
    expect(t.nodes[4]).toEqual({ id: 1, type: 1, x: 0, y: 10, z: 2, radius: 4.5, parent: -1, line: 11 });
  });

  it('reads a CRLF, tab-separated NeuroMorpho-style export with a 3-point soma', async () => {
    const t = await readSwc(join(FIX, 'neuromorpho-crlf.swc'));
    expect(t.comments).toEqual([' ORIGINAL_SOURCE Neurolucida', ' SCALE 1.0 1.0 1.0']);
    expect(t.nodes.map((n) => n.id)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(t.nodes[3]).toMatchObject({ x: 12, z: -0.25, radius: 0.75, parent: 1, line: 7 });
    expect(t.nodes[5]).toMatchObject({ id: 6, type: 2, x: -10, line: 10 });
  });

  it('reads .eswc with Vaa3D and consensus column layouts', async () => {
    const v = await readSwc(join(FIX, 'vaa3d.eswc'));
    expect(v.nodes[1].extra).toEqual([1, 1, 0, 1554120001, 0, 0.25]);
    const c = await readSwc(join(FIX, 'consensus.eswc'));
    expect(c.nodes.map((n) => n.extra?.[2])).toEqual([6, 7, 6]);
  });

  it('reports a missing file, a directory and a binary file by path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nt-swc-'));
    const missing = join(dir, 'nope.swc');
    await expect(readSwc(missing)).rejects.toThrow(`${missing}: cannot read SWC file: no such file or directory`);
    await expect(readSwc(dir)).rejects.toBeInstanceOf(FileFormatError);
    const bin = join(dir, 'image.swc');
    writeFileSync(bin, Buffer.from([0x72, 0x61, 0x77, 0, 1, 2, 3]));
    await expect(readSwc(bin)).rejects.toThrow(`${bin}: binary data (NUL bytes), not a text SWC file`);
  });

  it('reads Latin-1 comments that are not valid UTF-8', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nt-swc-'));
    const p = join(dir, 'latin1.swc');
    writeFileSync(p, Buffer.concat([Buffer.from('# 5 '), Buffer.from([0xb5]), Buffer.from('m\n1 1 0 0 0 1 -1\n')]));
    const t = await readSwc(p);
    expect(t.comments).toEqual([' 5 µm']);
    expect(t.nodes).toHaveLength(1);
  });

  it('names the file and line for a malformed file on disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nt-swc-'));
    const p = join(dir, 'broken.swc');
    writeFileSync(p, '1 1 0 0 0 1 -1\n2 3 1 0 0\n');
    await expect(readSwc(p)).rejects.toThrow(`${p}: line 2: expected 7 columns`);
  });
});
