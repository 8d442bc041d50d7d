// A Connector onto fake hosts and a fake cluster (see fake-transport, fake-cluster): a host the
// test did not set up is a bare Debian host; a departed host it did not set up does not answer.
import type { Connector } from './connector.js';
import type { FakeCluster } from './fake-cluster.js';
import { FakeTransport } from './fake-transport.js';

export interface FakeWorld {
  hosts: Map<string, FakeTransport>;
  cluster: FakeCluster;
}

export function fakeConnector(world: FakeWorld): Connector {
  return {
    async hosts(spec, _options, departed = []) {
      for (const host of spec.hosts) if (!world.hosts.has(host.name)) world.hosts.set(host.name, new FakeTransport(host.name));
      const reached = [...spec.hosts, ...departed].filter((host) => world.hosts.has(host.name));
      return {
        transports: new Map(reached.map((host) => [host.name, world.hosts.get(host.name)!])),
        unreachable: new Map(departed.filter((host) => !world.hosts.has(host.name)).map((host) => [host.name, `${host.name} (${host.address}) does not answer`])),
        forward: (host) => Promise.reject(new Error(`the fake host ${host} forwards no connections`)),
        close: () => undefined,
      };
    },
    cluster: () => world.cluster,
  };
}
