// The two faces of a host connection. Planning holds only a ReadTransport, which runs nothing
// but read-only commands; only `pgha apply` holds a Transport, which can change the host.
import type { ExecResult } from './ssh-connection.js';

export interface ObservedFile {
  content: string;
  /** Octal permission bits, e.g. `644`. */
  mode: string;
  owner: string;
  group: string;
}

export interface ReadTransport {
  /** The host's name in the spec. */
  readonly host: string;
  /** Runs a command from the read-only list (see read-only-commands.ts); anything else is refused. */
  query(argv: readonly string[]): Promise<ExecResult>;
  /** A file's content and attributes, or undefined when there is no such file. */
  readFile(path: string): Promise<ObservedFile | undefined>;
}

export interface Transport extends ReadTransport {
  /** Runs any command, with `stdin` fed to it when given. */
  run(argv: readonly string[], stdin?: Buffer): Promise<ExecResult>;
}
