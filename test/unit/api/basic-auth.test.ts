import { describe, expect, it } from 'vitest';
import { basicAuthChecker } from '../../../agent/api/basic-auth.js';

const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;

describe('Basic authentication', () => {
  const check = basicAuthChecker({ username: 'admin', password: 's3cret' });

  it('lets the right credentials through', () => expect(check(basic('admin:s3cret'))).toBeUndefined());

  it.each([
    [undefined, 'no auth header received'],
    [basic('admin:wrong'), 'not authenticated'],
    [basic('admin:s3cret-and-more'), 'not authenticated'],
    ['Bearer abc', 'not authenticated'],
    ['Basic ', 'not authenticated'],
    ['basic YWRtaW46czNjcmV0', 'not authenticated'],
  ])('refuses %j with 401 "%s" and a challenge', (header, message) => {
    expect(check(header)).toMatchObject({ status: 401, body: message, headers: { 'WWW-Authenticate': 'Basic realm="Patroni"' } });
  });

  it('lets everything through when no credentials are configured', () => expect(basicAuthChecker(undefined)(undefined)).toBeUndefined());
});
