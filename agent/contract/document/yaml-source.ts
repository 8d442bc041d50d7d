// A YAML file parsed with its source positions, so a problem can be reported where it is.
import { isAlias, isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair } from 'yaml';
import type { Diagnostic, Severity } from './diagnostic.js';
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
  RESOURCE_EXHAUSTION: 'the document is nested too deeply',
};

/** How often aliases may be expanded (the `yaml` package's measure): a few hundred bytes can otherwise expand to gigabytes. */
const MAX_ALIAS_COUNT = 100;
/** One broken line can make thousands of syntax errors; past the first few, more add nothing. */
const MAX_SYNTAX_DIAGNOSTICS = 20;
/** The parser's own messages can carry a piece of the file (a tag name); a message stays one short line. */
const MAX_MESSAGE_LENGTH = 200;

const START: Position = { line: 1, column: 1 };

function rootKindOf(contents: unknown): RootKind {
  if (contents === null || contents === undefined) return 'empty';
  if (isMap(contents)) return 'mapping';
  if (isSeq(contents)) return 'list';
  return 'scalar';
}

function ourMessage(code: string, message: string): string {
  const words = OUR_WORDS[code] ?? message.split('\n')[0] ?? '';
  return `invalid YAML: ${words.length > MAX_MESSAGE_LENGTH ? `${words.slice(0, MAX_MESSAGE_LENGTH)}...` : words}`;
}

/** An exception from the `yaml` package: a stack overflow is a document nested too deeply. */
function failureMessage(error: unknown): string {
  return error instanceof RangeError ? ourMessage('RESOURCE_EXHAUSTION', '') : ourMessage('', error instanceof Error ? error.message : String(error));
}

/** The offsets the `yaml` package's own checks would find in quadratic time: repeated keys, and aliases. */
interface NodeFacts {
  duplicateKeys: number[];
  firstAlias?: number;
  /** The first alias with no anchor of its name before it. */
  unresolvedAlias?: number;
}

/** Visits the nodes in document order, without recursion (a deep document must not overflow the stack). */
function nodeFacts(contents: unknown): NodeFacts {
  const facts: NodeFacts = { duplicateKeys: [] };
  const anchors = new Set<string>();
  const pending: unknown[] = [contents];
  while (pending.length > 0) {
    const node = pending.pop();
    if (isAlias(node)) {
      const offset = node.range?.[0] ?? 0;
      facts.firstAlias ??= offset;
      if (!anchors.has(node.source)) facts.unresolvedAlias ??= offset;
      continue;
    }
    if (isNode(node) && node.anchor) anchors.add(node.anchor);
    if (isMap(node)) {
      const keys = new Set<string>();
      for (const pair of node.items) {
        if (!isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        if (keys.has(key)) facts.duplicateKeys.push(pair.key.range?.[0] ?? 0);
        keys.add(key);
      }
      for (let i = node.items.length - 1; i >= 0; i--) pending.push(node.items[i]!.value, node.items[i]!.key);
    } else if (isSeq(node)) {
      for (let i = node.items.length - 1; i >= 0; i--) pending.push(node.items[i]);
    }
  }
  return facts;
}

interface Problem {
  offset: number;
  severity: Severity;
  message: string;
}

/** The document as data, or why it cannot be: an alias bomb, an alias without an anchor. */
function plainValue(doc: Document, facts: NodeFacts): { value: unknown } | Problem {
  try {
    return { value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (message.startsWith('Excessive alias count')) {
      return { offset: facts.firstAlias ?? 0, severity: 'error', message: `invalid YAML: the aliases (*name) in this file expand to too much data (more than ${MAX_ALIAS_COUNT} expansions)` };
    }
    if (message.startsWith('Unresolved alias')) {
      return { offset: facts.unresolvedAlias ?? facts.firstAlias ?? 0, severity: 'error', message: 'invalid YAML: this alias (*name) refers to no anchor (&name) set before it' };
    }
    return { offset: 0, severity: 'error', message: failureMessage(error) };
  }
}

/** A file the parser itself gave up on (its parser, unlike its composer, lets a stack overflow through). */
function unparsed(error: unknown): YamlSource {
  return { value: undefined, rootKind: 'empty', syntax: [{ severity: 'error', ...START, message: failureMessage(error), rule: 'yaml' }], positionOf: () => START, has: () => false };
}

export function parseYamlSource(text: string): YamlSource {
  const lines = new LineCounter();
  let doc: Document.Parsed;
  try {
    // The package's pretty errors and unique-key check each cost time in proportion to the file
    // for every error or key: quadratic on a hostile file. Positions come from the line counter,
    // and repeated keys from nodeFacts, instead.
    doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
  } catch (error) {
    return unparsed(error);
  }
  const at = (offset: number): Position => {
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  };

  const facts = nodeFacts(doc.contents);
  const problems: Problem[] = [
    ...doc.errors.map((e) => ({ offset: e.pos[0], severity: 'error' as const, message: ourMessage(e.code, e.message) })),
    ...facts.duplicateKeys.map((offset) => ({ offset, severity: 'error' as const, message: ourMessage('DUPLICATE_KEY', '') })),
  ];
  let value: unknown;
  if (problems.length === 0) {
    const plain = plainValue(doc, facts);
    if ('value' in plain) value = plain.value;
    else problems.push(plain);
  }
  problems.push(...doc.warnings.map((e) => ({ offset: e.pos[0], severity: 'warning' as const, message: ourMessage(e.code, e.message) })));
  const shown = problems.sort((a, b) => a.offset - b.offset).slice(0, MAX_SYNTAX_DIAGNOSTICS);
  if (problems.length > shown.length) {
    const last = shown[shown.length - 1]!;
    shown.push({ ...last, message: `invalid YAML: ${problems.length - shown.length} more problems not shown` });
  }
  const syntax: Diagnostic[] = shown.map(({ offset, severity, message }) => ({ severity, ...at(offset), message, rule: 'yaml' }));

  const rootKind = rootKindOf(doc.contents);
  /** Each mapping's pairs by key, built when first needed: a lookup per diagnostic stays cheap in a mapping of thousands. */
  const pairIndex = new WeakMap<object, Map<string, Pair>>();
  function pairFor(map: unknown, key: string | number): Pair | undefined {
    if (!isMap(map)) return undefined;
    let index = pairIndex.get(map);
    if (!index) {
      index = new Map();
      for (const pair of map.items) if (isScalar(pair.key) && !index.has(String(pair.key.value))) index.set(String(pair.key.value), pair);
      pairIndex.set(map, index);
    }
    return index.get(String(key));
  }

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

  function has(path: DocPath): boolean {
    let node: unknown = doc.contents;
    for (const segment of path) {
      if (isSeq(node) && typeof segment === 'number') node = node.items[segment];
      else node = pairFor(node, segment)?.value;
      if (node === undefined) return false;
    }
    return true;
  }

  return { value, rootKind, syntax, positionOf, has };
}
