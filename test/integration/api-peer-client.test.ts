// The peer client against real HTTP servers on loopback: answers, silence, garbage.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPeerClient, peerSourceOf } from '../../agent/api/peer-client.js';
import { freePort } from '../helpers/free-port.js';

const routes: Record<string, (request: IncomingMessage, response: ServerResponse) => void> = {
  '/patroni': (request, response) => response.end(JSON.stringify({ role: 'replica', xlog: { received_location: 5, replayed_location: 4 }, auth: request.headers.authorization ?? null })),
  '/garbage': (_request, response) => response.end('<html>not json</html>'),
  '/array': (_request, response) => response.end('[1,2]'),
  '/huge': (_request, response) => response.end(`{"pad":"${'x'.repeat(2 * 1024 * 1024)}"}`),
  '/silent': () => undefined,
  '/slow-body': (_request, response) => response.write('{"role":'),
};

describe('the peer client', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createServer((request, response) => routes[request.url ?? '']?.(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('returns the parsed document, and never sends Basic credentials over plain HTTP', async () => {
    const fetch = createPeerClient({ auth: { username: 'u', password: 'p' } });
    expect(await fetch(`${base}/patroni`)).toEqual({ role: 'replica', xlog: { received_location: 5, replayed_location: 4 }, auth: null });
  });

  it('sends Basic credentials over HTTPS, verifying the peer with the CA', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgha-peer-tls-'));
    const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/O=pgha', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const secure = createHttpsServer({ cert: readFileSync(cert), key: readFileSync(key) }, (request, response) => routes[request.url ?? '']?.(request, response));
    try {
      await new Promise<void>((resolve) => secure.listen(0, '127.0.0.1', resolve));
      const url = `https://127.0.0.1:${(secure.address() as AddressInfo).port}/patroni`;
      const fetch = createPeerClient({ auth: { username: 'u', password: 'p' }, ca: readFileSync(cert) });
      expect(await fetch(url)).toMatchObject({ auth: `Basic ${Buffer.from('u:p').toString('base64')}` });
      expect(await createPeerClient({ auth: { username: 'u', password: 'p' } })(url)).toBeUndefined();
    } finally {
      secure.closeAllConnections();
      await new Promise((resolve) => secure.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('returns undefined for anything but a JSON object, and for a body past the size limit', async () => {
    const fetch = createPeerClient();
    expect(await Promise.all(['/garbage', '/array', '/huge'].map((path) => fetch(`${base}${path}`)))).toEqual([undefined, undefined, undefined]);
  });

  it('gives up at the deadline, whether the peer is silent before or during its answer', async () => {
    const fetch = createPeerClient({ timeoutMs: 200 });
    const started = performance.now();
    expect(await Promise.all([fetch(`${base}/silent`), fetch(`${base}/slow-body`)])).toEqual([undefined, undefined]);
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it('returns undefined for a closed port and for URLs it cannot use', async () => {
    const fetch = createPeerClient({ timeoutMs: 500 });
    const closed = await freePort();
    expect(await Promise.all([`http://127.0.0.1:${closed}/patroni`, 'not a url', 'ftp://127.0.0.1/patroni'].map((url) => fetch(url)))).toEqual([undefined, undefined, undefined]);
  });

  it('serves as the HA loop peer source', async () => {
    const source = peerSourceOf(createPeerClient());
    const member = (name: string, path: string) => ({ name, lease: '1', record: { conn_url: '', api_url: `${base}${path}`, state: 'running', role: 'replica', version: '4.1.4' } });
    expect(await source.gather([member('pg2', '/patroni'), member('pg3', '/silent')], 200)).toEqual([
      { name: 'pg2', reachable: true, isPrimary: false, watchdogFailed: false, walPosition: 5, nofailover: false, failoverPriority: 1 },
      { name: 'pg3', reachable: false, isPrimary: false, watchdogFailed: false, walPosition: 0, nofailover: false, failoverPriority: 1 },
    ]);
  });
});
