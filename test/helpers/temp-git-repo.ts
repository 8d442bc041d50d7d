// A throwaway Git repository for tests that read specs at a ref.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface TempGitRepo {
  dir: string;
  write(path: string, text: string): void;
  /** Commits everything and returns the new commit's id. */
  commit(message: string): string;
  remove(): void;
}

export function tempGitRepo(): TempGitRepo {
  const dir = mkdtempSync(join(tmpdir(), 'pgha-git-'));
  const git = (...args: string[]): string =>
    execFileSync('git', ['-C', dir, '-c', 'user.name=pgha test', '-c', 'user.email=test@pgha.invalid', ...args], { encoding: 'utf8' }).trim();
  git('init', '--quiet', '--initial-branch=main');
  return {
    dir,
    write(path, text) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    },
    commit(message) {
      git('add', '--all');
      git('commit', '--quiet', '--allow-empty', '-m', message);
      return git('rev-parse', 'HEAD');
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
