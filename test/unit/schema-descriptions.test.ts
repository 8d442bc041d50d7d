// Every property of every schema explains itself: the schema is the reference users read.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { projectPath } from '../helpers/paths.js';

type Schema = { [key: string]: unknown };

function undescribedProperties(schema: unknown, at: string, defs: Schema): string[] {
  if (schema === null || typeof schema !== 'object') return [];
  const node = schema as Schema;
  const missing: string[] = [];
  for (const [name, property] of Object.entries((node.properties as Schema | undefined) ?? {})) {
    const p = property as Schema;
    const target = typeof p.$ref === 'string' ? (defs[p.$ref.replace('#/$defs/', '')] as Schema | undefined) : undefined;
    if (typeof p.description !== 'string' && typeof target?.description !== 'string') missing.push(`${at}.${name}`);
  }
  for (const [key, child] of Object.entries(node)) {
    if (key === 'default' || key === 'const' || key === 'enum') continue;
    if (Array.isArray(child)) child.forEach((c, i) => missing.push(...undescribedProperties(c, `${at}.${key}[${i}]`, defs)));
    else missing.push(...undescribedProperties(child, `${at}.${key}`, defs));
  }
  return missing;
}

const SCHEMAS = readdirSync(projectPath('schemas')).filter((file) => file.endsWith('.schema.json'));

describe('schemas', () => {
  it.each(SCHEMAS)('%s describes every property', (file) => {
    const schema = JSON.parse(readFileSync(projectPath(`schemas/${file}`), 'utf8')) as Schema;
    expect(undescribedProperties(schema, '#', (schema.$defs as Schema | undefined) ?? {})).toEqual([]);
  });
});
