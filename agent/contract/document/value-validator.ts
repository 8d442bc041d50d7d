// Validates a value that did not come from a file (a JSON request body, a DCS key) against one
// of our JSON Schemas, with the same sentences as for a document, minus the positions.
import { Ajv2020, type AnySchemaObject, type ValidateFunction } from 'ajv/dist/2020.js';
import type { YamlSource } from './yaml-source.js';
import { schemaDiagnostics } from './schema-diagnostics.js';
import { STRING_FORMATS } from './string-formats.js';

export interface ValueCheck {
  /** A copy of the value with the schema's defaults filled in (where its shape allowed). */
  withDefaults: unknown;
  problems: string[];
}

export type ValueValidator = (value: unknown) => ValueCheck;

const NOWHERE = { line: 1, column: 1 };

/** schemaDiagnostics wants a source to place its messages; a plain value has no places. */
function placeless(value: unknown): YamlSource {
  return { value, rootKind: 'mapping', syntax: [], positionOf: () => NOWHERE, has: () => true };
}

export function createValueValidator(schema: AnySchemaObject, references: readonly AnySchemaObject[] = []): ValueValidator {
  let validate: ValidateFunction | undefined;
  return (value) => {
    if (!validate) {
      const ajv = new Ajv2020({ allErrors: true, verbose: true, useDefaults: true, allowUnionTypes: true, strict: true });
      for (const [name, format] of Object.entries(STRING_FORMATS)) ajv.addFormat(name, { type: 'string', validate: format.test });
      for (const reference of references) ajv.addSchema(reference);
      validate = ajv.compile(schema);
    }
    const copy = structuredClone(value);
    if (validate(copy)) return { withDefaults: copy, problems: [] };
    return { withDefaults: copy, problems: schemaDiagnostics(validate.errors ?? [], copy, placeless(copy)).map((d) => d.message) };
  };
}
