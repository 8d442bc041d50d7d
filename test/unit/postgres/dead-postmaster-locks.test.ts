// The lock files of a killed, unreaped postmaster, with real processes: a zombie named `postgres`
// (a copy of /bin/cat whose parent never waits for it) and a process working in the data directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clearLocksOfDeadPostmaster, socketDirectories } from '../../../agent/postgres/dead-postmaster-locks.js';
import { postmasterProcess } from '../../../agent/postgres/postmaster-liveness.js';
import { waitFor } from '../../helpers/child-process.js';

const PORT = 5999;
/** Bound on each step of the zombie fixture: ample on a loaded machine, and within the test's timeout. */
const FIXTURE_STEP_MS = 2_000;
let root: string;
let dataDir: string;
let socketDir: string;
const started: ChildProcess[] = [];

async function commandOf(pid: number): Promise<string> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
}

/**
 * A zombie whose command is `postgres`: its parent, `sleep`, never reaps it. Resolves its PID.
 * The shell would reap a child that ended before `exec sleep` replaced it, so the child, a `cat`,
 * reads fd 3 and ends only when this closes that, once the shell has become `sleep`.
 */
async function zombiePostgres(): Promise<number> {
  const fakePostgres = join(root, 'postgres');
  await copyFile('/bin/cat', fakePostgres);
  const parent = spawn('sh', ['-c', `"${fakePostgres}" <&3 3<&- >/dev/null & echo $!; exec sleep 30 3<&-`], {
    stdio: ['ignore', 'pipe', 'ignore', 'pipe'],
  });
  started.push(parent);
  const pid = await new Promise<number>((resolve) => parent.stdout!.once('data', (chunk: Buffer) => resolve(Number(String(chunk).trim()))));
  await waitFor(`the shell ${parent.pid} to become sleep`, async () => (await commandOf(parent.pid!)) === 'sleep', FIXTURE_STEP_MS, 5);
  parent.stdio[3]!.destroy();
  await waitFor(`postgres ${pid} to become a zombie`, async () => (await postmasterProcess(pid)) === 'zombie', FIXTURE_STEP_MS, 5);
  return pid;
}

async function writeLocks(pid: number): Promise<void> {
  await writeFile(join(dataDir, 'postmaster.pid'), `${pid}\n${dataDir}\n1700000000\n${PORT}\n${socketDir}\n127.0.0.1\n  5999001         0\nready   \n`);
  await writeFile(join(socketDir, `.s.PGSQL.${PORT}.lock`), `${pid}\n${dataDir}\n1700000000\n${PORT}\n${socketDir}\n`);
}

const pidFile = (pid: number) => ({ pid, port: PORT });

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'pgha-locks-'));
  dataDir = join(root, 'data');
  socketDir = join(root, 'sockets');
  await mkdir(dataDir);
  await mkdir(socketDir);
});

afterEach(async () => {
  for (const child of started.splice(0)) {
    child.kill('SIGKILL');
    child.stdio[3]?.destroy();
  }
  await rm(root, { recursive: true, force: true });
});

describe('the lock files of a killed postmaster that PID 1 has not reaped yet', () => {
  it('are removed once nothing of the instance runs', async () => {
    const pid = await zombiePostgres();
    expect(await postmasterProcess(pid)).toBe('zombie');
    await writeLocks(pid);
    expect(await clearLocksOfDeadPostmaster(dataDir, pidFile(pid), [socketDir])).toBe(true);
    expect(await readdir(dataDir)).toEqual([]);
    expect(await readdir(socketDir)).toEqual([]);
  });

  it('stay while a child of the old postmaster still works in the data directory', async () => {
    const pid = await zombiePostgres();
    await writeLocks(pid);
    const orphan = spawn('sleep', ['30'], { cwd: dataDir, stdio: 'ignore' });
    started.push(orphan);
    await new Promise((resolve) => orphan.once('spawn', resolve));
    expect(await clearLocksOfDeadPostmaster(dataDir, pidFile(pid), [socketDir])).toBe(false);
    expect((await readdir(dataDir)).sort()).toEqual(['postmaster.pid']);
    expect(await readdir(socketDir)).toEqual([`.s.PGSQL.${PORT}.lock`]);
  });

  it('are left alone when they name another process', async () => {
    const pid = await zombiePostgres();
    await writeLocks(pid + 100_000);
    expect(await clearLocksOfDeadPostmaster(dataDir, pidFile(pid), [socketDir])).toBe(true);
    expect(await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).toMatch(/^\d+\n/);
    expect(await readdir(socketDir)).toEqual([`.s.PGSQL.${PORT}.lock`]);
  });

  it('are not touched while the postmaster lives', async () => {
    await mkdir(join(root, 'bin'));
    await copyFile('/bin/sleep', join(root, 'bin', 'postgres'));
    const postmaster = spawn(join(root, 'bin', 'postgres'), ['30'], { stdio: 'ignore' });
    started.push(postmaster);
    await new Promise((resolve) => postmaster.once('spawn', resolve));
    await writeLocks(postmaster.pid!);
    expect(await clearLocksOfDeadPostmaster(dataDir, pidFile(postmaster.pid!), [socketDir])).toBe(false);
    expect(await readdir(dataDir)).toEqual(['postmaster.pid']);
  });
});

describe('unix_socket_directories', () => {
  it.each([
    [undefined, ['/var/run/postgresql']],
    ['/tmp', ['/tmp']],
    ['/run/a, "/run/b c", @abstract, relative', ['/run/a', '/run/b c']],
    ['', []],
  ])('%s → %j', (setting, dirs) => expect(socketDirectories(setting)).toEqual(dirs));
});
