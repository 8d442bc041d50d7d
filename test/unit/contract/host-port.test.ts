import { describe, expect, it } from 'vitest';
import { parseHostPort, parseListenAddress } from '../../../agent/contract/host-port.js';

describe('host:port', () => {
  it.each([
    ['10.0.0.1:5432', { host: '10.0.0.1', port: 5432 }],
    ['db1.example.com:8008', { host: 'db1.example.com', port: 8008 }],
    ['[::1]:2379', { host: '::1', port: 2379 }],
  ])('parses %s', (text, expected) => expect(parseHostPort(text)).toEqual(expected));

  it.each(['10.0.0.1', '10.0.0.1:0', '10.0.0.1:65536', ':5432', '::1:5432', 'db 1:5432', '10.0.0:5432'])('refuses %s', (text) =>
    expect(parseHostPort(text)).toBeUndefined(),
  );

  it.each([
    ['0.0.0.0:8008', { hosts: ['0.0.0.0'], port: 8008 }],
    ['*:8008', { hosts: ['*'], port: 8008 }],
    ['127.0.0.1,10.0.0.1:5432', { hosts: ['127.0.0.1', '10.0.0.1'], port: 5432 }],
    ['[::]:8008', { hosts: ['::'], port: 8008 }],
  ])('parses the listen address %s', (text, expected) => expect(parseListenAddress(text)).toEqual(expected));

  it.each(['8008', '127.0.0.1,:5432', '*'])('refuses the listen address %s', (text) => expect(parseListenAddress(text)).toBeUndefined());
});
