// PostgreSQL refuses to run as root; tests that run as root start its programs, and agents,
// as the postgres OS user that Debian's package creates.
import { execFileSync } from 'node:child_process';
import type { RunAs } from '../../agent/postgres/process-runner.js';

export const POSTGRES_BIN_DIR = '/usr/lib/postgresql/15/bin';

/** The postgres OS user, when these tests run as root; undefined otherwise (run as ourselves). */
export function postgresRunAs(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string): number => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}
