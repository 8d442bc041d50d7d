// Every parse of a size or a duration, and every regular expression, that a network client or a
// spec can feed takes linear time: each is run on hostile 100 KB inputs (the shapes that make a
// backtracking pattern quadratic or worse) and must finish within 10 ms. The best of a few tries
// counts, so a busy machine does not fail the test; a super-linear pattern takes seconds here.
import { describe, expect, it } from 'vitest';
import { basicAuthChecker } from '../../../agent/api/basic-auth.js';
import { dynamicConfigProblems } from '../../../agent/api/config-check.js';
import { requiredRevision } from '../../../agent/api/config-revision.js';
import { healthCheckStatus } from '../../../agent/api/health-check.js';
import { checkJsonContentType } from '../../../agent/api/json-content-type.js';
import { postgresVersionNumber } from '../../../agent/api/postgres-version.js';
import { parseRequestTarget } from '../../../agent/api/request-target.js';
import { parseRestartRequest } from '../../../agent/api/restart-request.js';
import { parseSwitchoverRequest } from '../../../agent/api/switchover-request.js';
import { parseTimestamp } from '../../../agent/api/timestamp-text.js';
import { closestMatch } from '../../../agent/contract/document/closest-match.js';
import { displayPath } from '../../../agent/contract/document/doc-path.js';
import { STRING_FORMATS } from '../../../agent/contract/document/string-formats.js';
import { parseLenientBool } from '../../../agent/contract/lenient-bool.js';
import { parseDuration, parseSize } from '../../../agent/contract/pg-units.js';
import { quoted } from '../../../agent/contract/quoted.js';
import { parseConninfo } from '../../../agent/postgres/conninfo.js';
import { defaultServerLog } from '../../../agent/postgres/server-log.js';
import { parseCommitRule } from '../../../agent/postgres/synchronous-standby-names.js';
import { roleAttributes } from '../../../cli/desired/role-attributes.js';
import { verifierMatches } from '../../../cli/desired/scram-verifier.js';
import { checkHostKey, parseKnownHosts } from '../../../cli/transport/known-hosts.js';
import { NOW, replicaState } from '../../helpers/api-node-state.js';

const SIZE = 100 * 1024;
const LIMIT_MS = 10;
const TRIES = 10;
/** Past this, twice, it is no busy machine: a super-linear parse takes seconds, and ten of them would take minutes. */
const HOPELESS_MS = 100;

/** `head`, then `unit` repeated to 100 KB, then `tail`: the shape that makes a backtracking pattern retry every position. */
const hostile = (head: string, unit: string, tail = ''): string => head + unit.repeat(Math.ceil((SIZE - head.length - tail.length) / unit.length)) + tail;

/** Inputs that have made, or would make, a backtracking pattern super-linear. */
const INPUTS: Readonly<Record<string, string>> = {
  'spaces between a number and a letter, then junk': hostile('1', ' ', 'x!'),
  'spaces between two numbers': hostile('1', ' ', '1'),
  'plus signs as a query string sends spaces': hostile('1', '+', 'x'),
  'digits then a dot': hostile('', '1', '.'),
  'digits, a dot, digits, junk': hostile('1.', '1', 'x!'),
  'alternating space and letter': hostile('1', ' x', '!'),
  'slashes not at the end': hostile('/', '/', 'x'),
  'path segments then junk': hostile('', '/a', '!'),
  'a name then junk': hostile('', 'a', '!'),
  'newlines': hostile('', '\n'),
  'dotted labels': hostile('', 'a.'),
  'a timestamp with long fraction': hostile('2026-01-01T00:00:00.', '1', 'x'),
  'a timestamp then spaces': hostile('2026-01-01T00:00:00', ' ', 'x'),
  'quotes': hostile('"', '"'),
  'stars and letters': hostile('', '*a', 'b'),
  'backslashes in a quoted value': hostile("a='", '\\x'),
  'ANY and spaces': hostile('ANY ', ' ', '1'),
  'base64 then junk': hostile('SCRAM-SHA-256$4096:', 'a', '!'),
};

function bestOfMs(run: () => unknown): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < TRIES && best >= LIMIT_MS && !(i >= 2 && best > HOPELESS_MS); i++) {
    const started = performance.now();
    run();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

const replica = replicaState();

/** `/replica?tag_0=<c>&tag_1=<c>...`, as long as node:http lets a request line be (16 KB); made once per input, outside the timing. */
const tagQueries = new Map<string, string>();
function tagQuery(text: string): string {
  let query = tagQueries.get(text);
  if (query === undefined) {
    query = `/replica?${[...text.slice(0, 2000)].map((c, i) => `tag_${i}=${encodeURIComponent(c)}`).join('&')}`.slice(0, 16 * 1024);
    tagQueries.set(text, query);
  }
  return query;
}
const noCredentials = basicAuthChecker({ username: 'admin', password: 'secret' });
const knownHosts = parseKnownHosts('10.0.0.1 ssh-ed25519 AAAA\n');

/** Every parser and pattern reachable from a REST request or a spec, each given one hostile string. */
const PARSERS: Readonly<Record<string, (text: string) => unknown>> = {
  parseSize: (text) => parseSize(text),
  parseDuration: (text) => parseDuration(text),
  ...Object.fromEntries(Object.entries(STRING_FORMATS).map(([name, format]) => [`format ${name}`, (text: string) => format.test(text)])),
  'GET /replica?lag=': (text) => healthCheckStatus('GET', '/replica', new URLSearchParams({ lag: text }), replica, NOW),
  'GET /readiness?lag=': (text) => healthCheckStatus('GET', '/readiness', new URLSearchParams({ lag: text, mode: text }), replica, NOW),
  'GET /replica?tag_...': (text) => {
    const target = parseRequestTarget(tagQuery(text));
    return healthCheckStatus('GET', target.path, target.query, replica, NOW);
  },
  'request target': (text) => parseRequestTarget(`/${text}?${text}`),
  'If-Match': (text) => requiredRevision(text),
  Authorization: (text) => noCredentials(`Basic ${text}`),
  'Content-Type': (text) => checkJsonContentType(text),
  'schedule timestamp': (text) => parseTimestamp(text),
  'postgres_version': (text) => postgresVersionNumber(text),
  'POST /restart body': (text) => parseRestartRequest({ schedule: text, role: text, postgres_version: text, timeout: text }, false, Date.now()),
  'POST /switchover body': (text) => parseSwitchoverRequest({ leader: text, candidate: text, scheduled_at: text }, 'switchover', false, Date.now()),
  'PATCH /config values': (text) => dynamicConfigProblems({ ttl: text, maximum_lag_on_failover: text, postgresql: { parameters: { work_mem: text }, pg_hba: [text] }, [text]: text }),
  'lenient boolean': (text) => parseLenientBool(text),
  'did you mean': (text) => closestMatch(text, ['maximum_lag_on_failover', 'ttl', 'loop_wait']),
  'document path': (text) => displayPath(['dcs', text, 0]),
  'quoted value': (text) => quoted(text),
  'server log path': (text) => defaultServerLog(text),
  conninfo: (text) => parseConninfo(text),
  'synchronous_standby_names': (text) => parseCommitRule(text),
  'role options': (text) => roleAttributes([text]),
  'SCRAM verifier': (text) => verifierMatches(text, 'password'),
  'known_hosts lines': (text) => parseKnownHosts(text),
  'known_hosts pattern': (text) => checkHostKey([{ ...knownHosts[0]!, patterns: [text] }], `${'a'.repeat(240)}.example`, 22, 'ssh-ed25519', Buffer.alloc(0)),
};

describe('hostile input: linear time', () => {
  it('warms up the validators, which compile their schema once', () => {
    expect(dynamicConfigProblems({ ttl: 'x' })).not.toEqual([]);
  });

  describe.each(Object.entries(PARSERS))('%s', (_name, parse) => {
    it.each(Object.entries(INPUTS))(`takes under ${LIMIT_MS} ms on 100 KB of %s`, (_shape, input) => {
      expect(bestOfMs(() => parse(input))).toBeLessThan(LIMIT_MS);
    });
  });

  it('reads sizes and durations as before, and a number too large to represent as none', () => {
    expect(parseSize(' 1 MB ')).toBe(1024 * 1024);
    expect(parseDuration('\t30min\n')).toBe(30 * 60_000);
    expect(parseSize('9'.repeat(400))).toBeUndefined();
    expect(parseSize(hostile('1', ' ', 'x!'))).toBeUndefined();
  });
});
