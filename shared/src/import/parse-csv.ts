import { parse, type CsvError } from 'csv-parse/browser/esm/sync';
import { buildLogin } from './build-login';
import { csvFormats, detectCsvFormat, type CsvFormat } from './csv-formats';
import type { ImportFormat, ImportResult, ImportRowError } from './types';

interface ParsedRecord {
  record: string[];
  info: { lines: number };
}

/**
 * Reads CSV with csv-parse's browser build (its Node entry points need `Buffer`). A malformed
 * record is skipped and reported instead of failing the file.
 */
function readRecords(text: string, errors: ImportRowError[]): ParsedRecord[] {
  try {
    return parse(text, {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_skip: (error: CsvError | undefined) => {
        const row = typeof error?.lines === 'number' ? error.lines : 0;
        // A broken quote can raise a second error for the same line; one report is enough.
        if (errors.some((reported) => reported.row === row)) return;
        errors.push({ row, message: `Unreadable CSV record: ${error?.message ?? 'unknown error'}` });
      },
    }) as unknown as ParsedRecord[];
  } catch (error) {
    errors.push({ row: 0, message: `Unreadable CSV file: ${(error as Error).message}` });
    return [];
  }
}

export function parseCsvImport(text: string, format?: ImportFormat): ImportResult {
  const errors: ImportRowError[] = [];
  const records = readRecords(text, errors);
  const [header, ...rows] = records;
  if (header === undefined) {
    return { format: format ?? null, logins: [], errors: [...errors, { row: 0, message: 'The file has no header row.' }] };
  }
  const headers = header.record.map((name) => name.trim().toLowerCase());
  const csvFormat: CsvFormat | null =
    format === undefined ? detectCsvFormat(headers) : (csvFormats.find((f) => f.format === format) ?? null);
  if (csvFormat === null) {
    const message = format === undefined ? 'The CSV headers match no supported export format.' : `"${format}" is not a CSV format.`;
    return { format: null, logins: [], errors: [...errors, { row: 0, message }] };
  }
  const missing = csvFormat.requiredHeaders.filter((name) => !headers.includes(name));
  if (missing.length > 0) {
    return { format: csvFormat.format, logins: [], errors: [...errors, { row: 0, message: `Missing columns: ${missing.join(', ')}.` }] };
  }

  const logins: ImportResult['logins'] = [];
  for (const { record, info } of rows) {
    const row = (name: string) => {
      const column = headers.indexOf(name);
      return column === -1 ? '' : (record[column] ?? '');
    };
    const fields = csvFormat.toLogin(row);
    const login = typeof fields === 'string' ? fields : buildLogin(fields);
    if (typeof login === 'string') errors.push({ row: info.lines, message: login });
    else logins.push(login);
  }
  errors.sort((a, b) => a.row - b.row);
  return { format: csvFormat.format, logins, errors };
}
