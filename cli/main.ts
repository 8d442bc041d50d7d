// Composition root of the pgha CLI: the real terminal, then the exit status.
import { processIo } from './io.js';
import { runCli } from './run-cli.js';

process.exitCode = await runCli(process.argv.slice(2), processIo());
