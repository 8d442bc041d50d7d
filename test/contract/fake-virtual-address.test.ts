import { FakeVirtualAddress } from '../../agent/vip/fake-virtual-address.js';
import { describeVirtualAddressContract } from './virtual-address-contract.js';

describeVirtualAddressContract('the fake', async () => ({ address: new FakeVirtualAddress(), close: async () => undefined }));
