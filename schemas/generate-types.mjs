#!/usr/bin/env node
// Generates the TypeScript types of our documents from their JSON Schemas, so the two never drift.
// A property with a default is required in the type: code only ever sees documents whose
// defaults the validator has filled in. `--check` fails when the generated file is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compile } from 'json-schema-to-typescript';

const SCHEMAS_DIR = fileURLToPath(new URL('.', import.meta.url));
const OUTPUT = fileURLToPath(new URL('../agent/contract/schema-types.ts', import.meta.url));
const DOCUMENTS = { cluster: 'cluster.schema.json', agent: 'agent.schema.json', dcs: 'dcs.schema.json', plan: 'plan.schema.json', status: 'status.schema.json' };

// Also keeps only `$ref` where a reference has siblings (a description, a default): with
// siblings, json-schema-to-typescript would emit a copy of the referenced type for every use.
function requireDefaulted(node) {
  if (Array.isArray(node)) return node.map(requireDefaulted);
  if (node === null || typeof node !== 'object') return node;
  if (typeof node.$ref === 'string') return { $ref: node.$ref };
  const copy = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === 'default' ? v : requireDefaulted(v)]));
  if (node.properties && typeof node.properties === 'object') {
    const defaulted = Object.entries(node.properties)
      .filter(([, property]) => property && typeof property === 'object' && 'default' in property)
      .map(([name]) => name);
    if (defaulted.length > 0) copy.required = [...new Set([...(copy.required ?? []), ...defaulted])];
  }
  return copy;
}

const readTransformed = (path) => requireDefaulted(JSON.parse(readFileSync(path, 'utf8')));

// One root that references every document, so each shared type is emitted once.
const root = {
  title: 'Documents',
  description: 'Every document pgha reads, by kind.',
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(Object.entries(DOCUMENTS).map(([kind, file]) => [kind, { $ref: file }])),
};

const banner = '// Generated from schemas/*.schema.json by schemas/generate-types.mjs; do not edit. Run "npm run generate".';
const text = await compile(root, 'Documents', {
  cwd: SCHEMAS_DIR,
  bannerComment: banner,
  additionalProperties: false,
  style: { singleQuote: true, printWidth: 120 },
  $refOptions: { resolve: { file: { read: (file) => JSON.stringify(readTransformed(file.url.startsWith('file:') ? fileURLToPath(file.url) : file.url)) } } },
});

let current = '';
try {
  current = readFileSync(OUTPUT, 'utf8');
} catch {}
if (current !== text) {
  if (process.argv.includes('--check')) {
    process.stderr.write('agent/contract/schema-types.ts is out of date with schemas/; run "npm run generate"\n');
    process.exit(1);
  }
  writeFileSync(OUTPUT, text);
  process.stderr.write('wrote agent/contract/schema-types.ts\n');
}
