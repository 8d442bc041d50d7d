// What pgha generates for a cluster and keeps beside its spec, in `.pgha/<cluster>/`: the cluster
// CA (`ca.crt`, `ca.key`) and the passwords the spec does not give: the agents' REST API
// (`agent-password`), etcd's root user (`etcd-root-password`) and the agents' etcd user
// (`etcd-agent-password`). It is secret and never committed (the directory is in .gitignore); copy
// it to any other machine that runs pgha for the cluster. `pgha plan` only reads it; `pgha apply`
// creates what is missing before it plans.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, relative } from 'node:path';
import { UserError } from '../user-error.js';
import type { CertificateIssuer, KeyPair } from './openssl-issuer.js';

export const LOCAL_DIRECTORY = '.pgha';

export interface LocalMaterial {
  /** The directory, as shown to the user (relative to the working directory when inside it). */
  shown: string;
  /** The cluster CA; undefined until the first apply creates it. */
  ca: KeyPair | undefined;
  /** The file holding each generated password; absent until the first apply creates it. */
  passwordFiles: Partial<Record<GeneratedPassword, string>>;
}

/** The passwords pgha generates, each in a file of its own name. */
export const GENERATED_PASSWORDS = {
  'agent-password': "a password for the agents' REST API",
  'etcd-root-password': "a password for etcd's root user",
  'etcd-agent-password': "a password for the agents' etcd user",
} as const;
export type GeneratedPassword = keyof typeof GENERATED_PASSWORDS;

/** What the material needs to hold for a spec. */
export interface MaterialNeeds {
  ca: boolean;
  passwords: GeneratedPassword[];
}

const FILES = { cert: 'ca.crt', key: 'ca.key' } as const;

function directoryOf(specDirectory: string, cluster: string): { path: string; shown: string } {
  const path = join(specDirectory, LOCAL_DIRECTORY, cluster);
  const fromHere = relative(process.cwd(), path);
  return { path, shown: fromHere.startsWith('..') ? path : fromHere };
}

function readCa(path: string, shown: string): KeyPair | undefined {
  const [cert, key] = [join(path, FILES.cert), join(path, FILES.key)];
  const [hasCert, hasKey] = [existsSync(cert), existsSync(key)];
  if (!hasCert && !hasKey) return undefined;
  if (hasCert !== hasKey) throw new UserError(`${shown}: ${hasCert ? FILES.key : FILES.cert} is missing beside ${hasCert ? FILES.cert : FILES.key}; restore it from where the cluster was first applied (the CA cannot be used without both)`);
  try {
    return { cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') };
  } catch (error) {
    throw new UserError(`${shown}: cannot read the cluster CA (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

/** The material as it is now, read only. */
export function readLocalMaterial(specDirectory: string, cluster: string): LocalMaterial {
  const { path, shown } = directoryOf(specDirectory, cluster);
  const passwordFiles = Object.fromEntries(
    Object.keys(GENERATED_PASSWORDS).flatMap((name) => (existsSync(join(path, name)) ? [[name, join(path, name)]] : [])),
  ) as LocalMaterial['passwordFiles'];
  return { shown, ca: readCa(path, shown), passwordFiles };
}

/** What apply will create, in one sentence; undefined when nothing is missing. */
export function missingMaterial(material: LocalMaterial, needs: MaterialNeeds): string | undefined {
  const missing = [
    ...(needs.ca && !material.ca ? [`the cluster CA (${FILES.cert}, ${FILES.key})`] : []),
    ...needs.passwords.filter((name) => !material.passwordFiles[name]).map((name) => `${GENERATED_PASSWORDS[name]} (${name})`),
  ];
  return missing.length > 0 ? `${missing.join(' and ')} in ${material.shown}/` : undefined;
}

/** Writes a new file; one another run wrote meanwhile wins ('wx'), and is read back. */
function writeNew(path: string, content: string, mode: number): void {
  try {
    writeFileSync(path, content, { mode, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new UserError(`cannot write ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

/** The material with whatever `needs` asks for and is missing created first. */
export async function ensureLocalMaterial(specDirectory: string, cluster: string, needs: MaterialNeeds, issuer: CertificateIssuer): Promise<LocalMaterial> {
  const material = readLocalMaterial(specDirectory, cluster);
  if (!missingMaterial(material, needs)) return material;
  const { path } = directoryOf(specDirectory, cluster);
  mkdirSync(path, { recursive: true, mode: 0o700 });
  chmodSync(path, 0o700);
  if (needs.ca && !material.ca) {
    const ca = await issuer.createAuthority(cluster);
    writeNew(join(path, FILES.key), ca.key, 0o600);
    writeNew(join(path, FILES.cert), ca.cert, 0o644);
  }
  for (const name of needs.passwords) if (!material.passwordFiles[name]) writeNew(join(path, name), `${randomBytes(24).toString('base64url')}\n`, 0o600);
  return readLocalMaterial(specDirectory, cluster);
}
