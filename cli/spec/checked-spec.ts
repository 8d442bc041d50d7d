// A spec that a command acts on: loaded from the working tree or a Git ref, its diagnostics
// reported, and refused with one sentence when it is not valid.
import type { Diagnostic } from '../../agent/contract/document/diagnostic.js';
import type { ClusterSpec } from '../../agent/contract/schema-types.js';
import { UserError } from '../user-error.js';
import { loadSpec } from './load-spec.js';
import type { SpecSource } from './spec-source.js';

/** `untouched`: what the refusal says was left alone ("any host", "the cluster"). */
export async function loadCheckedSpec(
  file: string,
  ref: string | undefined,
  report: (label: string, diagnostics: readonly Diagnostic[]) => void,
  untouched: string,
): Promise<{ spec: ClusterSpec; source: SpecSource }> {
  const loaded = await loadSpec(file, ref);
  const label = loaded.source.git ? `${file} at ${loaded.source.git.ref}` : file;
  report(label, loaded.diagnostics);
  if (!loaded.spec) throw new UserError(`${label} is not a valid cluster spec; nothing was read from or done to ${untouched}`);
  return { spec: loaded.spec, source: loaded.source };
}
