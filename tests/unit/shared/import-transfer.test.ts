import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isCryptoError, openVaultBackup, sealVaultBackup, type VaultBackupEntry } from '@secureaccess/shared/crypto';
import { duplicateKey, formatBitwardenCsv, formatCsv, parseImport, type ImportResult } from '@secureaccess/shared/import';

const fixture = (name: string) => readFileSync(join(__dirname, '../../fixtures/import', name), 'utf8');

describe('the legacy passwords-manager format', () => {
  test('when given the CSV legacy:export writes, then nombre is the name, enlace the URL, both texts the notes and linea_de_negocio the folder; accents and ñ survive', () => {
    const result = parseImport(fixture('passwords-manager.csv'));

    expect(result).toEqual<ImportResult>({
      format: 'passwords_manager',
      logins: [
        {
          row: 2,
          name: 'Agencia Tributaria',
          url: 'https://sede.agenciatributaria.gob.es/',
          username: 'admin.fiscal@empresa.es',
          password: 'Contraseña#2024',
          notes: 'Acceso a la sede electrónica, certificado de la compañía\n\nRenovar en diciembre.\nLlamar a Begoña antes.',
          folder: 'Contabilidad',
        },
        // A bare host gets https://; an empty description leaves only the other text.
        { row: 4, name: 'Transportes Núñez', url: 'https://www.transportes-nunez.es/acceso', username: 'logistica', password: 'ñandú-Ñoño!', notes: '', folder: 'Logística' },
        { row: 7, name: 'Wifi oficina', url: '', username: 'invitado', password: 'café con leche', notes: '', folder: '' },
      ],
      errors: [
        { row: 5, code: 'no_credentials', message: 'The row has neither a username nor a password.' },
        { row: 6, code: 'invalid_url', message: 'The link "ver nota" is not a web address.', detail: 'ver nota' },
      ],
    });
  });

  test('when the header is the legacy table\'s in another order, then it is still detected', () => {
    const text = 'nombre,enlace,usuario,password,descripcion,info_adicional,linea_de_negocio,id\nCorreo,https://correo.es,pepa,clave,,,Ventas,9\n';
    expect(parseImport(text).logins).toEqual([{ row: 2, name: 'Correo', url: 'https://correo.es', username: 'pepa', password: 'clave', notes: '', folder: 'Ventas' }]);
  });
});

describe('duplicateKey', () => {
  test.each([
    ['https://Example.com/login/', 'Ada@x.es', 'https://example.com/login', 'ada@x.es '],
    ['HTTPS://EXAMPLE.COM', 'ada', 'https://example.com/', 'ada'],
  ])('when %s / %s and %s / %s are compared, then they are the same account', (urlA, userA, urlB, userB) => {
    expect(duplicateKey(urlA, userA)).toBe(duplicateKey(urlB, userB));
  });

  test.each([
    ['https://example.com/a', 'ada', 'https://example.com/b', 'ada'],
    ['https://example.com', 'ada', 'https://example.com', 'grace'],
    ['https://example.com', 'ada', 'http://example.com', 'ada'],
  ])('when %s / %s and %s / %s are compared, then they are different accounts', (urlA, userA, urlB, userB) => {
    expect(duplicateKey(urlA, userA)).not.toBe(duplicateKey(urlB, userB));
  });
});

describe('the Bitwarden CSV export', () => {
  test('when logins with commas, quotes, line breaks and edge spaces are written, then parseImport reads them back as bitwarden_csv', () => {
    const logins = [
      { name: 'Banco, "el bueno"', url: 'https://banco.es', username: 'ana', password: ' espacio delante', notes: 'línea 1\nlínea 2', folder: 'Finanzas', totp: 'JBSWY3DPEHPK3PXP' },
      { name: 'Sin carpeta', url: '', username: 'pepe', password: 'x', notes: '', folder: '' },
    ];
    const csv = formatBitwardenCsv(logins);

    expect(csv.split('\r\n')[0]).toBe('folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp');
    const back = parseImport(csv);
    expect(back.format).toBe('bitwarden_csv');
    expect(back.errors).toEqual([]);
    expect(back.logins.map(({ row: _row, ...login }) => login)).toEqual(logins);
  });

  test('when a cell is plain, then it is not quoted', () => {
    expect(formatCsv(['a', 'b'], [['x', 'y z']])).toBe('a,b\r\nx,y z\r\n');
  });
});

describe('the encrypted vault backup', () => {
  const entries: VaultBackupEntry[] = [
    { title: 'Correo', url: 'https://correo.es', username: 'begoña', password: 'contraseña', notes: 'n', folder: 'Ventas' },
    // Larger than one 64 KiB envelope: the backup spans several chunks.
    { title: 'Grande', url: '', username: 'x', password: 'y', notes: 'ñ'.repeat(40_000), folder: '' },
  ];

  test('when a backup is sealed and opened with its password, then every field comes back, over several chunks', async () => {
    const file = await sealVaultBackup('backup password 1', entries);

    expect(file.chunks.length).toBeGreaterThan(1);
    expect(JSON.stringify(file)).not.toContain('begoña');
    const opened = await openVaultBackup(JSON.parse(JSON.stringify(file)), 'backup password 1');
    expect(opened.accounts).toEqual(entries);
  });

  test('when the password is wrong, or two chunks are swapped, or one is dropped, then it does not open (decryption_failed)', async () => {
    const file = await sealVaultBackup('backup password 1', entries);
    const swapped = { ...file, chunks: [file.chunks[1]!, file.chunks[0]!, ...file.chunks.slice(2)] };
    const dropped = { ...file, chunks: file.chunks.slice(0, -1) };

    for (const [candidate, password] of [[file, 'wrong password'], [swapped, 'backup password 1'], [dropped, 'backup password 1']] as const) {
      const error = await openVaultBackup(candidate, password).catch((e: unknown) => e);
      expect(isCryptoError(error) && error.code).toBe('decryption_failed');
    }
  });

  test('when the file is not a backup or declares weak KDF parameters, then it is refused before any decryption', async () => {
    const file = await sealVaultBackup('backup password 1', entries.slice(0, 1));
    const notBackup = await openVaultBackup({ items: [] }, 'p').catch((e: unknown) => e);
    const weak = await openVaultBackup({ ...file, kdf: { algorithm: 'pbkdf2-sha256', iterations: 1000 } }, 'backup password 1').catch((e: unknown) => e);

    expect(isCryptoError(notBackup) && notBackup.code).toBe('invalid_argument');
    expect(isCryptoError(weak) && weak.code).toBe('kdf_too_weak');
  });
});
