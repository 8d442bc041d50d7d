// A transport per host that runs nothing: it records each command as "<host>: <argv>" and succeeds.
export function recordingTransport(commands: string[]) {
  return (host: string) => ({
    host,
    run: async (argv: readonly string[]) => {
      commands.push(`${host}: ${argv.join(' ')}`);
      return { exitCode: 0, stdout: '', stderr: '' };
    },
  });
}
