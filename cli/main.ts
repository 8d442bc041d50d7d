// Composition root of the pgha CLI: the real terminal, certificate issuer and connections, then the exit status.
import { fileURLToPath } from 'node:url';
import { processIo } from './io.js';
import { opensslIssuer } from './pki/openssl-issuer.js';
import { runCli } from './run-cli.js';
import { realConnector } from './transport/connector.js';

const agentBundleDir = fileURLToPath(new URL('./agent/bin/', import.meta.url));
process.exitCode = await runCli(process.argv.slice(2), processIo(), { agentBundleDir, env: process.env, issuer: opensslIssuer, connect: realConnector });
