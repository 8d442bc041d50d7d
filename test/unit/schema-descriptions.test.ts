// Every property of every schema explains itself: the schemas are the reference users read.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { projectPath } from '../helpers/paths.js';

type Schema = { [key: string]: unknown };

const FILES = readdirSync(projectPath('schemas')).filter((file) => file.endsWith('.schema.json'));
const SCHEMAS = new Map(FILES.map((file) => [file, JSON.parse(readFileSync(projectPath(`schemas/${file}`), 'utf8')) as Schema]));

/** The schema a `$ref` names, from `file` (`#/$defs/x`, `other.schema.json` or `other.schema.json#/$defs/x`). */
function resolve(ref: string, file: string): Schema | undefined {
  const [target = '', pointer = ''] = ref.split('#');
  const root = SCHEMAS.get(target === '' ? file : target);
  const segments = pointer.split('/').filter(Boolean);
  return segments.reduce<Schema | undefined>((node, segment) => node?.[segment] as Schema | undefined, root);
}

function undescribedProperties(node: unknown, at: string, file: string): string[] {
  if (node === null || typeof node !== 'object') return [];
  const schema = node as Schema;
  const missing: string[] = [];
  for (const [name, property] of Object.entries((schema.properties as Schema | undefined) ?? {})) {
    const p = property as Schema;
    const target = typeof p.$ref === 'string' ? resolve(p.$ref, file) : undefined;
    if (typeof p.description !== 'string' && typeof target?.description !== 'string') missing.push(`${at}.${name}`);
  }
  for (const [key, child] of Object.entries(schema)) {
    if (key === 'default' || key === 'const' || key === 'enum') continue;
    if (Array.isArray(child)) child.forEach((c, i) => missing.push(...undescribedProperties(c, `${at}.${key}[${i}]`, file)));
    else missing.push(...undescribedProperties(child, `${at}.${key}`, file));
  }
  return missing;
}

describe('schemas', () => {
  it.each(FILES)('%s describes every property', (file) => {
    expect(undescribedProperties(SCHEMAS.get(file), '#', file)).toEqual([]);
  });

  it.each(FILES)('%s resolves every reference', (file) => {
    const refs = JSON.stringify(SCHEMAS.get(file)).match(/"\$ref":"[^"]+"/g) ?? [];
    const unresolved = refs.map((r) => r.slice(8, -1)).filter((ref) => resolve(ref, file) === undefined);
    expect(unresolved).toEqual([]);
  });
});
