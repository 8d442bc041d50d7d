// An Io that keeps what a command printed, for asserting on stdout and stderr separately.
import type { Io } from '../../cli/io.js';

export interface RecordingIo extends Io {
  stdout: string;
  stderr: string;
}

export function recordingIo(colour = false): RecordingIo {
  const io: RecordingIo = {
    stdout: '',
    stderr: '',
    colour,
    terminal: false,
    ask: () => Promise.resolve(undefined),
    out: (text) => void (io.stdout += text),
    err: (text) => void (io.stderr += text),
  };
  return io;
}
