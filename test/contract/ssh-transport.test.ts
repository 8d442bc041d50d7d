// The SSH transport against a real sshd on loopback, as root on this machine, in a directory of
// the test's own.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SshConnection } from '../../cli/transport/ssh-connection.js';
import { SshTransport } from '../../cli/transport/ssh-transport.js';
import { startLoopbackSshd } from '../helpers/loopback-sshd.js';
import { describeTransportContract } from './transport-contract.js';

describeTransportContract('SSH to a real sshd on loopback', async () => {
  const sshd = await startLoopbackSshd();
  const root = await mkdtemp(join(tmpdir(), 'pgha-transport-'));
  const connection = await SshConnection.open(sshd.target('loopback'));
  return {
    transport: new SshTransport(connection, false),
    root,
    user: sshd.user,
    async close() {
      connection.close();
      await sshd.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
});
