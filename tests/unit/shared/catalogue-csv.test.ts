// The catalogue CSV (shared/src/catalogue-csv): what an admin exports reads back as the same
// catalogue, cells a spreadsheet would run are guarded, and a hand-made file is checked with the
// contract's rules row by row.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { readCatalogueCsv, writeCatalogueCsv, type CatalogueCsvApplication, type CatalogueCsvRow } from '@secureaccess/shared/catalogue-csv';
import { matchStrategySchema } from '@secureaccess/shared/contract';

const application = (change: Partial<CatalogueCsvApplication> = {}): CatalogueCsvApplication => ({
  id: randomUUID(),
  name: 'Bank',
  url: 'https://bank.example/login',
  matchStrategy: 'base_domain',
  matchPatterns: [],
  isActive: true,
  access: 'granted',
  accessGrantedValue: 'granted',
  accessDeclinedValue: 'declined',
  ...change,
});

const withoutLine = ({ line: _line, ...row }: CatalogueCsvRow) => row;

describe('catalogue CSV', () => {
  test('when a catalogue is written, then it has a BOM, the header and one CRLF line per application', () => {
    const csv = writeCatalogueCsv([application({ id: '3f1c2b4a-9d8e-4f7a-b6c5-d4e3f2a1b0c9' })]);

    expect(csv).toBe(
      '\uFEFFid,name,url,match_strategy,match_patterns,is_active,access,access_granted_value,access_declined_value\r\n' +
        '3f1c2b4a-9d8e-4f7a-b6c5-d4e3f2a1b0c9,Bank,https://bank.example/login,base_domain,,true,granted,granted,declined\r\n',
    );
  });

  test('when cells hold commas, quotes, line breaks and formula starts, then they are quoted and guarded, and read back unchanged', () => {
    const tricky = application({
      name: '=HYPERLINK("http://evil.example","Bank, Inc.")',
      matchStrategy: 'regex',
      matchPatterns: ['https://bank\\.example/.*', '+https://x\\.example/'],
      accessDeclinedValue: '@ask "IT"',
      accessGrantedValue: "'quoted",
    });

    const csv = writeCatalogueCsv([tricky]);
    const line = csv.split('\r\n')[1]!;

    expect(line).toContain(`"'=HYPERLINK(""http://evil.example"",""Bank, Inc."")"`);
    expect(line).toContain(`"'@ask ""IT"""`);
    expect(line).toContain(`''quoted`);
    const { rows, errors } = readCatalogueCsv(csv);
    expect(errors).toEqual([]);
    expect(rows.map(withoutLine)).toEqual([tricky]);
  });

  test('when a hand-made file has only name and url, then the other fields are left to the server', () => {
    const { rows, errors, ignoredColumns } = readCatalogueCsv('Name,URL,Owner\nShop,https://shop.example/,Ann\n');

    expect(errors).toEqual([]);
    expect(ignoredColumns).toEqual(['owner']);
    expect(rows).toEqual([{ line: 2, id: null, name: 'Shop', url: 'https://shop.example/' }]);
  });

  test('when rows break the contract, then each is reported with its line and the good ones are kept', () => {
    const id = randomUUID();
    const csv = [
      'id,name,url,match_strategy,match_patterns,is_active,access,access_granted_value,access_declined_value',
      `${id},Good,https://good.example/,host,,yes,declined,,Ask IT`,
      'not-a-uuid,Bad id,https://a.example/,,,,,,',
      ',,https://b.example/,,,,,,',
      ',No scheme,b.example,,,,,,',
      ',Odd strategy,https://c.example/,sometimes,,,,,',
      ',Odd active,https://d.example/,,,maybe,,,',
      ',Odd access,https://e.example/,,,,perhaps,,',
      `${id},Twice,https://f.example/,,,,,,`,
    ].join('\n');

    const { rows, errors } = readCatalogueCsv(csv);

    expect(rows).toEqual([
      { line: 2, id, name: 'Good', url: 'https://good.example/', matchStrategy: 'host', matchPatterns: [], isActive: true, access: 'declined', accessDeclinedValue: 'Ask IT' },
    ]);
    expect(errors.map((e) => [e.line, e.message.split(':')[0]])).toEqual([
      [3, 'id'],
      [4, 'name'],
      [5, 'url'],
      [6, 'match_strategy'],
      [7, 'is_active'],
      [8, 'access'],
      [9, 'id'],
    ]);
  });

  test('when the file lacks a required column or a header, then nothing is imported and it says why', () => {
    expect(readCatalogueCsv('name,match_strategy\nShop,host\n').errors).toEqual([{ line: 1, message: 'Missing columns: url.' }]);
    expect(readCatalogueCsv('').errors).toEqual([{ line: 0, message: 'The file has no header row.' }]);
  });

  test('property: whatever catalogue is written, reading it gives the same applications back', () => {
    // Text as the contract allows it (trimmed, non-empty) but full of CSV's and spreadsheets' trouble makers.
    const nasty = fc
      .stringMatching(/^[a-zé"',;=+\-@\t\r\n \uFEFF]{1,20}$/)
      .map((s) => s.trim())
      .filter((s) => s !== '');
    const oneLine = nasty.map((s) => s.replace(/[\r\n]/g, 'x')).filter((s) => s.trim() === s && s !== '');
    const arbitraryApplication = fc.record({
      id: fc.uuid({ version: 4 }),
      name: nasty.map((s) => s.normalize('NFC')).filter((s) => s.trim() === s && s !== ''),
      url: fc.webUrl({ validSchemes: ['https', 'http'] }),
      matchStrategy: fc.constantFrom(...matchStrategySchema.options),
      matchPatterns: fc.array(oneLine, { maxLength: 4 }),
      isActive: fc.boolean(),
      access: fc.constantFrom('granted' as const, 'declined' as const),
      accessGrantedValue: nasty,
      accessDeclinedValue: nasty,
    });

    fc.assert(
      fc.property(fc.uniqueArray(arbitraryApplication, { selector: (a) => a.id, maxLength: 8 }), (applications) => {
        const { rows, errors } = readCatalogueCsv(writeCatalogueCsv(applications));
        expect(errors).toEqual([]);
        expect(rows.map(withoutLine)).toEqual(applications);
      }),
      { numRuns: 150 },
    );
  });
});
