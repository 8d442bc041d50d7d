// Argument vectors become remote command lines in one place; a real sh must read back exactly
// the arguments that went in, whatever they contain.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { commandLine, quoteArgument } from '../../../cli/transport/shell-quote.js';

const run = promisify(execFile);

describe('shell quoting', () => {
  it('leaves plain words alone and quotes everything else', () => {
    expect(commandLine(['systemctl', 'is-active', 'pgha-agent.service'])).toBe('systemctl is-active pgha-agent.service');
    expect(quoteArgument('')).toBe("''");
    expect(quoteArgument("it's")).toBe(`'it'"'"'s'`);
    expect(() => commandLine([])).toThrow('an empty command');
  });

  it('round-trips through sh', async () => {
    const argv = ['a b', "it's", '$HOME', '`id`', '*', 'line\nbreak', '"quoted"', '\\', ';rm -rf /', '', 'ünïcode', '-n'];
    const { stdout } = await run('sh', ['-c', `printf '%s\\0' ${commandLine(argv)}`]);
    expect(stdout.split('\0').slice(0, -1)).toEqual(argv);
  });
});
