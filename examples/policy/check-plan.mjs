#!/usr/bin/env node
// Runs pgha-plan-policy.mjs against JSON plans and reports as `conftest test` does:
//   node check-plan.mjs [--data data.json] plan.json...
// One "FAIL - <file> - <message>" line per denial, then "N tests, M passed, K failures".
// Exit 0 when nothing is denied, 1 when something is, 2 when an input cannot be read.
import { readFileSync } from 'node:fs';
import { RULES } from './pgha-plan-policy.mjs';

function readJson(file, what) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    process.stderr.write(`cannot read the ${what} ${file}: ${error.code ?? error.message}\n`);
    process.exit(2);
  }
}

const args = process.argv.slice(2);
const dataAt = args.indexOf('--data');
const data = dataAt === -1 ? {} : readJson(args[dataAt + 1], 'data file');
const files = args.filter((_, index) => dataAt === -1 || (index !== dataAt && index !== dataAt + 1));
if (files.length === 0) {
  process.stderr.write('usage: node check-plan.mjs [--data data.json] plan.json...\n');
  process.exit(2);
}

let passed = 0;
let failures = 0;
for (const file of files) {
  const plan = readJson(file, 'plan');
  if (!Array.isArray(plan?.changes)) {
    process.stderr.write(`${file} is not a pgha plan (no "changes"): make it with "pgha show --format json PLANFILE"\n`);
    process.exit(2);
  }
  for (const rule of Object.values(RULES)) {
    const messages = rule(plan, data);
    if (messages.length === 0) passed++;
    for (const message of messages) process.stdout.write(`FAIL - ${file} - ${message}\n`);
    failures += messages.length;
  }
}
const count = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
process.stdout.write(`\n${count(passed + failures, 'test')}, ${passed} passed, ${count(failures, 'failure')}\n`);
process.exit(failures > 0 ? 1 : 0);
