// Secret references resolved on the machine running pgha, and the masking that keeps their
// values out of every plan, diff and log line.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SecretRef } from '../../agent/contract/schema-types.js';
import { UserError } from '../user-error.js';

export const SENSITIVE = '(sensitive)';

export interface SecretSource {
  specDirectory: string;
  env: NodeJS.ProcessEnv;
}

export class Secrets {
  private readonly values = new Set<string>();

  constructor(private readonly source: SecretSource) {}

  /** The value a reference names; `where` says which spec field asked, for the error. */
  resolve(ref: SecretRef, where: string): string {
    const value = ref.env !== undefined ? this.fromEnv(ref.env, where) : this.fromFile(ref.file ?? '', where);
    if (value === '') throw new UserError(`${where}: the secret is empty`);
    this.values.add(value);
    return value;
  }

  private fromEnv(name: string, where: string): string {
    const value = this.source.env[name];
    if (value === undefined) throw new UserError(`${where}: the environment variable ${name} is not set`);
    return value;
  }

  private fromFile(file: string, where: string): string {
    return this.read(file, where, 'secret file').replace(/\r?\n$/, '');
  }

  /** A file the spec names (TLS material), whole; a `secret` one (a private key) is masked like any secret. */
  localFile(file: string, where: string, secret: boolean): string {
    const content = this.read(file, where, 'file');
    if (secret) this.values.add(content);
    return content;
  }

  private read(file: string, where: string, what: string): string {
    const path = resolve(this.source.specDirectory, file);
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      throw new UserError(`${where}: cannot read the ${what} ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
  }

  /**
   * Replaces every secret value this run resolved, and any value written under a key that names
   * a secret (which also hides an old value a host still holds), with "(sensitive)".
   */
  mask(text: string): string {
    let masked = text;
    for (const value of [...this.values].sort((a, b) => b.length - a.length)) masked = masked.split(value).join(SENSITIVE);
    return masked.replace(/^(\s*[\w-]*(?:password|passwd|secret)\s*[:=]\s*)(?!\s*\(sensitive\)).+$/gim, `$1${SENSITIVE}`);
  }
}
