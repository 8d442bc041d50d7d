// The lab itself (test/lab/): three Debian hosts with real systemd and sshd, apt through the
// cache on this machine and no other way out, torn down without leftovers.
import { execFile } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canRunLab, LAB_BRIDGE, LAB_DIR, LAB_INVENTORY, labAddress, labScript, onLabHost } from '../helpers/lab.js';

const HOSTS = [1, 2, 3];

describe.skipIf(!canRunLab())('the lab', () => {
  beforeAll(async () => {
    await labScript('down.sh', '--purge');
    await labScript('up.sh', '3');
  }, 600_000);

  afterAll(async () => {
    await labScript('down.sh', '--purge');
  }, 120_000);

  it('boots hosts with systemd as PID 1 and sshd, each with its own name, machine-id and host key', async () => {
    const seen = await Promise.all(
      HOSTS.map(async (host) => {
        const [name, state, machineId, address] = (
          await onLabHost(host, 'hostname; systemctl is-system-running --wait || true; cat /etc/machine-id; ip -4 -o addr show host0 | awk "{print \\$4}"')
        )
          .trim()
          .split('\n');
        return { name, state, machineId, address };
      }),
    );
    expect(seen.map((s) => s.name)).toEqual(['c1', 'c2', 'c3']);
    expect(seen.map((s) => s.state)).toEqual(['running', 'running', 'running']);
    expect(seen.map((s) => s.address)).toEqual(HOSTS.map((h) => `${labAddress(h)}/24`));
    expect(new Set(seen.map((s) => s.machineId)).size).toBe(3);
    const knownHosts = readFileSync(`${LAB_INVENTORY}/known_hosts`, 'utf8').trim().split('\n');
    expect(knownHosts.map((line) => line.split(' ')[0])).toEqual(HOSTS.map(labAddress));
    expect(new Set(knownHosts.map((line) => line.split(' ')[2])).size).toBe(3);
  }, 120_000);

  it('lets a host reach the others and apt, and nothing beyond the bridge', async () => {
    expect(await onLabHost(1, `timeout 3 bash -c '</dev/tcp/${labAddress(2)}/22' && echo reached`)).toBe('reached\n');
    expect(await onLabHost(1, 'ip route get 192.0.2.2 2>&1 || true')).toMatch(/Network is unreachable/);
    expect(await onLabHost(1, 'apt-get update -q 2>&1 | grep -cE "^(W|E):" || true', 120_000)).toBe('0\n');
    expect(await onLabHost(1, 'apt-cache policy postgresql-15 | grep Candidate')).toMatch(/Candidate: 15\./);
  }, 180_000);

  it('tears down without leftover mounts, bridge, cgroups or processes', async () => {
    const wrappers = HOSTS.map((h) => Number(readFileSync(`${LAB_DIR}/hosts/c${h}/wrapper.pid`, 'utf8')));
    await labScript('down.sh');
    expect(readFileSync('/proc/mounts', 'utf8')).not.toContain(`${LAB_DIR}/hosts`);
    await expect(promisify(execFile)('ip', ['link', 'show', LAB_BRIDGE])).rejects.toThrow();
    for (const hierarchy of ['systemd', 'unified']) expect(existsSync(`/sys/fs/cgroup/${hierarchy}/pgha-lab`)).toBe(false);
    for (const pid of wrappers) {
      const state = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]![0] : 'gone';
      expect(['gone', 'Z']).toContain(state);
    }
    expect(existsSync(`${LAB_DIR}/apt-cacher-ng.pid`)).toBe(false);
  }, 120_000);
});
