import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectImportFormat, parseImport, type ImportResult } from '@secureaccess/shared/import';

const fixture = (name: string) => readFileSync(join(__dirname, '../../fixtures/import', name), 'utf8');

describe('parseImport', () => {
  test('when given a Chrome export, then quoted commas, quotes and multi-line notes survive and the empty row is reported', () => {
    const result = parseImport(fixture('chrome.csv'));

    expect(result).toEqual<ImportResult>({
      format: 'chrome',
      logins: [
        { row: 2, name: 'bank.com', url: 'https://login.bank.com/', username: 'alice@example.com', password: 'p@ss,word "quoted"', notes: '', folder: '' },
        { row: 3, name: 'www.example.co.uk', url: 'https://www.example.co.uk/signin', username: 'bob', password: 'hunter2', notes: 'first line\nsecond line', folder: '' },
        { row: 6, name: 'IDN shop', url: 'https://bücher.de/login', username: 'carol', password: 'Grüße-2024!', notes: '', folder: '' },
      ],
      errors: [{ row: 5, code: 'no_credentials', message: 'The row has neither a username nor a password.' }],
    });
  });

  test('when given an older Chrome export with CRLF and no note column, then it is read', () => {
    expect(parseImport(fixture('chrome-legacy.csv'))).toEqual<ImportResult>({
      format: 'chrome',
      logins: [{ row: 2, name: 'GitHub', url: 'https://github.com/session', username: 'octocat', password: 'gh-secret', notes: '', folder: '' }],
      errors: [],
    });
  });

  test('when given a Firefox export, then names come from the host and the empty login is reported', () => {
    const result = parseImport(fixture('firefox.csv'));

    expect(result.format).toBe('firefox');
    expect(result.logins).toEqual([
      { row: 2, name: 'accounts.example.com', url: 'https://accounts.example.com', username: 'dave', password: 's3cr3t', notes: '', folder: '' },
      { row: 3, name: '192.168.1.1', url: 'http://192.168.1.1:8080', username: 'admin', password: 'router pass', notes: '', folder: '' },
    ]);
    expect(result.errors).toEqual([{ row: 4, code: 'no_credentials', message: 'The row has neither a username nor a password.' }]);
  });

  test('when given a Bitwarden CSV with a BOM, then logins keep folder and TOTP, the first URI, and the note is reported', () => {
    const result = parseImport(fixture('bitwarden.csv'));

    expect(result).toEqual<ImportResult>({
      format: 'bitwarden_csv',
      logins: [
        {
          row: 2,
          name: 'Bank',
          url: 'https://bank.com',
          username: 'erin',
          password: 'Tr0ub4dor&3',
          notes: 'PIN is in the safe',
          folder: 'Banking',
          totp: 'otpauth://totp/Bank:erin?secret=JBSWY3DPEHPK3PXP',
        },
        { row: 3, name: 'Mail', url: 'https://mail.example.com', username: 'erin@example.com', password: 'mail-pass', notes: '', folder: '' },
      ],
      errors: [{ row: 4, code: 'not_a_login', message: 'Only logins are imported, not items of type "note".', detail: 'note' }],
    });
  });

  test('when given a Bitwarden organisation CSV, then the first collection is the folder', () => {
    expect(parseImport(fixture('bitwarden-organization.csv')).logins).toEqual([
      { row: 2, name: 'CI server', url: 'https://ci.example.com', username: 'deploy', password: 'ci-pass', notes: '', folder: 'Engineering' },
    ]);
  });

  test('when given an unencrypted Bitwarden JSON, then folders resolve, passwords keep their spaces and non-logins are reported', () => {
    const result = parseImport(fixture('bitwarden.json'));

    expect(result).toEqual<ImportResult>({
      format: 'bitwarden_json',
      logins: [
        {
          row: 1,
          name: 'Jira',
          url: 'https://team.atlassian.net/login',
          username: 'frank@example.com',
          password: ' leading space kept',
          notes: 'Team board',
          folder: 'Work',
          totp: 'JBSWY3DPEHPK3PXP',
        },
        { row: 3, name: 'grace', url: '', username: 'grace', password: 'no-uri-pass', notes: '', folder: '' },
      ],
      errors: [
        { row: 2, code: 'not_a_login', message: 'Only logins are imported, not items of type 2.', detail: '2' },
        { row: 4, code: 'not_an_object', message: 'The item is not an object.' },
      ],
    });
  });

  test('when given an encrypted Bitwarden JSON, then nothing is imported and the user is told to export unencrypted', () => {
    const result = parseImport(fixture('bitwarden-encrypted.json'));

    expect(result.format).toBe('bitwarden_json');
    expect(result.logins).toEqual([]);
    expect(result.errors).toEqual([{ row: 0, code: 'bitwarden_encrypted', message: expect.stringContaining('unencrypted') }]);
  });

  test('when given a LastPass export, then grouping is the folder, extra the notes, and secure notes are reported', () => {
    const result = parseImport(fixture('lastpass.csv'));

    expect(result).toEqual<ImportResult>({
      format: 'lastpass',
      logins: [
        { row: 2, name: 'Shop', url: 'https://shop.example.com/account', username: 'heidi', password: 'pa,ss', notes: 'Bought a kettle', folder: 'Shopping\\Home' },
        { row: 4, name: 'TV', url: 'https://tv.example.com', username: 'ivan', password: 'tv-pass', notes: '', folder: '', totp: 'JBSWY3DPEHPK3PXP' },
      ],
      errors: [{ row: 3, code: 'secure_note', message: 'Secure notes are not imported.' }],
    });
  });

  test('when given a 1Password export, then OTPAuth is the TOTP and the first tag the folder', () => {
    const result = parseImport(fixture('1password.csv'));

    expect(result).toEqual<ImportResult>({
      format: '1password',
      logins: [
        {
          row: 2,
          name: 'Dropbox',
          url: 'https://www.dropbox.com/login',
          username: 'judy@example.com',
          password: 'dr0pb0x!',
          notes: 'Main account',
          folder: 'Cloud',
          totp: 'otpauth://totp/Dropbox:judy?secret=JBSWY3DPEHPK3PXP',
        },
      ],
      errors: [{ row: 3, code: 'no_credentials', message: 'The row has neither a username nor a password.' }],
    });
  });

  test('when given a KeePassXC export with a malformed row, then the good rows are kept and the bad one is reported', () => {
    const result = parseImport(fixture('keepassxc.csv'));

    expect(result.format).toBe('keepassxc');
    expect(result.logins).toEqual([
      {
        row: 2,
        name: 'Mailbox',
        url: 'https://mail.example.net',
        username: 'karl',
        password: 'k@rl-pass',
        notes: 'multi\nline note',
        folder: 'Email',
        totp: 'otpauth://totp/Mail:karl?secret=JBSWY3DPEHPK3PXP&period=30&digits=6&issuer=Mail',
      },
      { row: 4, name: 'Router', url: 'http://192.168.0.1', username: 'admin', password: 'r0uter', notes: '', folder: '' },
      { row: 6, name: 'VPN', url: 'https://vpn.example.com', username: 'lena', password: 'vpn-pass', notes: '', folder: 'Work/VPN' },
    ]);
    expect(result.errors).toEqual([{ row: 5, code: 'unreadable_record', message: expect.stringMatching(/^Unreadable CSV record/), detail: expect.any(String) }]);
  });

  test.each([
    ['chrome.csv', 'chrome'],
    ['chrome-legacy.csv', 'chrome'],
    ['firefox.csv', 'firefox'],
    ['bitwarden.csv', 'bitwarden_csv'],
    ['bitwarden-organization.csv', 'bitwarden_csv'],
    ['bitwarden.json', 'bitwarden_json'],
    ['lastpass.csv', 'lastpass'],
    ['1password.csv', '1password'],
    ['keepassxc.csv', 'keepassxc'],
  ])('when detecting the format of %s, then it is %s', (name, format) => {
    expect(detectImportFormat(fixture(name))).toBe(format);
  });

  test.each([
    ['an empty file', ''],
    ['unknown CSV headers', 'site,login,secret\na,b,c\n'],
    ['JSON that is not a Bitwarden export', '{"accounts": []}'],
    ['broken JSON', '{"items": ['],
  ])('when given %s, then nothing is imported and a file-level error is reported', (_name, text) => {
    const result = parseImport(text);

    expect(result.format).toBeNull();
    expect(result.logins).toEqual([]);
    expect(result.errors).toEqual([{ row: 0, code: expect.any(String), message: expect.any(String), ...(result.errors[0]?.detail === undefined ? {} : { detail: expect.any(String) }) }]);
  });

  test('when a format is forced, then the headers must still fit it', () => {
    const result = parseImport(fixture('chrome.csv'), { format: 'keepassxc' });

    expect(result.logins).toEqual([]);
    expect(result.errors).toEqual([{ row: 0, code: 'missing_columns', message: expect.stringMatching(/^Missing columns: group, title/), detail: expect.stringMatching(/^group, title/) }]);
  });

  test('when a format is forced on content detection would also pick, then the result is the same', () => {
    expect(parseImport(fixture('lastpass.csv'), { format: 'lastpass' })).toEqual(parseImport(fixture('lastpass.csv')));
  });
});
