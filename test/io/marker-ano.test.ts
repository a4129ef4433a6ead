import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatAno, parseAno, readAno, writeAno } from '../../host/io/ano.js';

// .ano linker files live with the marker card (formats.md (d)); they list SWCs for consensus.
const tmp = () => mkdtempSync(join(tmpdir(), 'nt-ano-'));

describe('.ano files', () => {
  it('parses keys case-insensitively, with synonyms, += and comments', () => {
    const a = parseAno('# inputs\r\nswcfile=a.swc\nNEURON += b.eswc\n\nGRAYIMG = img.v3draw\nMARKERFILE=s.marker\n', 'x.ano');
    expect(a).toMatchObject({ comments: [' inputs'], swcFiles: ['a.swc', 'b.eswc'], images: ['img.v3draw'], markerFiles: ['s.marker'] });
  });

  it('resolves paths against the .ano folder and reports a missing file with its line', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'a.swc'), '1 1 0 0 0 1 -1\n');
    writeFileSync(join(dir, 'b.swc'), '1 1 0 0 0 1 -1\n');
    const ano = join(dir, 'list.ano');
    writeFileSync(ano, `SWCFILE=sub/a.swc\nSWCFILE=${join(dir, 'b.swc')}\n`);
    expect((await readAno(ano)).swcFiles).toEqual([join(dir, 'sub', 'a.swc'), join(dir, 'b.swc')]);
    writeFileSync(ano, 'SWCFILE=sub/a.swc\n#x\nSWCFILE=gone.swc\n');
    await expect(readAno(ano)).rejects.toThrow(`${ano}: line 3: 'gone.swc' does not exist`);
  });

  it('reports malformed lines and unknown keys with their line', () => {
    expect(() => parseAno('SWCFILE=a.swc\njust text\n', 'x.ano')).toThrow('x.ano: line 2: expected KEY=path, found "just text"');
    expect(() => parseAno('SWCFLE=a.swc\n', 'x.ano')).toThrow("x.ano: line 1: unknown key 'SWCFLE'");
    expect(() => parseAno('SWCFILE=\n', 'x.ano')).toThrow('x.ano: line 1: SWCFILE has no path');
  });

  it('writes files beside the .ano as bare names, others as absolute paths, and reads them back', async () => {
    const dir = tmp();
    const other = tmp();
    for (const p of [join(dir, 'a.swc'), join(other, 'b.swc')]) writeFileSync(p, '1 1 0 0 0 1 -1\n');
    const ano = join(dir, 'out_SelectedNeurons.ano');
    await writeAno(ano, { comments: ['selected'], swcFiles: [join(dir, 'a.swc'), join(other, 'b.swc')] });
    expect(readFileSync(ano, 'utf8')).toBe(`#selected\nSWCFILE=a.swc\nSWCFILE=${join(other, 'b.swc')}\n`);
    expect((await readAno(ano)).swcFiles).toEqual([join(dir, 'a.swc'), join(other, 'b.swc')]);
    expect(formatAno({ images: ['/x/img.tif'] }, '/x/y.ano')).toBe('GRAYIMG=img.tif\n');
  });
});
