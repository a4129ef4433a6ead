import type { ScoreRecord } from '../generated/scores.js';
import { MORPHOMETRIC_NAMES, type Morphometrics } from './morphometrics.js';
import type { ShollProfile } from './sholl.js';

/** Six significant digits, like Vaa3D's C++ stream output; integers as they are; null as n/a. */
export function formatNumber(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return 'n/a';
  if (Number.isInteger(v)) return String(v);
  if (v !== 0 && (Math.abs(v) < 1e-4 || Math.abs(v) >= 1e6)) return v.toPrecision(6).replace(/\.?0+e/, 'e');
  return String(Number(v.toPrecision(6)));
}

function table(rows: [string, string, string?][]): string {
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  return rows.map(([a, b, c]) => `  ${a.padEnd(w0)}  ${b.padStart(w1)}${c ? `  ${c}` : ''}`).join('\n');
}

export function formatScoreTable(rec: ScoreRecord): string {
  const unit = rec.units === 'micron' ? 'µm' : 'voxels';
  const out: string[] = [];
  out.push(`gold: ${rec.gold}`, `test: ${rec.test}`);
  out.push(`units: ${unit}${rec.units === 'micron' ? ` (spacing ${rec.spacing.join(', ')})` : ''}`);
  const n = formatNumber;
  if (rec.distance) {
    out.push('', 'neuron_distance (Vaa3D)');
    const d = rec.distance;
    if (!d.computable) out.push(`  not computable: ${d.reason}`);
    else out.push(table([
      ['ESA12 (gold to test)', n(d.esa12), `${d.samples12} samples`],
      ['ESA21 (test to gold)', n(d.esa21), `${d.samples21} samples`],
      ['ESA', n(d.esa)],
      ['DSA', n(d.dsa), `d >= ${n(d.dThres)}`],
      ['PDS12', n(d.pds12), `${d.bigSamples12} samples`],
      ['PDS21', n(d.pds21), `${d.bigSamples21} samples`],
      ['PDS', n(d.pds)],
      ['dist_max', n(d.distMax)],
    ]));
  }
  if (rec.diadem) {
    const d = rec.diadem;
    const p = d.parameters;
    out.push('', `DIADEM (data set ${p.dataset}: XY ${n(p.xyThreshold)}, Z ${n(p.zThreshold)})`);
    out.push(table([
      ['score', n(d.score), d.score === null ? 'gold has no bifurcation or terminal to score' : ''],
      ['matched weight', n(d.scoreSum), `of ${n(d.goldWeight)} gold + ${n(d.excessWeight)} excess`],
      ['direct matches', n(d.directMatches)],
      ['continuations', n(d.continuations)],
      ['distant matches', n(d.distantMatches)],
      ['misses', n(d.misses.length)],
      ['excess nodes', n(d.excess.length)],
    ]));
  }
  if (rec.prf) {
    const p = rec.prf;
    out.push('', 'precision / recall (rivuletpy compareswc, nodes within 4)');
    out.push(table([
      ['precision', n(p.precision), `TP ${p.truePositives}, FP ${p.falsePositives}`],
      ['recall', n(p.recall), `FN ${p.falseNegatives}`],
      ['F1', n(p.f1)],
      ['SD', n(p.sd)],
      ['SSD', n(p.ssd)],
      ['SSD%', n(p.ssdPercent)],
      ['connection errors (test)', n(p.connectionErrorsTest)],
      ['connection errors (gold)', n(p.connectionErrorsGold)],
    ]));
  }
  if (rec.length) {
    const l = rec.length;
    out.push('', 'length overlap (PyNeval length metric)');
    out.push(table([
      ['recall', n(l.recall), `${n(l.matchedGoldLength)} of ${n(l.goldLength)} gold length`],
      ['precision', n(l.precision), `${n(l.matchedTestLength)} of ${n(l.testLength)} test length`],
      ['F1', n(l.f1)],
    ]));
  }
  if (rec.ssd) {
    out.push('', 'SSD (PyNeval, up-sampled nodes, d >= 2)');
    const s = rec.ssd;
    if ('computable' in s) out.push(`  not computable: ${s.reason}`);
    else out.push(table([
      ['SSD', n(s.ssd)],
      ['recall', n(s.recall), `${s.goldSubstantial} of ${s.goldNodes} gold nodes far`],
      ['precision', n(s.precision), `${s.testSubstantial} of ${s.testNodes} test nodes far`],
      ['F1', n(s.f1)],
    ]));
  }
  return out.join('\n');
}

export function formatFeatureTable(name: string, f: Morphometrics, units: string, sholl?: ShollProfile): string {
  const out = [`${name} (${units})`, table(MORPHOMETRIC_NAMES.map((k) => [k, formatNumber(f[k])]))];
  if (sholl) {
    out.push('', `Sholl (centre ${sholl.center.map(formatNumber).join(', ')})`);
    out.push(table([
      ['max intersections', formatNumber(sholl.maxIntersections), sholl.criticalRadius === null ? '' : `at r = ${formatNumber(sholl.criticalRadius)}`],
      ['enclosing radius', formatNumber(sholl.enclosingRadius)],
      ['sum of intersections', formatNumber(sholl.sumIntersections)],
      ['ramification index', formatNumber(sholl.ramificationIndex)],
      ['regression (semi-log)', formatNumber(sholl.regressionSemiLog)],
      ['regression (log-log)', formatNumber(sholl.regressionLogLog)],
    ]));
    out.push(table(sholl.radii.map((r, i) => [`r = ${formatNumber(r)}`, String(sholl.intersections[i])])));
  }
  return out.join('\n');
}
