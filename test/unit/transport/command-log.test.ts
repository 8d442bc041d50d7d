import { describe, expect, it } from 'vitest';
import { commandLogFrom, commandLogLine } from '../../../cli/transport/command-log.js';

describe('PGHA_LOG=debug', () => {
  it('shows each remote command as the remote shell gets it, its exit status, duration and stdin size only', () => {
    expect(commandLogLine('c1', ['sudo', '-n', '--', 'systemctl', 'is-active', 'etcd.service'], { exitCode: 3 }, 12.4)).toBe('debug c1: sudo -n -- systemctl is-active etcd.service → exit 3 in 12 ms');
    expect(commandLogLine('c2', ['sh', '-c', 'cat > "$1"', 'x', '/etc/pgha/agent.yaml'], { exitCode: 0 }, 7, 2048)).toBe(
      `debug c2: sh -c 'cat > "$1"' x /etc/pgha/agent.yaml → exit 0 in 7 ms, 2048 bytes on stdin`,
    );
    expect(commandLogLine('c3', ['true'], { error: 'channel closed' }, 1)).toBe('debug c3: true → failed: channel closed in 1 ms');
    const long = commandLogLine('c1', ['echo', 'a'.repeat(1000)], { exitCode: 0 }, 1);
    expect(long).toContain('… (1005 characters) → exit 0');
  });

  it('is on for debug only, and says once that another value means nothing', () => {
    const said: string[] = [];
    const err = (text: string): void => void said.push(text);
    expect(commandLogFrom({}, err)).toBeUndefined();
    expect(commandLogFrom({ PGHA_LOG: '' }, err)).toBeUndefined();
    const log = commandLogFrom({ PGHA_LOG: 'DEBUG' }, err);
    log?.('debug c1: true → exit 0 in 1 ms');
    expect(said).toEqual(['debug c1: true → exit 0 in 1 ms\n']);
    expect(commandLogFrom({ PGHA_LOG: 'verbose' }, err)).toBeUndefined();
    expect(said.at(-1)).toBe('pgha: PGHA_LOG="verbose" is not a level pgha knows (debug), so nothing more is logged\n');
  });
});
