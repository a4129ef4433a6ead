/**
 * What microscopy TIFFs say about their stack beyond the pixels: the ImageJ description
 * (hyperstack shape, z step, unit), OME-XML (dimension order, physical sizes) and the resolution
 * tags. Voxel sizes come out in µm whenever the unit is a known length.
 */
import type { Vec3 } from '../core/volume.js';
import { MICRON, micronsPerUnit } from './units.js';

export interface ImageJInfo {
  images?: number;
  channels?: number;
  slices?: number;
  frames?: number;
  spacing?: number;
  unit?: string;
  yunit?: string;
  zunit?: string;
}

function unescapeUnicode(s: string): string {
  return s.replace(/\\u([0-9a-fA-F]{4})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** Parses an ImageJ `key=value` description; undefined when the description is not ImageJ's. */
export function parseImageJDescription(description: string | undefined): ImageJInfo | undefined {
  if (!description || !description.startsWith('ImageJ=')) return undefined;
  const info: ImageJInfo = {};
  for (const line of description.split(/\r?\n/)) {
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq).trim();
    const value = unescapeUnicode(line.slice(eq + 1).trim());
    switch (key) {
      case 'images': case 'channels': case 'slices': case 'frames': {
        const n = Number(value);
        if (Number.isInteger(n) && n > 0) info[key] = n;
        break;
      }
      case 'spacing': {
        const n = Number(value);
        if (Number.isFinite(n) && n > 0) info.spacing = n;
        break;
      }
      case 'unit': case 'yunit': case 'zunit':
        if (value) info[key] = value;
        break;
    }
  }
  return info;
}

export interface ImageJDescriptionFields {
  images: number;
  channels: number;
  slices: number;
  unit?: string;
  spacing?: number;
}

/** ImageJ's unit spellings are ASCII; other characters are written as \uXXXX escapes. */
function imageJUnit(unit: string): string {
  if (micronsPerUnit(unit) === 1) return 'micron';
  return unit.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).replace(/[\r\n=]/g, '_');
}

export function formatImageJDescription(f: ImageJDescriptionFields): string {
  const lines = ['ImageJ=1.11a', `images=${f.images}`];
  if (f.channels > 1) lines.push(`channels=${f.channels}`);
  if (f.slices > 1) lines.push(`slices=${f.slices}`);
  if (f.channels > 1) lines.push('hyperstack=true', 'mode=grayscale');
  if (f.unit) lines.push(`unit=${imageJUnit(f.unit)}`);
  if (f.unit && f.spacing !== undefined) lines.push(`spacing=${f.spacing}`);
  lines.push('loop=false');
  return lines.join('\n') + '\n';
}

export interface OmePixels {
  dimensionOrder: string;
  sizeX: number;
  sizeY: number;
  sizeZ: number;
  sizeC: number;
  sizeT: number;
  physical: Array<{ size?: number; unit: string }>;
  imageCount: number;
}

/** The first image's `<Pixels>` element of an OME-XML description; undefined when not OME. */
export function parseOmeDescription(description: string | undefined): OmePixels | undefined {
  if (!description || !/<(\w+:)?OME[\s>]/.test(description)) return undefined;
  const m = /<(?:\w+:)?Pixels\b([^>]*)>/.exec(description);
  if (!m) return undefined;
  const attrs = new Map<string, string>();
  for (const a of m[1].matchAll(/(\w+)\s*=\s*"([^"]*)"/g)) attrs.set(a[1], a[2]);
  const int = (k: string): number => {
    const n = Number(attrs.get(k) ?? '1');
    return Number.isInteger(n) && n > 0 ? n : NaN;
  };
  const physical = ['X', 'Y', 'Z'].map((axis) => {
    const size = Number(attrs.get(`PhysicalSize${axis}`));
    return { size: Number.isFinite(size) && size > 0 ? size : undefined, unit: attrs.get(`PhysicalSize${axis}Unit`) ?? 'µm' };
  });
  return {
    dimensionOrder: attrs.get('DimensionOrder') ?? 'XYZCT',
    sizeX: int('SizeX'), sizeY: int('SizeY'), sizeZ: int('SizeZ'), sizeC: int('SizeC'), sizeT: int('SizeT'),
    physical,
    imageCount: (description.match(/<(\w+:)?Image[\s>]/g) ?? []).length,
  };
}

export interface VoxelSize {
  spacing: Vec3;
  unit?: string;
}

export const UNKNOWN_VOXEL_SIZE: VoxelSize = { spacing: [1, 1, 1] };

export function omeVoxelSize(ome: OmePixels): VoxelSize {
  if (ome.physical.every((p) => p.size === undefined)) return UNKNOWN_VOXEL_SIZE;
  const spacing: number[] = [];
  for (const p of ome.physical) {
    if (p.size === undefined) { spacing.push(1); continue; }
    const factor = micronsPerUnit(p.unit);
    if (factor === undefined) return UNKNOWN_VOXEL_SIZE; // 'pixel' or a unit that is no length
    spacing.push(p.size * factor);
  }
  return { spacing: [spacing[0], spacing[1], spacing[2]], unit: MICRON };
}

/**
 * Below this many pixels per inch a resolution is a print default (72, 96, 300 dpi…), not a
 * microscope calibration: 600 dpi is 42 µm per pixel.
 */
const PRINT_DPI_LIMIT = 600;

export interface ResolutionTags {
  xResolution?: number;
  yResolution?: number;
  /** 1 none, 2 inch (the TIFF default), 3 cm. */
  resolutionUnit: number;
}

function valid(v: number | undefined): v is number {
  return v !== undefined && Number.isFinite(v) && v > 0;
}

/**
 * Voxel size from the ImageJ description and the resolution tags. ImageJ stores pixels per unit
 * in X/YResolution whatever ResolutionUnit says, with the unit and z step in its description.
 * Without an ImageJ unit, inch and cm resolution units are used as plain TIFF defines them.
 */
export function tiffVoxelSize(res: ResolutionTags, ij: ImageJInfo | undefined): VoxelSize {
  if (ij?.unit !== undefined) {
    const fx = micronsPerUnit(ij.unit);
    if (fx === undefined) return UNKNOWN_VOXEL_SIZE;
    const fy = micronsPerUnit(ij.yunit ?? ij.unit) ?? fx;
    const fz = micronsPerUnit(ij.zunit ?? ij.unit) ?? fx;
    const x = valid(res.xResolution) ? 1 / res.xResolution : 1;
    const y = valid(res.yResolution) ? 1 / res.yResolution : x;
    return { spacing: [x * fx, y * fy, (ij.spacing ?? 1) * fz], unit: MICRON };
  }
  const perUnit = res.resolutionUnit === 3 ? 1e4 : res.resolutionUnit === 2 ? 25400 : undefined;
  if (perUnit === undefined || !valid(res.xResolution)) return UNKNOWN_VOXEL_SIZE;
  if (res.resolutionUnit === 2 && res.xResolution <= PRINT_DPI_LIMIT) return UNKNOWN_VOXEL_SIZE;
  const x = perUnit / res.xResolution;
  const y = valid(res.yResolution) ? perUnit / res.yResolution : x;
  return { spacing: [x, y, ij?.spacing !== undefined ? ij.spacing * perUnit : 1], unit: MICRON };
}
