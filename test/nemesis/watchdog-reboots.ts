// A host its watchdog reset boots again. From the heal of a fault until the next one starts, every
// agent its watchdog emulator killed is started again as soon as it is seen dead: a reset may come
// at the heal (a frozen primary) or later (a new primary whose loop could not feed its watchdog in
// time). During a fault nothing boots, so that the fault lasts as long as the schedule says.
import type { AgentCluster } from '../helpers/agent-cluster.js';

const POLL_MS = 250;

export class WatchdogReboots {
  private timer: NodeJS.Timeout | undefined;
  private booting: Promise<void> = Promise.resolve();
  private rebooted: string[] = [];

  constructor(
    private readonly cluster: AgentCluster,
    private readonly restart: (name: string) => Promise<void>,
  ) {}

  /** Boots every reset host now, and keeps watching until `pause()`. */
  resume(): Promise<void> {
    this.timer ??= setInterval(() => void this.bootReset(), POLL_MS);
    return this.bootReset();
  }

  /** Stops watching (a fault is about to start); resolves once a boot under way has ended. */
  async pause(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.booting;
  }

  /** The members booted again since the last call, with why a boot failed when it did. */
  take(): string[] {
    const rebooted = this.rebooted;
    this.rebooted = [];
    return rebooted;
  }

  private bootReset(): Promise<void> {
    this.booting = this.booting.then(async () => {
      for (const name of this.cluster.resetMembers()) {
        const failed = await this.restart(name).then(
          () => '',
          (error: unknown) => ` (boot failed: ${String(error)})`,
        );
        this.rebooted.push(`${name}${failed}`);
      }
    });
    return this.booting;
  }
}
