#!/usr/bin/env node
// Generates the TypeScript types of our documents from their JSON Schemas, so the two never drift.
// A property with a default is required in the type: code only ever sees documents whose
// defaults the validator has filled in. `--check` fails when a generated file is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { compile } from 'json-schema-to-typescript';

const TARGETS = [{ schema: 'schemas/cluster.schema.json', output: 'cli/spec/cluster-spec.ts' }];

function requireDefaulted(node) {
  if (Array.isArray(node)) return node.map(requireDefaulted);
  if (node === null || typeof node !== 'object') return node;
  const copy = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === 'default' ? v : requireDefaulted(v)]));
  if (copy.properties && typeof copy.properties === 'object') {
    const defaulted = Object.entries(copy.properties)
      .filter(([, property]) => property && typeof property === 'object' && 'default' in property)
      .map(([name]) => name);
    if (defaulted.length > 0) copy.required = [...new Set([...(copy.required ?? []), ...defaulted])];
  }
  return copy;
}

const root = new URL('..', import.meta.url);
const check = process.argv.includes('--check');
let stale = 0;
for (const { schema, output } of TARGETS) {
  const parsed = requireDefaulted(JSON.parse(readFileSync(new URL(schema, root), 'utf8')));
  const banner = `// Generated from ${schema} by schemas/generate-types.mjs; do not edit. Run "npm run generate".`;
  const text = await compile(parsed, parsed.title, { bannerComment: banner, additionalProperties: false, unreachableDefinitions: false, style: { singleQuote: true, printWidth: 120 } });
  const target = new URL(output, root);
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {}
  if (current === text) continue;
  if (check) {
    process.stderr.write(`${output} is out of date with ${schema}; run "npm run generate"\n`);
    stale++;
  } else {
    writeFileSync(target, text);
    process.stderr.write(`wrote ${output}\n`);
  }
}
process.exit(stale > 0 ? 1 : 0);
