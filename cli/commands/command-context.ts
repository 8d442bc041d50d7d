// What every command receives from the composition root.
import type { ExitCode } from '../exit-codes.js';
import type { Interrupts } from '../interrupts.js';
import type { Io } from '../io.js';
import type { CertificateIssuer } from '../pki/openssl-issuer.js';
import type { Connector } from '../transport/connector.js';

export interface CommandContext {
  io: Io;
  /** Sets the process's exit status once the command returns. */
  exit(code: ExitCode): void;
  /** The agent release folder (esbuild's dist/agent/bin) that apply installs. */
  agentBundleDir: string;
  env: NodeJS.ProcessEnv;
  /** Makes the cluster CA and the hosts' certificates (openssl; see cli/pki). */
  issuer: CertificateIssuer;
  /** Opens the SSH connections and the cluster access (fakes in unit tests). */
  connect: Connector;
  /** Ctrl-C and SIGTERM. */
  interrupts: Interrupts;
}
