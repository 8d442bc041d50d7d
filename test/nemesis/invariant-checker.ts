// What must hold after each healed fault: exactly one primary soon after the heal, every member
// streaming again, no acknowledged write missing on the primary, and no write acknowledged by a
// member after another one was promoted. Lost and dual-primary writes are counted always, and
// are violations only where the cluster promises to prevent them (synchronous mode; a watchdog).
import { SUPERUSER, type AgentCluster } from '../helpers/agent-cluster.js';
import { waitFor } from '../helpers/child-process.js';
import { longestGap, lostWrites, type Ack, type Writer } from '../helpers/writer.js';
import type { PromotionLog } from './promotion-log.js';

/** How long the cluster may take to stream again, or to take writes again, before the run stops. */
const RECOVERY_WAIT_MS = 60_000;

export interface Promises {
  /** No acknowledged write is ever lost (synchronous mode). */
  noLoss: boolean;
  /** No member acknowledges a write once another was promoted (a watchdog resets a stale primary). */
  singleWriter: boolean;
  /** From the heal to exactly one primary: ttl + loop_wait + 2 s. */
  onePrimaryWithinMs: number;
}

export interface Check {
  /** ms from the heal to exactly one member answering 200 on /primary; undefined if it never did. */
  onePrimaryMs: number | undefined;
  /** ms from the heal to every other member streaming from the primary; undefined if they did not. */
  streamingMs: number | undefined;
  /** The longest time without an acknowledged write through HAProxy since the fault began. */
  gapMs: number;
  lost: { haproxy: number; direct: number };
  dualPrimaryAcks: number;
  /** The first and last of those acknowledgements, for the fault's diagnosis. */
  dualPrimaryExamples: string[];
  violations: string[];
  /** False when the cluster did not recover: the run cannot go on. */
  healthy: boolean;
}

export interface Checked {
  cluster: AgentCluster;
  haproxyWriter: Writer;
  directWriter: Writer;
  promotions: PromotionLog;
  promises: Promises;
}

async function timeToOnePrimary(cluster: AgentCluster, healedAt: number): Promise<{ primary: string; ms: number } | undefined> {
  try {
    const primary = await cluster.waitForPrimary(RECOVERY_WAIT_MS);
    return { primary, ms: Date.now() - healedAt };
  } catch {
    return undefined;
  }
}

export class InvariantChecker {
  private readonly lost = new Set<number>();
  /** How many acknowledgements of each writer were already looked at for a second primary. */
  private readonly examined = new Map<Writer, number>();

  constructor(private readonly checked: Checked) {}

  async afterFault(startedAt: number, healedAt: number): Promise<Check> {
    const { cluster, promises, haproxyWriter } = this.checked;
    const violations: string[] = [];
    const one = await timeToOnePrimary(cluster, healedAt);
    if (!one) violations.push(`no single primary within ${RECOVERY_WAIT_MS} ms of the heal (now: ${(await cluster.primaries()).join(', ') || 'none'})`);
    else if (one.ms > promises.onePrimaryWithinMs) violations.push(`one primary only ${one.ms} ms after the heal (bound ${promises.onePrimaryWithinMs} ms)`);
    const settled = one ? await this.recovery(healedAt, violations) : undefined;
    const none = { haproxy: 0, direct: 0 };
    const lost = settled ? await this.newlyLost(settled.primary).catch((error: unknown) => (violations.push(`lost writes not counted: ${String(error)}`), none)) : none;
    const dual = this.secondPrimaryAcks();
    const dualPrimaryAcks = dual.length;
    if (promises.noLoss && lost.haproxy + lost.direct > 0) violations.push(`${lost.haproxy + lost.direct} acknowledged writes missing on the primary`);
    if (promises.singleWriter && dualPrimaryAcks > 0) violations.push(`${dualPrimaryAcks} writes acknowledged by a member after another was promoted`);
    return {
      onePrimaryMs: one?.ms,
      streamingMs: settled?.streamingMs,
      gapMs: longestGap(haproxyWriter.acks, startedAt),
      lost,
      dualPrimaryAcks,
      dualPrimaryExamples: [dual[0], dual.at(-1)].filter((a) => a !== undefined).map((a) => this.describeAck(a)),
      violations,
      healthy: settled !== undefined,
    };
  }

  /**
   * The primary every other member streams from, and ms from the heal to that (a write through
   * HAProxy must follow); undefined, with a violation, if that did not happen. The primary may
   * change on the way: a reset after the heal (a watchdog) fails over again.
   */
  private async recovery(healedAt: number, violations: string[]): Promise<{ primary: string; streamingMs: number } | undefined> {
    const { cluster, haproxyWriter } = this.checked;
    try {
      const primary = await cluster.waitForSettled(RECOVERY_WAIT_MS);
      const streamingMs = Date.now() - healedAt;
      const resumedFrom = Date.now();
      await waitFor('a write through HAProxy', () => haproxyWriter.acks.some((a) => a.at >= resumedFrom), RECOVERY_WAIT_MS, 50);
      return { primary, streamingMs };
    } catch (error) {
      violations.push(`the cluster did not recover (primaries now: ${(await cluster.primaries()).join(', ') || 'none'}): ${String(error)}`);
      return undefined;
    }
  }

  /** Every member answers 200 on /health (its PostgreSQL runs). */
  async allHealthy(): Promise<string[]> {
    const { cluster } = this.checked;
    const answers = await Promise.all(cluster.members.map(async (m) => ({ name: m.name, status: (await cluster.api(m.name, '/health').catch(() => ({ status: 0 }))).status })));
    return answers.filter((a) => a.status !== 200).map((a) => `${a.name} answers ${a.status} on /health at the end`);
  }

  private async newlyLost(primary: string): Promise<{ haproxy: number; direct: number }> {
    const { cluster, haproxyWriter, directWriter } = this.checked;
    const acks = [...haproxyWriter.acks, ...directWriter.acks];
    const missing = await lostWrites(acks, { port: cluster.member(primary).pgPort, user: SUPERUSER.username, password: SUPERUSER.password });
    const fresh = missing.filter((id) => !this.lost.has(id));
    for (const id of fresh) this.lost.add(id);
    return { haproxy: fresh.filter((id) => id > 0).length, direct: fresh.filter((id) => id < 0).length };
  }

  /** Acknowledgements, not looked at before, from a member other than the one last promoted before them. */
  private secondPrimaryAcks(): Ack[] {
    const { cluster, promotions, haproxyWriter, directWriter } = this.checked;
    const portOf = new Map(cluster.members.map((m) => [m.name, m.pgPort]));
    const second: Ack[] = [];
    for (const writer of [haproxyWriter, directWriter]) {
      const from = this.examined.get(writer) ?? 0;
      const fresh: Ack[] = writer.acks.slice(from);
      this.examined.set(writer, from + fresh.length);
      second.push(...fresh.filter((a) => a.port !== 0 && a.port !== portOf.get(promotions.primaryAt(a.at))));
    }
    return second.sort((a, b) => a.at - b.at);
  }

  private describeAck(ack: Ack): string {
    const { cluster, promotions } = this.checked;
    const member = cluster.members.find((m) => m.pgPort === ack.port)?.name ?? `port ${ack.port}`;
    return `write ${ack.id} acknowledged by ${member} at ${new Date(ack.at).toISOString()}, when ${promotions.primaryAt(ack.at)} was the last promoted`;
  }
}
