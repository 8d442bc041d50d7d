// Real PostgreSQL 15 members for the controller contract: data directories in a temporary root
// owned by the postgres OS user, loopback ports, shared credentials. Run as root, the programs run
// as that user. Closing stops every postmaster it finds by PID and removes the root.
import { randomBytes } from 'node:crypto';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PgCtlController } from '../../agent/postgres/pg-ctl-controller.js';
import type { PostgresSettings } from '../../agent/postgres/postgres-controller.js';
import { postmasterProcess, readPostmasterPidFile } from '../../agent/postgres/postmaster-liveness.js';
import { runProcess, type RunAs } from '../../agent/postgres/process-runner.js';
import type { PostgresControllerHarness } from '../contract/postgres-controller-contract.js';
import { waitFor } from './child-process.js';
import { freePort } from './free-port.js';
import { POSTGRES_BIN_DIR, postgresRunAs } from './postgres-user.js';

const STOP_TIMEOUT_SECONDS = 10;

function secret(): string {
  return randomBytes(12).toString('base64url');
}

async function postmasterGone(pid: number): Promise<boolean> {
  return (await postmasterProcess(pid)) !== 'alive';
}

/** pg_ctl stop -m immediate, then SIGKILL by PID if the postmaster is still there. */
export async function stopPostmaster(dataDir: string, runAs: RunAs | undefined): Promise<void> {
  const pidFile = await readPostmasterPidFile(dataDir);
  if (!pidFile || (await postmasterGone(pidFile.pid))) return;
  await runProcess(join(POSTGRES_BIN_DIR, 'pg_ctl'), ['stop', '-D', dataDir, '-m', 'immediate', '-w', '-t', String(STOP_TIMEOUT_SECONDS)], {
    timeoutMs: (STOP_TIMEOUT_SECONDS + 5) * 1000,
    ...(runAs ? { runAs } : {}),
  });
  if (await postmasterGone(pidFile.pid)) return;
  process.kill(pidFile.pid, 'SIGKILL');
  await waitFor(`postmaster ${pidFile.pid} to die`, () => postmasterGone(pidFile.pid), 10_000);
}

export async function startPgCtlHarness(): Promise<PostgresControllerHarness> {
  const runAs = postgresRunAs();
  const root = await mkdtemp(join(tmpdir(), 'pgha-postgres-'));
  if (runAs) await chown(root, runAs.uid, runAs.gid);
  const dataDirs = new Map<string, string>();
  const credentials = {
    superuser: { username: 'postgres', password: secret() },
    // Quotes, a backslash and spaces: primary_conninfo must quote the password right.
    replication: { username: 'replicator', password: `it's a \\ secret ${secret()}` },
    rewind: { username: 'rewinder', password: secret() },
  };

  const dataDirOf = (memberName: string): string => {
    const dataDir = dataDirs.get(memberName);
    if (dataDir === undefined) throw new Error(`no member ${memberName}`);
    return dataDir;
  };

  return {
    async create(memberName) {
      const port = await freePort();
      const dataDir = join(root, memberName);
      dataDirs.set(memberName, dataDir);
      const settings: PostgresSettings = {
        memberName,
        scope: 'contract',
        listenAddresses: ['127.0.0.1'],
        port,
        // A WAL receiver retries after 5 s by default; the suite switches sources often.
        parameters: { unix_socket_directories: root, fsync: false, max_connections: 30, wal_retrieve_retry_interval: '500ms' },
        pgHba: ['local all all trust', 'host all all 127.0.0.1/32 scram-sha-256', 'host replication all 127.0.0.1/32 scram-sha-256'],
        ...credentials,
      };
      const controller = new PgCtlController({
        dataDir,
        binDir: POSTGRES_BIN_DIR,
        settings,
        ...(runAs ? { runAs } : {}),
        pgCtlTimeoutSeconds: 30,
        connectTimeoutMs: 2000,
        log: (message) => console.warn(`[${memberName}] ${message}`),
      });
      return { controller, source: { name: memberName, host: '127.0.0.1', port }, settings };
    },

    async crash(memberName) {
      const pidFile = await readPostmasterPidFile(dataDirOf(memberName));
      if (!pidFile) throw new Error(`${memberName} has no postmaster to crash`);
      process.kill(pidFile.pid, 'SIGKILL');
      await waitFor(`postmaster ${pidFile.pid} to die`, () => postmasterGone(pidFile.pid), 10_000);
    },

    async close() {
      try {
        for (const dataDir of dataDirs.values()) await stopPostmaster(dataDir, runAs);
      } finally {
        await rm(root, { recursive: true, force: true });
      }
    },
  };
}
