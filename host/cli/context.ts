import type { DependencyContainer } from 'tsyringe';
import { createContainer, resolveRegistry, Tokens } from '../container.js';
import type { Logger } from '../core/logger.js';
import type { PluginRegistry } from '../registry/registry.js';

let current: DependencyContainer | undefined;

/** The container for this CLI invocation (created on first use, so --help never scans plugins). */
export function cliContainer(): DependencyContainer {
  return (current ??= createContainer({ verbose: process.argv.includes('--verbose') }));
}

/** Tests run several CLI invocations in one process; each gets a fresh container. */
export function resetCliContainer(): void {
  current = undefined;
}

/** The registry, with every skipped manifest reported once on stderr. */
export function cliRegistry(opts: { quiet?: boolean } = {}): PluginRegistry {
  const c = cliContainer();
  const reg = resolveRegistry(c);
  if (!opts.quiet && !(reg as unknown as { _reported?: boolean })._reported) {
    const log = c.resolve<Logger>(Tokens.Logger);
    for (const p of reg.problems) log.warn(`skipped plugin: ${p.message}`);
    (reg as unknown as { _reported?: boolean })._reported = true;
  }
  return reg;
}
