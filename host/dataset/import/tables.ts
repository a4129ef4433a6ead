/**
 * Side tables users bring with real datasets: voxel sizes (e.g. BigNeuron's scaling_gold.csv,
 * `swc_file,id,x_y_pix_size,z_pix_size`, or any `id,x,y,z` CSV) and seed points (`id,x,y,z`,
 * 0-based voxels). Rows are matched to images by id, image file name or gold file name.
 */
import { basename } from 'node:path';
import { FileFormatError } from '../../core/errors.js';
import type { Vec3 } from '../../core/volume.js';
import { readTextFile, splitLines } from '../../io/text-file.js';

export interface KeyedTable {
  file: string;
  rows: Map<string, Vec3>;
}

const KEY_COLUMNS = ['id', 'image', 'name', 'swc_file', 'file', 'swc', 'image_file'];

function splitCsv(line: string): string[] {
  return line.split(/[,;\t]/).map((c) => c.trim().replace(/^"(.*)"$/, '$1').trim());
}

/** Keys a row can be looked up by: the text itself and its base name without extensions. */
export function tableKeys(name: string): string[] {
  const b = basename(name.replace(/\\/g, '/'));
  const keys = new Set([name.toLowerCase(), b.toLowerCase()]);
  let stem = b;
  while (/\.[A-Za-z0-9]{1,8}$/.test(stem)) {
    stem = stem.replace(/\.[A-Za-z0-9]{1,8}$/, '');
    if (stem) keys.add(stem.toLowerCase());
  }
  return [...keys];
}

async function readTable(file: string, what: string, valueColumns: (header: string[]) => ((row: string[]) => Vec3 | string) | undefined): Promise<KeyedTable> {
  const lines = splitLines(await readTextFile(file, what)).map((l, i) => ({ l: l.trim(), n: i + 1 })).filter((x) => x.l && !x.l.startsWith('#'));
  if (lines.length < 2) throw new FileFormatError(file, `${what} needs a header row and at least one data row`);
  const header = splitCsv(lines[0].l).map((h) => h.toLowerCase());
  const keyCols = KEY_COLUMNS.map((k) => header.indexOf(k)).filter((i) => i >= 0);
  if (keyCols.length === 0) throw new FileFormatError(file, `line ${lines[0].n}: the header needs a key column (one of ${KEY_COLUMNS.join(', ')})`);
  const value = valueColumns(header);
  if (!value) throw new FileFormatError(file, `line ${lines[0].n}: the header does not name the value columns (see --help)`);
  const rows = new Map<string, Vec3>();
  for (const { l, n } of lines.slice(1)) {
    const cells = splitCsv(l);
    const v = value(cells);
    if (typeof v === 'string') throw new FileFormatError(file, `line ${n}: ${v}`);
    for (const c of keyCols) {
      const k = cells[c];
      if (!k) continue;
      for (const key of tableKeys(k)) rows.set(key, v);
    }
  }
  return { file, rows };
}

function numbers(cells: string[], cols: number[], positive: boolean): Vec3 | string {
  const v = cols.map((c) => Number(cells[c]));
  if (v.some((x, i) => cells[cols[i]] === undefined || cells[cols[i]] === '' || !Number.isFinite(x))) return `expected numbers in columns ${cols.map((c) => c + 1).join(', ')}`;
  if (positive && v.some((x) => x <= 0)) return 'voxel sizes must be positive';
  return v as Vec3;
}

/** Voxel sizes in µm: columns x,y,z (or x_um,y_um,z_um), or BigNeuron's x_y_pix_size,z_pix_size. */
export function readVoxelSizeTable(file: string): Promise<KeyedTable> {
  return readTable(file, 'voxel size table', (h) => {
    for (const names of [['x', 'y', 'z'], ['x_um', 'y_um', 'z_um']]) {
      const cols = names.map((c) => h.indexOf(c));
      if (cols.every((c) => c >= 0)) return (cells) => numbers(cells, cols, true);
    }
    const xy = h.indexOf('x_y_pix_size'), z = h.indexOf('z_pix_size');
    if (xy >= 0 && z >= 0) return (cells) => numbers(cells, [xy, xy, z], true);
    return undefined;
  });
}

/** Seed points, 0-based voxels: columns x,y,z. */
export function readSeedTable(file: string): Promise<KeyedTable> {
  return readTable(file, 'seed table', (h) => {
    const cols = ['x', 'y', 'z'].map((c) => h.indexOf(c));
    return cols.every((c) => c >= 0) ? (cells) => numbers(cells, cols, false) : undefined;
  });
}

/** The row for the first name that has one. */
export function lookup(table: KeyedTable, names: (string | undefined)[]): Vec3 | undefined {
  for (const n of names) {
    if (!n) continue;
    for (const k of tableKeys(n)) {
      const v = table.rows.get(k);
      if (v) return v;
    }
  }
  return undefined;
}
