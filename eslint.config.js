// Lint: typescript-eslint's recommended rules plus the import boundary of DESIGN §2 (agent/
// never imports cli/, and cli/ imports only agent/contract/ from agent/) and DESIGN §3.1: the
// agent's rules and decide(), and the CLI's buildPlan, import nothing that does I/O.
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export const AGENT_BOUNDARY = {
  patterns: [{ group: ['**/cli', '**/cli/**'], message: 'agent/ never imports cli/ (DESIGN §2).' }],
};

export const CLI_BOUNDARY = {
  patterns: [
    {
      group: ['**/agent/**', '!**/agent/contract', '!**/agent/contract/**'],
      message: 'cli/ may import only agent/contract/ from agent/ (DESIGN §2).',
    },
  ],
};

const IO_MODULES = [
  'fs',
  'fs/*',
  'node:fs',
  'node:fs/*',
  'child_process',
  'node:child_process',
  'net',
  'node:net',
  'http',
  'node:http',
  'https',
  'node:https',
  'tls',
  'node:tls',
  'dns',
  'node:dns',
  'dgram',
  'node:dgram',
  'worker_threads',
  'node:worker_threads',
  'timers/*',
  'node:timers',
  'node:timers/*',
  'pg',
  'etcd3',
  'ssh2',
];

/** The project's own modules that talk to the outside; their types may still be imported. */
const IO_EDGES = ['**/postgres/pg-ctl-controller*', '**/postgres/sql-session*', '**/postgres/process-runner*', '**/dcs/etcd-*', '**/transport/**', '**/watchdog/linux-*', '**/api/peer-client*'];

export const PURE_DECISIONS = {
  patterns: [
    { group: IO_MODULES, message: 'decisions are pure functions of a snapshot: no I/O here (DESIGN §3.1).' },
    { group: IO_EDGES, allowTypeImports: true, message: 'decisions are pure functions of a snapshot: no I/O here (DESIGN §3.1).' },
  ],
};

export const PURE_FILES = ['agent/ha/rules/**/*.ts', 'agent/ha/decide.ts', 'cli/engine/build-plan.ts'];

export default defineConfig(
  { ignores: ['dist/', 'node_modules/', 'coverage/'] },
  tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  { files: ['agent/**/*.ts'], rules: { 'no-restricted-imports': ['error', AGENT_BOUNDARY] } },
  { files: ['cli/**/*.ts'], rules: { 'no-restricted-imports': ['error', CLI_BOUNDARY] } },
  { files: PURE_FILES, rules: { '@typescript-eslint/no-restricted-imports': ['error', PURE_DECISIONS] } },
);
