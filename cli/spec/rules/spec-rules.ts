// Every cross-field rule of a cluster spec, in the order they are reported for the same position.
import { callbackCommands } from './callback-commands.js';
import { customTags } from './custom-tags.js';
import { etcdMembers } from './etcd-members.js';
import { failsafeMode } from './failsafe-mode.js';
import { failoverCandidates } from './failover-candidates.js';
import { insecureOptOuts } from './insecure-opt-outs.js';
import { literalSecrets } from './literal-secrets.js';
import { memberReferences } from './member-references.js';
import { parameterPrecedence } from './parameter-precedence.js';
import { portConflicts } from './port-conflicts.js';
import { postgresHosts } from './postgres-hosts.js';
import { postgresUsers } from './postgres-users.js';
import { protectedParameters } from './protected-parameters.js';
import type { SpecRule } from './spec-rule.js';
import { synchronousMode } from './synchronous-mode.js';
import { timing } from './timing.js';
import { uniqueHosts } from './unique-hosts.js';
import { unsupportedSettings } from './unsupported-settings.js';
import { virtualAddress } from './virtual-address.js';
import { watchdogTiming } from './watchdog-timing.js';

export const SPEC_RULES: readonly SpecRule[] = [
  uniqueHosts,
  postgresHosts,
  etcdMembers,
  portConflicts,
  failoverCandidates,
  memberReferences,
  customTags,
  literalSecrets,
  timing,
  watchdogTiming,
  synchronousMode,
  failsafeMode,
  unsupportedSettings,
  insecureOptOuts,
  protectedParameters,
  parameterPrecedence,
  postgresUsers,
  callbackCommands,
  virtualAddress,
];
