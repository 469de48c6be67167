// Users and vaults for the API benches, made over HTTP with the real client protocol (the test
// helpers' registration: real envelopes, tiny client-side KDF, the protocol default advertised).
import { randomUUID } from 'node:crypto';
import type { ListAccountsResponse, LoginResponse } from '@secureaccess/shared/contract';
import { sealAccountSecrets } from '@secureaccess/shared/crypto';
import request from 'supertest';
import { registerAndLogin, type TestUser } from '../../helpers/auth';

export interface SeededUser {
  user: TestUser;
  session: LoginResponse;
  bearer: Record<string, string>;
}

export function apiOf(baseUrl: string) {
  return { api: request(baseUrl) };
}

export async function seedUser(baseUrl: string): Promise<SeededUser> {
  const { user, session } = await registerAndLogin(apiOf(baseUrl));
  return { user, session, bearer: { Authorization: `Bearer ${session.accessToken}` } };
}

async function seal(user: TestUser, i: number) {
  const uuid = randomUUID();
  const secrets = await sealAccountSecrets(user.userKey, user.keyVersion, uuid, {
    username: `user${i}@example.com`,
    password: `pw-${i}-${randomUUID()}`,
    url: `https://site${i}.example.com/login`,
    folder: 'Imported',
  });
  return { uuid, ...secrets };
}

/** Adds `count` accounts through POST /accounts/bulk (batches of 1 000); returns the time the calls took. */
export async function importAccounts(baseUrl: string, seeded: SeededUser, count: number, first = 0): Promise<number> {
  const batchSize = 1_000;
  let spentMs = 0;
  for (let offset = 0; offset < count; offset += batchSize) {
    const size = Math.min(batchSize, count - offset);
    const accounts = await Promise.all(Array.from({ length: size }, (_, i) => seal(seeded.user, first + offset + i)));
    const started = performance.now();
    const response = await apiOf(baseUrl).api.post('/api/v1/accounts/bulk').set(seeded.bearer).send({ accounts });
    spentMs += performance.now() - started;
    if (response.status !== 201) throw new Error(`bulk import answered ${response.status}: ${JSON.stringify(response.body)}`);
  }
  return spentMs;
}

export async function listAccounts(baseUrl: string, seeded: SeededUser, since?: string): Promise<ListAccountsResponse> {
  const path = since === undefined ? '/api/v1/accounts' : `/api/v1/accounts?since=${encodeURIComponent(since)}`;
  const response = await apiOf(baseUrl).api.get(path).set(seeded.bearer);
  if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body as ListAccountsResponse;
}
