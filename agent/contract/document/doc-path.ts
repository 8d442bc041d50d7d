// Paths into a parsed document: the segments a JSON pointer names, and how people read them.
import { quoted } from '../quoted.js';

export type DocPath = readonly (string | number)[];

/** Splits a JSON pointer; segments that index an array of `data` become numbers. */
export function pointerToPath(pointer: string, data: unknown): DocPath {
  if (pointer === '') return [];
  const path: (string | number)[] = [];
  let node: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const index = Array.isArray(node) ? Number(segment) : Number.NaN;
    const key = Number.isInteger(index) ? index : segment;
    path.push(key);
    node = node !== null && typeof node === 'object' ? (node as Record<string | number, unknown>)[key] : undefined;
  }
  return path;
}

/** `hosts[1].address`, `dcs.postgresql.parameters."my.setting"`; the empty path reads "the document". */
export function displayPath(path: DocPath): string {
  if (path.length === 0) return 'the document';
  return path
    .map((segment, i) => {
      if (typeof segment === 'number') return `[${segment}]`;
      const key = /^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment) ? segment : quoted(segment);
      return i === 0 ? key : `.${key}`;
    })
    .join('');
}
