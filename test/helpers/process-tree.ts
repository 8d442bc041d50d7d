// The direct children of a process, from /proc: a postmaster's backends and auxiliary processes,
// which a test freezes along with it to pause a whole PostgreSQL as a paused host would.
import { readdirSync, readFileSync } from 'node:fs';

/** The parent pid in /proc/<pid>/stat: the field after the parenthesised command, which may hold spaces. */
function parentOf(pid: string): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

export function childPids(parent: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && parentOf(entry) === parent)
    .map(Number);
}

/** Whether the process runs: a zombie (killed, not reaped yet, which PID 1 here does late) does not. */
export function processRuns(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
