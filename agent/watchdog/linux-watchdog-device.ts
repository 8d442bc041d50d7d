// The Linux watchdog device (softdog or a hardware driver). Node has no ioctl, so the agent
// cannot set the timeout: it reads the driver's from sysfs (softdog's soft_margin, which
// `pgha apply` configures) and the policy checks it against the timing it needs.
import { constants, promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { errorSentence } from './error-sentence.js';
import type { WatchdogDevice } from './watchdog-device.js';

export interface LinuxWatchdogDeviceOptions {
  path: string;
  /** Where the driver publishes its timeout: `<sysfsClassDir>/watchdogN/timeout`. */
  sysfsClassDir?: string;
}

export class LinuxWatchdogDevice implements WatchdogDevice {
  readonly path: string;
  private readonly sysfsClassDir: string;
  private handle: FileHandle | undefined;
  private timeoutSeconds = 0;
  private opening: Promise<{ timeoutSeconds: number }> | undefined;

  constructor(options: LinuxWatchdogDeviceOptions) {
    this.path = options.path;
    this.sysfsClassDir = options.sysfsClassDir ?? '/sys/class/watchdog';
  }

  get isOpen(): boolean {
    return this.handle !== undefined;
  }

  async inspect(): Promise<{ timeoutSeconds: number }> {
    const stats = await fs.stat(this.path).catch(this.refuse);
    if (!stats.isCharacterDevice() && !stats.isFIFO()) {
      throw new Error(`watchdog device ${this.path} is neither a character device nor a FIFO, so writing keepalives to it would fence nothing`);
    }
    await fs.access(this.path, constants.W_OK).catch(this.refuse);
    return { timeoutSeconds: await this.readTimeout() };
  }

  open(): Promise<{ timeoutSeconds: number }> {
    if (this.handle) return Promise.resolve({ timeoutSeconds: this.timeoutSeconds });
    this.opening ??= this.openOnce().finally(() => (this.opening = undefined));
    return this.opening;
  }

  async keepalive(): Promise<void> {
    if (!this.handle) throw new Error(`watchdog device ${this.path} is not open`);
    await this.handle.write('1').catch((error: unknown) => {
      throw new Error(`could not write a keepalive to watchdog device ${this.path}: ${errorSentence(error)}`);
    });
  }

  async close(): Promise<void> {
    const handle = this.handle;
    if (!handle) return;
    this.handle = undefined;
    let failure: unknown;
    await handle.write('V').catch((error: unknown) => (failure = error));
    await handle.close();
    if (failure !== undefined) {
      throw new Error(`could not write the magic close byte to watchdog device ${this.path}, so it stays armed and resets the host after ${this.timeoutSeconds}s: ${errorSentence(failure)}`);
    }
  }

  async abandon(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }

  private async openOnce(): Promise<{ timeoutSeconds: number }> {
    const { timeoutSeconds } = await this.inspect();
    // O_NONBLOCK: opening a FIFO that nothing reads fails at once (ENXIO) instead of hanging.
    this.handle = await fs.open(this.path, constants.O_WRONLY | constants.O_NONBLOCK).catch(this.refuse);
    this.timeoutSeconds = timeoutSeconds;
    return { timeoutSeconds };
  }

  private async readTimeout(): Promise<number> {
    const real = await fs.realpath(this.path).catch(this.refuse);
    const name = basename(real);
    // /dev/watchdog is the legacy alias of the first watchdog, watchdog0.
    const node = name === 'watchdog' ? 'watchdog0' : /^watchdog\d+$/.test(name) ? name : undefined;
    if (node === undefined) {
      throw new Error(`${this.path} is not a watchdog device the agent can read the timeout of (its name must be watchdog or watchdogN)`);
    }
    const file = join(this.sysfsClassDir, node, 'timeout');
    const text = await fs.readFile(file, 'utf8').catch((error: unknown) => {
      throw new Error(`could not read the timeout of watchdog device ${this.path} from ${file}: ${errorSentence(error)}`);
    });
    if (!/^\s*[1-9]\d*\s*$/.test(text)) {
      throw new Error(`could not read the timeout of watchdog device ${this.path}: ${file} holds ${JSON.stringify(text.trim())}, not a number of seconds`);
    }
    return Number(text);
  }

  /** Rethrows a failed stat, access or open as one sentence about the device. */
  private readonly refuse = (error: unknown): never => {
    throw new Error(this.accessFailure(error));
  };

  private accessFailure(error: unknown): string {
    switch ((error as NodeJS.ErrnoException).code) {
      case 'ENOENT':
        return `watchdog device ${this.path} does not exist (is a watchdog driver such as softdog loaded?)`;
      case 'EACCES':
      case 'EPERM':
        return `permission denied on watchdog device ${this.path}: the agent's user must be able to write to it`;
      case 'EBUSY':
        return `watchdog device ${this.path} is already open in another process`;
      case 'ENXIO':
        return `nothing serves watchdog device ${this.path} (no driver behind the device, or no reader on the FIFO)`;
      default:
        return `could not open watchdog device ${this.path}: ${errorSentence(error)}`;
    }
  }
}
