import { systemClock } from '../../agent/clock/clock.js';
import { InMemoryKvStore } from '../../agent/dcs/in-memory-kv.js';
import { describeDcsContract } from './dcs-contract.js';

describeDcsContract('in-memory', async () => {
  const store = new InMemoryKvStore(systemClock);
  return { client: async () => store.client(), close: async () => undefined };
});
