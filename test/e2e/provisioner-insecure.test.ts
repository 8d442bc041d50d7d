// The etcd.insecure and agent.insecure opt-outs on three bare lab hosts: validate warns, and apply
// builds etcd over plain HTTP without users and the agents' REST API over plain HTTP. Then the
// default spec moves that running cluster to etcd with TLS, client certificates and users, and to
// an HTTPS REST API, with one apply, one host at a time, while a writer through HAProxy goes on;
// the result is what a cluster built secured has, and the next plan is empty.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canRunLab, LAB_INVENTORY, labAddress, labScript, onLabHost } from '../helpers/lab.js';
import { labApi, labMembers, runPgha } from '../helpers/lab-cli.js';
import { changeLines, etcdctl, etcdctlTls, startHaproxyWriter } from '../helpers/lab-cluster.js';

const SPEC = join(LAB_INVENTORY, 'cluster.yaml');
const INSECURE = join(LAB_INVENTORY, 'insecure.test.yaml');

/** 'accepted', or what the refused command said. */
const outcome = (command: Promise<string>): Promise<string> => command.then(() => 'accepted', (error: { stderr?: string }) => String(error.stderr ?? error));

const plainHttp = (host: number, port: number, path: string): Promise<string> =>
  fetch(`http://${labAddress(host)}:${port}${path}`, { signal: AbortSignal.timeout(5000) }).then(async (r) => `${r.status} ${await r.text()}`, (e: unknown) => String(e));
const plainHttpVersion = (host: number): Promise<string> => plainHttp(host, 2379, '/version');
const plainHttpPatroni = (host: number): Promise<string> => plainHttp(host, 8008, '/patroni');

describe.skipIf(!canRunLab())('pgha apply with etcd.insecure and agent.insecure on three bare lab hosts, then without them', () => {
  const outputs: string[] = [];

  beforeAll(async () => {
    await labScript('down.sh', '--purge');
    await labScript('up.sh', '3');
    const secured = (await readFile(SPEC, 'utf8')).trimEnd();
    expect(secured).toMatch(/^agent:\n/m);
    await writeFile(INSECURE, `${secured.replace(/^agent:\n/m, 'agent:\n  insecure: true\n')}\netcd:\n  insecure: true\n`);
  }, 900_000);

  afterAll(async () => {
    await rm(INSECURE, { force: true });
    await labScript('down.sh', '--purge');
  }, 300_000);

  it('warns in validate, and serves plain HTTP, etcd without users', async () => {
    const validate = await runPgha(outputs, 'validate', INSECURE);
    expect(validate.code, validate.stderr).toBe(0);
    expect(`${validate.stdout}${validate.stderr}`).toContain('etcd serves plain HTTP without authentication');
    expect(`${validate.stdout}${validate.stderr}`).toContain("the agents' REST API serves plain HTTP");
    const apply = await runPgha(outputs, 'apply', '--auto-approve', INSECURE);
    expect(apply.code, apply.stderr.slice(-3000)).toBe(0);
    expect((await labMembers()).filter((m) => m.role === 'leader' && m.state === 'running')).toHaveLength(1);
    expect(await plainHttpVersion(1)).toMatch(/etcdserver/);
    expect(await plainHttpPatroni(1)).toMatch(/^200 /);
    expect(await onLabHost(1, 'etcdctl --endpoints=http://127.0.0.1:2379 user list')).toBe('');
    expect((await runPgha(outputs, 'plan', '--detailed-exitcode', INSECURE)).code).toBe(0);
  }, 600_000);

  it('moves that running cluster to etcd with TLS and authentication and to an HTTPS REST API with one apply, host by host, while a primary takes writes', async () => {
    const plan = await runPgha(outputs, 'plan', '--detailed-exitcode', SPEC);
    expect(plan.code, plan.stderr).toBe(2);
    const lines = changeLines(plan.stdout).map((line) => line.trim());
    expect(lines).toEqual(
      expect.arrayContaining([
        '~ c1: file /etc/default/etcd',
        '~ cluster: etcd restart etcd.service',
        '~ cluster: agent restart pgha-agent.service',
        '~ cluster: etcd tls cutover etcd.service',
        '+ cluster: etcd auth authentication',
        '~ cluster: agent settle pgha-agent.service',
        '~ c1: file /etc/haproxy/haproxy.cfg',
      ]),
    );
    expect(plan.stdout).toContain('restart etcd on c1, c2, c3, one member at a time, each once every member answers: the quorum holds throughout');
    expect(plan.stdout).toContain('turn plain HTTP off on etcd c1, c2, c3, one member at a time');
    expect(plan.stdout).toContain("once the move is over: /etc/pgha/agent.yaml without etcd's plain-HTTP fallback and without plain HTTP on the REST API on c1, c2, c3");

    const writer = startHaproxyWriter('etcd-tls');
    const apply = await runPgha(outputs, 'apply', '--auto-approve', SPEC);
    const { writes, longestGapMs } = await writer.stop();
    expect(apply.code, apply.stderr.slice(-4000)).toBe(0);
    console.log(`plain-HTTP etcd and REST API → TLS and authentication: apply ${(apply.ms / 1000).toFixed(1)} s, ${writes.length} writes through HAProxy, longest gap between writes ${longestGapMs} ms`);
    expect(writes.length).toBeGreaterThan(0);

    // What a cluster built secured has.
    for (const host of [1, 2, 3]) expect(await plainHttpVersion(host)).not.toMatch(/etcdserver/);
    for (const host of [1, 2, 3]) expect(await plainHttpPatroni(host)).not.toMatch(/^200 /);
    // A write with the credentials, over HTTPS: the ttl set to what it is.
    const { ttl } = JSON.parse((await labApi(1, '/config')).text) as { ttl: number };
    const patched = await labApi(1, '/config', { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ttl }) });
    expect(patched.status, patched.text).toBe(200);
    expect(await outcome(onLabHost(1, `${etcdctlTls(false)} get /service/lab/leader`))).not.toBe('accepted');
    expect(await outcome(onLabHost(1, `${etcdctlTls()} get /service/lab/leader`))).not.toBe('accepted');
    expect((await etcdctl(1, 'user list')).split('\n').filter(Boolean).sort()).toEqual(['pgha-lab', 'root']);
    expect(await outcome(etcdctl(1, 'put /elsewhere x', 'pgha-lab'))).toMatch(/permission denied/);
    expect(await etcdctl(1, 'member list')).not.toMatch(/http:\/\//);
    // ETCD_INITIAL_CLUSTER keeps the peer URLs the cluster formed with: etcd reads it only on its first start.
    expect(await onLabHost(2, 'grep -c "^ETCD_\\(LISTEN\\|ADVERTISE\\)_.*http://" /etc/default/etcd || true')).toBe('0\n');
    expect(await onLabHost(2, 'grep -c plain_http_fallback /etc/pgha/agent.yaml || true')).toBe('0\n');
    const members = await labMembers();
    expect(members.filter((m) => m.role === 'leader' && m.state === 'running')).toHaveLength(1);
    expect(members.filter((m) => m.state === 'streaming')).toHaveLength(2);
    const again = await runPgha(outputs, 'plan', '--detailed-exitcode', SPEC);
    expect(again.code, again.stdout).toBe(0);
  }, 900_000);
});
