import { UsageError } from '../core/errors.js';
import type { ScoreRecord } from '../generated/scores.js';
import type { Tree } from '../morph/tree.js';
import { diadem, type DiademOptions } from './diadem.js';
import { lengthOverlap } from './length-overlap.js';
import { neuronDistance } from './neuron-distance.js';
import { precisionRecall } from './prf.js';
import { ssdMetric } from './ssd.js';

export type { ScoreRecord } from '../generated/scores.js';

export const METRIC_FAMILIES = ['distance', 'diadem', 'prf', 'length', 'ssd'] as const;
export type MetricFamily = (typeof METRIC_FAMILIES)[number];

export interface ScoreOptions {
  /** which metric families to run (default: all) */
  metrics?: readonly MetricFamily[];
  /** voxel size; when given, both trees are scaled and every number is in microns */
  spacing?: [number, number, number];
  /** neuron_distance threshold (in the output units; default 2) */
  dThres?: number;
  diadem?: Omit<DiademOptions, 'goldName' | 'testName'>;
  goldName?: string;
  testName?: string;
}

/** Parses "all" or a comma list of metric families. */
export function parseMetricList(text: string): MetricFamily[] {
  const parts = text.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  if (parts.length === 0) throw new UsageError(`--metric needs a value: all or ${METRIC_FAMILIES.join(', ')}`);
  const out = new Set<MetricFamily>();
  for (const p of parts) {
    if (p === 'all') METRIC_FAMILIES.forEach((m) => out.add(m));
    else if ((METRIC_FAMILIES as readonly string[]).includes(p)) out.add(p as MetricFamily);
    else throw new UsageError(`unknown metric '${p}'; choose all or any of ${METRIC_FAMILIES.join(', ')}`);
  }
  return METRIC_FAMILIES.filter((m) => out.has(m));
}

/** Parses "x,y,z" voxel sizes (all positive). */
export function parseSpacing(text: string): [number, number, number] {
  const parts = text.split(/[,x\s]+/).filter(Boolean).map(Number);
  if (parts.length !== 3 || parts.some((v) => !Number.isFinite(v) || v <= 0)) {
    throw new UsageError(`--spacing must be three positive numbers x,y,z (got "${text}")`);
  }
  return parts as [number, number, number];
}

/**
 * A copy of the tree in physical units. Radii scale with the in-plane voxel size
 * (sqrt(sx*sy)), as PyNeval rescales them: a radius is measured across the fibre, mostly in XY.
 */
export function scaleTree(tree: Tree, spacing: [number, number, number]): Tree {
  const [sx, sy, sz] = spacing;
  const sr = Math.sqrt(sx * sy);
  return {
    comments: tree.comments,
    nodes: tree.nodes.map((n) => ({ ...n, x: n.x * sx, y: n.y * sy, z: n.z * sz, radius: n.radius * sr })),
  };
}

/** Runs the chosen metrics on one gold/test pair and returns one record. */
export function scorePair(gold: Tree, test: Tree, opts: ScoreOptions = {}): ScoreRecord {
  const metrics = new Set(opts.metrics ?? METRIC_FAMILIES);
  const spacing = opts.spacing;
  const g = spacing ? scaleTree(gold, spacing) : gold;
  const t = spacing ? scaleTree(test, spacing) : test;
  const goldName = opts.goldName ?? 'gold', testName = opts.testName ?? 'test';
  const rec: ScoreRecord = {
    gold: goldName,
    test: testName,
    units: spacing ? 'micron' : 'voxel',
    spacing: spacing ?? [1, 1, 1],
  };
  if (metrics.has('distance')) rec.distance = neuronDistance(g, t, { dThres: opts.dThres });
  if (metrics.has('diadem')) rec.diadem = diadem(g, t, { ...opts.diadem, goldName, testName });
  if (metrics.has('prf')) rec.prf = precisionRecall(g, t);
  if (metrics.has('length')) rec.length = lengthOverlap(g, t, { goldName, testName });
  if (metrics.has('ssd')) rec.ssd = ssdMetric(g, t) ?? { computable: false, reason: 'SSD needs at least one node in each tree' };
  return rec;
}
