import { describe, expect, it } from 'vitest';
import { parseSwc } from '../../host/io/swc.js';
import { assertValidTree, findCycles, validateTree } from '../../host/morph/validate.js';
import { FileFormatError } from '../../host/core/errors.js';
import { chain, tree } from './tree-builders.js';

describe('validateTree', () => {
  it('finds nothing wrong in a valid forest read from a file', () => {
    const t = parseSwc('1 1 0 0 0 1 -1\n2 3 1 0 0 1 1\n3 3 5 0 0 1 0\n4 3 6 0 0 0 3\n', 'ok.swc');
    expect(validateTree(t)).toEqual([]);
    expect(() => assertValidTree(t, 'ok.swc')).not.toThrow();
  });

  it('reports a missing parent with its line', () => {
    const t = parseSwc('1 1 0 0 0 1 -1\n\n2 3 1 0 0 1 9\n', 'm.swc');
    expect(validateTree(t)).toEqual([
      { kind: 'missing-parent', id: 2, line: 3, message: 'line 3: node 2 has parent 9, which is not in the tree' },
    ]);
  });

  it('reports a self-parent with its line', () => {
    const t = parseSwc('1 1 0 0 0 1 -1\n2 3 1 0 0 1 2\n', 's.swc');
    expect(validateTree(t)).toEqual([{ kind: 'self-parent', id: 2, line: 2, message: 'line 2: node 2 is its own parent' }]);
  });

  it('reports a cycle once, with the ids on it, at its first line', () => {
    const t = parseSwc('1 1 0 0 0 1 -1\n5 3 1 0 0 1 3\n3 3 2 0 0 1 4\n4 3 3 0 0 1 5\n6 3 4 0 0 1 4\n', 'c.swc');
    expect(validateTree(t)).toEqual([
      { kind: 'cycle', id: 5, line: 2, message: 'line 2: parent cycle through ids 5 -> 3 -> 4 -> 5; these nodes have no root' },
    ]);
  });

  it('reports duplicate ids in trees built in code (the reader refuses them)', () => {
    const t = tree([[1, 1, 0, 0, 0, 1, -1], [2, 3, 1, 0, 0, 1, 1], [2, 3, 2, 0, 0, 1, 1]]);
    expect(validateTree(t)).toEqual([{ kind: 'duplicate-id', id: 2, message: 'duplicate id 2 (first at row 2)' }]);
  });

  it('reports negative radii and non-finite values', () => {
    const t = parseSwc('1 1 0 0 0 1 -1\n2 3 1 0 0 -0.5 1\n', 'r.swc');
    expect(validateTree(t)).toEqual([{ kind: 'negative-radius', id: 2, line: 2, message: 'line 2: node 2 has a negative radius -0.5' }]);
    const u = tree([[1, 1, Number.NaN, 0, Infinity, 1, -1]]);
    expect(validateTree(u).map((i) => [i.kind, i.message])).toEqual([
      ['non-finite', 'node 1 has a non-finite x (NaN)'],
      ['non-finite', 'node 1 has a non-finite z (Infinity)'],
    ]);
  });

  it('orders issues by line', () => {
    const t = parseSwc('7 3 0 0 0 1 8\n8 3 1 0 0 1 7\n1 1 0 0 0 -1 -1\n2 3 1 0 0 1 2\n3 3 1 0 0 1 42\n', 'many.swc');
    expect(validateTree(t).map((i) => [i.kind, i.line])).toEqual([
      ['cycle', 1], ['negative-radius', 3], ['self-parent', 4], ['missing-parent', 5],
    ]);
  });

  it('handles a 200k-node chain and a 200k-node cycle without deep recursion', () => {
    const t = chain(200_000);
    t.nodes.reverse();
    expect(validateTree(t)).toEqual([]);
    t.nodes[t.nodes.length - 1].parent = 200_000; // the root now hangs off the last tip
    const issues = validateTree(t);
    expect(issues).toHaveLength(1);
    expect(issues[0].kind).toBe('cycle');
    expect(issues[0].message).toContain('(200000 nodes)');
    expect(findCycles(t)[0]).toHaveLength(200_000);
  });
});

describe('assertValidTree', () => {
  it('throws one line naming the file, the first three issues with lines, and how many more', () => {
    const t = parseSwc('1 1 0 0 0 1 -1\n2 3 1 0 0 1 9\n3 3 1 0 0 1 3\n4 3 1 0 0 1 99\n5 3 1 0 0 -1 1\n', 'bad.swc');
    let err: unknown;
    try {
      assertValidTree(t, 'bad.swc');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FileFormatError);
    const msg = (err as Error).message;
    expect(msg).toBe('bad.swc: invalid tree (4 problems): line 2: node 2 has parent 9, which is not in the tree; '
      + 'line 3: node 3 is its own parent; line 4: node 4 has parent 99, which is not in the tree; and 1 more');
    expect(msg).not.toContain('\n');
  });
});
