/**
 * Vaa3D's command-line grammar (vaa3d-notes.md 1.3), so BigNeuron bench scripts can call
 * `neurotrace vaa3d` in place of `vaa3d`: -i, -o and -p collect values up to the next argument
 * starting with '-' (which is also why Vaa3D cannot pass negative numbers through -p), and
 * -pf reads the -p values from a file, one per line.
 */
import { readFileSync } from 'node:fs';
import { UsageError } from '../core/errors.js';

export interface Vaa3dCommandLine {
  plugin?: string;
  func?: string;
  inputs: string[];
  outputs: string[];
  params: string[];
  help: boolean;
  /** neurotrace's own switches, accepted anywhere on the line. */
  json: boolean;
  quiet: boolean;
}

const FLAGS = '-x -f -i -o -p -pf -h';

export function parseVaa3dArgs(argv: string[]): Vaa3dCommandLine {
  const out: Vaa3dCommandLine = { inputs: [], outputs: [], params: [], help: false, json: false, quiet: false };
  const isFlag = (s: string) => s.startsWith('-') && s.length > 1;
  const collect = (i: number, into: string[]): number => {
    let j = i + 1;
    while (j < argv.length && !isFlag(argv[j])) into.push(argv[j++]);
    return j;
  };
  const single = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined || isFlag(v)) throw new UsageError(`vaa3d: ${flag} needs a value`);
    return v;
  };
  let i = 0;
  while (i < argv.length) {
    const a = argv[i];
    switch (a) {
      case '-x': out.plugin = single(i, '-x'); i += 2; break;
      case '-f': out.func = single(i, '-f'); i += 2; break;
      case '-i': i = collect(i, out.inputs); break;
      case '-o': i = collect(i, out.outputs); break;
      case '-p': i = collect(i, out.params); break;
      case '-pf': {
        const file = single(i, '-pf');
        let text: string;
        try {
          text = readFileSync(file, 'utf8');
        } catch (e) {
          throw new UsageError(`${file}: cannot read the -pf parameter file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
        }
        out.params.push(...text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== ''));
        i += 2;
        break;
      }
      case '-h': case '--help': out.help = true; i++; break;
      case '--json': out.json = true; i++; break;
      case '--quiet': out.quiet = true; i++; break;
      default:
        if (isFlag(a)) {
          const hint = /^-\d/.test(a) ? ' (as in Vaa3D, -p values cannot be negative numbers)' : '';
          throw new UsageError(`vaa3d: unknown option '${a}'${hint}; supported: ${FLAGS}`);
        }
        throw new UsageError(`vaa3d: unexpected argument '${a}' (values follow -x, -f, -i, -o or -p)`);
    }
  }
  return out;
}
