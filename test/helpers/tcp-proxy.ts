// A TCP proxy on loopback that a test can cut: between the agents and etcd, to make etcd
// unreachable without touching it. `blackhole` keeps connections open and silent (a partition,
// so clients time out); `refuse` closes them (a dead peer, so clients fail fast).
import { createServer, Socket, type Server } from 'node:net';

export type CutMode = 'blackhole' | 'refuse';

export interface TcpProxy {
  port: number;
  cut(mode: CutMode): void;
  heal(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  let mode: CutMode | undefined;
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server: Server = createServer((client) => {
    track(client);
    if (mode === 'refuse') return void client.destroy();
    if (mode === 'blackhole') return void client.pause();
    const upstream = new Socket();
    track(upstream);
    upstream.connect(targetPort, targetHost);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('proxy did not bind');
  return {
    port: address.port,
    cut(next) {
      mode = next;
      for (const socket of sockets) {
        if (next === 'refuse') socket.destroy();
        else {
          socket.unpipe();
          socket.pause();
        }
      }
    },
    heal() {
      mode = undefined;
      for (const socket of sockets) socket.destroy();
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
