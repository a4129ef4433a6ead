import { FileFormatError, NeurotraceError } from '../core/errors.js';
import type { Vec3 } from '../core/volume.js';
import { formatDecimal, parseDecimal } from './text-number.js';
import { lineExcerpt, readTextFile, splitLines, writeTextFileAtomic } from './text-file.js';

/*
 * Vaa3D .marker landmark files (formats.md (d)): CSV rows `x, y, z, radius, shape, name,
 * comment, r,g,b` in 1-based voxel coordinates. Only x, y, z are used here (seeds and somas);
 * they are converted to the host's 0-based voxel coordinates on read and back on write.
 */

const HEADER = '##x,y,z,radius,shape,name,comment, color_r,color_g,color_b';
const AXES = ['x', 'y', 'z'] as const;

export function parseMarkers(text: string, file: string): Vec3[] {
  const out: Vec3[] = [];
  const lines = splitLines(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  for (let i = 0; i < lines.length; i++) {
    const row = lines[i].trim();
    // Vaa3D also skips rows starting with x/X: some exporters write an unprefixed column header.
    if (row === '' || row[0] === '#' || row[0] === 'x' || row[0] === 'X') continue;
    let fields = row.split(',');
    // Hand-written marker files are often space separated; accept them when there is no comma.
    if (fields.length < 3 && !row.includes(',')) fields = row.split(/\s+/);
    if (fields.length < 3) {
      throw new FileFormatError(file, `line ${i + 1}: expected x, y, z (comma-separated, 1-based), found ${fields.length} value${fields.length === 1 ? '' : 's'}: "${lineExcerpt(row)}"`);
    }
    const p: number[] = [];
    for (let c = 0; c < 3; c++) {
      const tok = fields[c].trim();
      const v = parseDecimal(tok);
      if (v === undefined) throw new FileFormatError(file, `line ${i + 1}: ${AXES[c]} ${tok === '' ? 'is empty' : `'${lineExcerpt(tok, 30)}' is not a finite number`}`);
      p.push(v - 1);
    }
    out.push(p as Vec3);
  }
  return out;
}

/** Markers as 0-based voxel coordinates, in file order (the first one is the soma/seed for most tracers). */
export async function readMarkers(path: string): Promise<Vec3[]> {
  return parseMarkers(await readTextFile(path, 'marker file'), path);
}

/** Marker text for 0-based points: written 1-based in Vaa3D's column layout (radius 0, shape 1, red). */
export function formatMarkers(pts: Vec3[], label = 'marker output'): string {
  const rows = [HEADER];
  pts.forEach((pt, i) => {
    const cols = pt.map((v, c) => {
      if (!Number.isFinite(v)) throw new NeurotraceError(`${label}: marker ${i + 1} has a non-finite ${AXES[c]} (${v})`);
      return formatDecimal(v + 1);
    });
    rows.push(`${cols.join(', ')}, 0, 1, , , 255,0,0`);
  });
  rows.push('');
  return rows.join('\n');
}

export async function writeMarkers(path: string, pts: Vec3[]): Promise<void> {
  await writeTextFileAtomic(path, formatMarkers(pts, path));
}
