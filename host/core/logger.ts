/** Diagnostics go to stderr so stdout stays clean for tables and --json output. */
export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
  debug(msg: string): void;
}

export class StderrLogger implements Logger {
  constructor(private readonly verbose = false, private readonly out: NodeJS.WritableStream = process.stderr) {}
  info(msg: string): void { this.out.write(`${msg}\n`); }
  warn(msg: string): void { this.out.write(`warning: ${msg}\n`); }
  debug(msg: string): void { if (this.verbose) this.out.write(`debug: ${msg}\n`); }
}
