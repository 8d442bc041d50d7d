// The agents' REST API as apply sets it up: HTTPS with a certificate per host from the cluster CA
// and Basic auth by default, HAProxy checking it over TLS with that CA; plain HTTP only on request.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { agentApiAccess, AGENT_API_TLS, CREATED_BY_APPLY, HAPROXY_API_CA, materialNeeds } from '../../../cli/desired/agent-api-access.js';
import { opensslIssuer } from '../../../cli/pki/openssl-issuer.js';
import { apiServing, type ApiServing } from '../../../cli/desired/agent-config.js';
import { agentSettleHandler } from '../../../cli/resources/agent-settle.js';
import type { AgentSettleResource, DesiredResource, FileResource } from '../../../cli/resources/desired-resource.js';
import { LAB_CA, labAccess, labDesired, labSecrets, labSpec, BARE_FACTS, SECRET_VALUES } from './lab-desired.js';

const onHost = (resources: DesiredResource[], host: string) => resources.filter((r) => r.host === host);
const file = (resources: DesiredResource[], path: string): FileResource | undefined => resources.find((r): r is FileResource => r.kind === 'file' && r.path === path);
const withoutAuth = (text: string): string => text.replace(/agent:\n {2}auth:\n {4}username: pgha\n {4}password: \{ env: PGHA_AGENT \}\n/, '');

const scratch = mkdtempSync(join(tmpdir(), 'pgha-api-render-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("the agents' REST API, secured by default", () => {
  const c1 = onHost(labDesired().resources, 'c1');

  it('serves HTTPS with the host certificate, and requires the Basic credentials, in agent.yaml', () => {
    const agentYaml = file(c1, '/etc/pgha/agent.yaml')!;
    const restapi = (parse(agentYaml.content) as { restapi: Record<string, unknown> }).restapi;
    expect(restapi).toEqual({
      listen: '0.0.0.0:8008',
      connect_address: '10.213.7.11:8008',
      authentication: { username: 'pgha', password: SECRET_VALUES.PGHA_AGENT },
      certfile: AGENT_API_TLS.cert,
      keyfile: AGENT_API_TLS.key,
      cafile: AGENT_API_TLS.ca,
    });
    expect(agentYaml.secretPaths).toContainEqual(['restapi', 'authentication', 'password']);
  });

  it('puts the cluster CA and a certificate for the host beside it, which the agent reads when it starts', () => {
    expect(file(c1, AGENT_API_TLS.ca)).toMatchObject({ content: LAB_CA, mode: '644', owner: 'postgres', restartsAgent: true });
    expect(c1.find((r) => r.kind === 'host_certificate' && r.cert === AGENT_API_TLS.cert)).toMatchObject({ addresses: ['10.213.7.11'], ca: LAB_CA, cert: AGENT_API_TLS.cert, key: AGENT_API_TLS.key, owner: 'postgres', restartsAgent: true });
    const agent = c1.find((r) => r.kind === 'service' && r.unit === 'pgha-agent.service');
    expect(agent).toMatchObject({ readsAtStart: expect.arrayContaining([AGENT_API_TLS.ca, AGENT_API_TLS.cert]) as unknown });
    expect(agent?.after).toContain('c1/host_certificate//etc/pgha/api.crt');
  });

  it('has HAProxy check every agent over TLS, verifying its certificate with the cluster CA, which comes first', () => {
    const config = file(c1, '/etc/haproxy/haproxy.cfg')!;
    const servers = config.content.split('\n').filter((line) => line.trim().startsWith('server '));
    expect(servers).toHaveLength(6);
    for (const line of servers) expect(line).toMatch(/ check port 8008 check-ssl verify required ca-file \/etc\/haproxy\/pgha-api-ca\.crt$/);
    const ca = file(c1, HAPROXY_API_CA)!;
    expect(ca).toMatchObject({ content: LAB_CA, owner: 'root', onChange: { unit: 'haproxy.service', verb: 'try-reload-or-restart' } });
    expect(config.after).toContain(ca.id);
  });

  it('uses the password pgha generated beside the spec when the spec gives none, as user pgha', () => {
    const passwordFile = join(scratch, 'agent-password');
    writeFileSync(passwordFile, 'Generated-Password-1\n');
    const spec = labSpec(withoutAuth);
    expect(spec.agent.auth).toBeUndefined();
    const access = agentApiAccess(spec, { shown: '.pgha/lab', ca: { cert: LAB_CA, key: '(unused)' }, passwordFiles: { 'agent-password': passwordFile } }, labSecrets());
    const agentYaml = file(labDesired(spec, labSecrets(), BARE_FACTS, access).resources, '/etc/pgha/agent.yaml')!;
    expect((parse(agentYaml.content) as { restapi: { authentication: unknown } }).restapi.authentication).toEqual({ username: 'pgha', password: 'Generated-Password-1' });
  });

  it('renders, before the first apply, what apply creates as such and wrote nothing', () => {
    const spec = labSpec(withoutAuth);
    const access = agentApiAccess(spec, { shown: '.pgha/lab', ca: undefined, passwordFiles: {} }, labSecrets());
    const resources = onHost(labDesired(spec, labSecrets(), BARE_FACTS, access).resources, 'c1');
    expect(file(resources, AGENT_API_TLS.ca)?.content).toBe(`${CREATED_BY_APPLY}\n`);
    expect(resources.find((r) => r.kind === 'host_certificate' && r.cert === AGENT_API_TLS.cert)).not.toHaveProperty('ca');
    const agentYaml = file(resources, '/etc/pgha/agent.yaml')!;
    expect((parse(agentYaml.content) as { restapi: { authentication: unknown } }).restapi.authentication).toEqual({ username: 'pgha', password: CREATED_BY_APPLY });
    // Masked all the same: a host may still hold an older password there.
    expect(agentYaml.secretPaths).toContainEqual(['restapi', 'authentication', 'password']);
  });

  it('serves plain HTTP only when the spec opts out, with no certificate anywhere, and still requires the credentials', () => {
    const spec = labSpec((text) => `${text}\n`.replace('agent:\n', 'agent:\n  insecure: true\n'));
    const resources = onHost(labDesired(spec, labSecrets(), BARE_FACTS, labAccess(spec)).resources, 'c1');
    const restapi = (parse(file(resources, '/etc/pgha/agent.yaml')!.content) as { restapi: Record<string, unknown> }).restapi;
    expect(restapi).not.toHaveProperty('certfile');
    expect(restapi).toHaveProperty('authentication');
    expect(resources.filter((r) => (r.kind === 'host_certificate' && r.cert === AGENT_API_TLS.cert) || (r.kind === 'file' && r.path === AGENT_API_TLS.ca))).toEqual([]);
    expect(file(resources, '/etc/haproxy/haproxy.cfg')!.content).not.toContain('check-ssl');
  });
});

describe("moving a running cluster's REST API from plain HTTP to HTTPS", () => {
  const facts = (serving: ApiServing) => ({ ...BARE_FACTS, apiServing: new Map(['c1', 'c2', 'c3'].map((h) => [h, serving] as const)) });
  const restapiOf = (resources: DesiredResource[], host: string) =>
    (parse(file(onHost(resources, host), '/etc/pgha/agent.yaml')!.content) as { restapi: Record<string, unknown> }).restapi;
  const settleOf = (resources: DesiredResource[]) => resources.find((r): r is AgentSettleResource => r.kind === 'agent_settle');

  it('reads where each agent stands from its agent.yaml', () => {
    expect(apiServing('restapi:\n  listen: 0.0.0.0:8008\n')).toBe('plain');
    expect(apiServing('restapi:\n  certfile: /etc/pgha/api.crt\n  plain_http_fallback: true\n')).toBe('prepared');
    expect(apiServing('restapi:\n  certfile: /etc/pgha/api.crt\n')).toBe('tls');
    expect(apiServing(undefined)).toBeUndefined();
    expect(apiServing(': not yaml [')).toBeUndefined();
  });

  it('first restarts the agents on HTTPS that still serve plain HTTP on the same port; HAProxy then checks over HTTPS; last the agents drop plain HTTP', () => {
    const { resources } = labDesired(labSpec(), labSecrets(), facts('plain'));
    expect(restapiOf(resources, 'c1')).toMatchObject({ certfile: AGENT_API_TLS.cert, plain_http_fallback: true });
    expect(file(onHost(resources, 'c1'), '/etc/haproxy/haproxy.cfg')!).toMatchObject({ stage: 'haproxy' });
    expect(file(onHost(resources, 'c1'), '/etc/haproxy/haproxy.cfg')!.content).toContain('check-ssl');
    const settle = settleOf(resources)!;
    expect(settle).toMatchObject({ stage: 'haproxy', dropping: ['plain HTTP on the REST API'] });
    expect(settle.after).toEqual(expect.arrayContaining(['c1', 'c2', 'c3'].map((h) => `${h}/file//etc/haproxy/haproxy.cfg`)));
    const secured = labDesired().resources;
    expect(settle.files.map((f) => f.content)).toEqual(['c1', 'c2', 'c3'].map((h) => file(onHost(secured, h), '/etc/pgha/agent.yaml')!.content));
    expect(agentSettleHandler.diff(settle, ['c1'])?.details[0]).toBe('once the move is over: /etc/pgha/agent.yaml without plain HTTP on the REST API on c2, c3');
    // An apply cut short after the first restarts goes on from there.
    expect(restapiOf(labDesired(labSpec(), labSecrets(), facts('prepared')).resources, 'c2')).toMatchObject({ plain_http_fallback: true });
  });

  it('has no such steps once the agents serve HTTPS only, nor while the spec keeps plain HTTP (agent.insecure)', () => {
    expect(settleOf(labDesired(labSpec(), labSecrets(), facts('tls')).resources)).toBeUndefined();
    expect(restapiOf(labDesired().resources, 'c1')).not.toHaveProperty('plain_http_fallback');
    const spec = labSpec((text) => `${text}\n`.replace('agent:\n', 'agent:\n  insecure: true\n'));
    const plain = labDesired(spec, labSecrets(), facts('plain'), labAccess(spec)).resources;
    expect(settleOf(plain)).toBeUndefined();
    expect(restapiOf(plain, 'c1')).not.toHaveProperty('plain_http_fallback');
  });
});

describe("the agents' REST API with the spec's own certificate (agent.tls)", () => {
  const material = { shown: '.pgha/lab', ca: undefined, passwordFiles: {} };
  const files = async (addresses: string[]): Promise<string> => {
    const ca = await opensslIssuer.createAuthority('own');
    const issued = await opensslIssuer.issue(ca, addresses);
    const dir = mkdtempSync(join(scratch, 'tls-'));
    writeFileSync(join(dir, 'ca.crt'), ca.cert);
    writeFileSync(join(dir, 'agent.crt'), issued.cert);
    writeFileSync(join(dir, 'agent.key'), issued.key);
    return dir;
  };
  const withTls = (dir: string, ca = true) => labSpec((text) => text.replace('agent:\n', `agent:\n  tls: { cert_file: ${dir}/agent.crt, key_file: ${dir}/agent.key${ca ? `, ca_file: ${dir}/ca.crt` : ''} }\n`));

  it('serves it on every agent instead of certificates from the cluster CA, which it then does not need', async () => {
    const dir = await files(['10.213.7.11', '10.213.7.12', '10.213.7.13']);
    const spec = withTls(dir);
    expect(materialNeeds(spec)).toEqual({ ca: false, passwords: [] });
    const resources = onHost(labDesired(spec, labSecrets(), BARE_FACTS, agentApiAccess(spec, material, labSecrets())).resources, 'c2');
    expect(resources.filter((r) => r.kind === 'host_certificate' && r.cert === AGENT_API_TLS.cert)).toEqual([]);
    expect(file(resources, AGENT_API_TLS.key)).toMatchObject({ mode: '600', owner: 'postgres' });
    expect(file(resources, AGENT_API_TLS.cert)?.content).toContain('BEGIN CERTIFICATE');
    expect(file(resources, HAPROXY_API_CA)?.content).toBe(file(resources, AGENT_API_TLS.ca)?.content);
  });

  it('refuses one that does not name every postgres host, and one without its CA', async () => {
    const partial = await files(['10.213.7.11', '10.213.7.12']);
    expect(() => agentApiAccess(withTls(partial), material, labSecrets())).toThrow(/does not name postgres host c3 \(10\.213\.7\.13\) in its subjectAltName/);
    expect(() => agentApiAccess(withTls(partial, false), material, labSecrets())).toThrow(/^agent\.tls needs ca_file/);
  });
});
