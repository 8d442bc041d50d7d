import { describe, expect, it } from 'vitest';
import { isReadOnlyCommand } from '../../../cli/transport/read-only-commands.js';

describe('the commands a plan may run', () => {
  it('allows reading programs and the reading subcommands of writing ones', () => {
    for (const argv of [['cat', '/etc/hosts'], ['dpkg-query', '-W', 'haproxy'], ['systemctl', 'is-active', 'etcd'], ['etcdctl', 'member', 'list'], ['stat', '-c', '%a', '/']]) {
      expect(isReadOnlyCommand(argv), argv.join(' ')).toBe(true);
    }
  });

  it('refuses anything that can change a host', () => {
    for (const argv of [['rm', '-rf', '/'], ['systemctl', 'restart', 'etcd'], ['etcdctl', 'member', 'add', 'x'], ['etcdctl', 'put', 'k', 'v'], ['apt-get', 'install', 'x'], ['sh', '-c', 'cat x'], []]) {
      expect(isReadOnlyCommand(argv), argv.join(' ')).toBe(false);
    }
  });
});
