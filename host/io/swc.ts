import { FileFormatError, NeurotraceError } from '../core/errors.js';
import type { SwcNode, Tree } from '../morph/tree.js';
import { formatDecimal, parseDecimal, parseIntegral } from './text-number.js';
import { lineExcerpt, readTextFile, splitLines, writeTextFileAtomic } from './text-file.js';

/*
 * SWC / ESWC reader and writer (formats.md (c)). The reader is deliberately more tolerant than
 * Vaa3D's about layout (any whitespace or commas, CRLF, blank lines, float ids, exponents,
 * any order) and deliberately stricter about content: where Vaa3D silently turns a bad row
 * into a phantom node or shifted columns, we stop and name the line.
 *
 * Conventions kept from the card:
 * - any negative parent is a root and is stored as -1;
 * - parent 0 is a root when no node has id 0 (files numbered from 1 that mark roots with 0);
 * - other unknown parents are kept as read, so validateTree() can report them with their line;
 * - duplicate ids are refused at read time: every consumer would resolve them differently;
 * - columns after the 7th (ESWC seg_id level mode timestamp teraflyindex features…) go to `extra`.
 */

const COLUMN_NAMES = ['id', 'type', 'x', 'y', 'z', 'radius', 'parent'] as const;
const ESWC_EXTRA_NAMES = ['seg_id', 'level', 'mode', 'timestamp', 'teraflyindex'];
/** Vaa3D writes these five ESWC columns; a tree without extras gets them zero-filled. */
const ESWC_DEFAULT_EXTRA = ESWC_EXTRA_NAMES.length;

// Whitespace runs or one comma with optional blanks: '1,,2' must leave an empty field (an
// error) instead of silently shifting the columns the way Vaa3D's single-space split does.
const FIELD_SEPARATOR = /\s*,\s*|\s+/;

export function parseSwc(text: string, file: string): Tree {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = splitLines(text);
  const nodes: SwcNode[] = [];
  const comments: string[] = [];
  const lineOfId = new Map<number, number>();
  const fail = (lineNo: number, problem: string): never => {
    throw new FileFormatError(file, `line ${lineNo}: ${problem}`);
  };

  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const row = lines[i].trim();
    if (row === '') continue;
    if (row[0] === '#') {
      comments.push(row.slice(1));
      continue;
    }
    const tokens = row.split(FIELD_SEPARATOR);
    if (tokens.length > 1 && tokens[tokens.length - 1] === '' && row.endsWith(',')) tokens.pop();
    if (tokens.length < 7) {
      fail(lineNo, `expected 7 columns (id type x y z radius parent), found ${tokens.length}: "${lineExcerpt(row)}"`);
    }
    const values = new Array<number>(7);
    for (let c = 0; c < 7; c++) {
      const tok = tokens[c];
      const integral = c === 0 || c === 1 || c === 6;
      const v = integral ? parseIntegral(tok) : parseDecimal(tok);
      if (v === undefined) {
        const what = tok === '' ? 'is empty' : integral && parseDecimal(tok) !== undefined ? `'${tok}' is not an integer` : `'${lineExcerpt(tok, 30)}' is not a finite number`;
        fail(lineNo, `${COLUMN_NAMES[c]} ${what}`);
      }
      values[c] = v!;
    }
    const [id, type, x, y, z, radius, parent] = values;
    if (id < 0) fail(lineNo, `id ${id} is negative (only parent may be negative, meaning root)`);
    const first = lineOfId.get(id);
    if (first !== undefined) fail(lineNo, `duplicate id ${id} (first defined on line ${first})`);
    lineOfId.set(id, lineNo);

    const node: SwcNode = { id, type, x, y, z, radius, parent: parent < 0 ? -1 : parent, line: lineNo };
    if (tokens.length > 7) {
      const extra = new Array<number>(tokens.length - 7);
      for (let c = 7; c < tokens.length; c++) {
        const v = parseDecimal(tokens[c]);
        if (v === undefined) {
          fail(lineNo, `column ${c + 1} ${tokens[c] === '' ? 'is empty' : `'${lineExcerpt(tokens[c], 30)}' is not a finite number`}`);
        }
        extra[c - 7] = v!;
      }
      node.extra = extra;
    }
    nodes.push(node);
  }

  if (!lineOfId.has(0)) for (const n of nodes) if (n.parent === 0) n.parent = -1;
  return { nodes, comments };
}

export async function readSwc(path: string): Promise<Tree> {
  const kind = /\.eswc$/i.test(path) ? 'ESWC file' : 'SWC file';
  return parseSwc(await readTextFile(path, kind), path);
}

/** A comment that is a column legend ('#n,type,x,y,z,radius,parent…'). */
const LEGEND = /^#?\s*(?:n|id|sample(?:[ _]?(?:id|number))?)[\s,]+(?:type|t|structure)[\s,]+x[\s,]+y[\s,]+z\b/i;

function legendFor(eswc: boolean, extraWidth: number): string {
  if (!eswc) return '#n,type,x,y,z,radius,parent';
  const names = ESWC_EXTRA_NAMES.slice(0, extraWidth);
  if (extraWidth > ESWC_EXTRA_NAMES.length) names.push('feature_value');
  return `#n,type,x,y,z,radius,parent,${names.join(',')}`;
}

function render(tree: Tree, eswc: boolean, header: string[], label: string): string {
  const nodes = tree.nodes;
  let hasZero = false;
  let extraWidth = 0;
  for (const n of nodes) {
    if (n.id === 0) hasZero = true;
    if (n.extra && n.extra.length > extraWidth) extraWidth = n.extra.length;
  }
  if (eswc && extraWidth === 0) extraWidth = ESWC_DEFAULT_EXTRA;

  const out: string[] = [];
  const comment = (text: string) => { for (const l of splitLines(text)) out.push(`#${l}`); };
  for (const h of header) comment(h);
  // A legend read from a file stays (in place) while it still describes the columns written,
  // e.g. consensus's "n type … seg_id level edge_vote"; otherwise it is replaced by ours.
  const columns = 7 + (eswc ? extraWidth : 0);
  let legendKept = false;
  for (const c of tree.comments) {
    if (!LEGEND.test(c)) comment(c);
    else if (!legendKept && c.replace(/^#/, '').split(/[\s,]+/).filter(Boolean).length === columns) {
      comment(c);
      legendKept = true;
    }
  }
  if (!legendKept) out.push(`#${legendFor(eswc, extraWidth)}`);

  const bad = (n: SwcNode, i: number, problem: string): never => {
    throw new NeurotraceError(`${label}: cannot write node ${Number.isFinite(n.id) ? `id ${n.id}` : `at row ${i + 1}`}: ${problem}`);
  };
  const num = (n: SwcNode, i: number, name: string, v: number): string =>
    Number.isFinite(v) ? formatDecimal(v) : bad(n, i, `${name} is ${v}`);
  const int = (n: SwcNode, i: number, name: string, v: number): string =>
    Number.isSafeInteger(v) ? String(v) : bad(n, i, `${name} ${v} is not an integer`);

  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i];
    const parent = n.parent < 0 || (n.parent === 0 && !hasZero) ? -1 : n.parent;
    let row = `${int(n, i, 'id', n.id)} ${int(n, i, 'type', n.type)} ${num(n, i, 'x', n.x)} ${num(n, i, 'y', n.y)} ${num(n, i, 'z', n.z)} ${num(n, i, 'radius', n.radius)} ${int(n, i, 'parent', parent)}`;
    if (eswc) {
      for (let c = 0; c < extraWidth; c++) row += ` ${num(n, i, `column ${c + 8}`, n.extra?.[c] ?? 0)}`;
    }
    out.push(row);
  }
  out.push('');
  return out.join('\n');
}

/**
 * SWC text: header comments, then the tree's comments and a column legend (a legend among the
 * comments is kept when its column count matches what is written, otherwise replaced by
 * Vaa3D's), then `id type x y z radius parent` rows with up to 6
 * decimals. With eswc, extra columns are written too, rows padded with 0 to a common width
 * (at least Vaa3D's five: seg_id level mode timestamp teraflyindex). Plain SWC drops extras.
 */
export function formatSwc(tree: Tree, opts: { eswc?: boolean; header?: string[] } = {}): string {
  return render(tree, opts.eswc ?? false, opts.header ?? [], 'SWC output');
}

/** Writes SWC, or ESWC when the path ends in .eswc; atomic (temporary file, then rename). */
export async function writeSwc(path: string, tree: Tree, opts: { header?: string[] } = {}): Promise<void> {
  const text = render(tree, /\.eswc$/i.test(path), opts.header ?? [], path);
  await writeTextFileAtomic(path, text);
}
