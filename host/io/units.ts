/**
 * Length units as microscopy files spell them, with their size in micrometres. neurotrace keeps
 * spacing in µm (unit 'micron') whenever the file's unit is a known length, so that voxel sizes
 * from TIFF, NRRD and side tables compare directly.
 */
const MICRONS_PER_UNIT: ReadonlyMap<string, number> = new Map([
  ['micron', 1], ['microns', 1], ['um', 1], ['µm', 1], ['μm', 1], ['micrometer', 1], ['micrometers', 1],
  ['micrometre', 1], ['micrometres', 1],
  ['nm', 1e-3], ['nanometer', 1e-3], ['nanometers', 1e-3], ['nanometre', 1e-3], ['nanometres', 1e-3],
  ['mm', 1e3], ['millimeter', 1e3], ['millimeters', 1e3], ['millimetre', 1e3], ['millimetres', 1e3],
  ['cm', 1e4], ['centimeter', 1e4], ['centimeters', 1e4], ['centimetre', 1e4], ['centimetres', 1e4],
  ['m', 1e6], ['meter', 1e6], ['meters', 1e6], ['metre', 1e6], ['metres', 1e6],
  ['inch', 25400], ['inches', 25400], ['in', 25400],
]);

export const MICRON = 'micron';

/** Micrometres per `unit`, or undefined for 'pixel', '' and anything not a length. */
export function micronsPerUnit(unit: string | undefined): number | undefined {
  if (unit === undefined) return undefined;
  return MICRONS_PER_UNIT.get(unit.trim().toLowerCase());
}

/** True for the spellings of the micrometre. */
export function isMicron(unit: string | undefined): boolean {
  return micronsPerUnit(unit) === 1;
}
