import type { HostVariantRunner } from './bench.js';
import { consensusRunner } from './consensus-runner.js';

/**
 * Variants the host computes from other variants' outputs, keyed by the manifest's
 * runtime.service.
 */
export function hostVariantRunners(): Map<string, HostVariantRunner> {
  return new Map([['consensus', consensusRunner()]]);
}
