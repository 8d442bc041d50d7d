// PATCH /config and PUT /config as handlers, on a three-member cluster in an in-memory etcd.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accepted, type JsonObject, type WriteRequest } from '../../../agent/api/api-exchange.js';
import { patchConfigEndpoint, putConfig } from '../../../agent/api/config-endpoint.js';
import { parseRequestTarget } from '../../../agent/api/request-target.js';
import { FakeAgent, FakeCluster, INITIAL_CONFIG, testClock } from '../../helpers/api-fake-agent.js';
import { primaryState } from '../../helpers/api-node-state.js';

function request(body: JsonObject): WriteRequest {
  return { target: parseRequestTarget('/config'), body: async () => accepted(body), header: () => undefined, signal: new AbortController().signal };
}

const HISTORY_REFUSED = 'max_timelines_history: trimming the history key is not supported by this version of pgha yet; remove it or set it to 0';

let cluster: FakeCluster;
let agent: FakeAgent;
const storedConfig = async () => (await cluster.member('pg3').readCluster()).config?.value;

beforeEach(async () => {
  const clock = testClock();
  cluster = new FakeCluster(clock);
  agent = new FakeAgent(primaryState(), cluster.member('pg1'), clock);
  await cluster.bootstrap({});
});
afterEach(() => cluster.close());

describe('PATCH /config and PUT /config refuse settings not supported yet', () => {
  it('answers PATCH with 400 and the sentences, writes nothing and does not wake the loop', async () => {
    expect(await patchConfigEndpoint(request({ max_timelines_history: 10, pause: true }), agent.context)).toMatchObject({
      status: 400,
      body: `invalid configuration: ${HISTORY_REFUSED}`,
    });
    expect(await storedConfig()).toEqual(INITIAL_CONFIG);
    expect(agent.wakes).toBe(0);
  });

  it('checks the merged result: a setting another tool wrote must go before anything else changes', async () => {
    await cluster.member('pg2').writeConfig({ ...INITIAL_CONFIG, max_timelines_history: 10 });
    expect(await patchConfigEndpoint(request({ ttl: 20 }), agent.context)).toMatchObject({ status: 400, body: `invalid configuration: ${HISTORY_REFUSED}` });
    expect((await storedConfig())?.ttl).toBe(10);
    expect(await patchConfigEndpoint(request({ ttl: 20, max_timelines_history: null }), agent.context)).toMatchObject({ status: 200 });
    expect(await storedConfig()).toEqual({ ...INITIAL_CONFIG, ttl: 20 });
  });

  it('accepts the supported values', async () => {
    expect(await patchConfigEndpoint(request({ synchronous_mode: true, failsafe_mode: true, pause: true }), agent.context)).toMatchObject({ status: 200 });
    expect(await storedConfig()).toEqual({ ...INITIAL_CONFIG, synchronous_mode: true, failsafe_mode: true, pause: true });
  });

  it('answers PUT with 400 and the sentence, and writes nothing', async () => {
    const body = { ttl: 30, loop_wait: 10, retry_timeout: 10, max_timelines_history: 10 };
    expect(await putConfig(request(body), agent.context)).toMatchObject({
      status: 400,
      body: `invalid configuration: ${HISTORY_REFUSED}`,
    });
    expect(await storedConfig()).toEqual(INITIAL_CONFIG);
    expect(agent.wakes).toBe(0);
  });
});
