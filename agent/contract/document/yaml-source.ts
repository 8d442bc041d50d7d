// A YAML file parsed with its source positions, so a problem can be reported where it is.
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair } from 'yaml';
import type { Diagnostic } from './diagnostic.js';
import type { DocPath } from './doc-path.js';

export interface Position {
  line: number;
  column: number;
}

export type RootKind = 'empty' | 'mapping' | 'list' | 'scalar';

export interface YamlSource {
  /** The document as plain data (undefined when it did not parse). */
  value: unknown;
  rootKind: RootKind;
  /** Syntax errors and warnings of the YAML itself. */
  syntax: Diagnostic[];
  /**
   * Where `path` is written: its key (`part: 'key'`) or its value. A path that is not
   * written in the file resolves to its deepest ancestor that is.
   */
  positionOf(path: DocPath, part: 'key' | 'value'): Position;
  /** Whether `path` is written in the file (as opposed to filled in from a default). */
  has(path: DocPath): boolean;
}

/** The parser's messages that speak of its own API rather than of the file. */
const OUR_WORDS: Readonly<Record<string, string>> = {
  MULTIPLE_DOCS: 'the file holds more than one YAML document (a second "---"); a spec is a single document',
  DUPLICATE_KEY: 'this key appears earlier in the same mapping; each key may appear once',
};

const START: Position = { line: 1, column: 1 };

function rootKindOf(contents: unknown): RootKind {
  if (contents === null || contents === undefined) return 'empty';
  if (isMap(contents)) return 'mapping';
  if (isSeq(contents)) return 'list';
  return 'scalar';
}

function pairFor(map: unknown, key: string | number): Pair | undefined {
  if (!isMap(map)) return undefined;
  return map.items.find((pair) => isPair(pair) && isScalar(pair.key) && String(pair.key.value) === String(key));
}

export function parseYamlSource(text: string): YamlSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  const at = (offset: number): Position => {
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  };

  const syntax: Diagnostic[] = [
    ...doc.errors.map((e) => ({ e, severity: 'error' as const })),
    ...doc.warnings.map((e) => ({ e, severity: 'warning' as const })),
  ].map(({ e, severity }) => ({
    severity,
    line: e.linePos?.[0].line ?? 1,
    column: e.linePos?.[0].col ?? 1,
    message: `invalid YAML: ${OUR_WORDS[e.code] ?? (e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}`,
    rule: 'yaml',
  }));

  const rootKind = rootKindOf(doc.contents);
  const value = doc.errors.length === 0 ? doc.toJS({ maxAliasCount: 100 }) : undefined;

  function positionOf(path: DocPath, part: 'key' | 'value'): Position {
    let node: unknown = doc.contents;
    let best: Position = doc.contents && (doc.contents as Node).range ? at((doc.contents as Node).range![0]) : START;
    for (let i = 0; i < path.length; i++) {
      const segment = path[i]!;
      const last = i === path.length - 1;
      if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment] as Node | undefined;
        if (!item?.range) return best;
        best = at(item.range[0]);
        node = item;
        continue;
      }
      const pair = pairFor(node, segment);
      if (!pair) return best;
      const keyNode = pair.key as Node | null;
      const valueNode = pair.value as Node | null;
      const keyPosition = keyNode?.range ? at(keyNode.range[0]) : best;
      const valueIsWritten = valueNode?.range && !(isScalar(valueNode) && valueNode.value === null && valueNode.range[0] === valueNode.range[1]);
      if (last && part === 'key') return keyPosition;
      best = last && valueIsWritten ? at(valueNode!.range![0]) : keyPosition;
      node = valueNode;
    }
    return best;
  }

  const has = (path: DocPath): boolean => doc.hasIn(path);

  return { value, rootKind, syntax, positionOf, has };
}
