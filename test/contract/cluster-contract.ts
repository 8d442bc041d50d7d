// What pgha's commands rely on from the cluster's etcd, run against the FakeCluster and against
// clusterAccess on a real etcd (TLS, authentication off, as a cluster is before its first apply
// turns it on): a fresh etcd's answers, the apply lock, and etcd's users and roles.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LockHolder } from '../../cli/engine/apply-lock.js';
import type { ClusterWriter } from '../../cli/transport/cluster-access.js';
import { prefixPermission } from '../../cli/transport/etcd-auth-admin.js';

export interface ClusterHarness {
  /** Access to a cluster whose etcd runs and holds nothing of cluster lab yet. */
  cluster: ClusterWriter;
  close(): Promise<void>;
}

const holder = (name: string): LockHolder => ({ holder: `${name}@ci pid 1`, commit: 'a'.repeat(40), since: '2026-12-01T00:00:00.000Z' });

export function describeClusterContract(name: string, start: () => Promise<ClusterHarness>): void {
  describe(`cluster contract: ${name}`, () => {
    let harness: ClusterHarness;
    let cluster: ClusterWriter;

    beforeAll(async () => {
      harness = await start();
      ({ cluster } = harness);
    }, 60_000);
    afterAll(() => harness?.close());

    it('answers for a fresh etcd: no DCS config, no member keys, authentication off, its members named', async () => {
      expect(await cluster.dcsConfig()).toBeNull();
      expect(await cluster.memberRecords()).toEqual(new Map());
      expect(await cluster.etcdAuthEnabled()).toBe(false);
      const members = await cluster.etcdMembers();
      expect(members).not.toBe('unreachable');
      for (const member of members as Exclude<typeof members, 'unreachable'>) {
        expect(member.name).toMatch(/\S/);
        expect(member.peerUrls.length).toBeGreaterThan(0);
      }
    });

    it('gives the apply lock to one holder at a time, says who holds it, and frees it on release', async () => {
      const first = cluster.applyLock();
      expect(first.name).toBe('/pgha/lab/lock');
      const taken = await first.tryTake(holder('first'));
      expect('taken' in taken).toBe(true);
      const second = cluster.applyLock();
      expect(await second.tryTake(holder('second'))).toEqual({ heldBy: holder('first') });
      if ('taken' in taken) await taken.taken.release();
      const after = await second.tryTake(holder('second'));
      expect('taken' in after).toBe(true);
      if ('taken' in after) await after.taken.release();
      await first.abandon();
      await second.abandon();
    });

    it("keeps etcd's users and roles as etcdctl would: roles with prefix permissions, users with roles", async () => {
      const admin = await cluster.etcdAuthAdmin();
      expect(await admin.roles()).not.toContain('pgha-contract');
      await admin.createRole('pgha-contract');
      const lab = prefixPermission('Readwrite', '/service/lab/');
      expect(lab).toEqual({ permission: 'Readwrite', key: '/service/lab/', rangeEnd: '/service/lab0' });
      await admin.grant('pgha-contract', [lab, prefixPermission('Read', '/pgha/lab/')]);
      expect(await admin.permissions('pgha-contract')).toEqual(expect.arrayContaining([lab, prefixPermission('Read', '/pgha/lab/')]));
      await admin.revoke('pgha-contract', prefixPermission('Read', '/pgha/lab/'));
      expect(await admin.permissions('pgha-contract')).toEqual([lab]);
      await admin.createUser('contract-user', 'a password');
      expect(await admin.users()).toContain('contract-user');
      await admin.grantRole('contract-user', 'pgha-contract');
      expect(await admin.userRoles('contract-user')).toEqual(['pgha-contract']);
      await admin.setPassword('contract-user', 'another password');
      await admin.revokeRole('contract-user', 'pgha-contract');
      expect(await admin.userRoles('contract-user')).toEqual([]);
    });
  });
}
