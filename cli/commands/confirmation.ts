// The question an operator command that interrupts writes asks first, as patronictl asks; --yes skips it.
import { UserError } from '../user-error.js';
import type { CommandContext } from './command-context.js';

export async function confirmed(context: CommandContext, yes: boolean, question: string, why: string): Promise<void> {
  if (yes) return;
  const answer = await context.io.ask(`${question} [y/N] `);
  if (answer === undefined) throw new UserError(`this command ${why} and needs a confirmation, and there is no terminal to ask on (or --input=false was given): pass --yes`);
  if (!/^y(es)?$/i.test(answer.trim())) throw new UserError('cancelled; nothing was changed');
}
