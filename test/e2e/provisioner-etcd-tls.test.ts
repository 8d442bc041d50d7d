// pgha apply from bare lab hosts with etcd over TLS: one certificate (made here, signed by a CA
// made here) that every member serves and every agent presents; etcd then answers only TLS
// clients with a certificate its CA signed, and the key shows nowhere.
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canRunLab, LAB_INVENTORY, labAddress, labScript } from '../helpers/lab.js';
import { labMembers, runPgha } from '../helpers/lab-cli.js';
import { makeEtcdMemberCertificate } from '../helpers/test-certificates.js';

const run = promisify(execFile);
const TLS_DIR = join(LAB_INVENTORY, 'tls');
const SPEC = join(LAB_INVENTORY, 'etcd-tls.test.yaml');

describe.skipIf(!canRunLab())('pgha apply with etcd over TLS on three bare lab hosts', () => {
  const outputs: string[] = [];
  let certificate: Awaited<ReturnType<typeof makeEtcdMemberCertificate>>;

  beforeAll(async () => {
    await labScript('down.sh', '--purge');
    await labScript('up.sh', '3');
    await rm(TLS_DIR, { recursive: true, force: true });
    await mkdir(TLS_DIR, { mode: 0o700 });
    certificate = await makeEtcdMemberCertificate(TLS_DIR, [1, 2, 3].map(labAddress));
    const spec = await readFile(join(LAB_INVENTORY, 'cluster.yaml'), 'utf8');
    await writeFile(SPEC, `${spec}\netcd:\n  tls: { ca_file: tls/ca.crt, cert_file: tls/member.crt, key_file: tls/member.key }\n`);
  }, 900_000);

  afterAll(async () => {
    await rm(SPEC, { force: true });
    await rm(TLS_DIR, { recursive: true, force: true });
    await labScript('down.sh', '--purge');
  }, 300_000);

  it('brings up a healthy cluster whose etcd answers only TLS clients with a certificate, and never shows the key', async () => {
    const plan = await runPgha(outputs, 'plan', '--detailed-exitcode', SPEC);
    expect(plan.code, plan.stderr).toBe(2);
    for (const path of ['/etc/pgha-etcd/ca.crt', '/etc/pgha-etcd/member.crt', '/etc/pgha-etcd/member.key', '/etc/pgha/etcd-client.key']) expect(plan.stdout).toContain(`c2: file ${path}`);
    const apply = await runPgha(outputs, 'apply', '--auto-approve', SPEC);
    expect(apply.code, apply.stderr.slice(-3000)).toBe(0);
    const members = await labMembers();
    expect(members.filter((m) => m.role === 'leader' && m.state === 'running')).toHaveLength(1);
    expect(members.filter((m) => m.state === 'streaming')).toHaveLength(2);

    const etcdctl = (...flags: string[]) => run('etcdctl', [`--endpoints=https://${labAddress(2)}:2379`, `--cacert=${certificate.caFile}`, ...flags, 'member', 'list'], { timeout: 20_000 });
    const listed = await etcdctl(`--cert=${certificate.certFile}`, `--key=${certificate.keyFile}`);
    expect(listed.stdout.trim().split('\n').map((line) => line.split(', ').slice(1, 4).join(' '))).toEqual(
      expect.arrayContaining([1, 2, 3].map((h) => `started c${h} https://${labAddress(h)}:2380`)),
    );
    await expect(etcdctl('--dial-timeout=3s', '--command-timeout=5s')).rejects.toThrow();
    await expect(fetch(`http://${labAddress(2)}:2379/version`, { signal: AbortSignal.timeout(5000) }).then((r) => r.status)).rejects.toThrow();

    expect((await runPgha(outputs, 'plan', '--detailed-exitcode', SPEC)).code).toBe(0);
    const keyLine = (await readFile(certificate.keyFile, 'utf8')).split('\n')[1]!;
    for (const output of outputs) expect(output).not.toContain(keyLine);
  }, 600_000);
});
