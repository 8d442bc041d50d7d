// Lint: typescript-eslint's recommended rules plus the import boundary of DESIGN §2:
// agent/ never imports cli/, and cli/ imports only agent/contract/ from agent/.
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
);
