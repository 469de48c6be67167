// `npm run legacy:export` against a real MariaDB table (seed 002's `passwords-manager`, 300 rows of
// Spanish text): what it writes is what the extension's import reads; the table is never changed.
// MariaDB/MySQL only (the legacy table lives there), so this runs in the TEST_DB=mysql leg.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseImport } from '@secureaccess/shared/import';
import { testDialect } from '../../helpers/database';
import { createLegacyDatabase, runLegacyExport, type LegacyDatabase } from '../../helpers/legacy-database';

const describeOnMysql = testDialect() === 'mysql' ? describe : describe.skip;

describeOnMysql('legacy:export', () => {
  let legacy: LegacyDatabase;
  let dir: string;

  beforeAll(async () => {
    legacy = await createLegacyDatabase();
    dir = mkdtempSync(path.join(tmpdir(), 'sa-legacy-'));
  });
  afterAll(async () => {
    await legacy?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('when the table is exported by a SELECT-only user, then the CSV has all 300 rows, accents and ñ intact, bad rows listed by id, and the table checksum is unchanged', async () => {
    const before = await legacy.checksum();
    const output = path.join(dir, 'legacy.csv');

    const result = await runLegacyExport(['--database-url', legacy.readOnlyUrl, '--output', output]);

    expect(result).toMatchObject({ code: 0 });
    expect(result.stderr).toContain('300 rows written');
    for (const id of ['37', '58', '121', '149', '233', '266']) expect(result.stderr).toMatch(new RegExp(`id ${id}: `));
    expect(statSync(output).mode & 0o777).toBe(0o600);
    expect(await legacy.checksum()).toBe(before);

    const parsed = parseImport(readFileSync(output, 'utf8'));
    expect(parsed.format).toBe('passwords_manager');
    expect(parsed.logins).toHaveLength(294);
    expect(parsed.errors.map((error) => error.code).sort()).toEqual(['invalid_url', 'invalid_url', 'invalid_url', 'no_credentials', 'no_credentials', 'no_credentials']);
    const [row4] = (await legacy.query('SELECT * FROM `passwords-manager` WHERE id = 4')) as Record<string, string>[];
    const login4 = parsed.logins.find((login) => login.password === row4!.password)!;
    expect(login4).toMatchObject({
      name: 'BBVA Net Cash',
      url: 'https://www.bbvanetcash.com/',
      username: 'joaquín_lópez_0',
      password: 'Montaña-004¿murciélago',
      notes: 'Pagos a proveedores y nóminas\n\nCertificado digital caduca en marzo.\nAvisar a Dirección con un mes de antelación.',
      folder: 'Jurídico',
    });
    // A bare host in `enlace` becomes an https:// address.
    expect(parsed.logins.find((login) => login.name === 'Endesa Empresas')?.url).toBe('https://www.endesa.com/es/empresas');
  });

  test('when the export runs twice, then the second gives the same file and the table is still unchanged', async () => {
    const before = await legacy.checksum();
    const first = path.join(dir, 'first.csv');
    const second = path.join(dir, 'second.csv');

    await runLegacyExport(['--database-url', legacy.url, '--output', first]);
    await runLegacyExport(['--database-url', legacy.url, '--output', second]);

    expect(readFileSync(second, 'utf8')).toBe(readFileSync(first, 'utf8'));
    expect(await legacy.checksum()).toBe(before);
  });

  test('when the output exists, the URL names no database or the table is missing, then it exits 1 with a message and writes nothing', async () => {
    const existing = path.join(dir, 'first.csv');
    const content = readFileSync(existing, 'utf8');

    const exists = await runLegacyExport(['--database-url', legacy.url, '--output', existing]);
    const noDatabase = await runLegacyExport(['--database-url', 'mysql://root@127.0.0.1:3306/', '--output', path.join(dir, 'x.csv')]);
    const noTable = await runLegacyExport(['--database-url', legacy.url, '--table', 'nope', '--output', path.join(dir, 'y.csv')]);
    const noUrl = await runLegacyExport(['--output', path.join(dir, 'z.csv')]);

    expect(exists).toMatchObject({ code: 1, stderr: expect.stringContaining('exists') });
    expect(readFileSync(existing, 'utf8')).toBe(content);
    expect(noDatabase).toMatchObject({ code: 1, stderr: expect.stringContaining('names no database') });
    expect(noTable).toMatchObject({ code: 1, stderr: expect.stringContaining('ER_NO_SUCH_TABLE') });
    expect(noUrl).toMatchObject({ code: 1, stderr: expect.stringContaining('--database-url is required') });
  });

  test('when the checks above are themselves checked, then a write as the SELECT-only user is refused and a change made as root moves the checksum', async () => {
    // The first test's green means something only if the grant is real and the checksum sees a change.
    const { openDatabase } = await import('@secureaccess/server');
    const readOnly = await openDatabase({ url: legacy.readOnlyUrl, poolMax: 1 });
    try {
      await expect(readOnly.sequelize.query("UPDATE `passwords-manager` SET nombre = 'x' WHERE id = 1")).rejects.toThrow(/command denied/i);
    } finally {
      await readOnly.close();
    }
    const before = await legacy.checksum();
    await legacy.query("UPDATE `passwords-manager` SET nombre = 'Agencia Tributaria.' WHERE id = 1");
    expect(await legacy.checksum()).not.toBe(before);
  });
});
