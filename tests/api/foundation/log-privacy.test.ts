// No request URL's query string reaches the logs verbatim: a visited page's address or a search
// term would otherwise sit in plain text in every log pipeline (DESIGN §6a). Paths are logged,
// query keys are logged, values only for the allow-listed switches and cursors.
import { loggableUrl } from '@secureaccess/server';
import { startTestApp, type TestApp } from '../../helpers/app';
import { authed, registerAndLogin } from '../../helpers/auth';

describe('request URLs in the logs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const visited = 'https://bank.example/statements/2026?acct=99887766&sessionToken=s3cr3tT0k3n';

  test('when requests carry a visited URL, a search term and unknown keys in their query, then no log line contains their values', async () => {
    const { session } = await registerAndLogin(t);
    const as = authed(t.api, session.accessToken);
    t.logs.clear();

    await t.api.get(`/healthz?url=${encodeURIComponent(visited)}`);
    await as.get(`/api/v1/applications/match?url=${encodeURIComponent(visited)}`);
    await as.get('/api/v1/admin/users?q=alice.lastname%40example.com&limit=5');
    await as.get('/api/v1/accounts?since=c1.2&acct=99887766');
    await t.api.get(`/no/such/route?next=${encodeURIComponent(visited)}`);

    const text = t.logs.text();
    const requestLines = t.logs.records().filter((record) => record.req !== undefined);
    expect(requestLines.length).toBeGreaterThanOrEqual(5);
    for (const secret of ['bank.example', 'statements', '99887766', 's3cr3tT0k3n', 'alice', 'lastname']) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(encodeURIComponent(secret));
    }
    const urls = requestLines.map((record) => (record.req as { url: string }).url);
    expect(urls).toEqual(
      expect.arrayContaining([
        '/healthz?url=[redacted]',
        '/api/v1/admin/users?q=[redacted]&limit=5',
        '/api/v1/accounts?since=c1.2&acct=[redacted]',
        '/no/such/route?next=[redacted]',
      ]),
    );
  });

  test.each([
    ['/accounts', '/accounts'],
    ['/accounts?limit=50&cursor=abc', '/accounts?limit=50&cursor=abc'],
    ['/match?url=https%3A%2F%2Fa.example%2F', '/match?url=[redacted]'],
    ['/x?%E0%A4%A=1&&flag', '/x?=[redacted]&flag=[redacted]'],
    ['/x?limit', '/x?limit'],
  ])('when %s is logged, then it reads %s', (url, logged) => {
    expect(loggableUrl(url)).toBe(logged);
  });
});
