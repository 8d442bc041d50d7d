// A callback command the agent could not split into words (an open quote, a lone backslash) is
// refused where it is written, in the spec and in the agent's file, instead of failing at its event.
import type { Callbacks } from './schema-types.js';
import { commandWords } from './command-words.js';

/** Each unusable command: its action and why. */
export function callbackProblems(callbacks: Callbacks | undefined): { action: string; message: string }[] {
  return Object.entries(callbacks ?? {}).flatMap(([action, command]) => {
    const split = commandWords(command);
    return 'error' in split ? [{ action, message: `the ${action} callback cannot be run: ${split.error}` }] : [];
  });
}
