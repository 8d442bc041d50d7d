// The Linux device against the watchdog emulator (a FIFO, as this machine has no
// /dev/watchdog): the contract, what only the real device checks (what it may write to, where
// the timeout comes from), and that the emulator's expiry really kills the node's processes.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LinuxWatchdogDevice } from '../../agent/watchdog/linux-watchdog-device.js';
import type { RunAs } from '../../agent/postgres/process-runner.js';
import { waitFor } from '../helpers/child-process.js';
import { postgresRunAs } from '../helpers/postgres-user.js';
import { childPids } from '../helpers/process-tree.js';
import { startWatchdogEmulator, type WatchdogEmulator } from '../helpers/watchdog-emulator.js';
import { describeWatchdogDeviceContract } from './watchdog-device-contract.js';

describeWatchdogDeviceContract('linux, on the emulator', async () => {
  const emulator = await startWatchdogEmulator({ timeoutSeconds: 1 });
  return {
    timeoutSeconds: 1,
    slackMs: 1000,
    device: () => new LinuxWatchdogDevice({ path: emulator.devicePath, sysfsClassDir: emulator.sysfsClassDir }),
    missing: () => new LinuxWatchdogDevice({ path: join(emulator.devicePath, '..', 'watchdog9'), sysfsClassDir: emulator.sysfsClassDir }),
    elapse: async (ms) => {
      await sleep(ms);
    },
    expiries: () => emulator.count('expired'),
    close: () => emulator.stop(),
  };
});

/** Alive, and not a zombie waiting to be reaped. */
function running(pid: number): boolean {
  try {
    return !/\) [ZX] /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('LinuxWatchdogDevice', () => {
  let dir: string;
  const sysfs = (): string => join(dir, 'class');
  const device = (name: string): LinuxWatchdogDevice => new LinuxWatchdogDevice({ path: join(dir, name), sysfsClassDir: sysfs() });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pgha-watchdog-device-'));
    await mkdir(join(sysfs(), 'watchdog0'), { recursive: true });
    await writeFile(join(sysfs(), 'watchdog0', 'timeout'), '7\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a regular file: writing to it would fence nothing', async () => {
    await writeFile(join(dir, 'watchdog'), '');
    await expect(device('watchdog').open()).rejects.toThrow(`watchdog device ${join(dir, 'watchdog')} is neither a character device nor a FIFO, so writing keepalives to it would fence nothing`);
    await rm(join(dir, 'watchdog'));
  });

  it('refuses a device whose name says nothing of where its timeout is', async () => {
    execFileSync('mkfifo', [join(dir, 'dog')]);
    await expect(device('dog').inspect()).rejects.toThrow(`${join(dir, 'dog')} is not a watchdog device the agent can read the timeout of (its name must be watchdog or watchdogN)`);
  });

  it('reads the timeout of watchdog (as watchdog0) or watchdogN, through a symlink too', async () => {
    execFileSync('mkfifo', [join(dir, 'watchdog1'), join(dir, 'watchdog')]);
    await symlink(join(dir, 'watchdog'), join(dir, 'my-dog'));
    await expect(device('my-dog').inspect()).resolves.toEqual({ timeoutSeconds: 7 });
    await expect(device('watchdog1').inspect()).rejects.toThrow(`could not read the timeout of watchdog device ${join(dir, 'watchdog1')} from ${join(sysfs(), 'watchdog1', 'timeout')}: ENOENT`);
    await mkdir(join(sysfs(), 'watchdog1'));
    await writeFile(join(sysfs(), 'watchdog1', 'timeout'), 'soon\n');
    await expect(device('watchdog1').inspect()).rejects.toThrow(`${join(sysfs(), 'watchdog1', 'timeout')} holds "soon", not a number of seconds`);
  });

  it('fails at once, without hanging, when nothing reads the FIFO', async () => {
    await expect(device('watchdog').open()).rejects.toThrow(`nothing serves watchdog device ${join(dir, 'watchdog')} (no driver behind the device, or no reader on the FIFO)`);
    expect(device('watchdog').isOpen).toBe(false);
  });
});

describe('watchdog emulator', () => {
  let emulator: WatchdogEmulator;
  let dataDir: string;
  const started: ChildProcess[] = [];

  function startSleeper(command: string, args: string[], cwd?: string): number {
    const child = spawn(command, args, { stdio: 'ignore', cwd });
    started.push(child);
    if (child.pid === undefined) throw new Error(`could not start ${command}`);
    return child.pid;
  }

  beforeAll(async () => {
    emulator = await startWatchdogEmulator({ timeoutSeconds: 1 });
    dataDir = await mkdtemp(join(tmpdir(), 'pgha-watchdog-data-'));
  });
  afterAll(async () => {
    for (const child of started) if (child.pid !== undefined && running(child.pid)) process.kill(child.pid, 'SIGKILL');
    await emulator?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it.skipIf(postgresRunAs() === undefined)('gives the device to the postgres user, as the agents run, and removes the FIFO when stopped', async () => {
    const postgres = postgresRunAs() as RunAs;
    const other = await startWatchdogEmulator({ timeoutSeconds: 3 });
    expect(readFileSync(join(other.sysfsClassDir, 'watchdog0', 'timeout'), 'utf8')).toBe('3\n');
    const since = other.events.length;
    const script = `const fs = require('node:fs'); const fd = fs.openSync(process.argv[1], fs.constants.O_WRONLY | fs.constants.O_NONBLOCK); fs.writeSync(fd, '1V'); fs.closeSync(fd);`;
    execFileSync(process.execPath, ['-e', script, other.devicePath], { ...postgres, stdio: 'pipe' });
    await other.waitForEvent('magic-close', 5000, since);
    await other.stop();
    expect(existsSync(other.devicePath)).toBe(false);
  });

  it('on expiry SIGKILLs the listed agent, the postmaster and its children, and nothing else', async () => {
    const agent = startSleeper('sleep', ['300']);
    const postmaster = startSleeper('sh', ['-c', 'sleep 300 & wait'], dataDir);
    const bystander = startSleeper('sleep', ['300']);
    await waitFor('the postmaster stand-in to start its child', () => childPids(postmaster).length === 1, 5000, 20);
    const [backend] = childPids(postmaster) as [number];
    await writeFile(join(dataDir, 'postmaster.pid'), `${postmaster}\n${dataDir}\n`);
    await emulator.setTargets({ pids: [agent], dataDir });

    const since = emulator.events.length;
    const wd = new LinuxWatchdogDevice({ path: emulator.devicePath, sysfsClassDir: emulator.sysfsClassDir });
    await wd.open();
    await wd.keepalive();
    // The agent hangs: no more keepalives, the handle stays open.
    const killed = await emulator.waitForEvent('killed', 5000, since);
    expect(new Set(killed.pids)).toEqual(new Set([agent, postmaster, backend]));
    await waitFor('the node to be dead', () => [agent, postmaster, backend].every((pid) => !running(pid)), 5000, 20);
    expect(running(bystander)).toBe(true);
    // The next boot's device is a new one: the handle from before the reset is dead.
    await expect(wd.keepalive()).rejects.toThrow(`could not write a keepalive to watchdog device ${emulator.devicePath}: EPIPE`);
    await wd.abandon();
  }, 15_000);

  it('spares a process in postmaster.pid that is not a postmaster of the data directory', async () => {
    const elsewhere = startSleeper('sleep', ['300'], tmpdir());
    await writeFile(join(dataDir, 'postmaster.pid'), `${elsewhere}\n${dataDir}\n`);
    await emulator.setTargets({ pids: [], dataDir });
    const since = emulator.events.length;
    const wd = new LinuxWatchdogDevice({ path: emulator.devicePath, sysfsClassDir: emulator.sysfsClassDir });
    await wd.open();
    await wd.keepalive();
    await wd.abandon();
    const killed = await emulator.waitForEvent('killed', 5000, since);
    expect(killed.pids).toEqual([]);
    expect(killed.skipped).toEqual([{ pid: elsewhere, reason: `PID works in ${tmpdir()}, not in ${dataDir}: not the postmaster` }]);
    expect(running(elsewhere)).toBe(true);
  }, 15_000);
});
