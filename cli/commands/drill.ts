// `pgha drill SPEC --fault F`: the test that proves HA on a real cluster. It writes through the
// cluster's own HAProxy, injects one fault into the primary, waits (bounded) until the cluster is
// healthy again with the old primary back in it, and reports the write gap (RTO), the
// acknowledged writes lost (RPO), how long healing took, and whether anyone has to act.
import { setTimeout as sleep } from 'node:timers/promises';
import { randomBytes } from 'node:crypto';
import type { Argv, CommandModule } from 'yargs';
import type { ClusterSpec } from '../../agent/contract/schema-types.js';
import { clusterHealth, type Probe } from '../engine/cluster-gate.js';
import { ExitCode } from '../exit-codes.js';
import { hostsWithRole } from '../spec/host-roles.js';
import { FAULT_MEANING, injectFault } from '../drill/drill-faults.js';
import { DRILL_FAULTS, drillReport, drillReportText, type DrillFault } from '../drill/drill-report.js';
import { startDrillWriter, type DrillWriter } from '../drill/drill-writer.js';
import type { HostConnections } from '../transport/host-connections.js';
import { LEADER_ROLES, type ClusterMember, type ClusterReader } from '../transport/cluster-access.js';
import { UserError } from '../user-error.js';
import type { CommandContext } from './command-context.js';
import { confirmed } from './confirmation.js';
import { liveMembers, operatorSession, withOperatorOptions, type OperatorArgs } from './operator-options.js';

interface DrillArgs extends OperatorArgs {
  fault: DrillFault;
  yes: boolean;
}

const POLL_MS = 250;
/** How long the fault may take to show (a failed write, another leader, the old primary down). */
const DISTURBANCE_MS = 60_000;
const HEAL_MS = 180_000;
/** Writes go on this long once healed, so that a write lost at the end would show too. */
const AFTERWARDS_MS = 2000;


const leaderOf = (members: readonly ClusterMember[] | undefined): ClusterMember | undefined => members?.find((m) => LEADER_ROLES.has(m.role) && m.state === 'running');

/** Polls until `probe` holds, at most `ms`; when it first held, or undefined. */
async function firstTime(ms: number, probe: () => Promise<boolean>): Promise<number | undefined> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return Date.now();
    await sleep(POLL_MS);
  }
  return undefined;
}

async function waitForWrites(writer: DrillWriter, count: number, via: string): Promise<void> {
  if ((await firstTime(20_000, async () => writer.acks.length >= count)) === undefined) {
    throw new UserError(`writes through HAProxy on ${via} do not go through (${writer.failures} failed), so the drill did not start; nothing was changed`);
  }
}

/**
 * Healthy in every sample over two HA cycles (at most a minute): a member that has just rejoined
 * is streaming in the leader's eyes too before the drill strikes.
 */
async function settledHealth(spec: ClusterSpec, cluster: ClusterReader): Promise<Probe> {
  const settleMs = 2 * spec.dcs.loop_wait * 1000 + 1000;
  const deadline = Date.now() + 60_000;
  let healthySince: number | undefined;
  let health: Probe = { ok: false, detail: 'not read' };
  while (Date.now() < deadline) {
    health = clusterHealth(spec, await cluster.members());
    healthySince = health.ok ? (healthySince ?? Date.now()) : undefined;
    if (healthySince !== undefined && Date.now() - healthySince >= settleMs) return health;
    await sleep(POLL_MS);
  }
  return health.ok ? { ok: false, detail: `healthy only now and then within a minute (last: ${health.detail})` } : health;
}

/** A frozen agent leaves its PostgreSQL running: only an armed watchdog resets the host before another member takes over. */
async function requireArmedWatchdog(cluster: ClusterReader, apiUrl: string | undefined, primary: string): Promise<void> {
  const status = apiUrl ? ((await cluster.memberStatus(apiUrl)) as { pgha?: { watchdog?: { state?: string } } } | undefined) : undefined;
  const state = status?.pgha?.watchdog?.state ?? 'unknown';
  if (state !== 'armed') throw new UserError(`--fault agent-freeze needs the primary's watchdog armed, and ${primary}'s is ${state}: without it, nothing would fence a frozen primary`);
}

export function drillCommand(context: CommandContext): CommandModule<object, DrillArgs> {
  return {
    command: 'drill <spec>',
    describe: 'Prove HA on the cluster: a fault in its primary under writes, then RTO, RPO and whether it healed by itself',
    builder: (yargs: Argv) =>
      withOperatorOptions(yargs)
        .option('fault', { describe: 'What happens to the primary', choices: DRILL_FAULTS, default: 'kill' as DrillFault })
        .option('yes', { describe: 'Do not ask for a confirmation', type: 'boolean', default: false })
        .example('$0 drill inventories/lab/cluster.yaml', "Kill the primary's agent and PostgreSQL, asking first")
        .example('$0 drill --fault switchover --yes --json cluster.yaml', 'A planned switchover, from CI, the report as JSON')
        .epilog(
          `Faults: ${DRILL_FAULTS.map((f) => `${f}: ${FAULT_MEANING[f]}`).join('; ')}. ` +
            "The writer inserts one row at a time into pgha_drill through HAProxy's primary port on a host other than the primary's, " +
            'over that host\'s SSH connection. A drill refuses a paused or unhealthy cluster, and agent-freeze without a watchdog. ' +
            'Exit status 0 when the cluster healed by itself and lost no acknowledged write, 1 otherwise.',
        ) as unknown as Argv<DrillArgs>,
    handler: async (args) => {
      const session = await operatorSession(context, args);
      let connections: HostConnections | undefined;
      let writer: DrillWriter | undefined;
      let undo: (() => Promise<void>) | undefined;
      try {
        const { spec, cluster } = session;
        const scope = spec.metadata.name;
        const live = await liveMembers(cluster, scope, 'no drill can run now');
        if (live.document.pause) throw new UserError(`cluster ${scope} is paused (maintenance mode), so it would not fail over and a drill would prove nothing: "pgha resume" first`);
        const health = await settledHealth(spec, cluster);
        if (!health.ok || live.leader === undefined) throw new UserError(`cluster ${scope} is not healthy (${health.detail}): a drill starts only on a healthy cluster`);
        const primary = live.leader;
        if (args.fault === 'agent-freeze') await requireArmedWatchdog(cluster, live.document.members.find((m) => m.name === primary)?.api_url, primary);
        const via = hostsWithRole(spec, 'haproxy').map(({ host }) => host.name).find((name) => name !== primary);
        if (!via) throw new UserError(`a drill writes through HAProxy on a host other than the primary's, and cluster ${scope} has none besides ${primary}`);
        await confirmed(context, args.yes, `Drill on cluster ${scope}: ${FAULT_MEANING[args.fault]}, on the primary ${primary}, under writes through HAProxy on ${via}?`, 'injects a fault into the cluster');

        connections = await context.connect.hosts(spec, { specDirectory: session.directory, acceptNewHostKeys: false, parallelism: 8, env: context.env });
        const { superuser } = spec.postgres.authentication;
        writer = await startDrillWriter({
          forward: connections.forward,
          via: { host: via, port: spec.haproxy.primary_port },
          user: superuser.username,
          password: session.secrets.resolve(superuser.password, 'postgres.authentication.superuser.password'),
          run: `drill-${new Date().toISOString()}-${randomBytes(3).toString('hex')}`,
          maxWrites: 1_000_000,
          maxMs: DISTURBANCE_MS + HEAL_MS + 60_000,
        });
        await waitForWrites(writer, 10, via);
        const progress = (line: string): void => {
          if (!args.json) context.io.err(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
        };
        const transport = connections.transports.get(primary);
        if (!transport) throw new Error(`no connection to host ${primary}`);
        const failuresBefore = writer.failures;
        const faultAt = Date.now();
        progress(`${args.fault} of the primary ${primary}`);
        undo = await injectFault(args.fault, { spec, primary, transport, cluster }).catch((error: unknown) => {
          throw new UserError(`the fault was not injected: ${error instanceof Error ? error.message : String(error)}`);
        });
        const w = writer;
        const members = (): ReturnType<ClusterReader['members']> => cluster.members();
        const disturbed = await firstTime(args.fault === 'etcd-cut' ? 3 * spec.dcs.ttl * 1000 : DISTURBANCE_MS, async () => {
          if (w.failures > failuresBefore) return true;
          const now = await members();
          const old = now?.find((m) => m.name === primary);
          return leaderOf(now)?.name !== primary || (old?.state !== 'running' && old?.state !== 'streaming');
        });
        progress(disturbed === undefined ? `no effect seen within ${DISTURBANCE_MS / 1000} s` : 'the fault shows: writes fail or the leader moved');
        if (undo) {
          // A cluster in failsafe mode keeps its primary through an etcd cut: it is undone after 3 × ttl then.
          const undoWithin = args.fault === 'etcd-cut' ? 3 * spec.dcs.ttl * 1000 : HEAL_MS;
          const elsewhere = await firstTime(undoWithin, async () => leaderOf(await members())?.name !== primary && w.acks.some((a) => a.at > faultAt));
          progress(elsewhere === undefined ? 'writes did not resume elsewhere' : 'writes resume elsewhere: undoing the fault');
          const release = undo;
          undo = undefined;
          await release();
        }
        // Writes must resume after the fault showed: a write acknowledged just after the fault, and a
        // member view that still shows the old primary running, would otherwise read as healed at once.
        const showed = disturbed ?? faultAt;
        const healedAt = await firstTime(HEAL_MS, async () => {
          const now = await members();
          const old = now?.find((m) => m.name === primary);
          return clusterHealth(spec, now).ok && (old?.state === 'running' || old?.state === 'streaming') && w.acks.some((a) => a.at > showed);
        });
        progress(healedAt === undefined ? `not healthy again within ${HEAL_MS / 1000} s` : 'healthy again');
        await sleep(AFTERWARDS_MS);
        await writer.stop();
        const lost = await writer.lost().catch((error: unknown) => {
          throw new UserError(`the drill could not count its lost writes: ${error instanceof Error ? error.message : String(error)}; see "pgha status"`);
        });
        const report = drillReport({ cluster: scope, fault: args.fault, oldPrimary: primary, leaderAfter: leaderOf(await members())?.name }, writer.acks, writer.failures, lost, { faultAt, healedAt });
        context.io.out(args.json ? `${JSON.stringify(report)}\n` : drillReportText(report));
        context.exit(report.healed_by_itself && report.lost_writes === 0 ? ExitCode.ok : ExitCode.failed);
      } finally {
        await undo?.().catch(() => undefined);
        await writer?.stop().catch(() => undefined);
        await writer?.close().catch(() => undefined);
        connections?.close();
        session.close();
      }
    },
  };
}
