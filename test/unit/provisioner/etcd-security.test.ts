// etcd secured by default: TLS for clients and peers with certificates from the cluster CA,
// client certificates, and authentication (root for pgha, a user and role per cluster for the
// agents); plain HTTP without users only when the spec says etcd.insecure.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../cli/spec/check-spec.js';
import { etcdAuth, etcdMaterialNeeds } from '../../../cli/desired/etcd-access.js';
import { etcdListening } from '../../../cli/desired/etcd-environment.js';
import { AGENT_ETCD_TLS, ETCD_MEMBER_TLS } from '../../../cli/desired/etcd-tls.js';
import { authChanges, etcdAuthHandler, wantedPermissions, type ObservedEtcdAuth } from '../../../cli/resources/etcd-auth.js';
import type { AgentSettleResource, DesiredResource, EtcdAuthResource, EtcdTlsCutoverResource, FileResource, HostCertificateResource } from '../../../cli/resources/desired-resource.js';
import { agentSettleHandler } from '../../../cli/resources/agent-settle.js';
import { etcdTlsCutoverHandler } from '../../../cli/resources/etcd-tls-cutover.js';
import { projectPath } from '../../helpers/paths.js';
import { clusterPki } from '../../../cli/pki/cluster-pki.js';
import { opensslIssuer } from '../../../cli/pki/openssl-issuer.js';
import { BARE_FACTS, LAB_CA, labDesired, labSecrets, labSpec, SECRET_VALUES } from './lab-desired.js';

const file = (resources: DesiredResource[], host: string, path: string): FileResource => resources.find((r): r is FileResource => r.host === host && r.kind === 'file' && r.path === path)!;
const certificate = (resources: DesiredResource[], host: string, path: string): HostCertificateResource | undefined =>
  resources.find((r): r is HostCertificateResource => r.host === host && r.kind === 'host_certificate' && r.cert === path);
const authOf = (resources: DesiredResource[]): EtcdAuthResource | undefined => resources.find((r): r is EtcdAuthResource => r.kind === 'etcd_auth');
/** The lab spec has no etcd section: these add one. */
const withEtcd = (section: string) => (text: string): string => `${text.trimEnd()}\netcd:\n  ${section}\n`;
const insecure = withEtcd('insecure: true');

describe('etcd secured by default', () => {
  const { resources } = labDesired();

  it('serves TLS to clients and peers with the host certificate, and asks both for a certificate from the cluster CA', () => {
    const environment = file(resources, 'c1', '/etc/default/etcd').content;
    expect(environment).toContain('ETCD_LISTEN_CLIENT_URLS=https://10.213.7.11:2379,https://127.0.0.1:2379\n');
    expect(environment).toContain('ETCD_LISTEN_PEER_URLS=https://10.213.7.11:2380\n');
    for (const prefix of ['ETCD_', 'ETCD_PEER_']) {
      expect(environment).toContain(`${prefix}CERT_FILE=${ETCD_MEMBER_TLS.cert}\n${prefix}KEY_FILE=${ETCD_MEMBER_TLS.key}\n${prefix}TRUSTED_CA_FILE=${ETCD_MEMBER_TLS.ca}\n${prefix}CLIENT_CERT_AUTH=true\n`);
    }
    // On bare hosts the new /etc/default/etcd restarts etcd; on a running member a new certificate restarts it in turn (see etcd-restart).
    expect(certificate(resources, 'c1', ETCD_MEMBER_TLS.cert)).toMatchObject({ addresses: ['10.213.7.11', '127.0.0.1'], ca: LAB_CA, key: ETCD_MEMBER_TLS.key, owner: 'etcd', group: 'etcd', restartsEtcd: false });
    const running = labDesired(labSpec(), labSecrets(), { ...BARE_FACTS, etcdListening: new Map([['c1', 'tls']]) }).resources;
    expect(certificate(running, 'c1', ETCD_MEMBER_TLS.cert)).toMatchObject({ restartsEtcd: true });
    expect(file(running, 'c1', '/etc/default/etcd')).toMatchObject({ restartsEtcd: true });
    expect(file(running, 'c1', '/etc/default/etcd').onChange).toBeUndefined();
    expect(file(resources, 'c1', ETCD_MEMBER_TLS.ca).content).toBe(LAB_CA);
  });

  it("gives each agent the host's client certificate, the CA and its etcd user, the password masked in plans", () => {
    expect(certificate(resources, 'c2', AGENT_ETCD_TLS.cert)).toMatchObject({ addresses: ['10.213.7.12'], owner: 'postgres', restartsAgent: true });
    const agentYaml = file(resources, 'c2', '/etc/pgha/agent.yaml');
    expect((parse(agentYaml.content) as { etcd: unknown }).etcd).toEqual({
      hosts: ['10.213.7.11:2379', '10.213.7.12:2379', '10.213.7.13:2379'],
      protocol: 'https',
      cert: AGENT_ETCD_TLS.cert,
      key: AGENT_ETCD_TLS.key,
      cacert: AGENT_ETCD_TLS.ca,
      username: 'pgha-lab',
      password: SECRET_VALUES.PGHA_ETCD_AGENT,
    });
    expect(agentYaml.secretPaths).toContainEqual(['etcd', 'password']);
  });

  it('has one cluster resource for the users, roles and auth enable, after every etcd member and service and the gate that waits for them', () => {
    const auth = authOf(resources)!;
    expect(auth).toMatchObject({ host: 'cluster', stage: 'agent', rootUser: 'root', rootPassword: SECRET_VALUES.PGHA_ETCD_ROOT, user: 'pgha-lab', password: SECRET_VALUES.PGHA_ETCD_AGENT, prefixes: ['/service/lab/', '/pgha/lab/'] });
    expect(auth.after).toEqual(expect.arrayContaining(['c1/etcd_member/c1', 'c3/service/etcd.service']));
  });

  it('runs plain HTTP without users, certificates or authentication only when the spec says etcd.insecure, and validate warns', () => {
    const spec = labSpec(insecure);
    const plain = labDesired(spec).resources;
    expect(file(plain, 'c1', '/etc/default/etcd').content).not.toMatch(/https|CERT/);
    expect(certificate(plain, 'c1', ETCD_MEMBER_TLS.cert)).toBeUndefined();
    expect(authOf(plain)).toBeUndefined();
    expect((parse(file(plain, 'c2', '/etc/pgha/agent.yaml').content) as { etcd: object }).etcd).toEqual({ hosts: expect.any(Array), protocol: 'http' });
    const warnings = checkSpec(insecure(labSpecText())).diagnostics.filter((d) => d.severity === 'warning' && d.rule === 'insecure' && d.message.startsWith('etcd serves plain HTTP'));
    expect(warnings).toHaveLength(1);
  });

  it("keeps etcd's authentication on with the spec's own TLS files, and generates only what the spec does not give", () => {
    const material = { shown: '.pgha/lab', ca: undefined, passwordFiles: {} };
    const supplied = labSpec(withEtcd('tls: { ca_file: tls/ca.crt, cert_file: tls/member.crt, key_file: tls/member.key }'));
    expect(etcdAuth(supplied, material)).toMatchObject({ root: { ref: undefined }, agents: { user: 'pgha-lab', prefixes: ['/service/lab/', '/pgha/lab/'] } });
    expect(etcdMaterialNeeds(supplied)).toEqual({ ca: false, passwords: ['etcd-root-password', 'etcd-agent-password'] });
    const withRoot = labSpec(withEtcd('tls: { ca_file: tls/ca.crt, cert_file: tls/member.crt, key_file: tls/member.key }\n  auth: { username: root, password: { env: PGHA_ETCD_ROOT } }'));
    expect(etcdAuth(withRoot, material)).toMatchObject({ root: { ref: { env: 'PGHA_ETCD_ROOT' }, source: 'etcd.auth.password' } });
    expect(etcdMaterialNeeds(withRoot)).toEqual({ ca: false, passwords: ['etcd-agent-password'] });
    expect(etcdMaterialNeeds(labSpec())).toEqual({ ca: true, passwords: ['etcd-root-password', 'etcd-agent-password'] });
    expect(etcdMaterialNeeds(labSpec(insecure))).toEqual({ ca: false, passwords: [] });
  });

  it("gives pgha's etcd client nothing half-made: no settings until root's password exists, then root and the TLS files", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgha-etcd-'));
    try {
      const supplied = labSpec(withEtcd('tls: { ca_file: tls/ca.crt, cert_file: tls/member.crt, key_file: tls/member.key }'));
      await expect(clusterPki(supplied, dir, opensslIssuer, labSecrets()).etcdClient()).rejects.toThrow(/etcd-root-password does not exist yet/);
      await expect(clusterPki(labSpec(), dir, opensslIssuer, labSecrets()).etcdClient()).rejects.toThrow(/does not exist yet/);
      expect(await clusterPki(labSpec(insecure), dir, opensslIssuer, labSecrets()).etcdClient()).toEqual({});
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes root only as the user of etcd.auth', () => {
    const spec = labSpec(withEtcd('auth: { username: admin, password: { env: PGHA_ETCD_ROOT } }'));
    expect(() => etcdAuth(spec, { shown: '.pgha/lab', ca: undefined, passwordFiles: {} })).toThrow(/etcd\.auth\.username is "admin".*write root/);
  });

  it('reads where a running member stands: plain HTTP, plain HTTP with its certificates, or TLS only', () => {
    expect(etcdListening('ETCD_LISTEN_CLIENT_URLS=http://10.213.7.11:2379,http://127.0.0.1:2379\n')).toBe('plain');
    expect(etcdListening('ETCD_LISTEN_CLIENT_URLS=http://10.213.7.11:2379,http://127.0.0.1:2379\nETCD_PEER_CERT_FILE=/etc/pgha-etcd/member.crt\n')).toBe('prepared');
    expect(etcdListening('ETCD_LISTEN_CLIENT_URLS=https://10.213.7.11:2379,https://127.0.0.1:2379\n')).toBe('tls');
    expect(etcdListening(undefined)).toBeUndefined();
  });
});

describe('moving a running plain-HTTP etcd to TLS', () => {
  const facts = (listening: 'plain' | 'prepared' | 'tls') => ({ ...BARE_FACTS, etcdListening: new Map(['c1', 'c2', 'c3'].map((h) => [h, listening] as const)) });
  const ofKind = <K extends DesiredResource['kind']>(resources: DesiredResource[], kind: K) => resources.find((r): r is Extract<DesiredResource, { kind: K }> => r.kind === kind);

  it('first gives each member its certificates, still on plain HTTP, and the agents TLS, their user and a plain-HTTP fallback', () => {
    const { resources } = labDesired(labSpec(), labSecrets(), facts('plain'));
    const environment = file(resources, 'c1', '/etc/default/etcd');
    expect(environment.content).toMatch(/^ETCD_LISTEN_CLIENT_URLS=http:\/\/10\.213\.7\.11:2379,http:\/\/127\.0\.0\.1:2379$/m);
    expect(environment.content).toMatch(/^ETCD_LISTEN_PEER_URLS=http:\/\/10\.213\.7\.11:2380$/m);
    expect(environment.content).toMatch(/^ETCD_PEER_CERT_FILE=/m);
    expect(environment).toMatchObject({ restartsEtcd: true });
    const agent = file(resources, 'c1', '/etc/pgha/agent.yaml').content;
    expect(agent).toMatch(/protocol: https/);
    expect(agent).toMatch(/plain_http_fallback: true/);
  });

  it('then turns plain HTTP off member by member, turns authentication on, and last drops the fallback with a second rolling restart', () => {
    const { resources } = labDesired(labSpec(), labSecrets(), facts('prepared'));
    const cutover = ofKind(resources, 'etcd_tls_cutover') as EtcdTlsCutoverResource;
    const auth = authOf(resources)!;
    const settle = ofKind(resources, 'agent_settle') as AgentSettleResource;
    expect(cutover.after).toContain('cluster/agent_restart/pgha-agent.service');
    expect(auth.after).toContain(cutover.id);
    expect(settle.after).toEqual(expect.arrayContaining([cutover.id, auth.id]));
    expect(cutover.members.map((m) => [m.name, m.peerUrl])).toEqual([['c1', 'https://10.213.7.11:2380'], ['c2', 'https://10.213.7.12:2380'], ['c3', 'https://10.213.7.13:2380']]);
    const secured = labDesired().resources;
    expect(cutover.members[0]!.environment).toBe(file(secured, 'c1', '/etc/default/etcd').content);
    expect(settle.files.map((f) => f.content)).toEqual(['c1', 'c2', 'c3'].map((h) => file(secured, h, '/etc/pgha/agent.yaml').content));
    expect(settle.files[0]!.content).not.toMatch(/plain_http_fallback/);

    const observed = [
      { name: 'c1', environmentDone: true, peerUrlDone: true },
      { name: 'c2', environmentDone: false, peerUrlDone: true },
      { name: 'c3', environmentDone: false, peerUrlDone: false },
    ];
    expect(etcdTlsCutoverHandler.diff(cutover, observed)?.details).toEqual([
      'turn plain HTTP off on etcd c2, c3, one member at a time, each once every member answers: the quorum holds throughout',
      "c2: peer URL https://10.213.7.12:2380 in etcd's membership; /etc/default/etcd serves clients and peers over TLS only; restart etcd",
      "c3: peer URL https://10.213.7.13:2380 in etcd's membership; /etc/default/etcd serves clients and peers over TLS only; restart etcd",
    ]);
    expect(etcdTlsCutoverHandler.diff(cutover, observed.map((o) => ({ ...o, environmentDone: true, peerUrlDone: true })))).toBeUndefined();
    expect(agentSettleHandler.diff(settle, ['c1'])?.details).toEqual([
      "once the move is over: /etc/pgha/agent.yaml without etcd's plain-HTTP fallback on c2, c3",
      'then restart the agent on c2, c3, one host at a time once the cluster is healthy: replicas first, the leader last (a switchover)',
    ]);
    expect(agentSettleHandler.diff(settle, ['c1', 'c2', 'c3'])).toBeUndefined();
  });

  it('has no such steps for a cluster on TLS already, nor for one that stays on plain HTTP (etcd.insecure)', () => {
    const done = labDesired(labSpec(), labSecrets(), facts('tls')).resources;
    expect([ofKind(done, 'etcd_tls_cutover'), ofKind(done, 'agent_settle')]).toEqual([undefined, undefined]);
    const plain = labDesired(labSpec(insecure), labSecrets(), facts('plain'), undefined, undefined).resources;
    expect(ofKind(plain, 'etcd_tls_cutover')).toBeUndefined();
    expect(file(plain, 'c1', '/etc/default/etcd').content).not.toMatch(/https|CERT/);
  });
});

describe('the etcd authentication resource', () => {
  const auth = authOf(labDesired().resources)!;
  const converged: Extract<ObservedEtcdAuth, { state: 'read' }> = {
    state: 'read', enabled: true, users: { root: ['root'], 'pgha-lab': ['pgha-lab'] }, permissions: wantedPermissions(auth), rootPassword: 'matches', password: 'matches',
  };

  it('has nothing to do once users, role, permissions, passwords and auth enable are as wanted', () => {
    expect(etcdAuthHandler.diff(auth, converged)).toBeUndefined();
  });

  it('creates all of it on a new etcd, or before etcd runs, and never shows a password', () => {
    const fresh: typeof converged = { ...converged, enabled: false, users: {}, permissions: undefined, rootPassword: 'unchecked', password: 'unchecked' };
    const change = etcdAuthHandler.diff(auth, fresh)!;
    expect(change.action).toBe('create');
    expect(change.details).toEqual([
      'user add root with role root, password (sensitive)',
      'role add pgha-lab, readwrite on /service/lab/ and /pgha/lab/ (prefixes)',
      'user add pgha-lab with role pgha-lab, password (sensitive)',
      'auth enable (clients without a user are refused from then on)',
    ]);
    expect(etcdAuthHandler.diff(auth, { state: 'unreachable' })).toMatchObject({ action: 'create' });
    expect(JSON.stringify([change, etcdAuthHandler.diff(auth, { state: 'unreachable' })])).not.toMatch(/Secret/);
  });

  it('grants read and write on exactly the two prefixes, and names every drift', () => {
    expect(wantedPermissions(auth)).toEqual([
      { permission: 'Readwrite', key: '/service/lab/', rangeEnd: '/service/lab0' },
      { permission: 'Readwrite', key: '/pgha/lab/', rangeEnd: '/pgha/lab0' },
    ]);
    const drifted: typeof converged = { ...converged, users: { root: [], 'pgha-lab': ['pgha-lab', 'other'] }, permissions: [{ permission: 'Readwrite', key: '/', rangeEnd: '\0' }], password: 'differs' };
    expect(authChanges(auth, drifted)).toEqual([
      'user grant-role root root',
      'role pgha-lab: readwrite on /service/lab/ and /pgha/lab/ (prefixes) only',
      'user pgha-lab: role pgha-lab only',
      "user passwd pgha-lab: not the spec's (sensitive)",
    ]);
    expect(etcdAuthHandler.diff(auth, drifted)?.action).toBe('update');
  });
});

function labSpecText(): string {
  return readFileSync(projectPath('inventories/lab/cluster.yaml'), 'utf8');
}
