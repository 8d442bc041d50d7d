// What to print when the cluster does not recover: per member, what its agent reports, the end of
// its agent's log (without the DEBUG lines, which are mostly lease renewals) and the end of its
// PostgreSQL server log (pg_ctl writes it beside the data directory). The agents' whole logs go
// to a file, whose path is printed.
import { readFile, writeFile } from 'node:fs/promises';
import type { AgentCluster } from '../helpers/agent-cluster.js';
import type { WatchdogEvent } from '../helpers/watchdog-emulator.js';

/** A fault with its heal and recovery lasts well under this. */
const WATCHDOG_EVENTS_KEPT_MS = 120_000;

const tail = (text: string, lines: number): string => text.trimEnd().split('\n').slice(-lines).join('\n');

export async function clusterDiagnosis(cluster: AgentCluster, logFile: string): Promise<string> {
  const parts = await Promise.all(
    cluster.members.map(async (member) => {
      const status = await cluster.status(member.name);
      const summary = status ? ['role', 'state', 'replication_state', 'timeline'].map((field) => `${field} ${JSON.stringify(status[field])}`).join(', ') : 'no answer';
      const agentLog = (member.agent?.output() ?? '').split('\n').filter((line) => !line.includes(' DEBUG: ')).join('\n');
      const serverLog = await readFile(`${member.dataDir}.log`, 'utf8').catch((error: unknown) => String(error));
      return `--- ${member.name}: ${summary}\n${tail(agentLog, 40)}\n--- ${member.name} PostgreSQL log\n${tail(serverLog, 30)}`;
    }),
  );
  await writeFile(logFile, cluster.logs());
  return `${parts.join('\n')}\nthe agents' whole logs (DEBUG included): ${logFile}`;
}

/** What a fault that broke an invariant leaves for its reader: the offending writes, promotions, watchdog events and the agents' logs. */
export async function violationDiagnosis(cluster: AgentCluster, facts: string[], logFile: string): Promise<void> {
  const since = Date.now() - WATCHDOG_EVENTS_KEPT_MS;
  const recent = (events: readonly WatchdogEvent[]) => events.filter((e) => Date.parse(e.at) >= since).map((e) => JSON.stringify(e));
  const watchdogs = cluster.members.map((m) => `--- ${m.name} watchdog (the last ${WATCHDOG_EVENTS_KEPT_MS / 1000} s)\n${recent(m.watchdog?.events ?? []).join('\n')}`);
  await writeFile(logFile, [...facts, ...watchdogs, cluster.logs()].join('\n'));
}
