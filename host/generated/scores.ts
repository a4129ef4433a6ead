/* Generated from schemas/scores.schema.json by scripts/gen-types.mjs. Do not edit. */

export type NullableNumber = number | null;

/**
 * One comparison of a test reconstruction with a gold standard (`neurotrace score --json`); the bench runner stores it in run records. A metric block is absent when that metric was not requested.
 */
export interface ScoreRecord {
  /**
   * Gold-standard SWC (path or label).
   */
  gold: string;
  /**
   * Test reconstruction SWC (path or label).
   */
  test: string;
  /**
   * Unit of every distance and length in the record.
   */
  units: 'voxel' | 'micron';
  /**
   * Voxel size (x, y, z) applied to both trees before scoring; [1, 1, 1] for voxel units.
   *
   * @minItems 3
   * @maxItems 3
   */
  spacing: [number, number, number];
  distance?: NeuronDistanceScore | NotComputable;
  diadem?: DiademScore;
  prf?: PrfScore;
  length?: LengthOverlapScore;
  ssd?: SsdScore | NotComputable;
}
/**
 * Vaa3D neuron_distance (gold = neuron 1, test = neuron 2), float32 geometry as in Vaa3D.
 */
export interface NeuronDistanceScore {
  computable: true;
  /**
   * entire-structure-average, gold to test
   */
  esa12: number;
  /**
   * entire-structure-average, test to gold
   */
  esa21: number;
  /**
   * mean of esa12 and esa21
   */
  esa: number;
  /**
   * different-structure-average
   */
  dsa: number;
  pds12: number;
  pds21: number;
  /**
   * percent of different structure, mean of the two directions
   */
  pds: number;
  /**
   * smaller of the two directional maximum distances
   */
  distMax: number;
  samples12: number;
  samples21: number;
  bigSamples12: number;
  bigSamples21: number;
  dThres: number;
}
export interface NotComputable {
  computable: false;
  reason: string;
}
/**
 * DIADEM metric as DiademMetric.jar v2.1 computes it.
 */
export interface DiademScore {
  /**
   * null when the gold tree has no scorable node
   */
  score: number | null;
  scoreSum: number;
  goldWeight: number;
  excessWeight: number;
  directMatches: number;
  continuations: number;
  distantMatches: number;
  misses: DiademNode[];
  excess: DiademNode[];
  parameters: DiademParameterSet;
}
export interface DiademNode {
  x: number;
  y: number;
  z: number;
  weight: number;
}
export interface DiademParameterSet {
  dataset: number;
  xyThreshold: number;
  zThreshold: number;
  scaleZ: number;
  xyPathErrorThreshold: number;
  zPathErrorThreshold: number;
  zPath: boolean;
  removeSpurs: number;
  weighted: boolean;
  countExcess: boolean;
  rosetteMatching: boolean;
}
/**
 * Node-matching precision/recall/F1, SD/SSD/SSD% and connection errors as rivuletpy compareswc.
 */
export interface PrfScore {
  precision: NullableNumber;
  recall: NullableNumber;
  f1: NullableNumber;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  sd: NullableNumber;
  ssd: NullableNumber;
  ssdPercent: NullableNumber;
  connectionErrorsTest: number;
  connectionErrorsGold: number;
  connectionRatioTest: NullableNumber;
  connectionRatioGold: NullableNumber;
}
/**
 * PyNeval length metric (matched gold / test length).
 */
export interface LengthOverlapScore {
  recall: number;
  precision: number;
  f1: number;
  goldLength: number;
  testLength: number;
  matchedGoldLength: number;
  matchedTestLength: number;
}
/**
 * PyNeval SSD metric on up-sampled trees.
 */
export interface SsdScore {
  ssd: number;
  recall: number;
  precision: number;
  f1: number;
  goldNodes: number;
  testNodes: number;
  goldSubstantial: number;
  testSubstantial: number;
}
