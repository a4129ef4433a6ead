import { readdirSync, readFileSync } from 'node:fs';

/** Pids of every descendant of `root`, from /proc (Linux); empty elsewhere. */
export function descendants(root: number): number[] {
  const parentOf = new Map<number, number>();
  let entries: string[];
  try { entries = readdirSync('/proc'); } catch { return []; }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      // the command name may contain spaces and parentheses: fields resume after the last ')'
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parentOf.set(Number(e), ppid);
    } catch { /* exited meanwhile */ }
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length) {
    const p = queue.shift()!;
    for (const [child, parent] of parentOf) if (parent === p) { out.push(child); queue.push(child); }
  }
  return out;
}

/**
 * SIGKILLs a job process and everything it started, including programs a command plugin put in
 * their own process group (which a plain kill of the job would orphan).
 */
export function killTree(pid: number): void {
  const kids = descendants(pid);
  for (const p of [pid, ...kids]) {
    try { process.kill(p, 'SIGKILL'); } catch { /* gone */ }
    try { process.kill(-p, 'SIGKILL'); } catch { /* not a group leader */ }
  }
}
