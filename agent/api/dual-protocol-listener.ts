// One port for HTTPS and plain HTTP, only while pgha moves a running cluster's REST API to HTTPS
// (restapi.plain_http_fallback): a connection whose first byte opens a TLS handshake goes to the
// HTTPS server, any other to the plain one. Agents, HAProxy and tools not moved yet keep reaching
// this agent over plain HTTP; those moved reach it over HTTPS.
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import type { Server } from 'node:http';

/** The first byte of a TLS record carrying a handshake (a ClientHello). */
const TLS_HANDSHAKE = 0x16;

/** `https` and `plain` do not listen themselves: the returned server hands them its connections. */
export function dualProtocolListener(https: Server, plain: Server, firstByteTimeoutMs: number): NetServer {
  return createNetServer((socket) => {
    // A client that connects and sends nothing is dropped here, before either server times it.
    socket.setTimeout(firstByteTimeoutMs, () => socket.destroy());
    socket.on('error', () => socket.destroy());
    socket.once('data', (chunk: Buffer) => {
      socket.setTimeout(0);
      socket.pause();
      socket.unshift(chunk);
      (chunk[0] === TLS_HANDSHAKE ? https : plain).emit('connection', socket);
      process.nextTick(() => socket.resume());
    });
  });
}
