// /readyz reports the database down (503) while it is unreachable and recovers by itself.
// MariaDB: the app talks through a TCP relay that the test closes and reopens.
// SQLite: the database file is moved away (the server would otherwise keep writing to an
// orphaned file) and put back.
import { rename } from 'node:fs/promises';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { openDatabase } from '@secureaccess/server';
import { startTestApp, type TestApp } from '../../helpers/app';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';

/** A TCP relay to MariaDB that can be taken down (listener closed, live connections cut) and up again. */
function createRelay(target: { host: string; port: number }) {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const up = () =>
    new Promise<number>((resolve) => {
      server = createServer((client) => {
        const upstream = connect(target.port, target.host);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => s.destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as { port: number }).port;
        resolve(port);
      });
    });
  const down = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server!.close(() => resolve());
    });
  return { up, down };
}

async function probe(t: TestApp): Promise<[number, unknown]> {
  const response = await t.api.get('/readyz');
  return [response.status, response.body];
}

describe('readiness', () => {
  let testDb: TestDatabase;
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    await testDb.drop();
  });

  test('when the database becomes unreachable and comes back, then /readyz answers 503 and then 200 again', async () => {
    testDb = await createTestDatabase();
    let takeDown: () => Promise<void>;
    let bringBack: () => Promise<unknown>;
    let appDb = testDb.db;
    let closeRelay = async () => undefined as unknown;
    if (testDb.dialect === 'mysql') {
      const target = new URL(testDb.url!);
      const relay = createRelay({ host: target.hostname, port: Number(target.port || 3306) });
      const relayPort = await relay.up();
      const relayed = new URL(testDb.url!);
      relayed.port = String(relayPort);
      appDb = await openDatabase({ url: relayed.toString(), pingTimeoutMs: 1000 });
      takeDown = relay.down;
      bringBack = relay.up;
      closeRelay = relay.down;
    } else {
      const file = testDb.sqlitePath!;
      takeDown = () => rename(file, `${file}.moved`);
      bringBack = () => rename(`${file}.moved`, file);
    }
    t = await startTestApp({ database: { ...testDb, db: appDb } });

    const before = await probe(t);
    await takeDown();
    const during = await probe(t);
    await bringBack();
    const after = await probe(t);
    if (appDb !== testDb.db) await appDb.close();
    await closeRelay();

    expect(before).toEqual([200, { status: 'ready', database: 'up' }]);
    expect(during).toEqual([503, { status: 'unavailable', database: 'down' }]);
    expect(after).toEqual([200, { status: 'ready', database: 'up' }]);
  });
});
