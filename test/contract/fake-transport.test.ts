import { FakeTransport } from '../../cli/transport/fake-transport.js';
import { describeTransportContract } from './transport-contract.js';

describeTransportContract('in-memory fake host', async () => ({ transport: new FakeTransport('c1'), root: '/srv/contract', user: 'root', close: async () => undefined }));
