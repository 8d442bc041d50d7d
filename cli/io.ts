// The terminal edge of the CLI: results go to stdout, progress and diagnostics to stderr, so
// `pgha ... --json > out.json` stays clean. Tests pass a recording Io instead.

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Whether stderr may carry ANSI colours (a terminal, and NO_COLOR unset). */
  colour: boolean;
  /** Whether stderr is a terminal: live progress rows instead of timestamped lines. */
  terminal: boolean;
  /** Asks a question on the terminal; undefined when stdin is not one. */
  ask(question: string): Promise<string | undefined>;
}

export function processIo(env: NodeJS.ProcessEnv = process.env): Io {
  const colour = env.NO_COLOR === undefined && (env.FORCE_COLOR !== undefined || process.stderr.isTTY === true);
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    colour,
    terminal: process.stderr.isTTY === true,
    async ask(question) {
      if (process.stdin.isTTY !== true) return undefined;
      const { createInterface } = await import('node:readline/promises');
      const prompt = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await prompt.question(question);
      } finally {
        prompt.close();
      }
    },
  };
}

/** The terminal as the flags narrow it: `--no-color` turns colour off, `-input=false` never asks. */
export function narrowedIo(io: Io, choices: { colour: boolean; input: boolean }): Io {
  return { ...io, colour: io.colour && choices.colour, ask: choices.input ? io.ask : () => Promise.resolve(undefined) };
}
