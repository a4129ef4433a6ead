import { createHash } from 'node:crypto';
import type { Tree } from '../morph/tree.js';

/** One reconstruction offered to the consensus; the name (file or variant) orders and reports it. */
export interface ConsensusInput {
  name: string;
  tree: Tree;
}

/** An input left out of the consensus, with the one-line reason. */
export interface DroppedInput {
  name: string;
  reason: string;
}

function fingerprint(tree: Tree): string {
  const h = createHash('sha256');
  for (const n of tree.nodes) h.update(`${n.id} ${n.type} ${n.x} ${n.y} ${n.z} ${n.radius} ${n.parent}\n`);
  return h.digest('hex');
}

/**
 * The inputs in canonical order: by name (code-unit order, as a C-locale glob of the
 * processed/*.swc files BigNeuron used), then by content. The algorithm is order dependent
 * (§2.5: votes come only from later trees), so fixing the order makes the result depend on the
 * set of inputs alone.
 */
export function canonicalOrder(inputs: readonly ConsensusInput[]): ConsensusInput[] {
  const keyed = inputs.map((inp) => ({ inp, fp: '' }));
  const sameName = new Map<string, number>();
  for (const k of keyed) sameName.set(k.inp.name, (sameName.get(k.inp.name) ?? 0) + 1);
  for (const k of keyed) if (sameName.get(k.inp.name)! > 1) k.fp = fingerprint(k.inp.tree);
  keyed.sort((a, b) => (a.inp.name < b.inp.name ? -1 : a.inp.name > b.inp.name ? 1 : a.fp < b.fp ? -1 : a.fp > b.fp ? 1 : 0));
  return keyed.map((k) => k.inp);
}
