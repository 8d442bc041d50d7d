// Secret references resolved on the machine running pgha. pgha's own connections get the value;
// rendered files get a placeholder, which only the renderer turns back into the value, noting
// where it put it so that a plan masks exactly there (see secret-yaml.ts).
import { resolve } from 'node:path';
import { readBoundedFile } from '../../agent/contract/document/bounded-file.js';
import type { SecretRef } from '../../agent/contract/schema-types.js';
import { UserError } from '../user-error.js';

export const SENSITIVE = '(sensitive)';

export interface SecretSource {
  specDirectory: string;
  env: NodeJS.ProcessEnv;
}

/** Stands for a secret in a rendered document; NUL never occurs in a spec's value. */
const PLACEHOLDER = /^\0pgha-secret-(\d+)\0$/;

export class Secrets {
  private readonly placed: string[] = [];

  constructor(private readonly source: SecretSource) {}

  /**
   * The value a reference names, for pgha's own use (a connection); `where` says which spec field
   * asked, for the error. One line, not empty, not only whitespace; the error never quotes it.
   */
  resolve(ref: SecretRef, where: string): string {
    const [value, source] = ref.env !== undefined ? [this.fromEnv(ref.env, where), `the environment variable ${ref.env}`] : this.fromFile(ref.file ?? '', where);
    if (value.trim() === '') throw new UserError(`${where}: the secret in ${source} is empty${value === '' ? '' : ' (only whitespace)'}`);
    if (/[\r\n]/.test(value)) throw new UserError(`${where}: the secret in ${source} holds a line break; a secret is one line (a file may end with one newline)`);
    return value;
  }

  /** A placeholder for the value a reference names, to render into a file in its place. */
  placeholder(ref: SecretRef, where: string): string {
    return this.placeholderOf(this.resolve(ref, where));
  }

  /** A placeholder for a value rendered where a secret belongs (one that pgha apply has yet to generate): masked all the same. */
  placeholderOf(value: string): string {
    this.placed.push(value);
    return `\0pgha-secret-${this.placed.length - 1}\0`;
  }

  /** The value `text` stands for when it is a placeholder of this run; undefined otherwise. */
  revealed(text: string): string | undefined {
    const index = PLACEHOLDER.exec(text)?.[1];
    return index === undefined ? undefined : this.placed[Number(index)];
  }

  private fromEnv(name: string, where: string): string {
    const value = this.source.env[name];
    if (value === undefined) throw new UserError(`${where}: the environment variable ${name} is not set`);
    return value;
  }

  /** The file's content without the one newline that ends it, and what to call the file in an error. */
  private fromFile(file: string, where: string): [string, string] {
    return [this.read(file, where, 'secret file').replace(/\r?\n$/, ''), `the file ${resolve(this.source.specDirectory, file)}`];
  }

  /** A file the spec names (TLS material), whole; a plan never shows a private key (see file.ts). */
  localFile(file: string, where: string): string {
    return this.read(file, where, 'file');
  }

  private read(file: string, where: string, what: string): string {
    const path = resolve(this.source.specDirectory, file);
    const read = readBoundedFile(path);
    if (read.ok) return read.bytes.toString('utf8');
    throw new UserError(read.code ? `${where}: cannot read the ${what} ${path} (${read.code})` : `${where}: the ${what} ${path} ${read.problem}`);
  }
}
