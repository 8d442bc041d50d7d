// What pgha's resources rely on from a host connection, run against the in-memory FakeTransport
// and against a real host over SSH (sshd on loopback): argument vectors that reach the program
// as they are, stdin, exit codes and the errors of a missing file, files written with an owner and
// mode and read back with them, directories, renames, and reads refused when they could write.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WRITE_SCRIPT } from '../../cli/resources/file.js';
import type { Transport } from '../../cli/transport/transport.js';

export interface TransportHarness {
  transport: Transport;
  /** A directory on the host that exists, is empty, and is the test's own. */
  root: string;
  /** The user commands run as, who owns what they write unless told otherwise. */
  user: string;
  close(): Promise<void>;
}

export function describeTransportContract(name: string, start: () => Promise<TransportHarness>): void {
  // A command over SSH takes a few hundred milliseconds on a loaded two-core machine.
  describe(`Transport contract: ${name}`, { timeout: 30_000 }, () => {
    let harness: TransportHarness;
    let transport: Transport;
    let root: string;
    const write = (path: string, content: string, owner: string, mode: string) =>
      transport.run(['sh', '-c', WRITE_SCRIPT, 'pgha-write', path, owner, mode], Buffer.from(content));

    beforeAll(async () => {
      harness = await start();
      ({ transport, root } = harness);
    }, 30_000);
    afterAll(() => harness?.close());

    it('reads no file where there is none, and a written one with its content, mode, owner and group', async () => {
      const path = `${root}/etc/pgha/agent.yaml`;
      expect(await transport.readFile(path)).toBeUndefined();
      const content = "scope: lab\nname: 'c1 \"x\"'\n# ünïcode, $HOME, `date`\nno newline at the end";
      expect((await write(path, content, `${harness.user}:${harness.user}`, '640')).exitCode).toBe(0);
      expect(await transport.readFile(path)).toEqual({ content, mode: '640', owner: harness.user, group: harness.user });
    });

    it('passes every argument as it is, whatever it holds', async () => {
      const path = `${root}/a file with 'quotes', "double", $dollar; and *`;
      expect((await write(path, 'x', `${harness.user}:${harness.user}`, '600')).exitCode).toBe(0);
      expect((await transport.run(['cat', path])).stdout).toBe('x');
      expect((await transport.run(['test', '-f', path])).exitCode).toBe(0);
    });

    it('answers a missing file with a failing exit status and the reason', async () => {
      const missing = `${root}/missing`;
      const cat = await transport.run(['cat', missing]);
      expect(cat.exitCode).toBe(1);
      expect(cat.stderr).toBe(`cat: ${missing}: No such file or directory\n`);
      const stat = await transport.run(['stat', '-c', '%a %U %G', missing]);
      expect(stat.exitCode).toBe(1);
      expect(stat.stderr).toContain('No such file or directory');
      expect((await transport.run(['test', '-e', missing])).exitCode).toBe(1);
      expect((await transport.run(['rm', '-f', missing])).exitCode).toBe(0);
    });

    it('renames a file over another, as a new version replaces the old one', async () => {
      const path = `${root}/haproxy.cfg`;
      await write(path, 'old\n', `${harness.user}:${harness.user}`, '644');
      await write(`${path}.pgha-new`, 'new\n', `${harness.user}:${harness.user}`, '644');
      expect((await transport.run(['mv', '-f', `${path}.pgha-new`, path])).exitCode).toBe(0);
      expect((await transport.readFile(path))?.content).toBe('new\n');
      expect((await transport.run(['test', '-e', `${path}.pgha-new`])).exitCode).toBe(1);
    });

    it('makes directories with a mode, owner and group, and stat reports them and files as the resources read them', async () => {
      const dir = `${root}/var/lib/pgha`;
      expect((await transport.run(['install', '-d', '-m', '750', '-o', harness.user, '-g', harness.user, dir])).exitCode).toBe(0);
      expect((await transport.run(['stat', '-c', '%F %a %U %G', dir])).stdout).toBe(`directory 750 ${harness.user} ${harness.user}\n`);
      expect((await transport.run(['test', '-d', dir])).exitCode).toBe(0);
      await write(`${dir}/f`, 'x', `${harness.user}:${harness.user}`, '600');
      await write(`${dir}/empty`, '', `${harness.user}:${harness.user}`, '600');
      expect((await transport.run(['stat', '-c', '%F %a', `${dir}/f`, `${dir}/empty`])).stdout).toBe('regular file 600\nregular empty file 600\n');
      expect((await transport.run(['stat', '-c', '%n %.9Y', `${dir}/f`])).stdout).toMatch(new RegExp(`^${dir}/f \\d{10}\\.\\d{9}\\n$`));
      expect((await transport.run(['rm', '-rf', '--one-file-system', '--', dir])).exitCode).toBe(0);
      expect((await transport.run(['test', '-e', `${dir}/f`])).exitCode).toBe(1);
    });

    it('runs read-only commands while planning, and refuses any other', async () => {
      const path = `${root}/planned`;
      await write(path, 'x', `${harness.user}:${harness.user}`, '644');
      expect((await transport.query(['cat', path])).stdout).toBe('x');
      expect(() => transport.query(['rm', '-f', path])).toThrow(/refused to run "rm -f .*" while planning: it is not a read-only command/);
      expect(() => transport.query(['etcdctl', 'member', 'remove', '1'])).toThrow(/not a read-only command/);
      expect((await transport.run(['test', '-f', path])).exitCode).toBe(0);
    });

    it('runs many commands at once', async () => {
      const path = `${root}/many`;
      await write(path, 'x', `${harness.user}:${harness.user}`, '644');
      const results = await Promise.all(Array.from({ length: 24 }, () => transport.run(['cat', path])));
      expect(results.map((r) => r.stdout)).toEqual(Array.from({ length: 24 }, () => 'x'));
    });
  });
}
