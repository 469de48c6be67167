// Reading CSV records with csv-parse's browser build (its Node entry points need `Buffer`), shared
// by the vault import and the catalogue CSV: a malformed record is skipped and reported with its
// line instead of failing the file.
import { parse, type CsvError } from 'csv-parse/browser/esm/sync';

export interface CsvRecord {
  record: string[];
  /** The file's line where the record starts (a quoted cell may span several lines). */
  line: number;
}

export interface CsvRecordError {
  /** The file's line (0: the file as a whole). */
  line: number;
  /** `record`: one record could not be read and was skipped; `file`: nothing could be read. */
  kind: 'record' | 'file';
  /** csv-parse's own words. */
  why: string;
  message: string;
}

interface ParsedRecord {
  record: string[];
  /** `lines`: the line the record ends on. */
  info: { lines: number };
  raw: string;
}

/** The line a record starts on, for messages a person checks in the file. */
function firstLineOf({ info, raw }: ParsedRecord): number {
  const body = raw.replace(/^(\r?\n)+/, '').replace(/\r?\n$/, '');
  return info.lines - (body.match(/\n/g)?.length ?? 0);
}

export function readCsvRecords(text: string): { records: CsvRecord[]; errors: CsvRecordError[] } {
  const errors: CsvRecordError[] = [];
  try {
    const parsed = parse(text, {
      bom: true,
      info: true,
      raw: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_skip: (error: CsvError | undefined) => {
        const line = typeof error?.lines === 'number' ? error.lines : 0;
        // A broken quote can raise a second error for the same line; one report is enough.
        if (errors.some((reported) => reported.line === line)) return;
        const why = error?.message ?? 'unknown error';
        errors.push({ line, kind: 'record', why, message: `Unreadable CSV record: ${why}` });
      },
    }) as unknown as ParsedRecord[];
    return { records: parsed.map((record) => ({ record: record.record, line: firstLineOf(record) })), errors };
  } catch (error) {
    const why = (error as Error).message;
    return { records: [], errors: [...errors, { line: 0, kind: 'file', why, message: `Unreadable CSV file: ${why}` }] };
  }
}
