import fc from 'fast-check';
import { importErrorCodes, importFormats, parseImport, type ImportedLogin } from '@secureaccess/shared/import';

const headerLines = [
  'name,url,username,password,note',
  'url,username,password,httpRealm,formActionOrigin,guid,timeCreated,timeLastUsed,timePasswordChanged',
  'folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp',
  'url,username,password,totp,extra,name,grouping,fav',
  'Title,Url,Username,Password,OTPAuth,Favorite,Archived,Tags,Notes',
  '"Group","Title","Username","Password","URL","Notes","TOTP","Icon","Last Modified","Created"',
];

// Cells full of the characters that break CSV: quotes, delimiters, line breaks, BOMs.
const nastyCell = fc.stringMatching(/^[a-z",;\r\n\t \uFEFF\\é]{0,12}$/);
const csvLike = fc
  .tuple(
    fc.constantFrom(...headerLines),
    fc.array(fc.array(nastyCell, { maxLength: 12 }), { maxLength: 8 }),
    fc.constantFrom('\n', '\r\n'),
  )
  .map(([header, rows, lineEnd]) => [header, ...rows.map((cells) => cells.join(','))].join(lineEnd));

const bitwardenLike = fc
  .record({
    encrypted: fc.oneof(fc.boolean(), fc.anything()),
    folders: fc.oneof(fc.array(fc.record({ id: fc.anything(), name: fc.anything() })), fc.anything()),
    items: fc.array(
      fc.oneof(
        fc.anything(),
        fc.record({
          type: fc.oneof(fc.constant(1), fc.anything()),
          name: fc.anything(),
          notes: fc.anything(),
          folderId: fc.anything(),
          login: fc.oneof(
            fc.anything(),
            fc.record({ uris: fc.anything(), username: fc.anything(), password: fc.anything(), totp: fc.anything() }),
          ),
        }),
      ),
    ),
  })
  .map((document) => JSON.stringify(document));

function assertWellFormed(text: string) {
  const result = parseImport(text);
  expect(result.format === null || importFormats.includes(result.format)).toBe(true);
  for (const login of result.logins) {
    for (const field of ['name', 'url', 'username', 'password', 'notes', 'folder'] as const) {
      expect(typeof login[field]).toBe('string');
    }
    expect(login.username.trim() !== '' || login.password !== '').toBe(true);
  }
  for (const error of result.errors) {
    expect(Number.isInteger(error.row) && error.row >= 0).toBe(true);
    expect(error.message.length).toBeGreaterThan(0);
    expect(importErrorCodes).toContain(error.code);
  }
}

describe('parseImport — properties', () => {
  test('when given arbitrary text, then it never throws and returns well-formed results', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), assertWellFormed), { numRuns: 500 });
  });

  test('when given CSV with a known header and hostile cells, then it never throws and returns well-formed results', () => {
    fc.assert(fc.property(csvLike, assertWellFormed), { numRuns: 500 });
  });

  test('when given Bitwarden-shaped JSON with arbitrary values, then it never throws and returns well-formed results', () => {
    fc.assert(fc.property(bitwardenLike, assertWellFormed), { numRuns: 300 });
  });

  test('when logins are written as a correctly quoted Chrome CSV, then parsing gives them back', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 20 });
    const login = fc
      .record({ name: text, url: text, username: text, password: text, notes: text })
      .filter((l) => l.username.trim() !== '' || l.password !== '')
      // Names and URLs are trimmed on import and a blank name is derived; keep them already clean.
      .map((l) => ({ ...l, name: `n${l.name.trim()}`, url: l.url.trim() }));
    const quote = (cell: string) => `"${cell.replaceAll('"', '""')}"`;

    fc.assert(
      fc.property(fc.array(login, { minLength: 1, maxLength: 10 }), (logins) => {
        const csv = ['name,url,username,password,note']
          .concat(logins.map((l) => [l.name, l.url, l.username, l.password, l.notes].map(quote).join(',')))
          .join('\r\n');

        const result = parseImport(csv);

        expect(result.errors).toEqual([]);
        expect(result.logins).toEqual(logins.map((l, i): ImportedLogin => ({ ...l, folder: '', row: result.logins[i]!.row })));
        expect(result.logins.map((l) => l.row)).toEqual([...result.logins.map((l) => l.row)].sort((a, b) => a - b));
      }),
      { numRuns: 300 },
    );
  });
});
