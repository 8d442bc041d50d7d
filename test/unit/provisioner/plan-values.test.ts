// Every change of a plan carries its state before and after as data (schemas/plan.schema.json,
// each kind's `<kind>_state`), and no secret: not as a value, and not as a digest of a file that
// holds one. A plan saved before changes carried them still reads, renders and checks for staleness.
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import planSchema from '../../../schemas/plan.schema.json' with { type: 'json' };
import { departedResources } from '../../../cli/desired/departed-resources.js';
import { buildPlan } from '../../../cli/engine/build-plan.js';
import { readPlanFile } from '../../../cli/plan/plan-file.js';
import { staleReasons } from '../../../cli/plan/staleness.js';
import type { DesiredResource } from '../../../cli/resources/desired-resource.js';
import { PLAN_FORMATS, formattedPlan } from '../../../cli/views/plan-formats.js';
import { painter } from '../../../cli/views/paint.js';
import { useTempDir } from '../../helpers/temp-dir.js';
import { BARE_FACTS, convergedObserved, labDesired, labSecrets, labSpec, LAB_PLAN_HEADER, SECRET_VALUES, TEST_DIGEST } from './lab-desired.js';

const OLD_SECRET = 'old-agent-Secret-6b1f';
const member = (name: string, n: number) => ({ name, peerUrls: [`https://10.213.7.1${n}:2380`] });
/** etcd as refresh reads it: c3 not joined yet, c4 dropped from the spec. */
const ETCD = [member('c1', 1), member('c2', 2), member('c4', 4)];

/** A cluster mid-way through a move to TLS, drifted so that every kind of resource plans a change. */
function drifted(r: DesiredResource): unknown {
  const on = (host: string) => r.host === host;
  switch (r.kind) {
    case 'package':
      return on('c3') && r.name === 'haproxy' ? { installed: false } : convergedObserved(r);
    case 'directory':
      return on('c3') ? null : convergedObserved(r);
    case 'file':
      if (on('c1') && r.path === '/etc/pgha/agent.yaml') return { ...(convergedObserved(r) as object), content: r.content.replace(SECRET_VALUES.PGHA_AGENT, OLD_SECRET) };
      if (on('c2') && r.path === '/etc/default/etcd') return { ...(convergedObserved(r) as object), content: `${r.content}# by hand\n`, mode: '0600' };
      return convergedObserved(r);
    case 'service':
      return on('c3') && r.unit === 'haproxy.service' ? { enabled: 'disabled', active: 'inactive' } : convergedObserved(r);
    case 'kernel_module':
      return { loaded: false };
    case 'agent_release':
      return on('c2') ? { release: `0.0.9 ${'b'.repeat(64)}` } : convergedObserved(r);
    case 'distro_clusters':
      return on('c2') ? [{ version: '15', name: 'main', online: true, startMode: 'auto' }] : [];
    case 'etcd_member':
    case 'departed_etcd_member':
      return ETCD;
    case 'dcs_config':
      return { state: 'present', value: { ...r.config, ttl: 30, pause: true }, revision: '9' };
    case 'postgres_role':
      return { state: 'present', attributes: { ...r.attributes, connectionLimit: 5 }, password: 'differs' };
    case 'host_certificate':
      return on('c2') ? { state: 'invalid', problem: 'it does not name 10.213.7.12' } : convergedObserved(r);
    case 'etcd_auth':
      return { state: 'read', enabled: false, users: { root: ['root'] }, permissions: undefined, rootPassword: 'unchecked', password: 'unchecked' };
    case 'etcd_tls_cutover':
      return [{ name: 'c1', environmentDone: true, peerUrlDone: true }, { name: 'c2', environmentDone: false, peerUrlDone: true }, { name: 'c3', environmentDone: false, peerUrlDone: undefined }];
    case 'agent_settle':
      return ['c1'];
    case 'postgres_rolling_restart':
      return { state: 'present', paused: false, parameters: {}, pending: { c2: { max_connections: { old_value: '100', new_value: '200' } } } };
    case 'departed_service':
      return { state: 'reachable', enabled: 'enabled', active: 'active', dataDirs: r.dataDirs, leads: false };
    case 'member_key':
      return { key: true, slot: undefined };
  }
}

function everyKindPlan() {
  const spec = labSpec();
  const facts = { ...BARE_FACTS, etcdListening: new Map(['c1', 'c2', 'c3'].map((h) => [h, 'prepared'] as const)) };
  const resources = labDesired(spec, labSecrets(), facts).resources;
  const c4 = { name: 'c4', address: '10.213.7.14', memberKey: true, etcdMember: member('c4', 4) };
  const all = [...resources, ...departedResources(spec, { hosts: [c4], unreachable: new Map(), purge: false }, resources)];
  return { resources: all, plan: buildPlan(LAB_PLAN_HEADER, all, new Map(all.map((r) => [r.id, drifted(r)])), TEST_DIGEST.of) };
}

const dir = useTempDir('pgha-values-');

describe('the values of a planned change', () => {
  const { plan, resources } = everyKindPlan();
  const json = JSON.stringify(plan);
  const byId = (id: string) => plan.changes.find((c) => c.id === id)!.values;

  it('are given for every kind of change, each in its shape of plan.schema.json', () => {
    const kinds = planSchema.$defs.change.properties.kind.enum;
    expect(new Set(plan.changes.map((c) => c.kind))).toEqual(new Set(kinds));
    const validate = new Ajv2020({ strict: false }).compile(planSchema);
    expect(validate(JSON.parse(json)), JSON.stringify(validate.errors)).toBe(true);
    const broken = { ...plan, changes: plan.changes.map((c) => (c.kind === 'package' ? { ...c, values: { before: null, after: { name: 'haproxy' } } } : c)) };
    expect(validate(broken)).toBe(false);
  });

  it('hold data a policy can compare', () => {
    expect(byId('c3/package/haproxy')).toEqual({ before: null, after: { name: 'haproxy', version: null } });
    expect(byId('c2/file//etc/default/etcd')).toMatchObject({ before: { mode: '600', sensitive: false }, after: { mode: '644', sensitive: false } });
    expect(byId('c3/service/haproxy.service')).toEqual({
      before: { unit: 'haproxy.service', enabled: false, active: false, is_enabled: 'disabled', is_active: 'inactive' },
      after: { unit: 'haproxy.service', enabled: true, active: true },
    });
    expect(byId('cluster/dcs_config/config')).toMatchObject({ before: { ttl: 30 }, after: { ttl: 10 } });
    expect(byId('cluster/dcs_config/config').before).not.toHaveProperty('pause');
    expect(byId('cluster/etcd_restart/etcd.service')).toEqual({ before: { unit: 'etcd.service', pending_restart: ['c2'] }, after: { unit: 'etcd.service', pending_restart: [] } });
    expect(byId('c4/service/pgha-agent.service')).toMatchObject({ before: { enabled: true, data_dirs: ['/var/lib/postgresql/15/main'], leader: false }, after: null });
    expect(byId('cluster/etcd_member/c4')).toEqual({ before: { name: 'c4', peer_urls: ['https://10.213.7.14:2380'], started: true }, after: null });
    expect(byId('cluster/postgres_role/app')).toEqual({
      before: { name: 'app', attributes: expect.objectContaining({ connection_limit: 5, superuser: false }), password: 'differs' },
      after: { name: 'app', attributes: expect.objectContaining({ connection_limit: 20 }), password: 'matches' },
    });
  });

  it('never hold a secret, nor a digest of a file that holds one', () => {
    for (const secret of [...Object.values(SECRET_VALUES), OLD_SECRET]) expect(json).not.toContain(secret);
    const agentYaml = byId('c1/file//etc/pgha/agent.yaml');
    expect(agentYaml).toMatchObject({ before: { sensitive: true }, after: { sensitive: true } });
    // Only the secret changed: its masked text, and so its digest, is the same.
    expect(agentYaml.before?.sha256).toBe(agentYaml.after?.sha256);
    const secretFiles = resources.filter((r) => r.kind === 'file' && Object.values(SECRET_VALUES).some((secret) => r.content.includes(secret)));
    expect(secretFiles.length).toBeGreaterThanOrEqual(3);
    for (const r of secretFiles) if (r.kind === 'file') expect(json).not.toContain(createHash('sha256').update(r.content).digest('hex'));
  });
});

describe('a plan saved before changes carried values', () => {
  it('is read, shown in every format and checked for staleness as before', async () => {
    const { plan } = everyKindPlan();
    const old = { ...plan, changes: plan.changes.map(({ values: _values, ...change }) => change) };
    const file = join(dir(), 'old.plan');
    await writeFile(file, JSON.stringify(old));
    const saved = await readPlanFile(file);
    for (const format of PLAN_FORMATS) expect(formattedPlan(saved, format, painter(false)).length).toBeGreaterThan(0);
    expect(staleReasons(saved, plan)).toEqual([]);
  });
});
