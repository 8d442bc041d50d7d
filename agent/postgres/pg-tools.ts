// The PostgreSQL programs of one installation (`bin_dir`), run as the PostgreSQL OS user.
import { join } from 'node:path';
import { runChecked, runProcess, type ProcessResult, type RunAs } from './process-runner.js';

export type PgProgram = 'pg_ctl' | 'initdb' | 'pg_basebackup' | 'pg_rewind' | 'pg_controldata';

export interface PgCall {
  timeoutMs: number;
  env?: Record<string, string>;
}

export class PgTools {
  constructor(
    private readonly binDir: string,
    private readonly runAs?: RunAs,
  ) {}

  run(program: PgProgram, args: string[], call: PgCall): Promise<ProcessResult> {
    return runProcess(join(this.binDir, program), args, this.options(call));
  }

  /** Rejects with a ProcessError unless the program exits with status 0. */
  runChecked(program: PgProgram, args: string[], call: PgCall): Promise<ProcessResult> {
    return runChecked(join(this.binDir, program), args, this.options(call));
  }

  private options(call: PgCall) {
    return { ...call, ...(this.runAs ? { runAs: this.runAs } : {}) };
  }
}
