// Diagnostics as `FILE:LINE:COL: message [rule]` lines, coloured on a terminal.
import { formatDiagnostic, type Diagnostic } from '../../agent/contract/document/diagnostic.js';
import type { Painter } from './paint.js';

export function diagnosticLine(file: string, diagnostic: Diagnostic, paint: Painter): string {
  const plain = formatDiagnostic(file, diagnostic);
  const location = `${file}:${diagnostic.line}:${diagnostic.column}:`;
  const rule = `[${diagnostic.rule}]`;
  const middle = plain.slice(location.length, plain.length - rule.length);
  const label = diagnostic.severity === 'warning' ? paint('yellow', middle) : middle;
  return `${paint('bold', location)}${label}${paint('dim', rule)}`;
}
