// A failure the user can fix (bad input, unreachable host, held lock): one clear sentence, exit 1,
// never a stack trace. Anything else that escapes a command is a bug.

export class UserError extends Error {
  override readonly name = 'UserError';
}
