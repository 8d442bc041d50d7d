// Ctrl-C and SIGTERM during a command that changes things: it says what stays, lets go of what it
// holds, and ends. The composition root passes the process's own; tests pass their own.
export interface Interrupts {
  /** Calls `handler` on the first SIGINT or SIGTERM, until the returned function is called. */
  on(handler: (signal: NodeJS.Signals) => void): () => void;
  /** Ends the process with `code`, as an interrupted command does once it has let go. */
  exit(code: number): void;
}

export const processInterrupts: Interrupts = {
  on(handler) {
    const once = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', once).off('SIGTERM', once);
      handler(signal);
    };
    process.once('SIGINT', once).once('SIGTERM', once);
    return () => void process.off('SIGINT', once).off('SIGTERM', once);
  },
  exit: (code) => process.exit(code),
};
