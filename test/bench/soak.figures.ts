// A soak under steady load: a three-member cluster with pgha's default profile (ttl 10,
// loop_wait 2, retry_timeout 4) runs pgbench through HAProxy for PGHA_SOAK_MINUTES (default 30)
// while the leader is watched every second. Prints the number of unplanned failovers (leader
// changes, none of which this run causes) and pgbench's own summary. Never fails on timing.
// Run: npx vitest run --config test/bench/vitest.config.ts soak
import { describe, it } from 'vitest';
import { AgentCluster } from '../helpers/agent-cluster.js';
import { pgbench } from './pgbench.js';

const MINUTES = Number(process.env.PGHA_SOAK_MINUTES ?? 30);

describe(`soak: ${MINUTES} minutes of pgbench`, () => {
  it('counts unplanned failovers', async () => {
    const cluster = await AgentCluster.start();
    const haproxy = await cluster.startHaproxy().catch(async (error: unknown) => {
      await cluster.stop();
      throw error;
    });
    try {
      const first = await cluster.waitForPrimary(60_000);
      await cluster.waitForReplicas(first, 60_000);
      const timeoutMs = (MINUTES + 5) * 60_000;
      await pgbench(haproxy.port, ['-i', '-s', '10', '-q'], timeoutMs);
      const leaders: { at: number; name: string }[] = [{ at: Date.now(), name: first }];
      let watching = true;
      const watch = (async () => {
        while (watching) {
          const primaries = await cluster.primaries();
          if (primaries.length === 1 && primaries[0] !== leaders.at(-1)!.name) {
            leaders.push({ at: Date.now(), name: primaries[0]! });
            console.log(`leader changed to ${primaries[0]} at ${new Date().toISOString()}`);
          }
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
      })();
      const run = await pgbench(haproxy.port, ['-c', '4', '-j', '2', '-T', String(MINUTES * 60), '-P', '300', '--no-vacuum'], timeoutMs).catch((error: { stdout?: string; stderr?: string }) => ({
        stdout: error.stdout ?? '',
        stderr: error.stderr ?? String(error),
      }));
      watching = false;
      await watch;
      console.log(`soak (${MINUTES} min, pgbench -c 4 through HAProxy): ${leaders.length - 1} unplanned failovers`);
      console.log(run.stdout.split('\n').filter((line) => /^(tps|number of|latency|number of failed)/.test(line)).join('\n'));
      console.log(run.stderr.split('\n').filter((line) => /progress|error|abort/i.test(line)).slice(-12).join('\n'));
    } finally {
      await haproxy.stop();
      await cluster.stop();
    }
  }, (MINUTES + 10) * 60_000);
});
