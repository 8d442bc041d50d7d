// PGHA_LOG=debug: one line on stderr per remote command, with its exit status and duration.
// No secret reaches a command line (files and secrets go on stdin or through the etcd and
// PostgreSQL clients), and stdin is shown only as its size, so nothing needs masking here.
import { quoted } from '../../agent/contract/quoted.js';
import { commandLine } from './shell-quote.js';

export type CommandLog = (line: string) => void;

const MAX_COMMAND = 300;

export function commandLogLine(host: string, argv: readonly string[], outcome: { exitCode: number } | { error: string }, ms: number, stdinBytes?: number): string {
  const command = commandLine(argv);
  const shown = command.length > MAX_COMMAND ? `${command.slice(0, MAX_COMMAND)}… (${command.length} characters)` : command;
  const ended = 'exitCode' in outcome ? `exit ${outcome.exitCode}` : `failed: ${outcome.error}`;
  return `debug ${host}: ${shown} → ${ended} in ${Math.round(ms)} ms${stdinBytes === undefined ? '' : `, ${stdinBytes} bytes on stdin`}`;
}

/** The command log PGHA_LOG asks for, or undefined; a value pgha does not know is said once. */
export function commandLogFrom(env: NodeJS.ProcessEnv, err: (text: string) => void): CommandLog | undefined {
  const level = env.PGHA_LOG?.trim().toLowerCase();
  if (level === undefined || level === '') return undefined;
  if (level === 'debug') return (line) => err(`${line}\n`);
  err(`pgha: PGHA_LOG=${quoted(env.PGHA_LOG)} is not a level pgha knows (debug), so nothing more is logged\n`);
  return undefined;
}
