// A TCP port on 127.0.0.1 that nothing listens on right now, and that this process has not
// handed out before. Ports come from below Linux's ephemeral range (32768–60999): there, an
// outgoing connection could take the port before the test's server binds it, and bind(0) may
// give the same port to two callers once the first has let it go.
import { createServer } from 'node:net';

const LOWEST = 20_000;
const HIGHEST = 32_767;
const ATTEMPTS = 100;
const handedOut = new Set<number>();

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const port = LOWEST + Math.floor(Math.random() * (HIGHEST - LOWEST + 1));
    if (handedOut.has(port) || !(await canListen(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`no free port between ${LOWEST} and ${HIGHEST} after ${ATTEMPTS} tries`);
}
