// `pgha pause SPEC` and `pgha resume SPEC`: maintenance mode, as patronictl's pause and resume.
// One PATCH /config ({"pause": true}, or null to resume) to the leader, or any agent when none
// leads; with --wait, until every member's key says that it took the change.
import type { Argv, CommandModule } from 'yargs';
import { isPaused } from '../resources/dcs-config.js';
import type { ClusterReader } from '../transport/cluster-access.js';
import { UserError } from '../user-error.js';
import type { CommandContext } from './command-context.js';
import { operatorSession, withOperatorOptions, type OperatorArgs } from './operator-options.js';

interface MaintenanceArgs extends OperatorArgs {
  wait: boolean;
}

const WAIT_MS = 60_000;
const POLL_MS = 500;

/** The members whose key does not say `paused` yet (members publish the pause with each HA cycle). */
async function membersBehind(cluster: ClusterReader, paused: boolean): Promise<string[]> {
  const records = await cluster.memberRecords();
  if (records === 'unreachable') return ['(etcd does not answer)'];
  return [...records].filter(([, record]) => (record.pause === true) !== paused).map(([name]) => name);
}

async function waitForMembers(cluster: ClusterReader, paused: boolean): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const behind = await membersBehind(cluster, paused);
    if (behind.length === 0) return;
    if (Date.now() > deadline) throw new UserError(`the config says ${paused ? 'paused' : 'resumed'}, but after ${WAIT_MS / 1000} s ${behind.join(', ')} still ${behind.length === 1 ? 'does' : 'do'} not report it`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function maintenanceCommand(context: CommandContext, paused: boolean): CommandModule<object, MaintenanceArgs> {
  const verb = paused ? 'pause' : 'resume';
  return {
    command: `${verb} <spec>`,
    describe: paused
      ? 'Maintenance mode: the agents stop failing over, promoting, demoting and restarting PostgreSQL on their own'
      : 'End maintenance mode: automatic failover is armed again',
    builder: (yargs: Argv) =>
      withOperatorOptions(yargs)
        .option('wait', { describe: "Wait until every member's key reports it (at most 60 s)", type: 'boolean', default: false })
        .example(`$0 ${verb} inventories/lab/cluster.yaml`, paused ? 'Pause before maintenance' : 'Resume after maintenance')
        .example(`$0 ${verb} --wait inventories/lab/cluster.yaml`, 'And wait until every member has taken it')
        .epilog(
          paused
            ? 'While paused, a PostgreSQL that stops stays stopped and nothing is promoted; the leader keeps its lock only while ' +
                'its PostgreSQL runs as primary, and the watchdogs are disarmed. A switchover still works, to a named candidate only. ' +
                '"pgha apply" leaves the pause as it is, and "pgha plan" says that the cluster is paused.'
            : 'On resume the agents check their data again (a stopped PostgreSQL is started, a diverged one rewound) and a free leader lock is raced for.',
        ) as unknown as Argv<MaintenanceArgs>,
    handler: async (args) => {
      const session = await operatorSession(context, args);
      try {
        const { cluster, spec } = session;
        const live = await cluster.dcsConfig();
        if (live === 'unreachable') throw new UserError(`etcd does not answer, so cluster ${spec.metadata.name} cannot be ${paused ? 'paused' : 'resumed'} now`);
        if (live === null) throw new UserError(`cluster ${spec.metadata.name} has no DCS config yet: its agents have not bootstrapped it`);
        const already = isPaused(live.value) === paused;
        if (!already) await cluster.patchConfig({ pause: paused ? true : null }, undefined);
        if (args.wait) await waitForMembers(cluster, paused);
        const state = paused ? 'paused' : 'resumed';
        if (args.json) context.io.out(`${JSON.stringify({ cluster: spec.metadata.name, paused, changed: !already, waited: args.wait })}\n`);
        else context.io.out(`Cluster ${spec.metadata.name} ${already ? `was already ${state}` : `is ${state}`}${args.wait ? '; every member reports it' : ''}.\n`);
      } finally {
        session.close();
      }
    },
  };
}

export const pauseCommand = (context: CommandContext): CommandModule<object, MaintenanceArgs> => maintenanceCommand(context, true);
export const resumeCommand = (context: CommandContext): CommandModule<object, MaintenanceArgs> => maintenanceCommand(context, false);
