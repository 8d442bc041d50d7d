// The faults a drill injects on the primary's host, over its SSH connection (a switchover through
// the agents' REST API): each returns what undoes it once writes resume elsewhere, if anything.
import type { ClusterSpec } from '../../agent/contract/schema-types.js';
import { AGENT_UNIT } from '../desired/agent-unit.js';
import { withVersion } from '../desired/agent-config.js';
import type { ClusterWriter } from '../transport/cluster-access.js';
import type { Transport } from '../transport/transport.js';
import type { DrillFault } from './drill-report.js';

const SWITCHOVER_ATTEMPTS = 3;
const SWITCHOVER_RETRY_MS = 3000;
/** The nftables table an etcd cut lives in, on the primary's host only. */
const CUT_TABLE = ['inet', 'pgha_drill'];

export interface FaultTarget {
  spec: ClusterSpec;
  primary: string;
  transport: Transport;
  cluster: ClusterWriter;
}

/** What the fault does, for the confirmation and --help. */
export const FAULT_MEANING: Readonly<Record<DrillFault, string>> = {
  kill: 'SIGKILL of its agent and PostgreSQL (systemctl kill -s KILL pgha-agent.service), as a host that dies',
  'postgres-crash': 'SIGKILL of its postmaster alone; its agent stays',
  switchover: 'a switchover to the healthiest replica (POST /switchover)',
  'agent-freeze': 'SIGSTOP of its agent alone until writes resume elsewhere, then SIGCONT (the watchdog must fence it)',
  'etcd-cut': "its agent cut off from etcd (an nftables rule drops the postgres user's packets to etcd's client port) until writes resume elsewhere or 3 × ttl passed",
};

async function run(target: FaultTarget, argv: string[]): Promise<string> {
  const result = await target.transport.run(argv);
  if (result.exitCode !== 0) throw new Error(`${target.primary}: ${argv.join(' ')} failed: ${result.stderr.trim() || `exit status ${result.exitCode}`}`);
  return result.stdout.trim();
}

/** Injects the fault; resolves with what undoes it (agent-freeze), or nothing. */
export async function injectFault(fault: DrillFault, target: FaultTarget): Promise<(() => Promise<void>) | undefined> {
  switch (fault) {
    case 'kill':
      await run(target, ['systemctl', 'kill', '-s', 'KILL', AGENT_UNIT]);
      return undefined;
    case 'postgres-crash': {
      const pid = (await run(target, ['head', '-1', `${withVersion(target.spec.postgres.data_dir, target.spec)}/postmaster.pid`])).trim();
      if (!/^\d+$/.test(pid)) throw new Error(`${target.primary}: no postmaster pid in postmaster.pid (read "${pid.slice(0, 40)}")`);
      await run(target, ['kill', '-KILL', pid]);
      return undefined;
    }
    case 'switchover': {
      // A leader that finds no replica fit to take over right now refuses (503, 412): asked again, as an operator would.
      for (let attempt = 1; ; attempt++) {
        const { member, answer } = await target.cluster.callAgents('POST', '/switchover', { leader: target.primary }, {}, 60_000);
        if (answer.status === 200) return undefined;
        if (attempt >= SWITCHOVER_ATTEMPTS || (answer.status !== 503 && answer.status !== 412)) {
          throw new Error(`the switchover was refused by ${member} (${answer.status}): ${answer.text.trim().slice(0, 300)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, SWITCHOVER_RETRY_MS));
      }
    }
    case 'etcd-cut':
      return cutFromEtcd(target);
    case 'agent-freeze': {
      const pid = await run(target, ['systemctl', 'show', '-p', 'MainPID', '--value', AGENT_UNIT]);
      if (!/^[1-9]\d*$/.test(pid)) throw new Error(`${target.primary}: ${AGENT_UNIT} has no main process to freeze`);
      await run(target, ['kill', '-STOP', pid]);
      return async () => {
        await run(target, ['kill', '-CONT', pid]);
      };
    }
  }
}

/**
 * Drops what the agent (user postgres) sends to etcd's client port; etcd's own peer traffic and
 * everyone else's go on. A timer on the host deletes the rule by itself should pgha never come
 * back to do it.
 */
async function cutFromEtcd(target: FaultTarget): Promise<() => Promise<void>> {
  const { spec } = target;
  if ((await target.transport.run(['nft', '--version'])).exitCode !== 0) throw new Error(`${target.primary} has no nft (Debian package nftables), which --fault etcd-cut needs`);
  const failsafeSeconds = 3 * spec.dcs.ttl + 300;
  const timer = `pgha-drill-heal-${Date.now()}`;
  await run(target, ['systemd-run', `--unit=${timer}`, `--on-active=${failsafeSeconds}`, 'nft', 'delete', 'table', ...CUT_TABLE]);
  await run(target, ['nft', 'add', 'table', ...CUT_TABLE]);
  await run(target, ['nft', 'add', 'chain', ...CUT_TABLE, 'output', '{', 'type', 'filter', 'hook', 'output', 'priority', '0', ';', '}']);
  await run(target, ['nft', 'add', 'rule', ...CUT_TABLE, 'output', 'meta', 'skuid', 'postgres', 'tcp', 'dport', String(spec.etcd.client_port), 'drop']);
  return async () => {
    await run(target, ['nft', 'delete', 'table', ...CUT_TABLE]);
    await target.transport.run(['systemctl', 'stop', `${timer}.timer`]);
  };
}
