/** Image formats recognisable from their first bytes. */
export type SniffedFormat = 'tiff' | 'bigtiff' | 'v3draw' | 'v3dpbd' | 'raw5' | 'v3d-pkbit' | 'nrrd' | 'gzip' | 'png' | 'jpeg';

export const SNIFF_BYTES = 24;

const ASCII_MAGICS: ReadonlyArray<[string, SniffedFormat]> = [
  ['raw_image_stack_by_hpeng', 'v3draw'],
  ['v3d_volume_pkbitdf_encod', 'v3dpbd'],
  ['raw5image_stack_by_hpeng', 'raw5'],
  ['v3d_stack_pkbit_by_gene1', 'v3d-pkbit'],
];

export const FORMAT_NAMES: Readonly<Record<SniffedFormat, string>> = {
  tiff: 'a TIFF file',
  bigtiff: 'a BigTIFF file',
  v3draw: 'a Vaa3D .v3draw raw stack',
  v3dpbd: 'a Vaa3D .v3dpbd compressed stack',
  raw5: 'a Vaa3D 5-D .raw5 stack',
  'v3d-pkbit': "a Gene Myers packed-bit Vaa3D stack",
  nrrd: 'a NRRD file',
  gzip: 'a gzip-compressed file',
  png: 'a PNG image',
  jpeg: 'a JPEG image',
};

function ascii(head: Uint8Array, start: number, length: number): string {
  let s = '';
  for (let i = start; i < Math.min(head.length, start + length); i++) s += String.fromCharCode(head[i]);
  return s;
}

/** Identifies a format from (at least the first 24) bytes of a file; undefined when unknown. */
export function sniffFormat(head: Uint8Array): SniffedFormat | undefined {
  const start24 = ascii(head, 0, 24);
  for (const [magic, fmt] of ASCII_MAGICS) if (start24 === magic) return fmt;
  if (head.length >= 4) {
    const le = head[0] === 0x49 && head[1] === 0x49;
    const be = head[0] === 0x4d && head[1] === 0x4d;
    if (le || be) {
      const magic = le ? head[2] | (head[3] << 8) : (head[2] << 8) | head[3];
      if (magic === 42) return 'tiff';
      if (magic === 43) return 'bigtiff';
    }
    if (head[0] === 0x89 && ascii(head, 1, 3) === 'PNG') return 'png';
  }
  if (/^NRRD000[1-9]/.test(ascii(head, 0, 8))) return 'nrrd';
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  return undefined;
}
