// A YAML file that holds secrets, masked by structure: rendered from a document whose secret
// values are placeholders, it records the path of each one, and a plan shows every version of
// the file (the one to write, and the one a host holds now) with the values at those paths, and
// under keys of the same names, replaced by "(sensitive)". However a value is folded, quoted or
// escaped, and whatever else happens to equal it, exactly those values are hidden.
import { isScalar, parseDocument, stringify, visit } from 'yaml';
import { SENSITIVE, type Secrets } from './secrets.js';

/** Keys and list indexes from the document's root to a value. */
export type SecretPath = (string | number)[];

export interface SecretYaml {
  content: string;
  secretPaths: SecretPath[];
}

/** `header` and the document as YAML, each placeholder replaced by its secret, with the secrets' paths. */
export function secretYaml(header: string, document: object, secrets: Secrets): SecretYaml {
  const secretPaths: SecretPath[] = [];
  const reveal = (node: unknown, path: SecretPath): unknown => {
    if (typeof node === 'string') {
      const value = secrets.revealed(node);
      if (value === undefined) return node;
      secretPaths.push(path);
      return value;
    }
    if (Array.isArray(node)) return node.map((item: unknown, index) => reveal(item, [...path, index]));
    if (typeof node === 'object' && node !== null) return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, reveal(value, [...path, key])]));
    return node;
  };
  return { content: `${header}${stringify(reveal(document, []))}`, secretPaths };
}

/**
 * `content` with the value at each path it has, and under each key a path ends with (where a host's
 * older file may hold a secret the spec no longer puts there), replaced by "(sensitive)";
 * undefined when it is not YAML.
 */
export function maskedYaml(content: string, secretPaths: readonly SecretPath[]): string | undefined {
  const document = parseDocument(content);
  if (document.errors.length > 0) return undefined;
  // New nodes, so a mask looks the same however the value it replaces was quoted.
  const keys = new Set(secretPaths.map((path) => path.at(-1)).filter((key) => typeof key === 'string'));
  visit(document, {
    Pair(_, pair) {
      if (isScalar(pair.key) && keys.has(String(pair.key.value))) pair.value = document.createNode(SENSITIVE);
    },
  });
  for (const path of secretPaths) if (document.hasIn(path)) document.setIn(path, document.createNode(SENSITIVE));
  return document.toString();
}
