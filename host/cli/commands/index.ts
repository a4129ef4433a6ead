import type { Command } from 'commander';
import { pluginsCommand } from './plugins.js';
import { runCommand } from './run.js';
import { benchCommand } from './bench.js';
import { demoCommand } from './demo.js';
import { scoreCommand } from './score.js';
import { featuresCommand } from './features.js';
import { datasetCommand } from './dataset.js';
import { consensusCommand } from './consensus.js';
import { vaa3dCommand } from './vaa3d.js';

/** A CLI command module: one file per command (or command group) in this folder. */
export interface CommandModule {
  register(program: Command): void;
}

// The order here is the order in `neurotrace --help`.
export const commandModules: CommandModule[] = [
  pluginsCommand,
  runCommand,
  benchCommand,
  demoCommand,
  scoreCommand,
  featuresCommand,
  datasetCommand,
  consensusCommand,
  vaa3dCommand,
];
