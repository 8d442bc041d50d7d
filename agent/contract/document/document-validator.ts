// Validates a YAML document against one of our JSON Schemas: syntax, shape, then the schema,
// each problem reported at its line and column. Defaults written in the schema are filled in.
import { Ajv2020, type AnySchemaObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { compareDiagnostics, type Diagnostic } from './diagnostic.js';
import { schemaDiagnostics, type SchemaMessageOptions } from './schema-diagnostics.js';
import { STRING_FORMATS } from './string-formats.js';
import { parseYamlSource, type YamlSource } from './yaml-source.js';

export interface DocumentValidatorOptions extends SchemaMessageOptions {
  /** What the document is, for messages about an empty or misshapen file: "a cluster spec (...)". */
  expected: string;
  /** Schemas the document's schema refers to by `$id`. */
  references?: readonly AnySchemaObject[];
}

export interface DocumentCheck<T> {
  /** The document with defaults filled in, when it has no schema errors. */
  value?: T;
  source: YamlSource;
  diagnostics: Diagnostic[];
}

export type DocumentValidator<T> = (text: string) => DocumentCheck<T>;

function compile(schema: AnySchemaObject, references: readonly AnySchemaObject[]): ValidateFunction {
  const ajv = new Ajv2020({ allErrors: true, verbose: true, useDefaults: true, allowUnionTypes: true, strict: true });
  for (const [name, format] of Object.entries(STRING_FORMATS)) ajv.addFormat(name, { type: 'string', validate: format.test });
  for (const reference of references) ajv.addSchema(reference);
  return ajv.compile(schema);
}

/**
 * A file that is not this kind of document at all: empty, not a mapping, or a mapping with none of
 * its keys (/etc/shadow named by mistake reads as one). One sentence then, and nothing of the
 * file's content, which "unknown key" messages would otherwise quote line by line.
 */
function shapeProblem(source: YamlSource, expected: string, knownKeys: readonly string[]): Diagnostic | undefined {
  const at = { severity: 'error' as const, line: 1, column: 1, rule: 'document' };
  if (source.rootKind === 'empty') return { ...at, message: `the file is empty; expected ${expected}` };
  if (source.rootKind !== 'mapping') {
    const position = source.positionOf([], 'value');
    const held = source.rootKind === 'list' ? 'a list' : 'a single value';
    return { ...at, ...position, message: `the file holds ${held}, but expected ${expected}, which is a YAML mapping` };
  }
  const keys = Object.keys(source.value as object);
  if (knownKeys.length > 0 && !keys.some((key) => knownKeys.includes(key))) return { ...at, message: `the file has none of the keys of ${expected}; is it the right file?` };
  return undefined;
}

export function createDocumentValidator<T>(schema: AnySchemaObject, options: DocumentValidatorOptions): DocumentValidator<T> {
  let validate: ValidateFunction | undefined;
  return (text) => {
    const source = parseYamlSource(text);
    if (source.syntax.some((d) => d.severity === 'error')) return { source, diagnostics: source.syntax };
    const shape = shapeProblem(source, options.expected, Object.keys((schema.properties as object | undefined) ?? {}));
    if (shape) return { source, diagnostics: [...source.syntax, shape] };
    validate ??= compile(schema, options.references ?? []);
    const data = source.value;
    if (validate(data)) return { value: data as T, source, diagnostics: source.syntax };
    const diagnostics = [...source.syntax, ...schemaDiagnostics(validate.errors ?? [], data, source, options)];
    return { source, diagnostics: diagnostics.sort(compareDiagnostics) };
  };
}
