/**
 * Shared by the ENT and EnsembleNeuronTracer tests: the addon's synchronous _test hooks and the
 * forest check their merged traces must pass.
 */
import { expect } from 'vitest';
import type { SwcNode, Tree } from '../../host/morph/tree.js';
import { loadAddon } from '../../host/runtime/native-addon.js';

type Hook = (...args: unknown[]) => unknown;
/** The built addon, for the synchronous _test* hooks. */
export function hooks(): Record<string, Hook> {
  return loadAddon('neurotrace_native') as unknown as Record<string, Hook>;
}

/** Every parent id exists and following parents always ends at a root. */
export function expectValidForest(t: Tree): void {
  const byId = new Map(t.nodes.map((n) => [n.id, n]));
  for (const n of t.nodes) {
    if (n.parent !== -1) expect(byId.has(n.parent)).toBe(true);
    let cur: SwcNode | undefined = n;
    for (let steps = 0; cur && cur.parent !== -1; steps++) {
      expect(steps).toBeLessThan(t.nodes.length);
      cur = byId.get(cur.parent);
    }
  }
}
