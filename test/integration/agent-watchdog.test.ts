// The watchdog on a real cluster, each member's device a watchdog emulator (test/watchdog/
// emulator.mjs) that SIGKILLs the member's agent and PostgreSQL when it fires, as a host reset
// would. A frozen primary agent must be fenced before its leader key expires; a clean stop or a
// switchover disarms it; a member whose required watchdog is unusable never leads, and says why.
import { describe, expect, it } from 'vitest';
import { SUPERUSER, type ClusterWatchdog } from '../helpers/agent-cluster.js';
import { promotionTime } from '../helpers/agent-log.js';
import { waitFor } from '../helpers/child-process.js';
import { onClusterUnderLoad, type ClusterUnderLoad } from '../helpers/cluster-under-load.js';
import { startDirectWriter } from '../helpers/direct-writer.js';
import type { WatchdogEmulator, WatchdogEvent } from '../helpers/watchdog-emulator.js';
import type { Ack } from '../helpers/writer.js';

const SCENARIO_MS = 120_000;
const TTL_MS = 10_000;
const SAFETY_MARGIN = 5;
/** ttl 10, loop_wait 2, retry_timeout 4 (the cluster's defaults), safety_margin 5: the emulators fire 5 s after the last keepalive. */
const REQUIRED: ClusterWatchdog = { mode: 'required', safetyMargin: SAFETY_MARGIN };
const TIMEOUT_MS = TTL_MS - SAFETY_MARGIN * 1000;

const at = (event: WatchdogEvent): number => Date.parse(event.at);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Freeze {
  old: string;
  next: string;
  frozenAt: number;
  promotedAt: number;
  /** Writes the old primary acknowledged after the freeze, through HAProxy or straight to it. */
  oldAcks: Ack[];
}

/**
 * SIGSTOP of the primary's agent alone (PostgreSQL keeps running), with a second writer that
 * keeps writing straight to the old primary until another member answers /primary; returns
 * once that writer wrote to the new primary.
 */
async function freezePrimaryAgent(load: ClusterUnderLoad): Promise<Freeze> {
  const { cluster, primary: old } = load;
  const oldPort = cluster.member(old).pgPort;
  const direct = startDirectWriter({ members: cluster.members, user: SUPERUSER.username, password: SUPERUSER.password, maxRunMs: SCENARIO_MS });
  try {
    await waitFor(`direct writes on ${old}`, () => direct.acks.some((a) => a.port === oldPort), 10_000, 50);
    const frozenAt = Date.now();
    await cluster.signal(old, 'SIGSTOP', 'agent');
    const next = await cluster.waitForPrimary(TTL_MS + 20_000, old);
    const nextPort = cluster.member(next).pgPort;
    await waitFor(`direct writes on ${next}`, () => direct.acks.some((a) => a.port === nextPort), 20_000, 50);
    const promotedAt = promotionTime(cluster.member(next).agent?.output() ?? '');
    const oldAcks = [...load.writer.acks, ...direct.acks].filter((a) => a.port === oldPort && a.at >= frozenAt).sort((a, b) => a.at - b.at);
    return { old, next, frozenAt, promotedAt, oldAcks };
  } finally {
    await direct.stop();
  }
}

function describeFreeze(freeze: Freeze, lateAcks: Ack[]): string {
  const lastOld = freeze.oldAcks.at(-1)?.at;
  return (
    `last write acknowledged by the old primary ${lastOld === undefined ? 'before the freeze' : `${lastOld - freeze.frozenAt} ms after it`}, ` +
    `promotion ${freeze.promotedAt - freeze.frozenAt} ms after it; ${lateAcks.length} writes acknowledged by the old primary after the promotion`
  );
}

/** `event`s of `emulator` from index `since` on. */
const eventsSince = (emulator: WatchdogEmulator, since: number, event: WatchdogEvent['event']): WatchdogEvent[] => emulator.events.slice(since).filter((e) => e.event === event);

describe('the watchdog', () => {
  it('resets a primary whose agent alone froze before its leader key expires: no write on it after the promotion, and it rejoins', () =>
    onClusterUnderLoad({ watchdog: REQUIRED }, async (load) => {
      const { cluster, primary: old } = load;
      const emulator = cluster.member(old).watchdog!;
      const [agentPid, postmasterPid] = [cluster.member(old).agent!.pid, await cluster.postmasterPid(old)];
      const since = emulator.events.length;
      const freeze = await freezePrimaryAgent(load);
      const expired = await emulator.waitForEvent('expired', 1000, since);
      const killed = await emulator.waitForEvent('killed', 1000, since);
      const expiredIndex = emulator.events.indexOf(expired);
      const lastKeepalive = emulator.events.slice(0, expiredIndex).findLast((e) => e.event === 'keepalive')!;
      // The keepalive follows the last renewal within milliseconds: the key expires ttl after it, at the latest.
      const keyExpiresBy = at(lastKeepalive) + TTL_MS;
      const lateAcks = freeze.oldAcks.filter((a) => a.at >= freeze.promotedAt);
      console.log(
        `watchdog required, agent frozen: the emulator fired ${at(expired) - freeze.frozenAt} ms after the freeze, ${at(expired) - at(lastKeepalive)} ms after the last keepalive, ` +
          `${keyExpiresBy - at(expired)} ms before the leader key could expire; ${describeFreeze(freeze, lateAcks)}`,
      );
      expect(killed.pids).toEqual(expect.arrayContaining([agentPid, postmasterPid]));
      expect(at(expired) - at(lastKeepalive)).toBeLessThan(TIMEOUT_MS + 1000);
      expect(at(expired)).toBeLessThan(keyExpiresBy - (SAFETY_MARGIN - 1) * 1000);
      expect(at(expired)).toBeLessThan(freeze.promotedAt);
      expect(lateAcks).toEqual([]);
      expect(cluster.resetMembers()).toEqual([old]);
      await cluster.startAgent(old);
      await cluster.waitForRejoin(old, 60_000);
      expect(await cluster.primaries()).toEqual([freeze.next]);
    }), SCENARIO_MS);

  it('without a watchdog, lets the old primary acknowledge writes after the promotion (what the watchdog prevents)', () =>
    onClusterUnderLoad({}, async (load) => {
      const { cluster } = load;
      const freeze = await freezePrimaryAgent(load);
      const lateAcks = freeze.oldAcks.filter((a) => a.at >= freeze.promotedAt);
      console.log(`no watchdog, agent frozen: ${describeFreeze(freeze, lateAcks)}`);
      expect(lateAcks.length).toBeGreaterThan(0);
      await cluster.signal(freeze.old, 'SIGCONT', 'agent');
      await cluster.waitForRejoin(freeze.old, 60_000);
      expect(await cluster.primaries()).toEqual([freeze.next]);
    }), SCENARIO_MS);

  it('is disarmed by a switchover and by a clean stop of the primary agent, and never fires after', () =>
    onClusterUnderLoad({ watchdog: REQUIRED }, async (load) => {
      const { cluster, primary: first } = load;
      const second = cluster.members.find((m) => m.name !== first)!.name;
      const [firstDog, secondDog] = [cluster.member(first).watchdog!, cluster.member(second).watchdog!];
      const [firstSince, secondSince] = [firstDog.events.length, secondDog.events.length];
      const switchedAt = Date.now();
      const answer = await cluster.api(first, '/switchover', { method: 'POST', body: JSON.stringify({ leader: first, candidate: second }) });
      expect(answer).toEqual({ status: 200, body: `Successfully switched over to "${second}"` });
      const switchedOver = await firstDog.waitForEvent('magic-close', 10_000, firstSince);
      await secondDog.waitForEvent('keepalive', 10_000, secondSince);
      const stoppedAt = Date.now();
      await cluster.member(second).agent!.stop(30_000);
      const stopped = await secondDog.waitForEvent('magic-close', 1000, secondSince);
      expect(cluster.member(second).agent!.output()).toMatch(/released the leader lock on shutdown/);
      const third = await cluster.waitForPrimary(TTL_MS, second);
      console.log(
        `switchover: ${first}'s watchdog disarmed ${at(switchedOver) - switchedAt} ms after the request; ` +
          `clean stop: ${second}'s watchdog disarmed ${at(stopped) - stoppedAt} ms after the SIGTERM; ${third} leads now`,
      );
      await sleep(Math.max(0, at(stopped) + 2 * TIMEOUT_MS - Date.now()));
      expect(eventsSince(firstDog, firstSince, 'expired')).toEqual([]);
      expect(eventsSince(secondDog, secondSince, 'expired')).toEqual([]);
      expect(eventsSince(secondDog, secondSince, 'close-without-magic')).toEqual([]);
      expect(at(switchedOver)).toBeLessThan(stoppedAt);
    }), SCENARIO_MS);

  it('shows an armed watchdog in /patroni and /metrics, and a member whose required watchdog is unusable never leads and says why', () =>
    onClusterUnderLoad({ watchdog: REQUIRED }, async (load) => {
      const { cluster, primary } = load;
      const [broken, healthy] = cluster.members.filter((m) => m.name !== primary).map((m) => m.name) as [string, string];
      const emulator = cluster.member(primary).watchdog!;

      const watchdogOf = async (name: string): Promise<Record<string, unknown>> => ((await cluster.status(name))?.pgha as { watchdog: Record<string, unknown> }).watchdog;
      const metric = async (name: string): Promise<number | undefined> => {
        const text = (await cluster.api(primary, '/metrics')).body;
        const line = text.split('\n').find((l) => l.startsWith(`${name}{`));
        return line === undefined ? undefined : Number(line.split(' ').at(-1));
      };
      const before = await watchdogOf(primary);
      const keepalivesBefore = await metric('pgha_watchdog_keepalives_total');
      await sleep(4500);
      const after = await watchdogOf(primary);
      const metrics = Object.fromEntries(
        await Promise.all(['armed', 'failed', 'timeout_seconds', 'keepalives_total', 'last_keepalive_timestamp_seconds'].map(async (n) => [n, await metric(`pgha_watchdog_${n}`)] as const)),
      );
      console.log(`primary ${primary}: pgha.watchdog ${JSON.stringify(before)} then, 4.5 s later, ${JSON.stringify(after)}; metrics ${JSON.stringify(metrics)}; emulator counted ${emulator.events.at(-1)?.counters.keepalives} keepalives`);
      expect(after).toMatchObject({ mode: 'required', state: 'armed', device: emulator.devicePath, timeout: TIMEOUT_MS / 1000 });
      expect(after.keepalives as number).toBeGreaterThanOrEqual((before.keepalives as number) + 2);
      expect(Date.now() - Date.parse(after.last_keepalive as string)).toBeLessThan(4000);
      expect(metrics).toMatchObject({ armed: 1, failed: 0, timeout_seconds: TIMEOUT_MS / 1000 });
      expect(metrics.keepalives_total!).toBeGreaterThan(keepalivesBefore!);
      expect(Date.now() / 1000 - metrics.last_keepalive_timestamp_seconds!).toBeLessThan(4);
      expect((await cluster.status(primary))?.watchdog_failed).toBeUndefined();
      expect(await watchdogOf(healthy)).toMatchObject({ mode: 'required', state: 'disabled', timeout: TIMEOUT_MS / 1000 });

      // The device vanishes (its emulator stops, which removes the FIFO): this replica may no longer lead.
      await cluster.member(broken).watchdog!.stop();
      await waitFor(`${broken} to report watchdog_failed`, async () => (await cluster.status(broken))?.watchdog_failed === true, 10_000, 200);
      const failed = await watchdogOf(broken);
      console.log(`${broken} without its device: pgha.watchdog ${JSON.stringify(failed)}`);
      expect(failed).toMatchObject({ mode: 'required', state: 'failed', failure: `watchdog device ${cluster.member(broken).watchdog!.devicePath} does not exist (is a watchdog driver such as softdog loaded?)` });
      expect((await cluster.status(healthy))?.watchdog_failed).toBeUndefined();

      await cluster.kill(primary);
      expect(await cluster.waitForPrimary(TTL_MS + 20_000, primary)).toBe(healthy);
      await cluster.waitForRejoin(broken, 30_000);
      for (let i = 0; i < 8; i++) {
        expect(await cluster.primaries()).toEqual([healthy]);
        await sleep(250);
      }
      expect(cluster.member(broken).agent!.output()).not.toMatch(/INFO: promoting:/);
    }), SCENARIO_MS);
});
