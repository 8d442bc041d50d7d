// The watchdog device at the edge: open arms it, each keepalive restarts its countdown, and if
// the countdown runs out the host resets. One interface for the Linux device and the fake.

export interface WatchdogDevice {
  /** The device path, for status and messages. */
  readonly path: string;
  readonly isOpen: boolean;
  /**
   * Checks, without opening it (opening arms a real watchdog), that the device could be opened.
   * Resolves the timeout in whole seconds the driver reports; rejects like `open` would.
   */
  inspect(): Promise<{ timeoutSeconds: number }>;
  /**
   * Opens the device (arms it). Resolves the timeout in whole seconds the driver reports. Rejects
   * with an Error whose message is one sentence saying why (missing device, permission denied, not
   * a watchdog, timeout unreadable). Opening an already open device is a no-op that resolves the
   * same timeout.
   */
  open(): Promise<{ timeoutSeconds: number }>;
  /** Writes one keepalive byte ("1"). Rejects when not open or the write fails. */
  keepalive(): Promise<void>;
  /** Magic close: writes "V", then closes, which disarms a device that supports magic close. No-op when not open. */
  close(): Promise<void>;
  /** Closes WITHOUT the magic byte: the device stays armed and fires after its timeout. No-op when not open. */
  abandon(): Promise<void>;
}
