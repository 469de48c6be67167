import { buildLogin } from './build-login';
import { csvFormats, detectCsvFormat, type CsvFormat } from './csv-formats';
import { readCsvRecords, type CsvRecord } from './read-csv-records';
import { importIssue, isImportIssue, type ImportFormat, type ImportResult, type ImportRowError } from './types';

function readRecords(text: string, errors: ImportRowError[]): CsvRecord[] {
  const read = readCsvRecords(text);
  for (const { line, kind, why } of read.errors) {
    errors.push({ row: line, ...(kind === 'file' ? importIssue('unreadable_file', `Unreadable CSV file: ${why}`, why) : importIssue('unreadable_record', `Unreadable CSV record: ${why}`, why)) });
  }
  return read.records;
}

export function parseCsvImport(text: string, format?: ImportFormat): ImportResult {
  const errors: ImportRowError[] = [];
  const records = readRecords(text, errors);
  const [header, ...rows] = records;
  if (header === undefined) {
    return { format: format ?? null, logins: [], errors: [...errors, { row: 0, ...importIssue('no_header', 'The file has no header row.') }] };
  }
  const headers = header.record.map((name) => name.trim().toLowerCase());
  const csvFormat: CsvFormat | null =
    format === undefined ? detectCsvFormat(headers) : (csvFormats.find((f) => f.format === format) ?? null);
  if (csvFormat === null) {
    const issue =
      format === undefined
        ? importIssue('unknown_format', 'The CSV headers match no supported export format.')
        : importIssue('not_csv_format', `"${format}" is not a CSV format.`, format);
    return { format: null, logins: [], errors: [...errors, { row: 0, ...issue }] };
  }
  const missing = csvFormat.requiredHeaders.filter((name) => !headers.includes(name));
  if (missing.length > 0) {
    const columns = missing.join(', ');
    return { format: csvFormat.format, logins: [], errors: [...errors, { row: 0, ...importIssue('missing_columns', `Missing columns: ${columns}.`, columns) }] };
  }

  const logins: ImportResult['logins'] = [];
  for (const parsed of rows) {
    const { record, line } = parsed;
    const row = (name: string) => {
      const column = headers.indexOf(name);
      return column === -1 ? '' : (record[column] ?? '');
    };
    const fields = csvFormat.toLogin(row);
    const login = isImportIssue(fields) ? fields : buildLogin(fields, line);
    if (isImportIssue(login)) errors.push({ row: line, ...login });
    else logins.push(login);
  }
  errors.sort((a, b) => a.row - b.row);
  return { format: csvFormat.format, logins, errors };
}
