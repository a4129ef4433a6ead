/**
 * An error the user can act on: its message is one line naming the file (or parameter) and the
 * problem. The CLI prints only the message (the stack with --verbose) and exits non-zero.
 */
export class NeurotraceError extends Error {
  constructor(message: string, readonly exitCode = 1, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NeurotraceError';
  }
}

/** Bad command-line usage or parameter values: exit code 2, like commander's own usage errors. */
export class UsageError extends NeurotraceError {
  constructor(message: string) {
    super(message, 2);
    this.name = 'UsageError';
  }
}

/** A file that cannot be read as what it claims to be (corrupt, truncated, unsupported). */
export class FileFormatError extends NeurotraceError {
  constructor(readonly file: string, problem: string, options?: { cause?: unknown }) {
    super(`${file}: ${problem}`, 1, options);
    this.name = 'FileFormatError';
  }
}

/** The operation was cancelled through its AbortSignal. */
export class CancelledError extends NeurotraceError {
  constructor(what = 'operation') {
    super(`${what} cancelled`, 130);
    this.name = 'CancelledError';
  }
}
