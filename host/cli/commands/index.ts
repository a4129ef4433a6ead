import type { Command } from 'commander';
import { pluginsCommand } from './plugins.js';
import { runCommand } from './run.js';

/** A CLI command module: one file per command (or command group) in this folder. */
export interface CommandModule {
  register(program: Command): void;
}

// The order here is the order in `neurotrace --help`.
export const commandModules: CommandModule[] = [
  pluginsCommand,
  runCommand,
];
