import {
  createApplicationIndex,
  matchApplications,
  maxMatchPatternLength,
  validateMatchPattern,
  type MatchableApplication,
  type MatchStrategy,
} from '@secureaccess/shared/matcher';

function application(
  url: string,
  matchStrategy?: MatchStrategy,
  matchPatterns?: string[],
  id: number | string = 1,
): MatchableApplication {
  return { id, url, matchStrategy, matchPatterns, isActive: true, access: 'granted' };
}

interface Row {
  when: string;
  app: MatchableApplication;
  page: string;
  /** null: must not match. */
  then: { strategy: string; insecure: boolean } | null;
}

const match = (strategy: string, insecure = false) => ({ strategy, insecure });

const rows: Row[] = [
  // base_domain and the public suffix list
  { when: 'a subdomain of the registrable domain', app: application('https://bank.com'), page: 'https://login.bank.com/x', then: match('base_domain') },
  { when: 'the default strategy under a multi-label suffix', app: application('https://shop.example.co.uk'), page: 'https://www.example.co.uk/', then: match('base_domain') },
  { when: 'two sites under one public suffix (co.uk)', app: application('https://example.co.uk'), page: 'https://other.co.uk/', then: null },
  { when: 'www.ck (an exception to *.ck) is its own registrable domain', app: application('https://www.ck'), page: 'https://login.www.ck/', then: match('base_domain') },
  { when: 'two names under the *.ck wildcard', app: application('https://a.foo.ck'), page: 'https://b.foo.ck/', then: null },
  { when: 'the same name under the *.ck wildcard', app: application('https://a.foo.ck'), page: 'https://x.a.foo.ck/', then: match('base_domain') },
  { when: 'city.kobe.jp (an exception to *.kobe.jp) and its subdomain', app: application('https://city.kobe.jp'), page: 'https://www.city.kobe.jp/', then: match('base_domain') },
  { when: 'two names under the *.kobe.jp wildcard', app: application('https://a.foo.kobe.jp'), page: 'https://b.foo.kobe.jp/', then: null },
  { when: 'two github.io users (private suffix)', app: application('https://alice.github.io'), page: 'https://bob.github.io/', then: null },
  { when: 'the same github.io user', app: application('https://alice.github.io'), page: 'https://docs.alice.github.io/', then: match('base_domain') },
  { when: 'the bare public suffix github.io against a user site', app: application('https://github.io'), page: 'https://alice.github.io/', then: null },
  { when: 'an IDN application and its punycode page', app: application('https://bücher.de'), page: 'https://www.xn--bcher-kva.de/', then: match('base_domain') },
  { when: 'a punycode application and its IDN page', app: application('https://xn--bcher-kva.de'), page: 'https://BÜCHER.de/', then: match('base_domain') },
  { when: 'mixed case on both sides', app: application('HTTPS://Bank.COM'), page: 'https://LOGIN.bank.com/', then: match('base_domain') },
  { when: 'a trailing dot on the page host', app: application('https://bank.com'), page: 'https://bank.com./login', then: match('base_domain') },
  { when: 'a trailing dot on the application host', app: application('https://bank.com.', 'host'), page: 'https://bank.com/', then: match('host') },
  { when: 'an application typed without a scheme', app: application('bank.com'), page: 'https://www.bank.com/', then: match('base_domain') },
  { when: 'a different port on a normal domain (base_domain ignores it)', app: application('https://bank.com'), page: 'https://bank.com:8443/', then: match('base_domain') },
  // IPs and localhost need the port
  { when: 'localhost:3000 against localhost:3000', app: application('http://localhost:3000'), page: 'http://localhost:3000/login', then: match('base_domain') },
  { when: 'localhost:3000 against localhost:3001', app: application('http://localhost:3000'), page: 'http://localhost:3001/login', then: null },
  { when: 'localhost without a port against localhost:3000', app: application('http://localhost'), page: 'http://localhost:3000/', then: null },
  { when: 'the same IPv4 address and port', app: application('http://192.168.1.10:8080'), page: 'http://192.168.1.10:8080/', then: match('base_domain') },
  { when: 'the same IPv4 address on another port', app: application('http://192.168.1.10:8080'), page: 'http://192.168.1.10:9090/', then: null },
  { when: 'a neighbouring IPv4 address', app: application('http://192.168.1.10'), page: 'http://192.168.1.11/', then: null },
  { when: 'an IPv4 address written in hex', app: application('http://127.0.0.1:5000'), page: 'http://0x7f.0.0.1:5000/', then: match('base_domain') },
  { when: 'the same IPv6 address and port', app: application('http://[::1]:3000'), page: 'http://[0:0:0:0:0:0:0:1]:3000/', then: match('base_domain') },
  { when: 'the same IPv6 address on another port', app: application('http://[::1]:3000'), page: 'http://[::1]:3001/', then: null },
  // attackers
  { when: 'the application domain used as a subdomain of an attacker', app: application('https://bank.com'), page: 'https://bank.com.evil.com/', then: null },
  { when: 'a look-alike domain with a hyphen', app: application('https://bank.com'), page: 'https://evil-bank.com/', then: null },
  { when: 'a look-alike domain with a prefix', app: application('https://bank.com', 'host'), page: 'https://evilbank.com/', then: null },
  { when: 'the application domain in the userinfo of an attacker URL', app: application('https://bank.com'), page: 'https://bank.com@evil.com/login', then: null },
  { when: 'userinfo with a password before the real host', app: application('https://bank.com'), page: 'https://user:pw@www.bank.com/', then: match('base_domain') },
  { when: 'a javascript: URL mentioning the domain', app: application('https://bank.com'), page: 'javascript:alert("https://bank.com")', then: null },
  { when: 'a data: URL mentioning the domain', app: application('https://bank.com'), page: 'data:text/html,https://bank.com', then: null },
  { when: 'a file: URL', app: application('https://bank.com'), page: 'file:///bank.com/index.html', then: null },
  { when: 'about:blank', app: application('https://bank.com'), page: 'about:blank', then: null },
  { when: 'an ftp page on the same host', app: application('https://bank.com'), page: 'ftp://bank.com/', then: null },
  { when: 'a string that is not a URL', app: application('https://bank.com'), page: 'bank.com', then: null },
  { when: 'a javascript: application URL', app: application('javascript:alert(1)', 'host'), page: 'https://javascript/', then: null },
  // host
  { when: 'the same host (host strategy)', app: application('https://login.bank.com', 'host'), page: 'https://login.bank.com/a/b', then: match('host') },
  { when: 'a sibling host (host strategy)', app: application('https://login.bank.com', 'host'), page: 'https://www.bank.com/', then: null },
  { when: 'the same host on another port (host strategy)', app: application('https://bank.com:8443', 'host'), page: 'https://bank.com/', then: null },
  { when: 'the default port written out (host strategy)', app: application('https://bank.com:443', 'host'), page: 'https://bank.com/', then: match('host') },
  // starts_with
  { when: 'a page under the prefix path', app: application('https://a.com/app', 'starts_with'), page: 'https://a.com/app/login?x=1', then: match('starts_with') },
  { when: 'the prefix path itself', app: application('https://a.com/app', 'starts_with'), page: 'https://a.com/app', then: match('starts_with') },
  { when: 'the prefix path with a query', app: application('https://a.com/app', 'starts_with'), page: 'https://a.com/app?next=/', then: match('starts_with') },
  { when: 'a longer path sharing the prefix characters', app: application('https://a.com/app', 'starts_with'), page: 'https://a.com/apple', then: null },
  { when: 'a host that extends the prefix host', app: application('https://a.com', 'starts_with'), page: 'https://a.com.evil.tld/', then: null },
  { when: 'the origin prefix and any path', app: application('https://a.com', 'starts_with'), page: 'https://a.com/anything', then: match('starts_with') },
  { when: 'a prefix ending in a slash', app: application('https://a.com/app/', 'starts_with'), page: 'https://a.com/app/x', then: match('starts_with') },
  { when: 'a prefix with a query and an extra parameter', app: application('https://a.com/login?tenant=x', 'starts_with'), page: 'https://a.com/login?tenant=x&lang=en', then: match('starts_with') },
  { when: 'a prefix with a query and a longer value', app: application('https://a.com/login?tenant=x', 'starts_with'), page: 'https://a.com/login?tenant=xyz', then: null },
  // exact
  { when: 'the exact URL', app: application('https://a.com/login', 'exact'), page: 'https://a.com/login', then: match('exact') },
  { when: 'the exact URL with a fragment', app: application('https://a.com/login', 'exact'), page: 'https://a.com/login#top', then: match('exact') },
  { when: 'the exact URL with another query', app: application('https://a.com/login', 'exact'), page: 'https://a.com/login?x=1', then: null },
  { when: 'the exact URL below another path', app: application('https://a.com/login', 'exact'), page: 'https://a.com/login/2', then: null },
  // regex
  { when: 'a regex matching the whole URL', app: application('https://bank.com', 'regex', ['https://(www|login)\\.bank\\.com/.*']), page: 'https://login.bank.com/x', then: match('regex') },
  { when: 'a regex that only matches a prefix (anchored)', app: application('https://bank.com', 'regex', ['https://bank\\.com']), page: 'https://bank.com.evil.com/', then: null },
  { when: 'a regex against userinfo that names the domain', app: application('https://bank.com', 'regex', ['https://bank\\.com.*']), page: 'https://bank.com@evil.com/', then: null },
  { when: 'an invalid regex (backreference)', app: application('https://bank.com', 'regex', ['(a)\\1']), page: 'https://aa/', then: null },
  { when: 'a regex application without patterns', app: application('https://bank.com', 'regex'), page: 'https://bank.com/', then: null },
  // never and extra patterns
  { when: 'the never strategy on its own URL', app: application('https://bank.com', 'never'), page: 'https://bank.com/', then: null },
  { when: 'an extra pattern of a host application', app: application('https://bank.com', 'host', ['https://bank-login.net']), page: 'https://bank-login.net/', then: match('host') },
  // scheme
  { when: 'an https application from an http page', app: application('https://bank.com'), page: 'http://bank.com/login', then: match('base_domain', true) },
  { when: 'an https exact application from the http page', app: application('https://a.com/login', 'exact'), page: 'http://a.com/login', then: match('exact', true) },
  { when: 'an http application from its https upgrade', app: application('http://bank.com'), page: 'https://bank.com/', then: match('base_domain') },
  { when: 'an http application from an http page', app: application('http://bank.com'), page: 'http://bank.com/', then: match('base_domain') },
  { when: 'a regex application from an http page', app: application('https://bank.com', 'regex', ['https?://bank\\.com/.*']), page: 'http://bank.com/', then: match('regex', true) },
];

describe('matchApplications', () => {
  test.each(rows)('when $when, then $then', ({ app, page, then }) => {
    const result = matchApplications(page, [app]);

    expect(result.map(({ strategy, insecure }) => ({ strategy, insecure }))).toEqual(then === null ? [] : [then]);
    expect(createApplicationIndex([app]).match(page)).toEqual(result);
  });

  test('when several strategies match, then they are ranked exact > starts_with > regex > host > base_domain', () => {
    const catalogue = [
      application('https://a.com', 'base_domain', [], 'base'),
      application('https://www.a.com', 'host', [], 'host'),
      application('https://a.com', 'regex', ['https://www\\.a\\.com/.*'], 'regex'),
      application('https://www.a.com/app', 'starts_with', [], 'prefix'),
      application('https://www.a.com/app/login', 'exact', [], 'exact'),
      application('https://www.a.com/app', 'never', [], 'never'),
    ];

    const result = matchApplications('https://www.a.com/app/login', catalogue);

    expect(result.map((m) => [m.application.id, m.strategy])).toEqual([
      ['exact', 'exact'],
      ['prefix', 'starts_with'],
      ['regex', 'regex'],
      ['host', 'host'],
      ['base', 'base_domain'],
    ]);
  });

  test('when two prefixes match, then the longer one ranks first and ties keep catalogue order', () => {
    const catalogue = [
      application('https://a.com/', 'starts_with', [], 'root'),
      application('https://a.com/app', 'starts_with', [], 'app'),
      application('https://a.com/app', 'starts_with', [], 'app-again'),
    ];

    expect(matchApplications('https://a.com/app/x', catalogue).map((m) => m.application.id)).toEqual([
      'app',
      'app-again',
      'root',
    ]);
  });

  test('when an application has a secure and an insecure candidate, then the secure one is reported', () => {
    const app = application('https://bank.com', 'host', ['http://bank.com']);

    expect(matchApplications('http://bank.com/', [app])).toEqual([
      { application: app, strategy: 'host', rule: { source: 'pattern', index: 0, value: 'http://bank.com' }, insecure: false },
    ]);
  });

  test.each([
    {
      when: 'the application URL matches',
      app: application('https://bank.com', 'host', ['https://bank-login.net']),
      page: 'https://bank.com/login',
      rule: { source: 'url', value: 'https://bank.com' },
    },
    {
      when: 'only an extra URL matches',
      app: application('https://bank.com', 'host', ['https://bank-login.net', 'https://bank-pay.net']),
      page: 'https://bank-pay.net/',
      rule: { source: 'pattern', index: 1, value: 'https://bank-pay.net' },
    },
    {
      when: 'the second regex matches',
      app: application('https://bank.com', 'regex', ['https://a\\.com/.*', 'https://bank\\.com/login']),
      page: 'https://bank.com/login',
      rule: { source: 'pattern', index: 1, value: 'https://bank\\.com/login' },
    },
    {
      when: 'a longer extra prefix beats the URL',
      app: application('https://a.com/', 'starts_with', ['https://a.com/app/']),
      page: 'https://a.com/app/x',
      rule: { source: 'pattern', index: 0, value: 'https://a.com/app/' },
    },
  ])('when $when, then the match names that rule (linear scan and index alike)', ({ app, page, rule }) => {
    const [linear] = matchApplications(page, [app]);
    const [indexed] = createApplicationIndex([app]).match(page);

    expect(linear?.rule).toEqual(rule);
    expect(indexed?.rule).toEqual(rule);
  });

  test('when an application is inactive or declined, then it is still returned so the caller can say why', () => {
    const inactive = { ...application('https://bank.com', 'host', [], 'inactive'), isActive: false };
    const declined = { ...application('https://bank.com', 'host', [], 'declined'), access: 'declined' as const };

    const result = matchApplications('https://bank.com/', [inactive, declined]);

    expect(result.map((m) => m.application)).toEqual([inactive, declined]);
  });

  test('when an application has an unknown strategy, then it never matches', () => {
    const app = { ...application('https://bank.com'), matchStrategy: 'anything' as MatchStrategy };

    expect(matchApplications('https://bank.com/', [app])).toEqual([]);
  });

  test('when a regex is ambiguous like (a+)+ and the URL is long, then matching still finishes in linear time', () => {
    const app = application('https://a.com', 'regex', ['https://a\\.com/(a+)+$']);
    const page = `https://a.com/${'a'.repeat(50_000)}!`;

    const started = Date.now();
    const result = matchApplications(page, [app]);

    expect(result).toEqual([]);
    // Backtracking engines take minutes here; a generous bound keeps this from flaking.
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('validateMatchPattern', () => {
  test.each([
    ['a plain anchored pattern', 'https://(www\\.)?bank\\.com/.*'],
    ['nested quantifiers (run by a linear-time engine)', '(a+)+'],
    ['a character class holding (?= characters', 'https://a\\.com/[(?=]'],
    ['an escaped backslash followed by a digit', 'https://a\\.com/\\\\1'],
  ])('when the pattern is %s, then it is valid', (_name, pattern) => {
    expect(validateMatchPattern(pattern)).toEqual({ valid: true });
  });

  test.each([
    ['empty', ''],
    ['a backreference', '(a)\\1'],
    ['a named backreference', '(?<x>a)\\k<x>'],
    ['a lookahead', 'https://a\\.com/(?=login)'],
    ['a negative lookahead', '(?!evil)'],
    ['a lookbehind', '(?<=a)b'],
    ['a negative lookbehind', '(?<!a)b'],
    ['unbalanced', 'https://(a\\.com'],
    ['too long', `a{1}${'b'.repeat(maxMatchPatternLength)}`],
  ])('when the pattern is %s, then it is refused with a reason', (_name, pattern) => {
    const result = validateMatchPattern(pattern);

    expect(result.valid).toBe(false);
    expect(result.valid === false && result.reason.length > 0).toBe(true);
  });

  test('when the pattern is exactly the maximum length, then it is valid', () => {
    expect(validateMatchPattern('a'.repeat(maxMatchPatternLength))).toEqual({ valid: true });
  });
});
