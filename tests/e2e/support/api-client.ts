// What an administrator does outside the extension (the options page is not part of these
// suites): log in with the real protocol and call the API, e.g. to decline an application.
import { deriveKeys } from '@secureaccess/shared/crypto';

export interface AdminSession {
  call<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
}

export async function logInAs(apiUrl: string, email: string, password: string): Promise<AdminSession> {
  const post = async (path: string, body: unknown, token?: string) => {
    const response = await fetch(`${apiUrl}/api/v1${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json().catch(() => null)) as Record<string, unknown> };
  };
  const prelogin = await post('/auth/prelogin', { email });
  const { authHash } = await deriveKeys(password, prelogin.body.salt as string, prelogin.body.kdf);
  const login = await post('/auth/login', { email, authHash });
  if (login.status !== 200) throw new Error(`login answered ${login.status}: ${JSON.stringify(login.body)}`);
  const token = login.body.accessToken as string;
  return {
    async call(method, path, body) {
      const response = await fetch(`${apiUrl}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : null) as never };
    },
  };
}
