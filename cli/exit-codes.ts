// pgha's exit codes. They are part of the interface: scripts and CI depend on them.

export const ExitCode = {
  /** The command did what was asked (`validate`: every file is valid). */
  ok: 0,
  /** A problem the user can fix: a bad spec, a bad flag, an unreachable host, a held lock. */
  failed: 1,
  /** `plan --detailed-exitcode` only: the plan has changes. */
  changes: 2,
  /** pgha itself failed: a bug. */
  internal: 3,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
