// Composition root of the pgha CLI: the real terminal and certificate issuer, then the exit status.
import { fileURLToPath } from 'node:url';
import { processIo } from './io.js';
import { opensslIssuer } from './pki/openssl-issuer.js';
import { runCli } from './run-cli.js';

const agentBundleDir = fileURLToPath(new URL('./agent/bin/', import.meta.url));
process.exitCode = await runCli(process.argv.slice(2), processIo(), { agentBundleDir, env: process.env, issuer: opensslIssuer });
