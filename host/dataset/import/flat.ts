/**
 * Flat layout: image/gold pairs side by side in one folder, `name.<image ext>` + `name.swc`
 * (subfolders are not searched). An image without an SWC is imported as unlabelled.
 */
import { join } from 'node:path';
import { FileFormatError } from '../../core/errors.js';
import { isImagePath } from '../../io/read-image.js';
import { GOLD_EXTENSIONS, extOf, listDir, stemOf, type Discovery } from './candidate.js';

export async function discoverFlat(src: string): Promise<Discovery> {
  const out: Discovery = { candidates: [], warnings: [] };
  const l = await listDir(src);
  const byStem = new Map<string, string[]>();
  for (const f of l.files.filter((x) => isImagePath(x))) byStem.set(stemOf(f), [...(byStem.get(stemOf(f)) ?? []), f]);
  const golds = new Map<string, string>();
  for (const f of l.files.filter((x) => GOLD_EXTENSIONS.includes(extOf(x)))) {
    const s = stemOf(f);
    if (golds.has(s)) throw new FileFormatError(join(src, f), `is a second gold for '${s}' (also ${golds.get(s)}); keep one`);
    golds.set(s, f);
  }
  const lowerGold = new Map([...golds.keys()].map((k) => [k.toLowerCase(), k]));
  const used = new Set<string>();
  for (const [stem, imgs] of byStem) {
    let list = imgs;
    if (list.length > 1 && list.filter((f) => extOf(f) === '.nhdr').length === 1) list = list.filter((f) => extOf(f) === '.nhdr');
    if (list.length > 1) throw new FileFormatError(src, `holds ${list.length} images named '${stem}' (${list.join(', ')}); the flat layout pairs one image with ${stem}.swc`);
    const g = golds.has(stem) ? stem : lowerGold.get(stem.toLowerCase());
    if (g !== undefined) used.add(g);
    else out.warnings.push(`${list[0]}: no ${stem}.swc beside it; imported as unlabelled`);
    out.candidates.push({ name: stem, image: { kind: 'file', path: join(src, list[0]) }, gold: g !== undefined ? join(src, golds.get(g)!) : undefined });
  }
  for (const [s, f] of golds) if (!used.has(s)) out.warnings.push(`${f}: no image named '${s}.<ext>' beside it; skipped`);
  return out;
}
