// A problem found in a document the user wrote, anchored at a line and column of that file.

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  severity: Severity;
  line: number;
  column: number;
  message: string;
  /** Stable name of the rule that was broken, e.g. `unknown-key` or `timing`. */
  rule: string;
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return a.line - b.line || a.column - b.column || a.message.localeCompare(b.message);
}

/** `FILE:LINE:COL: message [rule]`, the shape compilers use, so editors can jump to it. */
export function formatDiagnostic(file: string, diagnostic: Diagnostic): string {
  const prefix = diagnostic.severity === 'warning' ? 'warning: ' : '';
  return `${file}:${diagnostic.line}:${diagnostic.column}: ${prefix}${diagnostic.message} [${diagnostic.rule}]`;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}
