// SSH to a real sshd on loopback (started by the test, with its own host key): commands as
// argument vectors, sessions beyond MaxSessions queued, and the host key checked against
// known_hosts before anything runs.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshConnection, type SshTarget } from '../../cli/transport/ssh-connection.js';
import { UserError } from '../../cli/user-error.js';
import { startLoopbackSshd, type LoopbackSshd } from '../helpers/loopback-sshd.js';

describe('an SSH connection', { timeout: 30_000 }, () => {
  let sshd: LoopbackSshd;
  let dir: string;
  let target: SshTarget;

  beforeAll(async () => {
    sshd = await startLoopbackSshd();
    dir = await mkdtemp(join(tmpdir(), 'pgha-ssh-'));
    target = sshd.target('db1');
  }, 30_000);

  afterAll(async () => {
    await sshd?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs argument vectors, whatever they contain, and reports exit codes', async () => {
    const ssh = await SshConnection.open(target);
    try {
      expect(await ssh.exec(['printf', '%s|', 'a b', "it's", '$HOME', '', '`id`;*'])).toEqual({ exitCode: 0, stdout: "a b|it's|$HOME||`id`;*|", stderr: '' });
      expect(await ssh.exec(['sh', '-c', 'echo oops >&2; exit 3'])).toEqual({ exitCode: 3, stdout: '', stderr: 'oops\n' });
      expect((await ssh.exec(['cat'], Buffer.from('fed on stdin\n'))).stdout).toBe('fed on stdin\n');
    } finally {
      ssh.close();
    }
  });

  it("runs more commands at once than sshd's MaxSessions allows, queueing the rest", async () => {
    const ssh = await SshConnection.open(target);
    try {
      const runs = Array.from({ length: 24 }, (_, i) => ssh.exec(['sh', '-c', `sleep 0.3; echo ${i}`]));
      const results = await Promise.race([Promise.all(runs), new Promise<'stalled'>((resolve) => setTimeout(() => resolve('stalled'), 25_000))]);
      expect(results).not.toBe('stalled');
      expect((results as { stdout: string }[]).map((r) => r.stdout)).toEqual(Array.from({ length: 24 }, (_, i) => `${i}\n`));
    } finally {
      ssh.close();
    }
  });

  it('refuses a host whose key changed, naming the host, the file and the key it saw', async () => {
    const knownHostsFile = join(dir, 'changed');
    const recorded = (await readFile(target.knownHostsFile, 'utf8')).split(' ');
    await writeFile(knownHostsFile, `${recorded[0]} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBFAyTQmZvDNQ3S1vXNvLNqh2ewtMq7UkqGq1JRRxGFz\n`);
    const attempt = SshConnection.open({ ...target, knownHostsFile });
    await expect(attempt).rejects.toThrow(UserError);
    await expect(attempt).rejects.toThrow(
      new RegExp(`^host db1 \\(127\\.0\\.0\\.1:${sshd.port}\\): its host key ssh-ed25519 SHA256:\\S+ does not match the one in ${knownHostsFile} \\(line 1\\); if the host was rebuilt, remove that line$`),
    );
  });

  it('refuses an unknown host, or records it on first contact when asked to', async () => {
    const knownHostsFile = join(dir, 'empty');
    await expect(SshConnection.open({ ...target, knownHostsFile })).rejects.toThrow(/its host key ssh-ed25519 SHA256:\S+ is not in .*--accept-new-host-keys/);
    const ssh = await SshConnection.open({ ...target, knownHostsFile, acceptNewHostKeys: true });
    ssh.close();
    expect(await readFile(knownHostsFile, 'utf8')).toBe(await readFile(target.knownHostsFile, 'utf8'));
    (await SshConnection.open({ ...target, knownHostsFile })).close();
  });

  it('says so in one sentence when the host cannot be reached or refuses the login', async () => {
    await expect(SshConnection.open({ ...target, port: 1 })).rejects.toThrow(/^host db1 \(127\.0\.0\.1:1\): cannot connect: .*ECONNREFUSED/);
    await expect(SshConnection.open({ ...target, user: 'nobody' })).rejects.toThrow(`host db1 (127.0.0.1:${sshd.port}): the login as nobody was refused`);
  });
});
