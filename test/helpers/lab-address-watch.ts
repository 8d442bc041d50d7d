// Which lab hosts carry an address, as it changes: `ip monitor address` on every host over SSH, one
// line per change as it happens, so an address on two hosts at once cannot slip between two polls.
import { spawn, type ChildProcess } from 'node:child_process';
import { LAB_INVENTORY, labAddress, onLabHost } from './lab.js';

export interface AddressWatch {
  /** The hosts that carry it now. */
  holders(): number[];
  /** Every moment it was on two hosts or more: "c1+c2 at 12:00:01.234". */
  overlaps: string[];
  /** Date.now() of each host's last gain and loss of it. */
  gainedAt: Map<number, number>;
  lostAt: Map<number, number>;
  stop(): void;
}

function monitor(host: number, onLine: (line: string) => void): ChildProcess {
  const ssh = spawn('ssh', ['-i', `${LAB_INVENTORY}/id_ed25519`, '-o', `UserKnownHostsFile=${LAB_INVENTORY}/known_hosts`, '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', '-o', 'LogLevel=ERROR', `root@${labAddress(host)}`, 'exec ip -o monitor address'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let pending = '';
  ssh.stdout?.on('data', (chunk: Buffer) => {
    const lines = (pending + chunk.toString()).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  });
  return ssh;
}

export async function watchLabAddress(hosts: readonly number[], cidr: string): Promise<AddressWatch> {
  const holding = new Set<number>();
  const watch: AddressWatch = { holders: () => [...holding].sort(), overlaps: [], gainedAt: new Map(), lostAt: new Map(), stop: () => monitors.forEach((m) => m.kill()) };
  const change = (host: number, added: boolean): void => {
    if (added && !holding.has(host)) watch.gainedAt.set(host, Date.now());
    if (!added && holding.has(host)) watch.lostAt.set(host, Date.now());
    if (added) holding.add(host);
    else holding.delete(host);
    if (holding.size > 1) watch.overlaps.push(`${watch.holders().map((h) => `c${h}`).join('+')} at ${new Date().toISOString()}`);
  };
  const monitors = hosts.map((host) =>
    monitor(host, (line) => {
      if (line.includes(` inet ${cidr} `)) change(host, !line.startsWith('Deleted'));
    }),
  );
  // Monitors first, then what each host carries already: a change in between shows in both.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  for (const host of hosts) if ((await onLabHost(host, 'ip -o -4 addr show')).includes(` inet ${cidr} `)) change(host, true);
  return watch;
}
