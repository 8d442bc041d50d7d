// The cluster as this member last read it from etcd, and the dynamic configuration it runs on:
// the last `config` key read, kept through an etcd outage, or the bootstrap one until the
// cluster has one.
import type { Clock } from '../clock/clock.js';
import type { DynamicConfig } from '../contract/schema-types.js';
import { unsupportedDynamicSettings } from '../contract/unsupported-settings.js';
import type { ClusterState, Dcs } from '../dcs/dcs.js';
import type { Logger } from '../logging/logger.js';
import { haSettings, type HaSettings } from './ha-settings.js';

export interface ClusterViewDeps {
  dcs: Dcs;
  clock: Clock;
  log: Logger;
  bootstrapConfig: DynamicConfig;
}

export class ClusterView {
  /** Undefined while etcd does not answer. */
  cluster: ClusterState | undefined;
  /** The last `config` key read. */
  liveConfig: Record<string, unknown> | undefined;
  /** The `failsafe` key as last read: what a primary cut off from etcd asks to confirm it. */
  lastFailsafe: Record<string, string> | undefined;
  /** Monotonic ms of the last successful read. */
  readAt: number | undefined;
  /** Epoch seconds of the last successful read, for `dcs_last_seen`. */
  lastSeen: number | undefined;
  /** The revision of the `config` key last checked for settings this version does not honour. */
  private checkedConfig: number | undefined;

  constructor(private readonly deps: ClusterViewDeps) {}

  async read(): Promise<void> {
    const { dcs, clock, log } = this.deps;
    try {
      this.cluster = await dcs.readCluster();
      this.liveConfig = this.cluster.config?.value ?? this.liveConfig;
      this.lastFailsafe = this.cluster.failsafe;
      this.reportRefusedSettings();
      this.readAt = clock.now();
      this.lastSeen = Math.floor(clock.wallTime().getTime() / 1000);
    } catch (error) {
      this.cluster = undefined;
      log.log('warn', `etcd read failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /**
   * The `config` key may hold what no agent accepted: another tool (patronictl edit-config,
   * etcdctl) writes it directly. The agent cannot refuse it, but it says so, once per change.
   */
  private reportRefusedSettings(): void {
    const config = this.cluster?.config;
    if (!config || config.modRevision === this.checkedConfig) return;
    this.checkedConfig = config.modRevision;
    const refused = unsupportedDynamicSettings(config.value);
    if (refused.length > 0) this.deps.log.log('error', `the cluster configuration asks for what this agent does not do, and it runs without it: ${refused.join('; ')}`);
  }

  settings(): HaSettings {
    return haSettings(this.liveConfig, this.deps.bootstrapConfig);
  }

  /** etcd stopped answering in the middle of a cycle. */
  lose(): void {
    this.cluster = undefined;
  }

  /** What one of our own writes changed, until the next read shows it. */
  amend(change: Partial<ClusterState>): void {
    if (!this.cluster) return;
    this.cluster = { ...this.cluster, ...change };
    if (change.failsafe) this.lastFailsafe = change.failsafe;
  }
}
