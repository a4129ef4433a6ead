import cliProgress from 'cli-progress';

export interface ProgressReporter {
  update(fraction: number, note?: string): void;
  stop(): void;
}

/** A bar on a terminal; on pipes and CI, a plain line per stage or per 10% so logs stay readable. */
export function createProgress(label: string, stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar({
      format: `${label} [{bar}] {percentage}% {note}`, stream, hideCursor: true, clearOnComplete: true,
    }, cliProgress.Presets.shades_classic);
    bar.start(100, 0, { note: '' });
    return {
      update: (f, note) => bar.update(Math.round(Math.max(0, Math.min(1, f)) * 100), { note: note ?? '' }),
      stop: () => bar.stop(),
    };
  }
  let lastDecile = -1;
  let lastNote = '';
  return {
    update(f, note) {
      const decile = Math.floor(Math.max(0, Math.min(1, f)) * 10);
      if ((note && note !== lastNote) || decile > lastDecile) {
        stream.write(`${label}: ${Math.round(f * 100)}%${note ? ` ${note}` : ''}\n`);
        lastDecile = decile;
        if (note) lastNote = note;
      }
    },
    stop() {},
  };
}
