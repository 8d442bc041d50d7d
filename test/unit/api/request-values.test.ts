import { describe, expect, it } from 'vitest';
import { parseLenientBool } from '../../../agent/contract/lenient-bool.js';
import { postgresVersionNumber } from '../../../agent/api/postgres-version.js';
import { parseRequestTarget } from '../../../agent/api/request-target.js';

describe('values in requests', () => {
  it.each([
    ['15.4', 150004],
    ['16.10', 160010],
    ['9.6.24', 90624],
    ['10.1.2', 100102],
  ])('PostgreSQL version %s is %i', (text, number) => expect(postgresVersionNumber(text)).toBe(number));

  it.each(['15', '9.6', '15.4.1.2', '15.x', '', ' 15.4'])('PostgreSQL version %j is refused', (text) => expect(postgresVersionNumber(text)).toBeUndefined());

  it.each<[unknown, boolean | undefined]>([
    [true, true],
    ['on', true],
    ['YES', true],
    [1, true],
    [false, false],
    ['off', false],
    ['0', false],
    ['maybe', undefined],
    [2, undefined],
    [null, undefined],
  ])('lenient boolean %j is %j', (value, expected) => expect(parseLenientBool(value)).toBe(expected));

  it('splits a request target as Patroni routes it', () => {
    const target = parseRequestTarget('/replica/x?lag=1MB&tag_a=b');
    expect([target.path, target.segment, target.query.get('lag'), target.query.get('tag_a')]).toEqual(['/replica/x', 'replica', '1MB', 'b']);
    expect(parseRequestTarget('/')).toMatchObject({ path: '/', segment: '' });
    expect(parseRequestTarget('/?x').segment).toBe('');
  });
});
