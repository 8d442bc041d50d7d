// How postmasterProcess reads a failure of /proc/<pid>/stat: the process reaped before the file
// is opened (ENOENT) or between opening and reading it (ESRCH) is gone; anything else is not an answer.
import { spawn, type ChildProcess } from 'node:child_process';
import { open } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { postmasterProcess } from '../../../agent/postgres/postmaster-liveness.js';

/** Above the largest pid_max Linux allows (2^22), so never a process. */
const NO_SUCH_PID = 4_194_305;
const started: ChildProcess[] = [];

afterEach(() => {
  for (const child of started.splice(0)) child.kill('SIGKILL');
});

describe('postmasterProcess', () => {
  it('finds a process gone when there is no /proc entry for it', async () => {
    expect(await postmasterProcess(NO_SUCH_PID)).toBe('gone');
  });

  it('finds a process gone when it is reaped after its stat file was opened (ESRCH)', async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    started.push(child);
    await new Promise((resolve) => child.once('spawn', resolve));
    const reaped = new Promise((resolve) => child.once('exit', resolve));
    let readError: string | undefined;
    // Opens the real file, lets Node kill and reap the process, then reads what the kernel answers.
    const readAfterReap = async (path: string): Promise<string> => {
      const file = await open(path, 'r');
      try {
        child.kill('SIGKILL');
        await reaped;
        return await file.readFile('utf8');
      } catch (error) {
        readError = (error as NodeJS.ErrnoException).code;
        throw error;
      } finally {
        await file.close();
      }
    };
    expect(await postmasterProcess(child.pid!, readAfterReap)).toBe('gone');
    expect(readError).toBe('ESRCH');
  });

  it('does not take a file it may not read for a gone process', async () => {
    const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    await expect(postmasterProcess(process.pid, () => Promise.reject(denied))).rejects.toBe(denied);
  });
});
