// A real OpenSSH server on 127.0.0.1, started by the test with its own host key, config and
// authorized key in a temporary directory, and stopped by its PID. Logins go as the user running
// the tests (root in CI), so commands run on this machine, in the directories the test picks.
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import type { SshTarget } from '../../cli/transport/ssh-connection.js';
import { promisify } from 'node:util';
import { startProcess, waitFor, type RunningProcess } from './child-process.js';
import { freePort } from './free-port.js';

export const SSHD = '/usr/sbin/sshd';

export interface LoopbackSshd {
  port: number;
  user: string;
  privateKey: Buffer;
  /** A known_hosts file that lists this server's key for [127.0.0.1]:port. */
  knownHostsFile: string;
  /** How pgha reaches this server, as the host `name`. */
  target(name: string): SshTarget;
  stop(): Promise<void>;
}

const run = promisify(execFile);

export async function startLoopbackSshd(): Promise<LoopbackSshd> {
  const dir = await mkdtemp(join(tmpdir(), 'pgha-sshd-'));
  let server: RunningProcess | undefined;
  try {
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_key')]);
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'client_key')]);
    await writeFile(join(dir, 'authorized_keys'), await readFile(join(dir, 'client_key.pub')), { mode: 0o600 });
    const port = await freePort();
    await writeFile(
      join(dir, 'sshd_config'),
      [
        `ListenAddress 127.0.0.1:${port}`,
        `HostKey ${join(dir, 'host_key')}`,
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
        'PidFile none',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PermitRootLogin prohibit-password',
        `AllowUsers ${userInfo().username}`,
        'UsePAM no',
        'StrictModes no',
        'MaxSessions 10',
        'LogLevel ERROR',
        '',
      ].join('\n'),
    );
    // sshd's privilege separation directory; a Debian host creates it at boot.
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    server = startProcess(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')]);
    await waitFor(
      `sshd on 127.0.0.1:${port} (${server.output().trim()})`,
      () => new Promise<boolean>((resolve) => connect(port, '127.0.0.1').once('connect', function (this: ReturnType<typeof connect>) { this.destroy(); resolve(true); }).once('error', () => resolve(false))),
      10_000,
    );
    const [type, key] = (await readFile(join(dir, 'host_key.pub'), 'utf8')).split(' ');
    await writeFile(join(dir, 'known_hosts'), `[127.0.0.1]:${port} ${type} ${key}\n`);
    const running = server;
    const user = userInfo().username;
    const privateKey = await readFile(join(dir, 'client_key'));
    const knownHostsFile = join(dir, 'known_hosts');
    return {
      port,
      user,
      privateKey,
      knownHostsFile,
      target: (name) => ({ name, address: '127.0.0.1', port, user, privateKey, knownHostsFile, acceptNewHostKeys: false, connectTimeoutMs: 5000 }),
      async stop() {
        await running.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
