// The lab from the tests: its scripts (test/lab/), SSH to its hosts with the lab's own key and
// known_hosts, and whether this machine can run it at all.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { projectPath } from './paths.js';

const run = promisify(execFile);

export const LAB_INVENTORY = projectPath('inventories/lab');
export const LAB_BRIDGE = 'pglab0';
export const LAB_DIR = '/var/lib/pgha-lab';

export function labAddress(host: number): string {
  return `10.213.7.${10 + host}`;
}

/** Root, and systemd-nspawn either installed or installable: what the lab needs. */
export function canRunLab(): boolean {
  return process.getuid?.() === 0 && (existsSync('/usr/bin/systemd-nspawn') || existsSync('/usr/bin/apt-get'));
}

export async function labScript(script: 'up.sh' | 'down.sh', ...args: string[]): Promise<string> {
  try {
    const { stderr } = await run('bash', [projectPath(`test/lab/${script}`), ...args], { timeout: 600_000, maxBuffer: 16 * 1024 * 1024 });
    return stderr;
  } catch (error) {
    const failed = error as { stderr?: string; message: string };
    throw new Error(`test/lab/${script} ${args.join(' ')} failed: ${failed.stderr || failed.message}`);
  }
}

/** Runs a shell command on a lab host over SSH, checking its key against the lab's known_hosts. */
export async function onLabHost(host: number, command: string, timeoutMs = 60_000): Promise<string> {
  const { stdout } = await run(
    'ssh',
    [
      '-i', `${LAB_INVENTORY}/id_ed25519`,
      '-o', `UserKnownHostsFile=${LAB_INVENTORY}/known_hosts`,
      '-o', 'StrictHostKeyChecking=yes',
      '-o', 'BatchMode=yes',
      '-o', 'ConnectTimeout=5',
      '-o', 'LogLevel=ERROR',
      `root@${labAddress(host)}`,
      command,
    ],
    { timeout: timeoutMs },
  );
  return stdout;
}

/** The wrapper PIDs of the lab hosts that are up (c1, c2, ...): what a teardown must leave gone. */
export function labWrapperPids(): number[] {
  const hosts = `${LAB_DIR}/hosts`;
  if (!existsSync(hosts)) return [];
  return readdirSync(hosts)
    .filter((name) => existsSync(`${hosts}/${name}/wrapper.pid`))
    .map((name) => Number(readFileSync(`${hosts}/${name}/wrapper.pid`, 'utf8')));
}

/**
 * What a lab teardown left behind on this machine: overlay mounts of the hosts, the bridge, the
 * lab's cgroups, a host's wrapper still running (`wrappers`, from labWrapperPids before the
 * teardown), the apt cache process. [] when nothing is left.
 */
export async function labLeftovers(wrappers: readonly number[]): Promise<string[]> {
  const left: string[] = [];
  const mounts = readFileSync('/proc/mounts', 'utf8').split('\n').filter((line) => line.includes(`${LAB_DIR}/hosts`));
  left.push(...mounts.map((line) => `mount: ${line}`));
  if (await run('ip', ['link', 'show', LAB_BRIDGE]).then(() => true, () => false)) left.push(`bridge ${LAB_BRIDGE}`);
  for (const hierarchy of ['systemd', 'unified']) if (existsSync(`/sys/fs/cgroup/${hierarchy}/pgha-lab`)) left.push(`cgroup /sys/fs/cgroup/${hierarchy}/pgha-lab`);
  for (const pid of wrappers) {
    const state = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]![0] : 'gone';
    if (state !== 'gone' && state !== 'Z') left.push(`host wrapper ${pid} (state ${state})`);
  }
  if (existsSync(`${LAB_DIR}/apt-cacher-ng.pid`)) left.push(`${LAB_DIR}/apt-cacher-ng.pid`);
  return left;
}
