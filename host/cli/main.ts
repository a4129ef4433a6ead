import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { NeurotraceError } from '../core/errors.js';
import { hostVersion } from '../core/paths.js';
import { commandModules } from './commands/index.js';

export function buildProgram(): Command {
  const program = new Command('neurotrace')
    .description('Run, benchmark and score automated neuron tracers (BigNeuron variants) through one interface.')
    .version(hostVersion())
    .option('--verbose', 'print stack traces with errors')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const mod of commandModules) mod.register(program);
  return program;
}

/** Runs the CLI and returns the exit code; every failure is one line on stderr. */
export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander already printed its message (help, version or a usage error)
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help' ? 0 : (e.exitCode || 2);
    }
    const verbose = argv.includes('--verbose');
    if (e instanceof NeurotraceError) {
      process.stderr.write(`neurotrace: ${e.message}\n`);
      if (verbose && e.stack) process.stderr.write(`${e.stack}\n`);
      return e.exitCode;
    }
    const err = e as Error;
    process.stderr.write(`neurotrace: ${err?.message?.split('\n')[0] ?? String(e)}\n`);
    if (verbose && err?.stack) process.stderr.write(`${err.stack}\n`);
    return 1;
  }
}
