// A listener on 127.0.0.1 whose every connection is piped to a stream `open` returns: the
// PostgreSQL client connects to it as to a local server, like `ssh -L`.
import { createServer, type AddressInfo, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';

export interface LocalForward {
  port: number;
  close(): Promise<void>;
}

export async function localForward(open: () => Promise<Duplex>): Promise<LocalForward> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    open().then(
      (remote) => {
        remote.on('error', () => socket.destroy());
        socket.on('close', () => remote.destroy());
        socket.pipe(remote).pipe(socket);
      },
      () => socket.destroy(),
    );
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  // Only its connections keep the process alive: a forward nobody closed never holds it open.
  server.unref();
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
