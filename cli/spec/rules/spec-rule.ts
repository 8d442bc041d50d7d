// A rule about a whole cluster spec that JSON Schema cannot express (counts, sums, references).
// Rules are pure: they read the validated spec and return findings anchored at a path.
import type { DocPath } from '../../../agent/contract/document/doc-path.js';
import type { Severity } from '../../../agent/contract/document/diagnostic.js';
import type { ClusterSpec } from '../../../agent/contract/schema-types.js';

export interface Finding {
  severity: Severity;
  /** Where to point: a path that is not written in the file points at its nearest written ancestor. */
  path: DocPath;
  part?: 'key' | 'value';
  message: string;
}

export interface SpecRule {
  /** Stable name shown in brackets after each message. */
  name: string;
  /** `written` tells whether a path is in the file or only a default. */
  check(spec: ClusterSpec, written: (path: DocPath) => boolean): Finding[];
}

export function error(path: DocPath, message: string, part: 'key' | 'value' = 'value'): Finding {
  return { severity: 'error', path, part, message };
}

export function warning(path: DocPath, message: string, part: 'key' | 'value' = 'value'): Finding {
  return { severity: 'warning', path, part, message };
}
