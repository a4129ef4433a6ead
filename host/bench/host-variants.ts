import type { HostVariantRunner } from './bench.js';

/**
 * Variants the host computes from other variants' outputs, keyed by the manifest's
 * runtime.service. Empty until the consensus service is registered (issue 8).
 */
export function hostVariantRunners(): Map<string, HostVariantRunner> {
  return new Map();
}
