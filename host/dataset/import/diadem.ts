/**
 * DIADEM challenge layout: each image stack is a folder of per-slice TIFFs with numeric names
 * (1.tif is z = 0, 2.tif is z = 1, …; zero-padding allowed), and the gold SWC files sit in a
 * separate folder, named after their stack (OP_1 → OP_1.swc). The importer assembles each stack
 * into one volume.
 */
import { join, relative } from 'node:path';
import { FileFormatError } from '../../core/errors.js';
import { GOLD_EXTENSIONS, extOf, stemOf, walkDirs, type Discovery, type ImportCandidate } from './candidate.js';

const SLICE = /^(\d+)\.tiff?$/i;

const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Slice files in z order; numbering must be contiguous, starting at 1 (or 0). */
export function orderSlices(folder: string, files: string[]): string[] {
  const numbered = files.filter((f) => SLICE.test(f)).map((f) => ({ f, n: Number(SLICE.exec(f)![1]) }));
  numbered.sort((a, b) => a.n - b.n);
  for (let i = 1; i < numbered.length; i++) {
    if (numbered[i].n === numbered[i - 1].n) throw new FileFormatError(folder, `slices ${numbered[i - 1].f} and ${numbered[i].f} have the same number`);
  }
  const first = numbered[0].n;
  if (first > 1) throw new FileFormatError(folder, `slice numbering starts at ${numbered[0].f}; expected 1.tif (z = 0)`);
  for (let i = 0; i < numbered.length; i++) {
    if (numbered[i].n !== first + i) throw new FileFormatError(folder, `slice ${first + i}.tif is missing (slices run from ${numbered[0].f} to ${numbered[numbered.length - 1].f})`);
  }
  return numbered.map((x) => join(folder, x.f));
}

export async function discoverDiadem(src: string): Promise<Discovery> {
  const out: Discovery = { candidates: [], warnings: [] };
  const listings = await walkDirs(src);
  const stacks: ImportCandidate[] = [];
  const golds: string[] = [];
  const stackDirs = new Set<string>();
  for (const l of listings) {
    if (l.files.some((f) => SLICE.test(f))) {
      stackDirs.add(l.dir);
      const others = l.files.filter((f) => !SLICE.test(f) && !GOLD_EXTENSIONS.includes(extOf(f)));
      if (others.length) out.warnings.push(`${relative(src, l.dir) || '.'}: ignored ${others.length} file${others.length === 1 ? '' : 's'} that are not numbered slices (${others.slice(0, 3).join(', ')}${others.length > 3 ? ', …' : ''})`);
      const name = l.dir === src ? stemOf(l.dir.split(/[\\/]/).pop() ?? 'stack') : l.dir.split(/[\\/]/).pop()!;
      stacks.push({ name, image: { kind: 'series', folder: l.dir, files: orderSlices(l.dir, l.files) } });
    }
  }
  for (const l of listings) for (const f of l.files) if (GOLD_EXTENSIONS.includes(extOf(f))) golds.push(join(l.dir, f));
  // match golds to stacks: same name ignoring case and punctuation, else a gold whose name starts with the stack's
  const taken = new Map<string, string>();
  for (const s of stacks) {
    const key = norm(s.name);
    let matches = golds.filter((g) => norm(stemOf(g.split(/[\\/]/).pop()!)) === key);
    if (matches.length === 0) {
      matches = golds.filter((g) => {
        const gk = norm(stemOf(g.split(/[\\/]/).pop()!));
        // the longest stack name that prefixes this gold wins, so OP_1 does not take OP_10's gold
        return gk.startsWith(key) && !stacks.some((o) => o !== s && norm(o.name).length > key.length && gk.startsWith(norm(o.name)));
      });
    }
    if (matches.length > 1) {
      throw new FileFormatError(s.image.kind === 'series' ? s.image.folder : src, `stack '${s.name}' matches ${matches.length} gold SWC files (${matches.map((m) => relative(src, m)).join(', ')}); keep one per stack`);
    }
    if (matches.length === 1) {
      const prev = taken.get(matches[0]);
      if (prev) throw new FileFormatError(matches[0], `matches both stacks '${prev}' and '${s.name}'`);
      taken.set(matches[0], s.name);
      s.gold = matches[0];
    } else {
      out.warnings.push(`stack '${s.name}': no gold SWC named after it; imported as unlabelled`);
    }
  }
  for (const g of golds) if (!taken.has(g)) out.warnings.push(`${relative(src, g)}: matches no image stack; skipped`);
  out.candidates = stacks;
  return out;
}
