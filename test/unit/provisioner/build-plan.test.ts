import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import planSchema from '../../../schemas/plan.schema.json' with { type: 'json' };
import { buildPlan } from '../../../cli/engine/build-plan.js';
import type { DesiredResource } from '../../../cli/resources/desired-resource.js';
import { bareObserved as bare, convergedObserved as converged, labDesired, labSecrets, labSpec, LAB_PLAN_HEADER, SECRET_VALUES, TEST_DIGEST } from './lab-desired.js';

function planOf(observe: (r: DesiredResource) => unknown, change?: (r: DesiredResource) => unknown) {
  const secrets = labSecrets();
  const desired = labDesired(labSpec(), secrets);
  const observed = new Map(desired.resources.map((r) => [r.id, change?.(r) ?? observe(r)]));
  return buildPlan(LAB_PLAN_HEADER, desired.resources, observed, TEST_DIGEST.of);
}

describe('buildPlan', () => {
  it('plans every resource of bare hosts, in a document that follows plan.schema.json and holds no secret', () => {
    const plan = planOf(bare);
    const kinds = new Set(plan.changes.map((c) => `${c.host}: ${c.kind} ${c.name}`));
    for (const host of ['c1', 'c2', 'c3']) {
      expect(kinds).toContain(`${host}: file /etc/pgha/agent.yaml`);
      expect(kinds).toContain(`${host}: service etcd.service`);
      expect(kinds).not.toContain(`${host}: kernel_module softdog`);
    }
    expect(kinds).toContain('cluster: postgres_role app');
    expect(plan.changes.find((c) => c.kind === 'postgres_role')!.details).toEqual(['NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT LOGIN NOREPLICATION NOBYPASSRLS CONNECTION LIMIT 20', 'password (sensitive)', 'on the leader, once the cluster has one']);
    expect(plan.notices).toHaveLength(3);
    expect(plan.summary).toEqual({ add: plan.changes.filter((c) => c.action === 'create').length, change: plan.changes.filter((c) => c.action === 'update').length, destroy: 0 });
    const validate = new Ajv2020({ strict: false }).compile(planSchema);
    expect(validate(JSON.parse(JSON.stringify(plan))), JSON.stringify(validate.errors)).toBe(true);
    const text = JSON.stringify(plan);
    for (const secret of Object.values(SECRET_VALUES)) expect(text).not.toContain(secret);
    expect(text).toContain('password: (sensitive)');
    const ids = new Set(plan.changes.map((c) => c.id));
    for (const c of plan.changes) for (const id of c.after) expect(ids).toContain(id);
  });

  it('plans nothing when every host matches', () => {
    const plan = planOf(converged);
    expect(plan.changes).toEqual([]);
    expect(plan.summary).toEqual({ add: 0, change: 0, destroy: 0 });
  });

  it('plans a drifted file alone, with its unified diff', () => {
    const plan = planOf(converged, (r) =>
      r.kind === 'file' && r.host === 'c2' && r.path === '/etc/haproxy/haproxy.cfg' ? { content: `${r.content}# by hand\n`, mode: '644', owner: 'root', group: 'root' } : undefined,
    );
    expect(plan.changes.map((c) => c.id)).toEqual(['c2/file//etc/haproxy/haproxy.cfg']);
    expect(plan.changes[0]!.action).toBe('update');
    expect(plan.changes[0]!.diff).toContain('\n-# by hand');
  });

  it('says a secret changed without showing either value', () => {
    const plan = planOf(converged, (r) =>
      r.kind === 'file' && r.host === 'c1' && r.path === '/etc/pgha/agent.yaml'
        ? { content: r.content.replace(SECRET_VALUES.PGHA_AGENT, 'old-agent-secret'), mode: '600', owner: 'postgres', group: 'postgres' }
        : undefined,
    );
    expect(plan.changes.map((c) => c.id)).toEqual(['c1/file//etc/pgha/agent.yaml', 'cluster/agent_restart/pgha-agent.service']);
    expect(JSON.stringify(plan)).not.toContain('old-agent-secret');
  });

  it('restarts the running agents whose config, unit or release changes, as one rolling change after those', () => {
    const newRelease = (r: DesiredResource) => (r.kind === 'agent_release' ? { release: '0.0.9 ' + 'b'.repeat(64) } : undefined);
    const stopped = (r: DesiredResource) => (r.kind === 'service' && r.unit === 'pgha-agent.service' && r.host === 'c3' ? { enabled: 'enabled', active: 'failed' } : undefined);
    const plan = planOf(converged, (r) => newRelease(r) ?? stopped(r));
    const restart = plan.changes.find((c) => c.kind === 'agent_restart')!;
    expect(restart).toMatchObject({ id: 'cluster/agent_restart/pgha-agent.service', host: 'cluster', stage: 'agent', action: 'update', hosts: ['c1', 'c2'] });
    expect(restart.after).toEqual(['c1/agent_release/pgha-agent', 'c2/agent_release/pgha-agent']);
    expect(restart.details[0]).toBe('restart the running agent on c1, c2, one host at a time once the cluster is healthy: replicas first, the leader last');
    expect(plan.summary.change).toBe(plan.changes.filter((c) => c.action === 'update').length);
    const validate = new Ajv2020({ strict: false }).compile(planSchema);
    expect(validate(JSON.parse(JSON.stringify(plan))), JSON.stringify(validate.errors)).toBe(true);
    const unit = planOf(converged, (r) => (r.kind === 'file' && r.host === 'c2' && r.path.endsWith('pgha-agent.service') ? { content: '', mode: '644', owner: 'root', group: 'root' } : undefined));
    expect(unit.changes.find((c) => c.kind === 'agent_restart')?.hosts).toEqual(['c2']);
  });

  it('restarts no agent on hosts where none runs yet', () => {
    expect(planOf(bare).changes.filter((c) => c.kind === 'agent_restart')).toEqual([]);
    const haproxyOnly = planOf(converged, (r) => (r.kind === 'file' && r.path === '/etc/haproxy/haproxy.cfg' ? null : undefined));
    expect(haproxyOnly.changes.filter((c) => c.kind === 'agent_restart')).toEqual([]);
  });
});
