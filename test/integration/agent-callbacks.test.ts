// postgresql.callbacks on three real agents: each member's script records its argv (Patroni's
// `<action> <role> <scope>` after the command's own words) for the start, a switchover's role
// changes and stop; an on_start that never ends is cut at callback_timeout, with its child, while
// the cluster forms and the leader keeps renewing its lock.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentCluster } from '../helpers/agent-cluster.js';
import { waitFor } from '../helpers/child-process.js';
import { processRuns } from '../helpers/process-tree.js';

const SCENARIO_MS = 180_000;

let cluster: AgentCluster | undefined;

afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
}, 60_000);

const ACTIONS = ['on_start', 'on_stop', 'on_restart', 'on_reload', 'on_role_change'];

/** Each member's callbacks: `script`, written into its directory, with the words `member <name>` before Patroni's arguments. */
function withCallbacks(script: string, timeoutSeconds?: number) {
  return (name: string, dir: string): Record<string, unknown> => {
    const path = join(dir, 'callback.sh');
    writeFileSync(path, `#!/bin/sh\n${script}\n`, { mode: 0o755 });
    return { callbacks: Object.fromEntries(ACTIONS.map((action) => [action, `${path} member ${name}`])), ...(timeoutSeconds && { callback_timeout: timeoutSeconds }) };
  };
}

const RECORD = 'echo "$*" >> "$(dirname "$0")/argv"';
const recorded = (c: AgentCluster, name: string): string[] => {
  try {
    return readFileSync(join(c.root, name, 'argv'), 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
};

describe('callbacks', () => {
  it('runs on_start, on_role_change on both sides of a switchover, and on_stop, with Patroni\'s arguments', async () => {
    cluster = await AgentCluster.start({ memberPostgresql: withCallbacks(RECORD) });
    const c = cluster;
    await c.withLogs(async () => {
      const primary = await c.waitForPrimary(60_000);
      await c.waitForReplicas(primary, 60_000);
      const scope = c.scope;
      const replicas = c.members.map((m) => m.name).filter((n) => n !== primary);
      await waitFor('every on_start', () => c.members.every((m) => recorded(c, m.name).length > 0), 10_000);
      expect(recorded(c, primary)).toEqual([`member ${primary} on_start primary ${scope}`]);
      for (const replica of replicas) expect(recorded(c, replica)).toEqual([`member ${replica} on_start replica ${scope}`]);

      const candidate = replicas[0]!;
      const answer = await c.api(primary, '/switchover', { method: 'POST', body: JSON.stringify({ leader: primary, candidate }) });
      expect(answer.status, answer.body).toBe(200);
      await c.waitForReplicas(await c.waitForPrimary(20_000), 60_000);
      await waitFor('the role changes', () => recorded(c, primary).length === 3 && recorded(c, candidate).length === 2, 10_000);
      expect(recorded(c, candidate)).toEqual([`member ${candidate} on_start replica ${scope}`, `member ${candidate} on_role_change primary ${scope}`]);
      expect(recorded(c, primary)).toEqual([`member ${primary} on_start primary ${scope}`, `member ${primary} on_stop primary ${scope}`, `member ${primary} on_role_change replica ${scope}`]);

      const other = replicas[1]!;
      await c.member(other).agent!.stop(15_000);
      expect(recorded(c, other).at(-1)).toBe(`member ${other} on_stop replica ${scope}`);
    });
  }, SCENARIO_MS);

  it('cuts an on_start that never ends at callback_timeout, with its child, while the cluster forms and the leader renews its lock', async () => {
    cluster = await AgentCluster.start({ memberPostgresql: withCallbacks(`${RECORD}; [ "$3" = on_start ] || exit 0; sleep 600 & echo $! > "$(dirname "$0")/child"; wait`, 12) });
    const c = cluster;
    await c.withLogs(async () => {
      const startedAt = Date.now();
      const primary = await c.waitForPrimary(60_000);
      await c.waitForReplicas(primary, 60_000);
      const formedMs = Date.now() - startedAt;
      const child = Number(readFileSync(join(c.root, primary, 'child'), 'utf8'));
      expect(processRuns(child), 'the callback still runs while the cluster formed').toBe(true);
      const renewals = async (): Promise<number> => Number(((await c.status(primary))?.pgha as { leader_until?: number } | undefined)?.leader_until ?? 0);
      const first = await renewals();
      await waitFor('the callback cut at its bound', () => c.logs().includes('callback on_start primary was cut at its bound of 12 s'), 30_000, 250);
      expect(processRuns(child)).toBe(false);
      expect(await c.primaries()).toEqual([primary]);
      expect(await renewals()).toBeGreaterThan(0);
      console.log(`a callback that never ends: the cluster formed in ${formedMs} ms beside it; leader_until ${first} s then ${await renewals()} s; cut at 12 s`);
    });
  }, SCENARIO_MS);
});
