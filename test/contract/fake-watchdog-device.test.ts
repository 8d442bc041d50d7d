import { FakeWatchdogDevice } from '../../agent/watchdog/fake-watchdog-device.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { describeWatchdogDeviceContract } from './watchdog-device-contract.js';

describeWatchdogDeviceContract('fake', async () => {
  const clock = new FakeClock();
  let expiries = 0;
  const fake = (): FakeWatchdogDevice => new FakeWatchdogDevice({ clock, timeoutSeconds: 10, onExpire: () => (expiries += 1) });
  return {
    timeoutSeconds: 10,
    slackMs: 0,
    device: fake,
    missing() {
      const device = fake();
      device.unusable = `watchdog device ${device.path} does not exist`;
      return device;
    },
    elapse: (ms) => clock.advance(ms),
    expiries: () => expiries,
    close: async () => undefined,
  };
});
