import type { Vec3 } from '../core/volume.js';
import type { Tree } from '../morph/tree.js';
import { sortTree } from '../morph/sort.js';
import { scorePair } from '../metrics/score.js';

/**
 * Scores a raw tracer output against its gold standard. Both are normalised first (sorted,
 * parent-before-child): the raw file on disk stays exactly what the tracer produced.
 */
export function scoreAgainstGold(gold: Tree, test: Tree, spacing: Vec3 | null): Record<string, unknown> {
  const rec = scorePair(sortTree(gold), sortTree(test), { spacing: spacing ?? undefined, goldName: 'gold', testName: 'test' });
  return rec as unknown as Record<string, unknown>;
}
