// SSH to a real lab host (sshd under systemd): commands as argument vectors, and the host key
// checked against known_hosts before anything runs.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshConnection, type SshTarget } from '../../cli/transport/ssh-connection.js';
import { UserError } from '../../cli/user-error.js';
import { canRunLab, LAB_INVENTORY, labAddress, labScript } from '../helpers/lab.js';

describe.skipIf(!canRunLab())('an SSH connection to a lab host', () => {
  let dir: string;
  let target: SshTarget;

  beforeAll(async () => {
    await labScript('down.sh', '--purge');
    await labScript('up.sh', '1');
    dir = await mkdtemp(join(tmpdir(), 'pgha-ssh-'));
    target = {
      name: 'c1',
      address: labAddress(1),
      port: 22,
      user: 'root',
      privateKey: await readFile(join(LAB_INVENTORY, 'id_ed25519')),
      knownHostsFile: join(LAB_INVENTORY, 'known_hosts'),
      acceptNewHostKeys: false,
      connectTimeoutMs: 5000,
    };
  }, 600_000);

  afterAll(async () => {
    await labScript('down.sh', '--purge');
    await rm(dir, { recursive: true, force: true });
  }, 120_000);

  it('runs argument vectors, whatever they contain, and reports exit codes', async () => {
    const ssh = await SshConnection.open(target);
    try {
      expect(await ssh.exec(['hostname'])).toEqual({ exitCode: 0, stdout: 'c1\n', stderr: '' });
      expect((await ssh.exec(['printf', '%s|', 'a b', "it's", '$HOME', ''])).stdout).toBe("a b|it's|$HOME||");
      expect(await ssh.exec(['sh', '-c', 'echo oops >&2; exit 3'])).toEqual({ exitCode: 3, stdout: '', stderr: 'oops\n' });
    } finally {
      ssh.close();
    }
  });

  it("runs more commands at once than sshd's MaxSessions allows, queueing the rest", async () => {
    const ssh = await SshConnection.open(target);
    try {
      const runs = Array.from({ length: 24 }, (_, i) => ssh.exec(['sh', '-c', `sleep 0.3; echo ${i}`]));
      const results = await Promise.race([Promise.all(runs), new Promise<'stalled'>((resolve) => setTimeout(() => resolve('stalled'), 20_000))]);
      expect(results).not.toBe('stalled');
      expect((results as { stdout: string }[]).map((r) => r.stdout)).toEqual(Array.from({ length: 24 }, (_, i) => `${i}\n`));
    } finally {
      ssh.close();
    }
  }, 30_000);

  it('refuses a host whose key changed, naming the host, the file and the key it saw', async () => {
    const knownHostsFile = join(dir, 'changed');
    const recorded = (await readFile(target.knownHostsFile, 'utf8')).split(' ');
    await writeFile(knownHostsFile, `${recorded[0]} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBFAyTQmZvDNQ3S1vXNvLNqh2ewtMq7UkqGq1JRRxGFz\n`);
    const attempt = SshConnection.open({ ...target, knownHostsFile });
    await expect(attempt).rejects.toThrow(UserError);
    await expect(attempt).rejects.toThrow(
      new RegExp(`^host c1 \\(10\\.213\\.7\\.11:22\\): its host key ssh-ed25519 SHA256:\\S+ does not match the one in ${knownHostsFile} \\(line 1\\); if the host was rebuilt, remove that line$`),
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
    await expect(SshConnection.open({ ...target, address: '127.0.0.1', port: 1 })).rejects.toThrow(/^host c1 \(127\.0\.0\.1:1\): cannot connect: .*ECONNREFUSED/);
    await expect(SshConnection.open({ ...target, user: 'nobody' })).rejects.toThrow('host c1 (10.213.7.11:22): the login as nobody was refused');
  });
});
