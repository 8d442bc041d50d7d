// The lab spec rendered for unit tests, with its secrets from the environment (the lab's secret
// files exist only once the lab was created).
import { readFileSync } from 'node:fs';
import type { ClusterSpec } from '../../../agent/contract/schema-types.js';
import { desiredState, type DesiredFacts } from '../../../cli/desired/desired-state.js';
import { Secrets } from '../../../cli/desired/secrets.js';
import { checkSpec } from '../../../cli/spec/check-spec.js';
import { projectPath } from '../../helpers/paths.js';

export const SECRET_VALUES = {
  PGHA_SUPERUSER: 'super-Secret-1f9a',
  PGHA_REPLICATION: 'repl-Secret-77c2',
  PGHA_REWIND: 'rewind-Secret-e01b',
  PGHA_AGENT: 'agent-Secret-5d3e',
  PGHA_APP: 'app-Secret-90ab',
};

export function labSpec(edit: (text: string) => string = (t) => t): ClusterSpec {
  const text = readFileSync(projectPath('inventories/lab/cluster.yaml'), 'utf8')
    .replace('{ file: secrets/superuser-password }', '{ env: PGHA_SUPERUSER }')
    .replace('{ file: secrets/replication-password }', '{ env: PGHA_REPLICATION }')
    .replace('{ file: secrets/rewind-password }', '{ env: PGHA_REWIND }')
    .replace('{ file: secrets/agent-password }', '{ env: PGHA_AGENT }')
    .replace('{ file: secrets/app-password }', '{ env: PGHA_APP }');
  const { spec, diagnostics } = checkSpec(edit(text));
  if (!spec) throw new Error(JSON.stringify(diagnostics));
  return spec;
}

export function labSecrets(): Secrets {
  return new Secrets({ specDirectory: projectPath('inventories/lab'), env: SECRET_VALUES });
}

export const BARE_FACTS: DesiredFacts = {
  release: { version: '0.1.0', digest: 'a'.repeat(64) },
  etcdMembers: 'unreachable',
  etcdRecordedFirstStart: new Map(),
  recordedBootstrap: new Map(),
};

export function labDesired(spec = labSpec(), secrets = labSecrets(), facts = BARE_FACTS) {
  return desiredState(spec, secrets, facts);
}
