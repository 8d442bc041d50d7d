// Turns ajv's errors into sentences a person can act on, at the line and column they concern.
import type { ErrorObject } from 'ajv';
import { quoted } from '../quoted.js';
import { closestMatch } from './closest-match.js';
import type { Diagnostic } from './diagnostic.js';
import { displayPath, pointerToPath, type DocPath } from './doc-path.js';
import { STRING_FORMATS } from './string-formats.js';
import type { YamlSource } from './yaml-source.js';

export interface SchemaMessageOptions {
  /** Keys people carry over from older Patroni versions, with the key to use instead. */
  renamedKeys?: Readonly<Record<string, string>>;
}

const SECRET_REF = '#/$defs/secretRef';
const SECRET_HINT = 'reference it as {env: NAME} or {file: PATH} instead';
const SENSITIVE_KEY = /pass|secret|token/i;

const TYPE_WORDS: Readonly<Record<string, string>> = {
  integer: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  null: 'empty',
};

function describeValue(value: unknown, path: DocPath): string {
  const last = path[path.length - 1];
  if (typeof last === 'string' && SENSITIVE_KEY.test(last)) return 'a value that is not shown';
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return typeof value === 'string' ? `the string ${quoted(value)}` : String(value);
}

const YAML11_BOOLEAN = /^(y|yes|n|no|on|off)$/i;

/** PyYAML (and so Patroni's YAML) reads `on`/`yes` as booleans; YAML 1.2 reads them as strings. */
function booleanHint(value: unknown, acceptsBoolean: boolean): string {
  if (!acceptsBoolean || typeof value !== 'string' || !YAML11_BOOLEAN.test(value)) return '';
  const meant = /^(y|yes|on)$/i.test(value);
  return ` (YAML 1.2 reads ${value} as a string; write ${String(meant)})`;
}

function joinList(words: readonly string[], conjunction: string): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} ${conjunction} ${words[words.length - 1]}`;
}

const orList = (words: readonly string[]): string => joinList(words, 'or');
const andList = (words: readonly string[]): string => joinList(words, 'and');

interface Located {
  path: DocPath;
  part: 'key' | 'value';
  message: string;
  rule: string;
}

function unknownKey(error: ErrorObject, path: DocPath, options: SchemaMessageOptions): Located {
  const key = String(error.params.additionalProperty);
  const where = path.length === 0 ? 'at the top level' : `in ${displayPath(path)}`;
  const known = Object.keys((error.parentSchema?.properties as object | undefined) ?? {});
  const renamed = options.renamedKeys?.[key];
  const suggestion = renamed ?? closestMatch(key, known);
  const hint = renamed
    ? `; it is called "${renamed}" now`
    : suggestion
      ? `; did you mean "${suggestion}"?`
      : known.length > 0 && known.length <= 12
        ? `; expected one of: ${known.join(', ')}`
        : '';
  return { path: [...path, key], part: 'key', message: `unknown key ${quoted(key)} ${where}${hint}`, rule: 'unknown-key' };
}

function secretMessage(error: ErrorObject, path: DocPath, subject: string): Located | undefined {
  if (!error.schemaPath.startsWith(SECRET_REF)) return undefined;
  if (error.keyword === 'type' && typeof error.data !== 'object') {
    return { path, part: 'value', message: `${subject} is a literal secret; ${SECRET_HINT}`, rule: 'literal-secret' };
  }
  if (error.keyword === 'minProperties' || error.keyword === 'maxProperties') {
    return { path, part: 'value', message: `${subject} must name exactly one source: {env: NAME} or {file: PATH}`, rule: 'secret-ref' };
  }
  return undefined;
}

function locate(error: ErrorObject, data: unknown, options: SchemaMessageOptions): Located {
  const path = pointerToPath(error.instancePath, data);
  const subject = displayPath(path);
  const at = (message: string, rule: string, part: 'key' | 'value' = 'value'): Located => ({ path, part, message, rule });
  const secret = secretMessage(error, path, subject);
  if (secret) return secret;
  const p = error.params as Record<string, unknown>;
  if (error.propertyName !== undefined) {
    const format = STRING_FORMATS[String(p.format)];
    const expected = format ? `must be ${format.expected}` : (error.message ?? 'is not allowed');
    return { path: [...path, error.propertyName], part: 'key', message: `key ${quoted(error.propertyName)} in ${subject} ${expected}`, rule: format?.rule ?? 'name' };
  }
  switch (error.keyword) {
    case 'additionalProperties':
      return unknownKey(error, path, options);
    case 'required': {
      const missing = (p.missing as string[]).map((key) => `"${key}"`);
      const keys = `required key${missing.length === 1 ? '' : 's'} ${andList(missing)}`;
      return at(path.length === 0 ? `missing ${keys}` : `${subject} is missing ${keys}`, 'required', 'key');
    }
    case 'dependentRequired': {
      const given = displayPath([...path, String(p.property)]);
      const needed = displayPath([...path, String(p.missingProperty)]);
      return { path: [...path, String(p.property)], part: 'key', message: `${given} needs ${needed} too`, rule: 'required' };
    }
    case 'type': {
      const types = String(p.type).split(',');
      const hint = booleanHint(error.data, types.includes('boolean'));
      return at(`${subject} must be ${orList(types.map((t) => TYPE_WORDS[t] ?? t))}, got ${describeValue(error.data, path)}${hint}`, 'type');
    }
    case 'const':
      return at(`${subject} must be ${quoted(p.allowedValue)}, got ${describeValue(error.data, path)}`, 'const');
    case 'enum': {
      const allowed = (p.allowedValues as unknown[]).map(quoted);
      const near = typeof error.data === 'string' ? closestMatch(error.data, (p.allowedValues as unknown[]).map(String)) : undefined;
      const hint = near ? `; did you mean "${near}"?` : booleanHint(error.data, allowed.includes('true'));
      return at(`${subject} must be one of ${allowed.join(', ')}, got ${describeValue(error.data, path)}${hint}`, 'enum');
    }
    case 'minimum':
    case 'maximum': {
      const bound = error.keyword === 'minimum' ? 'at least' : 'at most';
      return at(`${subject} must be ${bound} ${String(p.limit)}, got ${String(error.data)}`, 'range');
    }
    case 'minLength':
      return at(`${subject} must not be empty`, 'empty');
    case 'minItems':
      return at(`${subject} must list at least ${String(p.limit)} item${p.limit === 1 ? '' : 's'}`, 'empty');
    case 'minProperties':
    case 'maxProperties': {
      const count = error.keyword === 'minProperties' ? 'at least' : 'at most';
      return at(`${subject} must have ${count} ${String(p.limit)} key${p.limit === 1 ? '' : 's'}`, 'keys');
    }
    case 'uniqueItems': {
      const item = (error.data as unknown[])[Number(p.i)];
      return { path: [...path, Number(p.i)], part: 'value', message: `${subject} lists ${quoted(item)} twice`, rule: 'duplicate' };
    }
    case 'format': {
      const format = STRING_FORMATS[String(p.format)];
      if (!format) break;
      return at(`${subject} must be ${format.expected}, got ${describeValue(error.data, path)}`, format.rule);
    }
    case 'propertyNames':
      // ajv reports the broken name through the nested error that follows; nothing to add here.
      return at('', '');
  }
  return at(`${subject} ${error.message ?? 'is not valid'}`, error.keyword);
}

/** One `required` error per object, naming every missing key: "missing required keys "a" and "b"". */
function mergeRequired(errors: readonly ErrorObject[]): ErrorObject[] {
  const merged: ErrorObject[] = [];
  const byPath = new Map<string, ErrorObject>();
  for (const error of errors) {
    if (error.keyword !== 'required') {
      merged.push(error);
      continue;
    }
    const first = byPath.get(error.instancePath);
    if (first) {
      (first.params.missing as string[]).push(String(error.params.missingProperty));
      continue;
    }
    const copy = { ...error, params: { ...error.params, missing: [String(error.params.missingProperty)] } };
    byPath.set(error.instancePath, copy);
    merged.push(copy);
  }
  return merged;
}

export function schemaDiagnostics(errors: readonly ErrorObject[], data: unknown, source: YamlSource, options: SchemaMessageOptions = {}): Diagnostic[] {
  const seen = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  for (const error of mergeRequired(errors)) {
    const located = locate(error, data, options);
    if (located.message === '') continue;
    const { line, column } = source.positionOf(located.path, located.part);
    const key = `${line}:${column}:${located.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    diagnostics.push({ severity: 'error', line, column, message: located.message, rule: located.rule });
  }
  return diagnostics;
}
