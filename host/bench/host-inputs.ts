import { createHash } from 'node:crypto';
import type { Vec3 } from '../core/volume.js';
import type { RunRecord } from '../generated/run-record.js';
import { resolveParams } from '../registry/params.js';
import type { VariantRef } from '../registry/registry.js';
import type { BenchImage } from './bench.js';
import type { RunStore } from './run-store.js';

/** The runs a host-computed cell of one image is built from, and what was left out and why. */
export interface HostInputs {
  /** Successful runs of the bench's selected tracer variants on the image, traced as this bench traces, by variant id. */
  records: RunRecord[];
  /** One note per stored success that does not count for this bench (traced with another seed setting). */
  excluded: string[];
}

const seedText = (s: readonly number[] | null) => (s ? `(${s.join(', ')})` : 'none');

function sameSeed(a: readonly number[] | null | undefined, b: readonly number[] | null): boolean {
  if (!a || !b) return !a && !b;
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * The inputs of a host cell: only what this bench selected and would itself have traced. A
 * record left in the folder by an earlier bench with other variants or another --no-seed
 * setting must not change this bench's consensus.
 */
export function hostInputs(store: RunStore, tracerRefs: VariantRef[], image: BenchImage, seedFor: (ref: VariantRef) => Vec3 | null): HostInputs {
  const records: RunRecord[] = [];
  const excluded: string[] = [];
  for (const ref of [...tracerRefs].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const r = store.get(ref.id, image.id);
    if (!r || r.status !== 'ok' || !r.outputPath) continue;
    const want = seedFor(ref);
    if (!sameSeed(r.seed, want)) {
      excluded.push(`${ref.id}: traced with seed ${seedText(r.seed ?? null)}, this bench passes ${seedText(want)}`);
      continue;
    }
    records.push(r);
  }
  return { records, excluded };
}

/**
 * What a host cell's result depends on: each input run (a re-run always gets a new start time)
 * and the host variant's own settings. Equal digests mean recomputing would give the same cell.
 */
export function hostInputsDigest(ref: VariantRef, records: RunRecord[], scoreSpacing: Vec3 | null): string {
  const key = {
    plugin: `${ref.plugin.manifest.id}@${ref.plugin.manifest.version}`,
    params: resolveParams(ref),
    scoreSpacing,
    inputs: records.map((r) => [r.variant, r.startedAt, r.finishedAt, r.outputPath, r.nodeCount ?? null]),
  };
  return createHash('sha256').update(JSON.stringify(key)).digest('hex');
}
