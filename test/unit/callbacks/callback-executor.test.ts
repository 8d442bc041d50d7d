// The callback executor with real processes (/bin/sh): Patroni's argv, output in the log, a bound
// that kills the callback's whole process group, a newer call of the same action cancelling the
// one still running, and other actions left alone.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CallbackExecutor, type CallbackSettings } from '../../../agent/callbacks/callback-executor.js';
import type { LogLevel } from '../../../agent/logging/logger.js';
import { runProcess } from '../../../agent/postgres/process-runner.js';
import { processRuns } from '../../helpers/process-tree.js';

let dir: string;
let lines: string[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pgha-callbacks-'));
  lines = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return path;
}

function executor(commands: CallbackSettings['commands'], timeoutMs = 10_000): CallbackExecutor {
  return new CallbackExecutor(
    { commands, scope: 'lab', timeoutMs },
    (argv, options) => runProcess(argv[0]!, argv.slice(1), { timeoutMs: options.timeoutMs, cancel: options.cancel, ownProcessGroup: true }),
    { log: (level: LogLevel, message: string) => lines.push(`${level}: ${message}`) },
  );
}

describe('CallbackExecutor', () => {
  it("runs <command> <action> <role> <scope>, with the command's own words first, and logs what it printed", async () => {
    const record = script('record.sh', `echo "$*" >> ${dir}/argv; echo "said: $1"`);
    const callbacks = executor({ on_start: `${record} 'first word'`, on_role_change: record });
    callbacks.call('on_start', 'replica');
    callbacks.call('on_role_change', 'primary');
    callbacks.call('on_stop', 'primary');
    await callbacks.settle();
    expect(readFileSync(join(dir, 'argv'), 'utf8').split('\n').filter(Boolean).sort()).toEqual(['first word on_start replica lab', 'on_role_change primary lab']);
    expect(lines).toContain('info: callback on_start replica exited with status 0: said: first word');
    expect(lines).toContain('info: callback on_role_change primary exited with status 0: said: on_role_change');
  });

  it('cuts a callback at its bound, with the processes it started', async () => {
    const hang = script('hang.sh', `sleep 600 & echo $! > ${dir}/child; wait`);
    // Long enough for the script to start its child even on a loaded machine.
    const callbacks = executor({ on_role_change: hang }, 2000);
    const started = Date.now();
    callbacks.call('on_role_change', 'primary');
    await callbacks.settle();
    expect(Date.now() - started).toBeLessThan(8000);
    expect(lines).toEqual(['warn: callback on_role_change primary was cut at its bound of 2 s']);
    expect(processRuns(Number(readFileSync(join(dir, 'child'), 'utf8')))).toBe(false);
  });

  it('cancels a callback still running when the same action is called again, and leaves other actions running', async () => {
    const hang = script('hang.sh', `echo "$2" >> ${dir}/calls; sleep 600 & wait`);
    const quick = script('quick.sh', `sleep 0.5; echo "$1 $2" >> ${dir}/calls`);
    const callbacks = executor({ on_role_change: hang, on_stop: quick }, 3000);
    callbacks.call('on_role_change', 'replica');
    callbacks.call('on_stop', 'primary');
    await new Promise((resolve) => setTimeout(resolve, 200));
    callbacks.call('on_role_change', 'primary');
    await callbacks.settle();
    expect(lines[0]).toBe('warn: callback on_role_change replica was cancelled by a newer call of the same callback');
    expect(lines).toContain('info: callback on_stop primary exited with status 0');
    expect(lines).toContain('warn: callback on_role_change primary was cut at its bound of 3 s');
    expect(readFileSync(join(dir, 'calls'), 'utf8').split('\n').filter(Boolean).sort()).toEqual(['on_stop primary', 'primary', 'replica']);
  });

  it('says when a callback cannot run, and runs nothing for an action without one', async () => {
    const callbacks = executor({ on_start: join(dir, 'missing.sh'), on_stop: "/bin/echo 'open" });
    callbacks.call('on_start', 'primary');
    callbacks.call('on_stop', 'primary');
    callbacks.call('on_reload', 'primary');
    await callbacks.settle();
    expect(lines.sort()).toEqual([`error: callback on_start primary could not run: could not run ${join(dir, 'missing.sh')}: spawn ${join(dir, 'missing.sh')} ENOENT`, 'error: callback on_stop not run: its single quote is not closed']);
  });
});
