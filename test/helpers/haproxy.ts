// HAProxy (Debian's package) routing one port to whichever member answers 200 on the agent's
// `/primary` health check, as a production config written for Patroni does.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProcess, waitFor, type RunningProcess } from './child-process.js';
import { freePort } from './free-port.js';

export interface HaproxyBackend {
  name: string;
  postgresPort: number;
  apiPort: number;
}

export interface Haproxy {
  /** Port that reaches the primary. */
  port: number;
  process: RunningProcess;
  stop(): Promise<void>;
}

/** `caFile`: check the agents over TLS, verifying their certificates with this CA, as pgha's haproxy.cfg does. */
export async function startHaproxy(backends: HaproxyBackend[], caFile?: string): Promise<Haproxy> {
  const dir = mkdtempSync(join(tmpdir(), 'pgha-haproxy-'));
  const port = await freePort();
  const servers = backends
    .map((b) => `    server ${b.name} 127.0.0.1:${b.postgresPort} check port ${b.apiPort}${caFile ? ` check-ssl verify required ca-file ${caFile}` : ''}`)
    .join('\n');
  writeFileSync(
    join(dir, 'haproxy.cfg'),
    `global
    maxconn 200

defaults
    mode tcp
    timeout connect 1s
    timeout client 30m
    timeout server 30m
    timeout check 1s

listen primary
    bind 127.0.0.1:${port}
    option httpchk OPTIONS /primary
    http-check expect status 200
    default-server inter 250ms fall 2 rise 1 on-marked-down shutdown-sessions
${servers}
`,
  );
  const process = startProcess('haproxy', ['-db', '-f', join(dir, 'haproxy.cfg')]);
  const stop = async (): Promise<void> => {
    await process.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor('HAProxy to listen', async () => {
      const { connect } = await import('node:net');
      return new Promise<boolean>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.destroy();
          resolve(true);
        });
        socket.on('error', () => resolve(false));
      });
    }, 10_000);
  } catch (error) {
    await stop();
    throw new Error(`${String(error)}\nHAProxy output:\n${process.output()}`);
  }
  return { port, process, stop };
}
