// Reads a cluster spec from the working tree or a Git ref and checks it.
import type { SpecCheck } from './check-spec.js';
import { checkSpec } from './check-spec.js';
import { readSpecSource, type SpecSource } from './spec-source.js';

export interface LoadedSpec extends SpecCheck {
  source: SpecSource;
}

export async function loadSpec(file: string, ref?: string): Promise<LoadedSpec> {
  const source = await readSpecSource(file, ref);
  return { source, ...checkSpec(source.text) };
}
