/**
 * The score columns of leaderboards and reports, read from a stored ScoreRecord
 * (schemas/scores.schema.json). One place decides which numbers rank the variants.
 */
export interface ScoreColumn {
  key: string;
  description: string;
  higherIsBetter: boolean;
  get(scores: unknown): number | null;
}

function at(scores: unknown, ...path: string[]): number | null {
  let v: unknown = scores;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return null;
    v = (v as Record<string, unknown>)[p];
  }
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export const scoreColumns: ScoreColumn[] = [
  { key: 'ESA', description: 'entire-structure average distance (neuron_distance, mean of both directions)', higherIsBetter: false, get: (s) => at(s, 'distance', 'esa') },
  { key: 'DSA', description: 'different-structure average distance', higherIsBetter: false, get: (s) => at(s, 'distance', 'dsa') },
  { key: 'PDS', description: 'percent of different structure (fraction, 0..1)', higherIsBetter: false, get: (s) => at(s, 'distance', 'pds') },
  { key: 'DIADEM', description: 'DIADEM score (0..1)', higherIsBetter: true, get: (s) => at(s, 'diadem', 'score') },
  { key: 'F1', description: 'node-matching F1 (Rivulet compareswc)', higherIsBetter: true, get: (s) => at(s, 'prf', 'f1') },
];
