// A transport per host that runs nothing: it records each command as "<host>: <argv>" and succeeds.
// Queries are not recorded; they answer what `answer` says (empty by default).
export function recordingTransport(commands: string[], answer: (host: string, argv: readonly string[]) => string = () => '') {
  return (host: string) => ({
    host,
    run: async (argv: readonly string[]) => {
      commands.push(`${host}: ${argv.join(' ')}`);
      return { exitCode: 0, stdout: '', stderr: '' };
    },
    query: async (argv: readonly string[]) => ({ exitCode: 0, stdout: answer(host, argv), stderr: '' }),
  });
}
