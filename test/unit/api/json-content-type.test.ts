import { describe, expect, it } from 'vitest';
import { checkJsonContentType } from '../../../agent/api/json-content-type.js';

describe('the JSON content type of mutating requests', () => {
  it.each(['application/json', 'application/json; charset=utf-8', 'Application/JSON', undefined])('lets %j through', (header) => {
    expect(checkJsonContentType(header)).toBeUndefined();
  });

  it.each(['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '', 'application/jsonx'])(
    'refuses %j with 415 and a reason',
    (header) => {
      const refusal = checkJsonContentType(header);
      expect(refusal).toMatchObject({ status: 415 });
      expect(refusal?.body).toMatch(/^Content-Type must be application\/json, not "/);
    },
  );

  it('quotes at most 80 characters of what the client sent', () => {
    expect(checkJsonContentType(`text/${'x'.repeat(10_000)}`)!.body.length).toBeLessThan(140);
  });
});
