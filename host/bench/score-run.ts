import type { Vec3 } from '../core/volume.js';
import type { Tree } from '../morph/tree.js';
import { sortTree } from '../morph/sort.js';
import { scorePair } from '../metrics/score.js';

/**
 * DIADEM tolerances for bench scoring. BigNeuron's `-D 0` (XY 1.2, Z 0.1 voxel) never matches a
 * node half a voxel off in z, so on voxel-unit data it scores nearly every tracer 0; the bench
 * uses the explicit `-x 2 -z 2` of metrics.md instead. `neurotrace score` keeps `-D 0` by default.
 */
export const BENCH_DIADEM = { xyThreshold: 2, zThreshold: 2 } as const;

/**
 * Scores a raw tracer output against its gold standard. Both are normalised first (sorted,
 * parent-before-child): the raw file on disk stays exactly what the tracer produced.
 */
export function scoreAgainstGold(gold: Tree, test: Tree, spacing: Vec3 | null): Record<string, unknown> {
  const rec = scorePair(sortTree(gold), sortTree(test), { spacing: spacing ?? undefined, goldName: 'gold', testName: 'test', diadem: { ...BENCH_DIADEM } });
  return rec as unknown as Record<string, unknown>;
}
