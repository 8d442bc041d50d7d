#!/usr/bin/env node
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/pgha.mjs', import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write('pgha: the CLI is not built; run "npm run build" (npm ci does it for you)\n');
  process.exit(1);
}
await import(bundle.href);
