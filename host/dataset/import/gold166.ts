/**
 * BigNeuron Gold166 layout: one folder per image holding the image (.v3dpbd, .v3draw or .tif)
 * and its gold .swc, grouped (at any depth) under source folders, e.g.
 *   gold166/checked6_human_culturedcell_Cambridge_in_vitro_confocal_GFP/Series017.v3dpbd/
 *       Series017.v3dpbd   Series017.v3dpbd_..._stamp.swc
 * Other files in an image folder (.ano, .marker, .apo) are ignored.
 */
import { join, relative } from 'node:path';
import { FileFormatError } from '../../core/errors.js';
import { isImagePath } from '../../io/read-image.js';
import { GOLD_EXTENSIONS, extOf, stemOf, walkDirs, type Discovery } from './candidate.js';

export async function discoverGold166(src: string): Promise<Discovery> {
  const out: Discovery = { candidates: [], warnings: [] };
  for (const l of await walkDirs(src)) {
    let images = l.files.filter((f) => isImagePath(f));
    const golds = l.files.filter((f) => GOLD_EXTENSIONS.includes(extOf(f)));
    // a detached NRRD header names its own data file; that file is not a second image
    if (images.length > 1 && images.filter((f) => extOf(f) === '.nhdr').length === 1) images = images.filter((f) => extOf(f) === '.nhdr');
    const where = relative(src, l.dir) || '.';
    if (images.length === 0) {
      if (golds.length) out.warnings.push(`${l.dir}: ${golds.length} SWC file${golds.length === 1 ? '' : 's'} but no image; skipped`);
      continue;
    }
    if (images.length > 1) {
      throw new FileFormatError(l.dir, `holds ${images.length} images (${images.join(', ')}); the gold166 layout has one image per folder (use --layout flat for a folder of image/SWC pairs)`);
    }
    if (golds.length > 1) {
      throw new FileFormatError(l.dir, `holds ${golds.length} SWC files (${golds.join(', ')}); keep only the gold standard beside the image`);
    }
    if (golds.length === 0) out.warnings.push(`${where}: no gold SWC beside ${images[0]}; imported as unlabelled`);
    out.candidates.push({
      name: stemOf(images[0]),
      image: { kind: 'file', path: join(l.dir, images[0]) },
      gold: golds.length ? join(l.dir, golds[0]) : undefined,
    });
  }
  return out;
}
