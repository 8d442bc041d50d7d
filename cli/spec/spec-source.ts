// Where a spec's text comes from: the working tree, or a file as committed at a Git ref, so a
// pull request's spec can be compared with main's.
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { MAX_DOCUMENT_BYTES, readBoundedFile, tooLargeProblem } from '../../agent/contract/document/bounded-file.js';
import { quoted } from '../../agent/contract/quoted.js';
import { UserError } from '../user-error.js';
import { git } from './git.js';

export interface SpecSource {
  /** The path as the user gave it; diagnostics are reported against it. */
  file: string;
  /** Directory that relative paths inside the spec (known_hosts, secret files) are resolved against. */
  directory: string;
  text: string;
  /** Set when the file was read from Git. */
  git?: { ref: string; commit: string };
}

function readWorkingTree(file: string): SpecSource {
  const read = readBoundedFile(file);
  if (!read.ok) throw new UserError(`${file}: ${read.problem}`);
  return { file, directory: dirname(resolve(file)), text: read.bytes.toString('utf8') };
}

function nearestExistingDirectory(path: string): string {
  let dir = dirname(path);
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

async function readAtRef(file: string, ref: string): Promise<SpecSource> {
  const absolute = resolve(file);
  const cwd = nearestExistingDirectory(absolute);
  const top = await git(cwd, ['rev-parse', '--show-toplevel']);
  if (!top.ok) throw new UserError(`${file} is not inside a Git repository, so it cannot be read at ref ${quoted(ref)}`);
  const commit = await git(cwd, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
  if (!commit.ok) throw new UserError(`unknown Git ref ${quoted(ref)} in the repository at ${top.stdout.trim()}`);
  const sha = commit.stdout.trim();
  const real = join(realpathSync(cwd), relative(cwd, absolute));
  const inRepo = relative(top.stdout.trim(), real).split(sep).join('/');
  const size = await git(cwd, ['cat-file', '-s', `${sha}:${inRepo}`]);
  if (size.ok && Number(size.stdout) > MAX_DOCUMENT_BYTES) throw new UserError(`${file} at ref ${quoted(ref)}: ${tooLargeProblem()}`);
  const shown = await git(cwd, ['show', `${sha}:${inRepo}`]);
  if (!shown.ok) throw new UserError(`${file} does not exist at ref ${quoted(ref)} (commit ${sha.slice(0, 12)})`);
  return { file, directory: dirname(absolute), text: shown.stdout, git: { ref, commit: sha } };
}

export function readSpecSource(file: string, ref?: string): Promise<SpecSource> {
  return ref === undefined ? Promise.resolve(readWorkingTree(file)) : readAtRef(file, ref);
}
