import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatMarkers, parseMarkers, readMarkers, writeMarkers } from '../../host/io/marker.js';
import { FileFormatError } from '../../host/core/errors.js';
import type { Vec3 } from '../../host/core/volume.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'nt-marker-'));

describe('markers', () => {
  it('reads Vaa3D .marker rows as 0-based points (1-based in the file)', async () => {
    const p = join(tmp(), 'soma.marker');
    writeFileSync(p, '##x,y,z,radius,shape,name,comment, color_r,color_g,color_b\r\n'
      + '101.000, 52.500, 1.000, 0.000, 1, soma, , 255,0,0\r\n'
      + '\r\n'
      + 'x,y,z\r\n'
      + '1,1,1\r\n');
    expect(await readMarkers(p)).toEqual([[100, 51.5, 0], [0, 0, 0]]);
  });

  it('accepts hand-written space-separated rows and rows with only x, y, z', () => {
    expect(parseMarkers('10 20 30\n5,6,7\n', 'm.marker')).toEqual([[9, 19, 29], [4, 5, 6]]);
  });

  it('round-trips through writeMarkers in Vaa3D layout', async () => {
    const pts: Vec3[] = [[0, 0, 0], [99.5, 10.25, 3]];
    const p = join(tmp(), 'out.marker');
    await writeMarkers(p, pts);
    expect(readFileSync(p, 'utf8')).toBe('##x,y,z,radius,shape,name,comment, color_r,color_g,color_b\n'
      + '1, 1, 1, 0, 1, , , 255,0,0\n100.5, 11.25, 4, 0, 1, , , 255,0,0\n');
    expect(await readMarkers(p)).toEqual(pts);
  });

  it('gives an empty list for a file without markers', () => {
    expect(parseMarkers('##x,y,z,radius\n\n', 'e.marker')).toEqual([]);
  });

  it('names the file and line of a malformed row', async () => {
    expect(() => parseMarkers('1,2,3\n4,5\n', 'bad.marker')).toThrow('bad.marker: line 2: expected x, y, z (comma-separated, 1-based), found 2 values: "4,5"');
    expect(() => parseMarkers('1, two, 3\n', 'bad.marker')).toThrow(new FileFormatError('bad.marker', "line 1: y 'two' is not a finite number"));
    expect(() => parseMarkers('1,,3\n', 'bad.marker')).toThrow('bad.marker: line 1: y is empty');
    const missing = join(tmp(), 'none.marker');
    await expect(readMarkers(missing)).rejects.toThrow(`${missing}: cannot read marker file: no such file or directory`);
  });

  it('refuses to write non-finite points', () => {
    expect(() => formatMarkers([[1, Number.NaN, 2]], 'x.marker')).toThrow('x.marker: marker 1 has a non-finite y (NaN)');
  });
});
