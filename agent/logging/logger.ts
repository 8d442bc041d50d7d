// The agent logs one line per event to stderr (journald when systemd runs it).

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const ORDER: Readonly<Record<LogLevel, number>> = { debug: 0, info: 1, warn: 2, error: 3 };

export interface Logger {
  log(level: LogLevel, message: string): void;
}

export function streamLogger(write: (line: string) => void, least: LogLevel, now: () => Date = () => new Date()): Logger {
  return {
    log(level, message) {
      if (ORDER[level] < ORDER[least]) return;
      write(`${now().toISOString()} ${level.toUpperCase()}: ${message}\n`);
    },
  };
}

export const silentLogger: Logger = { log: () => undefined };
