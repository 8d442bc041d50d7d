// A callback command the agents could not split into words is refused in the spec, not at its event.
import { callbackProblems } from '../../../agent/contract/callback-commands.js';
import { error, type SpecRule } from './spec-rule.js';

export const callbackCommands: SpecRule = {
  name: 'callbacks',
  check: (spec) => callbackProblems(spec.postgres.callbacks).map(({ action, message }) => error(['postgres', 'callbacks', action], message)),
};
