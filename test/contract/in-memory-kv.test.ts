import { systemClock } from '../../agent/clock/clock.js';
import { InMemoryKvStore } from '../../agent/dcs/in-memory-kv.js';
import { describeKvBackendContract } from './kv-backend-contract.js';

describeKvBackendContract('in-memory', async () => {
  const store = new InMemoryKvStore(systemClock);
  return { client: async () => store.client(), close: async () => undefined };
});
