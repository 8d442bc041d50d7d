// `pgha validate --ref` against a real Git repository.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../cli/exit-codes.js';
import { runCli } from '../../cli/run-cli.js';
import { projectPath } from '../helpers/paths.js';
import { recordingIo } from '../helpers/recording-io.js';
import { tempGitRepo, type TempGitRepo } from '../helpers/temp-git-repo.js';

const MINIMAL = readFileSync(projectPath('test/fixtures/specs/good/minimal.yaml'), 'utf8');

describe('pgha validate --ref', () => {
  let repo: TempGitRepo;
  let first: string;
  let spec: string;

  beforeAll(() => {
    repo = tempGitRepo();
    repo.write('envs/prod/cluster.yaml', MINIMAL);
    first = repo.commit('a valid spec');
    repo.write('envs/prod/cluster.yaml', MINIMAL.replace('  retry_timeout: 4', '  retry_timeout: 5'));
    repo.write('envs/prod/new.yaml', MINIMAL);
    repo.commit('break the timing rule, add a second spec');
    spec = join(repo.dir, 'envs/prod/cluster.yaml');
  });

  afterAll(() => repo.remove());

  it('reads the file as it was at HEAD~1, naming the commit', async () => {
    const io = recordingIo();
    expect(await runCli(['validate', '--ref', 'HEAD~1', spec], io)).toBe(ExitCode.ok);
    expect(io.stdout).toBe(
      `${spec} at HEAD~1 (commit ${first.slice(0, 12)}): valid: cluster "shop" (namespace /service), 3 hosts ` +
        '(postgres: db1, db2, db3; etcd: db1, db2, db3; haproxy: db1, db2, db3)\n',
    );
  });

  it('reads the committed file at HEAD, and the working tree without --ref', async () => {
    repo.write('envs/prod/cluster.yaml', MINIMAL);
    const atHead = recordingIo();
    expect(await runCli(['validate', '--ref', 'HEAD', spec], atHead)).toBe(ExitCode.failed);
    expect(atHead.stderr).toMatch(/^.* at HEAD \(commit [0-9a-f]{12}\):15:8: dcs\.loop_wait \(2\) \+ 2 \* dcs\.retry_timeout \(5\) = 12 exceeds dcs\.ttl \(10\)/);
    const worktree = recordingIo();
    expect(await runCli(['validate', spec], worktree)).toBe(ExitCode.ok);
  });

  it('accepts a commit id and a path relative to the current directory', async () => {
    const io = recordingIo();
    const fromHere = relative(process.cwd(), spec);
    expect(fromHere.startsWith('..')).toBe(true);
    expect(await runCli(['validate', '--ref', first, fromHere], io)).toBe(ExitCode.ok);
    expect(io.stdout).toContain(`${fromHere} at ${first} (commit ${first.slice(0, 12)}): valid`);
  });

  it('says in one sentence that a ref is unknown', async () => {
    const io = recordingIo();
    expect(await runCli(['validate', '--ref', 'no-such-branch', spec], io)).toBe(ExitCode.failed);
    expect(io.stderr).toBe(`pgha: unknown Git ref "no-such-branch" in the repository at ${repo.dir}\n`);
  });

  it('says in one sentence that the file is absent at that ref', async () => {
    const io = recordingIo();
    const added = join(repo.dir, 'envs/prod/new.yaml');
    expect(await runCli(['validate', '--ref', 'HEAD~1', added], io)).toBe(ExitCode.failed);
    expect(io.stderr).toBe(`pgha: ${added} does not exist at ref "HEAD~1" (commit ${first.slice(0, 12)})\n`);
  });

  it('refuses an option-looking ref instead of passing it to git', async () => {
    const io = recordingIo();
    expect(await runCli(['validate', '--ref=--output=/tmp/x', spec], io)).toBe(ExitCode.failed);
    expect(io.stderr).toBe(`pgha: unknown Git ref "--output=/tmp/x" in the repository at ${repo.dir}\n`);
  });

  it('says so when the file is not in a Git repository', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'pgha-nogit-'));
    try {
      const io = recordingIo();
      const file = join(outside, 'cluster.yaml');
      expect(await runCli(['validate', '--ref', 'HEAD', file], io)).toBe(ExitCode.failed);
      expect(io.stderr).toBe(`pgha: ${file} is not inside a Git repository, so it cannot be read at ref "HEAD"\n`);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
