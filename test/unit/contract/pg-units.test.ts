import { describe, expect, it } from 'vitest';
import { parseDuration, parseSize } from '../../../agent/contract/pg-units.js';

describe('PostgreSQL units', () => {
  it.each([
    [1048576, 1048576],
    ['0', 0],
    ['512B', 512],
    ['1kB', 1024],
    ['1MB', 1048576],
    ['1 MB', 1048576],
    ['1.5GB', 1610612736],
    ['2TB', 2 * 1024 ** 4],
  ])('size %s is %i bytes', (text, bytes) => expect(parseSize(text)).toBe(bytes));

  it.each(['1mb', '1 KB', 'MB', '-1MB', '1XB', '', 1.5])('size %s is refused', (text) => expect(parseSize(text)).toBeUndefined());

  it.each([
    [30, 30_000],
    ['30', 30_000],
    ['500ms', 500],
    ['2s', 2000],
    ['30min', 1_800_000],
    ['1h', 3_600_000],
    ['1d', 86_400_000],
  ])('duration %s is %i ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['30 minutes', '1m', '1H', 'soon'])('duration %s is refused', (text) => expect(parseDuration(text)).toBeUndefined());
});
