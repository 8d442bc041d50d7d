// The PostgresController's behaviour as the HA loop relies on it, told as one cluster's story:
// bootstrap, clone, stream, promote past a timeline taken elsewhere, follow the new timeline, rewind the old primary, lose the
// new primary (the timeline a replica reports then, a rewind and a new copy that cannot reach
// it), build a new copy beside the old data, crash, pending restart. Written
// against the interface alone, so the real controller and the in-memory fake pass the same suite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresController, PostgresObservation, PostgresSettings, ReplicationSource } from '../../agent/postgres/postgres-controller.js';
import { waitFor } from '../helpers/child-process.js';

export interface HarnessMember {
  controller: PostgresController;
  /** How other members reach this one. */
  source: ReplicationSource;
  /** The settings the controller was created with, for configure(). */
  settings: PostgresSettings;
}

export interface PostgresControllerHarness {
  /** A controller for a new member of one cluster (shared credentials), its data directory not created yet. */
  create(memberName: string): Promise<HarnessMember>;
  /** kill -9 of the member's postmaster. */
  crash(memberName: string): Promise<void>;
  close(): Promise<void>;
}

const STEP_MS = 60_000;
const STREAMING_WAIT_MS = 20_000;

export function describePostgresControllerContract(name: string, startHarness: () => Promise<PostgresControllerHarness>): void {
  describe(`PostgresController contract: ${name}`, () => {
    let harness: PostgresControllerHarness;
    let pg1: HarnessMember;
    let pg2: HarnessMember;
    let pg3: HarnessMember;

    beforeAll(async () => {
      harness = await startHarness();
      pg1 = await harness.create('pg1');
      pg2 = await harness.create('pg2');
      pg3 = await harness.create('pg3');
    }, STEP_MS);
    afterAll(async () => {
      for (const member of [pg1, pg2, pg3]) await member?.controller.close();
      await harness?.close();
    }, STEP_MS);

    async function observeUntil(member: HarnessMember, what: string, holds: (seen: PostgresObservation) => boolean): Promise<PostgresObservation> {
      let seen: PostgresObservation | undefined;
      try {
        await waitFor(`${member.source.name} ${what}`, async () => holds((seen = await member.controller.observe())), STREAMING_WAIT_MS);
      } catch (error) {
        throw new Error(`${String(error)}\nlast seen: ${JSON.stringify(seen)}`);
      }
      return seen!;
    }

    function streamingFrom(member: HarnessMember, upstream: HarnessMember): Promise<PostgresObservation> {
      return observeUntil(
        member,
        `to stream from ${upstream.source.name}`,
        (seen) => seen.process === 'running' && seen.replicationState === 'streaming' && seen.upstream?.port === upstream.source.port,
      );
    }

    function replicationTo(primary: HarnessMember, replica: HarnessMember): Promise<PostgresObservation> {
      return observeUntil(primary, `to list ${replica.source.name} in its replication`, (seen) =>
        (seen.replication ?? []).some((row) => row.application_name === replica.settings.memberName && row.state === 'streaming'),
      );
    }

    it(
      'bootstraps a running primary on timeline 1',
      async () => {
        expect(['missing', 'empty']).toContain((await pg1.controller.observe()).dataDirectory);
        await pg1.controller.bootstrap({ initdb: ['data-checksums', { encoding: 'UTF8' }] });
        const primary = await pg1.controller.observe();
        expect(primary).toMatchObject({ dataDirectory: 'initialized', process: 'running', inRecovery: false, timeline: 1, pendingRestart: {} });
        expect(primary.systemIdentifier).toMatch(/^\d+$/);
        expect(primary.flushLsn).toBeGreaterThan(0);
        expect(primary.serverVersion).toBeGreaterThanOrEqual(130000);
        expect(primary.postmasterStartTime).toEqual(expect.any(String));
        expect(await pg1.controller.canRewind()).toBe(true);
      },
      STEP_MS,
    );

    it(
      'clones a replica that streams from the primary through the slot made for it',
      async () => {
        const primary = await pg1.controller.observe();
        await pg1.controller.syncReplicationSlots(['pg1', 'pg2']);
        await pg2.controller.cloneFrom(pg1.source);
        expect(await pg2.controller.observe()).toMatchObject({
          dataDirectory: 'initialized',
          process: 'stopped',
          inRecovery: true,
          systemIdentifier: primary.systemIdentifier,
        });
        // The replica asks for its slot by name: it streams only if the primary made it.
        await pg2.controller.startReplica(pg1.source);
        const replica = await streamingFrom(pg2, pg1);
        expect(replica).toMatchObject({
          inRecovery: true,
          timeline: 1,
          timelineSource: 'wal-receiver',
          replayPaused: false,
          upstream: { host: pg1.source.host, port: pg1.source.port },
        });
        expect(replica.receivedLsn).toBeGreaterThanOrEqual(primary.flushLsn!);
        expect(replica.replayedLsn).toBeGreaterThan(0);
        expect(replica.replayedLsn).toBeLessThanOrEqual(replica.receivedLsn!);
        await replicationTo(pg1, pg2);
        await pg1.controller.syncReplicationSlots(['pg2', 'pg3']);
        await pg3.controller.cloneFrom(pg1.source);
        await pg3.controller.startReplica(pg1.source);
        await streamingFrom(pg3, pg1);
      },
      STEP_MS,
    );

    it(
      'promotes the replica past a timeline another member took, onto timeline 3, whose history its PostgreSQL tells over a replication connection',
      async () => {
        await pg2.controller.reserveTimelines(2);
        await pg2.controller.promote();
        const promoted = await pg2.controller.observe();
        expect(promoted).toMatchObject({ process: 'running', inRecovery: false, timeline: 3 });
        expect(promoted.flushLsn).toBeGreaterThan(0);
        expect(await pg1.controller.sourceTimeline(pg1.source)).toEqual({ timeline: 1, history: [] });
        const { timeline, history } = await pg1.controller.sourceTimeline(pg2.source);
        expect(timeline).toBe(3);
        expect(history).toEqual([[1, expect.any(Number)]]);
        expect(history[0]![1]).toBeGreaterThan(0);
        expect(history[0]![1]).toBeLessThanOrEqual(promoted.flushLsn!);
      },
      STEP_MS,
    );

    it(
      'follows the promoted member onto its timeline',
      async () => {
        await pg2.controller.syncReplicationSlots(['pg1', 'pg3']);
        await pg3.controller.follow(pg2.source);
        expect(await streamingFrom(pg3, pg2)).toMatchObject({ inRecovery: true, timeline: 3, timelineSource: 'wal-receiver' });
      },
      STEP_MS,
    );

    it(
      'stops the old primary and rewinds it into a replica of the new one',
      async () => {
        await pg1.controller.stop('fast', { checkpointFirst: true });
        expect(await pg1.controller.observe()).toMatchObject({ process: 'stopped', controlState: 'shut down', inRecovery: false, timeline: 1 });
        // pg_rewind reads the source's timeline from its control file, which a checkpoint updates.
        await pg2.controller.checkpoint();
        await pg2.controller.syncReplicationSlots(['pg1', 'pg2']);
        expect(await pg1.controller.rewindFrom(pg2.source)).toBe('rewound');
        await pg1.controller.startReplica(pg2.source);
        expect(await streamingFrom(pg1, pg2)).toMatchObject({ inRecovery: true, timeline: 3 });
        await replicationTo(pg2, pg1);
      },
      STEP_MS,
    );

    it(
      'reports the timeline a replica replays once its primary is gone: the one it followed, not its last restartpoint\'s',
      async () => {
        await pg2.controller.stop('fast');
        for (const replica of [pg3, pg1]) {
          const seen = await observeUntil(replica, 'to stop streaming', (o) => o.process === 'running' && o.replicationState !== 'streaming');
          expect(seen).toMatchObject({ inRecovery: true, timeline: 3, timelineSource: 'replay' });
        }
        await expect(pg1.controller.sourceTimeline(pg2.source)).rejects.toThrow();
      },
      STEP_MS,
    );

    it(
      'leaves the data as it was when pg_rewind or a new copy cannot reach the source',
      async () => {
        await pg3.controller.stop('fast');
        const before = await pg3.controller.observe();
        expect(before).toMatchObject({ process: 'stopped', controlState: 'shut down in recovery', inRecovery: true, timeline: 3 });
        expect(await pg3.controller.rewindFrom(pg2.source)).toBe('source-unavailable');
        await expect(pg3.controller.recloneFrom(pg2.source)).rejects.toThrow();
        const after = await pg3.controller.observe();
        expect(after).toMatchObject({ dataDirectory: 'initialized', process: 'stopped', inRecovery: true, timeline: 3, systemIdentifier: before.systemIdentifier });
      },
      STEP_MS,
    );

    it(
      'builds a new copy beside a stopped member\'s data and swaps it in',
      async () => {
        await pg2.controller.startPrimary();
        await observeUntil(pg2, 'to run as primary', (o) => o.process === 'running' && o.inRecovery === false);
        await expect(pg1.controller.recloneFrom(pg2.source)).rejects.toThrow();
        await pg3.controller.recloneFrom(pg2.source);
        expect(await pg3.controller.observe()).toMatchObject({ dataDirectory: 'initialized', process: 'stopped', inRecovery: true });
        await pg3.controller.startReplica(pg2.source);
        expect(await streamingFrom(pg3, pg2)).toMatchObject({ timeline: 3 });
        await streamingFrom(pg1, pg2);
      },
      STEP_MS,
    );

    it(
      'reports a killed postmaster as crashed, and restarts the member',
      async () => {
        await harness.crash('pg1');
        await observeUntil(pg1, 'to be seen crashed', (seen) => seen.process === 'crashed');
        await pg1.controller.restart();
        expect(await streamingFrom(pg1, pg2)).toMatchObject({ inRecovery: true, timeline: 3 });
      },
      STEP_MS,
    );

    it(
      'follows another source, or none, without a restart',
      async () => {
        const before = await streamingFrom(pg1, pg2);
        await pg1.controller.follow(null);
        await observeUntil(pg1, 'to stop streaming', (seen) => seen.process === 'running' && seen.replicationState !== 'streaming');
        await pg1.controller.follow(pg2.source);
        expect((await streamingFrom(pg1, pg2)).postmasterStartTime).toBe(before.postmasterStartTime);
      },
      STEP_MS,
    );

    it(
      'reports a restart-only change as pending until the restart',
      async () => {
        const settings = { ...pg2.settings, parameters: { ...pg2.settings.parameters, shared_buffers: '64MB' } };
        expect(await pg2.controller.configure(settings)).toBe(true);
        expect(await pg2.controller.configure(settings)).toBe(false);
        const pending = await observeUntil(pg2, 'to report shared_buffers pending a restart', (seen) => seen.pendingRestart?.shared_buffers !== undefined);
        expect(pending.pendingRestart?.shared_buffers?.new_value).toBe('64MB');
        expect(pending.pendingRestart?.shared_buffers?.old_value).not.toBe('64MB');
        await pg2.controller.restart();
        expect(await pg2.controller.observe()).toMatchObject({ process: 'running', inRecovery: false, timeline: 3, pendingRestart: {} });
      },
      STEP_MS,
    );

    it(
      'reports an immediate stop as a crash',
      async () => {
        await pg2.controller.stop('immediate');
        expect(await pg2.controller.observe()).toMatchObject({ dataDirectory: 'initialized', process: 'crashed', controlState: 'in production' });
      },
      STEP_MS,
    );
  });
}
