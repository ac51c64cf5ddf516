import { describe, expect, it } from 'vitest';
import { compileKnowledgeDir } from '../../node/knowledge-files.js';
import { createMatcher, type Match } from './matcher.js';
import type { Entry } from './schema.js';

const compiled = compileKnowledgeDir();
if (!compiled.ok) throw new Error(`the knowledge base does not compile: ${JSON.stringify(compiled.issues)}`);
const entries = compiled.bundle.entries;
const byId = new Map(entries.map((entry) => [entry.id, entry]));
const matcher = createMatcher(entries);

const topId = (text: string) => matcher.match(text).matches[0]?.id;
const describeMatches = (matches: readonly Match[]) =>
  matches.map((m) => `${m.id} ${m.confidence} [${m.reasons.map((r) => `${r.kind}:${r.detail}`).join(', ')}]`);

const NGINX_502 = `<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx/1.25.3</center>
</body>
</html>`;

const GITHUB_RATE_LIMIT = `HTTP/2 403
x-ratelimit-remaining: 0
{"message":"API rate limit exceeded for 203.0.113.9. (But here's the good news: Authenticated requests get a higher rate limit. Check out the documentation for more details.)","documentation_url":"https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting"}`;

const POSTGRES_AS_500 = `POST /api/users 500
{"error":"error: duplicate key value violates unique constraint \\"users_email_key\\"","detail":"Key (email)=(ana@example.com) already exists."}`;

const CHROME_CORS = `Access to fetch at 'https://api.example.com/v1/orders' from origin 'http://localhost:5173' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource. If an opaque response serves your needs, set the request's mode to 'no-cors' to fetch the resource with CORS disabled.`;

describe('matcher: what people type and paste', () => {
  it.each([
    ['a bare status code', '429', 'http-429'],
    ['a team error code', 'AUTH-401', 'http-401'],
    ['a phrase typed from memory', 'cors preflight', 'cors-blocked'],
    ['a phrase from a token library', 'jwt expired', 'jwt-error'],
    ['an nginx 502 error page', NGINX_502, 'http-502'],
    [
      'an Envoy reset',
      'upstream connect error or disconnect/reset before headers. reset reason: connection failure',
      'upstream-connection',
    ],
    ['an API Gateway integration timeout', '{"message": "Endpoint request timed out"}', 'http-504'],
    ['a GitHub rate limit sent as a 403', GITHUB_RATE_LIMIT, 'http-429'],
    ['a Postgres unique violation surfaced as a 500', POSTGRES_AS_500, 'http-409'],
    ['a Chrome console CORS error', CHROME_CORS, 'cors-blocked'],
    ['a gRPC status name', 'rpc error: code = PermissionDenied desc = PERMISSION_DENIED', 'http-403'],
    ['a Node connection error', 'Error: connect ECONNREFUSED 127.0.0.1:5432', 'upstream-connection'],
    ['a Node DNS error', 'Error: getaddrinfo ENOTFOUND api.example.com', 'dns-error'],
    ['a Node TLS error code', 'CERT_HAS_EXPIRED', 'tls-error'],
    ['a Java DNS exception', 'java.net.UnknownHostException: foo', 'dns-error'],
  ])('ranks the right entry first for %s', (_name, text, expected) => {
    const { matches } = matcher.match(text);
    expect(matches[0]?.id, describeMatches(matches).join('\n')).toBe(expected);
  });

  it.each([
    ['a colon', 'HTTP 503: try again later', 'http-503'],
    ['a full stop', 'The operation could not be completed. (HTTP error 410.)', 'http-410'],
  ])('counts a status code followed by %s', (_name, text, expected) => {
    const { matches } = matcher.match(text);
    expect(matches[0]?.id).toBe(expected);
    expect(matches[0]?.reasons).toContainEqual({ kind: 'code', detail: expected.slice('http-'.length) });
  });
});

describe('matcher: what every result carries', () => {
  const queries = [
    '429',
    'AUTH-401',
    'cors preflight',
    NGINX_502,
    GITHUB_RATE_LIMIT,
    POSTGRES_AS_500,
    CHROME_CORS,
    'Error: connect ECONNREFUSED 127.0.0.1:5432',
    'something went wrong',
    'the request to the billing service failed after a deploy',
  ];

  /** A reason must point at something the entry really has: one of its codes, aliases or signals. */
  function reasonBelongsTo(entry: Entry, reason: Match['reasons'][number]): boolean {
    switch (reason.kind) {
      case 'code':
        return entry.codes.includes(Number(/\d{3}/.exec(reason.detail)?.[0]));
      case 'alias':
        return entry.aliases.includes(reason.detail);
      case 'signal':
        return entry.signals.includes(reason.detail);
      case 'text':
        return reason.detail.trim().length > 0;
      case 'corrected':
        // Never produced by the matcher: only the delivery sets it, for an entry the team chose.
        return false;
    }
  }

  it.each(queries)('explains each match with the evidence that fired (%#)', (text) => {
    const { matches } = matcher.match(text);
    expect(matches.length).toBeGreaterThan(0);
    for (const match of matches) {
      const entry = byId.get(match.id);
      expect(entry, match.id).toBeDefined();
      expect(match.title).toBe(entry?.title);
      expect(match.reasons.length).toBeGreaterThan(0);
      for (const reason of match.reasons) {
        expect(reasonBelongsTo(entry as Entry, reason), `${match.id} ${reason.kind}:${reason.detail}`).toBe(true);
      }
    }
  });

  it.each(queries)('gives confidences in [0, 1] that never increase down the list (%#)', (text) => {
    const confidences = matcher.match(text).matches.map((m) => m.confidence);
    for (const confidence of confidences) {
      expect(confidence).toBeGreaterThanOrEqual(0);
      expect(confidence).toBeLessThanOrEqual(1);
    }
    expect(confidences).toEqual([...confidences].sort((a, b) => b - a));
    expect(new Set(matcher.match(text).matches.map((m) => m.id)).size).toBe(confidences.length);
  });

  it('returns at most the configured number of matches', () => {
    const limited = createMatcher(entries, { limit: 2 });
    expect(
      limited.match('the request to the billing service failed after a deploy').matches.length,
    ).toBeLessThanOrEqual(2);
    expect(matcher.match(GITHUB_RATE_LIMIT).matches.length).toBeLessThanOrEqual(5);
  });

  it('flags gibberish as low confidence instead of pretending to know', () => {
    const result = matcher.match('qwzx plorf');
    expect(result.lowConfidence).toBe(true);
    for (const match of result.matches) expect(match.confidence).toBeLessThan(0.5);
  });

  it('answers an empty query with no matches and low confidence', () => {
    expect(matcher.match('   ')).toEqual({ matches: [], lowConfidence: true });
  });

  it('states a clear match with confidence', () => {
    const result = matcher.match('Error: getaddrinfo ENOTFOUND api.example.com');
    expect(result.lowConfidence).toBe(false);
  });

  it.each([
    [409, 'http-409'],
    [503, 'http-503'],
    [413, 'http-413'],
  ])('lets a status code reported by the sender (%i) decide a vague text', (statusCode, expected) => {
    const vague = 'the checkout call failed';
    expect(topId(vague)).not.toBe(expected);
    const { matches } = matcher.match(vague, { statusCode });
    expect(matches[0]?.id).toBe(expected);
    expect(matches[0]?.reasons).toContainEqual({ kind: 'code', detail: `status ${statusCode}` });
  });
});

describe('matcher: numbers that are not status codes', () => {
  it.each([
    ['a timestamp with milliseconds', '2024-05-01 12:04:05.503 worker finished the nightly job'],
    ['an IP address', 'worker connected from 10.0.0.200 and finished the nightly job'],
    ['a port', 'worker listening on db.internal:502 finished the nightly job'],
    ['a duration', 'worker finished the nightly job, took 500ms'],
    ['a version number', 'worker 4.401.2 finished the nightly job'],
    ['a vendor code with digits', 'worker finished the nightly job, ref ORD-404'],
  ])('ignores %s', (_name, text) => {
    const codeReasons = matcher.match(text).matches.flatMap((m) => m.reasons.filter((r) => r.kind === 'code'));
    expect(codeReasons).toEqual([]);
  });

  it('still reads a real status code in the same kind of log line', () => {
    const { matches } = matcher.match('2024-05-01 12:04:05.503 GET /v1/orders 502 from 10.0.0.200 took 500ms');
    const codes = matches.flatMap((m) => m.reasons.filter((r) => r.kind === 'code').map((r) => r.detail));
    expect(new Set(codes)).toEqual(new Set(['502']));
  });
});

describe('matcher: aliases', () => {
  const upperCaseWordAliases = entries.flatMap((entry) =>
    entry.aliases.filter((alias) => ['INTERNAL', 'UNKNOWN'].includes(alias)).map((alias) => [alias, entry.id]),
  );

  it('knows the INTERNAL and UNKNOWN status names (the next tests are about them)', () => {
    expect(upperCaseWordAliases.map(([alias]) => alias).sort()).toEqual(['INTERNAL', 'UNKNOWN']);
  });

  it('does not fire INTERNAL or UNKNOWN on the everyday words "internal" and "unknown"', () => {
    const { matches } = matcher.match('an internal tool reported an unknown problem with the nightly export');
    const aliases = matches.flatMap((m) => m.reasons.filter((r) => r.kind === 'alias').map((r) => r.detail));
    expect(aliases).not.toContain('INTERNAL');
    expect(aliases).not.toContain('UNKNOWN');
  });

  it.each(upperCaseWordAliases)('fires %s when a system prints it as a status name', (alias, id) => {
    const { matches } = matcher.match(`rpc error: ${alias}: the export failed`);
    expect(matches[0]?.id).toBe(id);
    expect(matches[0]?.reasons).toContainEqual({ kind: 'alias', detail: alias });
  });

  it('matches an alias glued to a prefix, as exceptions and Node errors print it', () => {
    expect(topId('Error:ECONNREFUSED while calling billing')).toBe('upstream-connection');
  });
});

describe('matcher: an alias claimed by two entries', () => {
  const team = (id: string, aliases: string[]): Entry => ({
    ...(byId.get('http-500') as Entry),
    id,
    title: `Team entry ${id}`,
    codes: [],
    aliases,
    signals: [],
    examples: [],
    compare: {},
  });

  it('goes to the later entry, so a team entry listed after the bundled ones wins', () => {
    const owner = entries.find((entry) => entry.aliases.includes('ECONNRESET'))?.id;
    expect(owner).toBe('upstream-connection');
    const withTeam = createMatcher([...entries, team('team-socket-reset', ['ECONNRESET', 'PAY-1003'])]);
    const { matches } = withTeam.match('ECONNRESET');
    expect(matches[0]?.id).toBe('team-socket-reset');
    // The bundled entry no longer claims the alias at all: no runner-up on the same evidence.
    expect(matches.some((m) => m.id === owner && m.reasons.some((r) => r.detail === 'ECONNRESET'))).toBe(false);
    expect(withTeam.match('PAY-1003').matches[0]?.id).toBe('team-socket-reset');
  });

  it('goes to the later entry for phrase aliases and in any case', () => {
    const a = team('team-a', ['card declined by issuer', 'err_card_declined']);
    const b = team('team-b', ['Card Declined By Issuer', 'ERR_CARD_DECLINED']);
    const m = createMatcher([...entries, a, b]);
    expect(m.match('payment failed: card declined by issuer').matches[0]?.id).toBe('team-b');
    expect(m.match('ERR_CARD_DECLINED').matches[0]?.id).toBe('team-b');
  });

  it('is unchanged for aliases only one entry claims', () => {
    const m = createMatcher([...entries, team('team-c', ['PAY-1003'])]);
    expect(m.match('ECONNRESET').matches[0]?.id).toBe('upstream-connection');
  });
});

describe('matcher: determinism', () => {
  const texts = [GITHUB_RATE_LIMIT, 'cors preflight', POSTGRES_AS_500, 'qwzx plorf', '429', NGINX_502];

  it('gives the same result for the same text, whatever was matched before', () => {
    const first = texts.map((text) => matcher.match(text));
    const again = [...texts].reverse().map((text) => matcher.match(text));
    expect(again.reverse()).toEqual(first);
  });

  it('gives the same result from a fresh matcher over the same entries', () => {
    const fresh = createMatcher(entries);
    for (const text of texts) expect(fresh.match(text)).toEqual(matcher.match(text));
  });
});
