// Reads a file someone named (a spec, a secret, an SSH key, known_hosts, the agent's
// configuration) only when it is a regular file, after following links, of at most a limit
// (1 MiB unless said otherwise). A named pipe would block the reader forever and /dev/zero never
// ends, so the file is opened without blocking and checked on the open descriptor: what was
// checked is what is read. Nothing of the file's content is ever part of a refusal.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';

export const MAX_DOCUMENT_BYTES = 1024 * 1024;

export type BoundedRead =
  | { ok: true; bytes: Buffer }
  /**
   * `problem` completes "<path>: ..." ("no such file", "is a named pipe (FIFO), not a regular
   * file"); `code` is the system's error code when the file could not be opened at all.
   */
  | { ok: false; problem: string; code?: string };

const CHUNK_BYTES = 64 * 1024;

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'a special file';
}

function sizeText(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}

/** The refusal of a file over the limit, also for one read from elsewhere (a Git ref). */
export function tooLargeProblem(maxBytes = MAX_DOCUMENT_BYTES): string {
  return `is larger than ${sizeText(maxBytes)}, the limit for this file`;
}

const tooLarge = (maxBytes: number): BoundedRead => ({ ok: false, problem: tooLargeProblem(maxBytes) });

/** Up to `maxBytes + 1` bytes: one more than allowed tells a file that grew (or that reports size 0, as in /proc) apart. */
function readAll(fd: number, sizeHint: number, maxBytes: number): Buffer {
  let buffer = Buffer.allocUnsafe(Math.min(maxBytes + 1, Math.max(sizeHint + 1, CHUNK_BYTES)));
  let length = 0;
  for (;;) {
    if (length === buffer.length) {
      if (length > maxBytes) break;
      const grown = Buffer.allocUnsafe(Math.min(maxBytes + 1, buffer.length * 2));
      buffer.copy(grown, 0, 0, length);
      buffer = grown;
    }
    const read = readSync(fd, buffer, length, buffer.length - length, null);
    if (read === 0) break;
    length += read;
  }
  return buffer.subarray(0, length);
}

export function readBoundedFile(path: string, maxBytes = MAX_DOCUMENT_BYTES): BoundedRead {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
    if (code === 'ENOENT') return { ok: false, code, problem: 'no such file' };
    // Linux refuses to open a Unix socket as a file.
    if (code === 'ENXIO') return { ok: false, code, problem: 'is a socket, not a regular file' };
    return { ok: false, code, problem: `cannot be read (${code})` };
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return { ok: false, problem: `is ${kindOf(stats)}, not a regular file` };
    if (stats.size > maxBytes) return tooLarge(maxBytes);
    const bytes = readAll(fd, stats.size, maxBytes);
    return bytes.length > maxBytes ? tooLarge(maxBytes) : { ok: true, bytes };
  } catch (error) {
    return { ok: false, problem: `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'EIO'})` };
  } finally {
    closeSync(fd);
  }
}
