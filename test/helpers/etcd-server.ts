// A single-member etcd (Debian's etcd-server) on loopback, in a temporary data directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProcess, waitFor, type RunningProcess } from './child-process.js';
import { freePort } from './free-port.js';

export interface EtcdServer {
  /** `127.0.0.1:port` */
  endpoint: string;
  process: RunningProcess;
  stop(): Promise<void>;
}

export async function startEtcd(): Promise<EtcdServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pgha-etcd-'));
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const client = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const process = startProcess('etcd', [
    '--name=test',
    `--data-dir=${dataDir}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=test=${peer}`,
    '--initial-cluster-state=new',
    '--log-level=error',
  ]);
  const stop = async (): Promise<void> => {
    await process.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitFor('etcd to answer /health', async () => (await fetch(`${client}/health`)).ok, 15_000);
  } catch (error) {
    await stop();
    throw new Error(`${String(error)}\netcd output:\n${process.output()}`);
  }
  return { endpoint: `127.0.0.1:${clientPort}`, process, stop };
}
