// A spec on disk with its secrets in the environment, and a world of fake hosts and a fake
// cluster to run pgha's commands against (cli/transport/fake-*), for tests of whole commands
// without SSH, etcd or root.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../cli/run-cli.js';
import { opensslIssuer } from '../../cli/pki/openssl-issuer.js';
import { FakeCluster, freshFakeEtcd, type FakeClusterState } from '../../cli/transport/fake-cluster.js';
import { fakeConnector } from '../../cli/transport/fake-connector.js';
import type { FakeTransport } from '../../cli/transport/fake-transport.js';
import { projectPath } from './paths.js';
import { recordingIo, type RecordingIo } from './recording-io.js';
import { SECRET_VALUES } from '../unit/provisioner/lab-desired.js';

/** A running lab cluster as etcd and the agents tell it (c1 leads, c2 and c3 stream); the hosts are whatever the test makes them. */
export function runningLabCluster(lock?: string): FakeClusterState {
  const hosts = [1, 2, 3].map((n) => ({ name: `c${n}`, address: `10.213.7.${10 + n}` }));
  return {
    etcd: { ...freshFakeEtcd(), members: hosts.map((h) => ({ name: h.name, peerUrls: [`https://${h.address}:2380`] })), config: { value: { ttl: 30, postgresql: { use_pg_rewind: true, parameters: { shared_buffers: '128MB', wal_keep_size: '256MB' } } }, revision: '7' }, ...(lock !== undefined && { lock }) },
    document: {
      scope: 'lab',
      members: hosts.map((h, i) => ({ name: h.name, role: i === 0 ? 'leader' : 'replica', state: i === 0 ? 'running' : 'streaming', host: h.address, api_url: `https://${h.address}:8008/patroni`, timeline: 1 })),
    },
  };
}

/** The lab spec with `count` hosts (c1..c3 run etcd), its passwords from the environment, in a directory of its own. */
export function labSpecFile(count = 3): string {
  const hosts = Array.from({ length: count }, (_, i) => `  - { name: c${i + 1}, address: 10.213.7.${11 + i}, roles: [postgres, ${i < 3 ? 'etcd, ' : ''}haproxy] }`).join('\n');
  const text = readFileSync(projectPath('inventories/lab/cluster.yaml'), 'utf8')
    .replace(/^hosts:\n(?:  - .*\n)+/m, `hosts:\n${hosts}\n`)
    .replace('{ file: secrets/superuser-password }', '{ env: PGHA_SUPERUSER }')
    .replace('{ file: secrets/replication-password }', '{ env: PGHA_REPLICATION }')
    .replace('{ file: secrets/rewind-password }', '{ env: PGHA_REWIND }')
    .replace('{ file: secrets/agent-password }', '{ env: PGHA_AGENT }')
    .replace('{ file: secrets/app-password }', '{ env: PGHA_APP }');
  const file = join(mkdtempSync(join(tmpdir(), 'pgha-fake-world-')), 'cluster.yaml');
  writeFileSync(file, text);
  return file;
}

export interface FakeWorldRun {
  spec: string;
  hosts: Map<string, FakeTransport>;
  cluster: FakeCluster;
  /** Sends SIGINT (or `signal`) to the running command, as Ctrl-C would. */
  interrupt(signal?: NodeJS.Signals): void;
  /** The exit status of each end an interrupt asked for, with whether the apply lock was free by then. */
  exits: { code: number; lockFree: boolean }[];
  /** Runs pgha with `args` against this world; `answer` is what a terminal user types when asked. */
  pgha(args: string[], answer?: string): Promise<{ code: number; io: RecordingIo }>;
}

export function fakeWorld(specFile: string, state: FakeClusterState = {}): FakeWorldRun {
  const hosts = new Map<string, FakeTransport>();
  const cluster = new FakeCluster('lab', state);
  const env = { ...SECRET_VALUES, PGHA_DIGEST_KEY_FILE: join(specFile, '..', 'digest.key'), HOME: join(specFile, '..') };
  let handler: ((signal: NodeJS.Signals) => void) | undefined;
  const exits: FakeWorldRun['exits'] = [];
  const interrupts = {
    on(listener: (signal: NodeJS.Signals) => void) {
      handler = listener;
      return () => void (handler = undefined);
    },
    exit: (code: number) => void exits.push({ code, lockFree: cluster.state.etcd?.lock === undefined }),
  };
  return {
    spec: specFile,
    hosts,
    cluster,
    exits,
    interrupt: (signal = 'SIGINT') => handler?.(signal),
    async pgha(args, answer) {
      const io = recordingIo();
      if (answer !== undefined) Object.assign(io, { terminal: true, ask: () => Promise.resolve(answer) });
      const code = await runCli(args, io, { agentBundleDir: projectPath('dist/agent/bin'), env, issuer: opensslIssuer, connect: fakeConnector({ hosts, cluster }), interrupts });
      return { code, io };
    },
  };
}
