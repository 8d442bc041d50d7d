// A running agent cluster with HAProxy in front and a writer inserting through it: the setting
// of every failure scenario.
import { AgentCluster, SUPERUSER, type ClusterOptions } from './agent-cluster.js';
import { waitFor } from './child-process.js';
import type { Haproxy } from './haproxy.js';
import { lostWrites, startWriter, type Ack, type Writer } from './writer.js';

export interface ClusterUnderLoad {
  cluster: AgentCluster;
  haproxy: Haproxy;
  writer: Writer;
  primary: string;
  /** Acknowledged writes since `since` (Date.now() ms). */
  acksSince(since: number): Ack[];
  /** Waits until a write made after `since` is acknowledged by `member`'s PostgreSQL. */
  waitForWritesOn(member: string, since: number, timeoutMs: number): Promise<void>;
  /** Stops the writer and counts acknowledged writes missing on `primary`. */
  finish(primary: string): Promise<number[]>;
  stop(): Promise<void>;
}

/** `writeForMs` bounds the writer's run (30 minutes by default), for runs longer than that. */
export async function startClusterUnderLoad(options: ClusterOptions = {}, writeForMs?: number): Promise<ClusterUnderLoad> {
  const cluster = await AgentCluster.start(options);
  let haproxy: Haproxy | undefined;
  let writer: Writer | undefined;
  try {
    const primary = await cluster.waitForPrimary(60_000);
    await cluster.waitForReplicas(primary, 60_000);
    haproxy = await cluster.startHaproxy();
    writer = startWriter({ port: haproxy.port, user: SUPERUSER.username, password: SUPERUSER.password, ...(writeForMs ? { maxRunMs: writeForMs } : {}) });
    const started = Date.now();
    const port = (name: string): number => cluster.member(name).pgPort;
    const load: ClusterUnderLoad = {
      cluster,
      haproxy,
      writer,
      primary,
      acksSince: (since) => writer!.acks.filter((a) => a.at >= since),
      waitForWritesOn: (member, since, timeoutMs) =>
        waitFor(`writes acknowledged by ${member}`, () => writer!.acks.some((a) => a.at >= since && a.port === port(member)), timeoutMs, 50),
      async finish(on) {
        await writer!.stop();
        return lostWrites(writer!.acks, { port: port(on), user: SUPERUSER.username, password: SUPERUSER.password });
      },
      async stop() {
        await writer?.stop();
        await haproxy?.stop();
        await cluster.stop();
      },
    };
    await load.waitForWritesOn(primary, started, 20_000);
    return load;
  } catch (error) {
    await writer?.stop();
    await haproxy?.stop();
    const logs = cluster.logs();
    await cluster.stop();
    throw new Error(`${String(error)}\n${logs}`);
  }
}

/** Runs `scenario` on a new cluster under load, adds the agents' logs to its failure, and stops the cluster however it ends. */
export async function onClusterUnderLoad<T>(options: ClusterOptions, scenario: (load: ClusterUnderLoad) => Promise<T>): Promise<T> {
  const load = await startClusterUnderLoad(options);
  try {
    return await scenario(load);
  } catch (error) {
    throw new Error(`${String(error)}\n${load.cluster.logs()}`);
  } finally {
    await load.stop();
  }
}
