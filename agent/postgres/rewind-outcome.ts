// What a pg_rewind run proves. Only a run that reached a primary to rewind from and then failed
// says anything about the data; one that could not connect, or found the source still in
// recovery, did not touch it and must not lead to a new copy.
import type { RewindOutcome } from './postgres-controller.js';
import type { ProcessResult } from './process-runner.js';

const SOURCE_UNAVAILABLE = [
  /could not connect to server/i,
  /connection to server .* failed/i,
  /source server must not be in recovery mode/i,
];

export function rewindOutcome(result: ProcessResult): RewindOutcome {
  if (result.exitCode === 0) return 'rewound';
  return SOURCE_UNAVAILABLE.some((pattern) => pattern.test(result.output)) ? 'source-unavailable' : 'failed';
}
