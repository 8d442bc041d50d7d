import { describe, expect, it } from 'vitest';
import type { PackageResource } from '../../../cli/resources/desired-resource.js';
import { packageHandler } from '../../../cli/resources/package.js';
import type { ApplyContext } from '../../../cli/resources/resource-handler.js';

const HAPROXY: PackageResource = { kind: 'package', id: 'c1/package/haproxy', host: 'c1', stage: 'host', after: [], name: 'haproxy' };

/** A host whose commands exit with the given statuses, in turn; records what ran. */
function scriptedHost(statuses: number[]) {
  const ran: string[] = [];
  const context = {
    transport: () => ({
      host: 'c1',
      run: async (argv: readonly string[]) => {
        ran.push(argv.slice(argv.indexOf('apt-get')).slice(0, 2).join(' ') + ` (within ${argv[2]} s)`);
        return { exitCode: statuses.shift() ?? 0, stdout: '', stderr: statuses.length === 0 ? 'E: gave up' : '' };
      },
    }),
  } as unknown as ApplyContext;
  return { context, ran };
}

describe('package', () => {
  it('refreshes the package lists when an install fails, again when apt-get update hangs, and installs', async () => {
    const { context, ran } = scriptedHost([100, 124, 137, 0, 0]);
    await packageHandler.apply(HAPROXY, { installed: false }, context);
    expect(ran).toEqual([
      'apt-get install (within 600 s)',
      'apt-get update (within 120 s)',
      'apt-get update (within 120 s)',
      'apt-get update (within 120 s)',
      'apt-get install (within 600 s)',
    ]);
  });

  it('stops after three hung updates, saying so', async () => {
    const { context, ran } = scriptedHost([100, 124, 124, 124]);
    await expect(packageHandler.apply(HAPROXY, { installed: false }, context)).rejects.toThrow('c1: apt-get update (stopped after 120 s, 3 times) failed (exit 124)');
    expect(ran).toHaveLength(4);
  });

  it('stops at once when apt-get update fails for another reason', async () => {
    const { context, ran } = scriptedHost([100, 100]);
    await expect(packageHandler.apply(HAPROXY, { installed: false }, context)).rejects.toThrow(/^c1: apt-get update failed \(exit 100\): E: gave up$/);
    expect(ran).toHaveLength(2);
  });
});
