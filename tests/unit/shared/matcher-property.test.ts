import fc from 'fast-check';
import {
  createApplicationIndex,
  matchApplications,
  matchStrategies,
  type MatchableApplication,
} from '@secureaccess/shared/matcher';

// A small universe of hosts so that random catalogues and pages collide often, including the
// public-suffix edge cases and host-bound IPs/localhost.
const hosts = [
  'a.com', 'www.a.com', 'login.a.com', 'a.com.evil.com', 'evil-a.com', 'a.co.uk', 'x.a.co.uk', 'co.uk',
  'alice.github.io', 'bob.github.io', 'github.io', 'www.ck', 'a.foo.ck', 'foo.ck', 'localhost',
  '127.0.0.1', '[::1]', 'bücher.de', 'xn--bcher-kva.de', 'A.COM.', 'intranet',
];
const ports = ['', ':80', ':443', ':3000', ':3001'];
const paths = ['', '/', '/app', '/app/', '/apple', '/app/login', '/login?x=1', '/login?x=1&y=2', '/#frag'];
const patterns = ['https://(www\\.)?a\\.com/.*', 'https?://[^/]*\\.github\\.io/.*', '(a+)+', 'http://localhost:3000/.*', '(a)\\1'];

const urlArbitrary = fc
  .tuple(
    fc.constantFrom('http://', 'https://', '', 'ftp://', 'javascript:', 'https://user:pw@'),
    fc.constantFrom(...hosts),
    fc.constantFrom(...ports),
    fc.constantFrom(...paths),
  )
  .map((parts) => parts.join(''));

const applicationArbitrary = fc.record({
  url: fc.oneof(urlArbitrary, fc.string()),
  matchStrategy: fc.option(fc.constantFrom(...matchStrategies), { nil: undefined }),
  matchPatterns: fc.option(fc.array(fc.oneof(urlArbitrary, fc.constantFrom(...patterns)), { maxLength: 3 }), {
    nil: undefined,
  }),
  isActive: fc.boolean(),
  access: fc.constantFrom('granted' as const, 'declined' as const),
});

const catalogueArbitrary = fc
  .array(applicationArbitrary, { maxLength: 25 })
  .map((apps): MatchableApplication[] => apps.map((app, id) => ({ id, ...app })));

const pageArbitrary = fc.oneof(urlArbitrary, fc.webUrl(), fc.string());

describe('createApplicationIndex', () => {
  test('when matching random pages against random catalogues, then the index returns what the linear matcher returns', () => {
    fc.assert(
      fc.property(catalogueArbitrary, fc.array(pageArbitrary, { minLength: 1, maxLength: 5 }), (catalogue, pages) => {
        const index = createApplicationIndex(catalogue);
        for (const page of pages) {
          expect(index.match(page)).toEqual(matchApplications(page, catalogue));
        }
      }),
      { numRuns: 500 },
    );
  });

  test('when matching arbitrary strings, then the matcher never throws and never matches a non-http(s) page', () => {
    fc.assert(
      fc.property(catalogueArbitrary, fc.string(), (catalogue, page) => {
        const result = matchApplications(page, catalogue);
        if (!/^\s*https?:/i.test(page)) expect(result).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  test('when a page matches, then every result belongs to the catalogue, once, and is not a never application', () => {
    fc.assert(
      fc.property(catalogueArbitrary, urlArbitrary, (catalogue, page) => {
        const ids = matchApplications(page, catalogue).map((m) => {
          expect(m.application.matchStrategy).not.toBe('never');
          return m.application.id;
        });
        expect(new Set(ids).size).toBe(ids.length);
      }),
      { numRuns: 300 },
    );
  });
});
