// The application catalogue as CSV (DESIGN §1: admins curate the catalogue; export it to review or
// edit in a spreadsheet, import it back). One row per application, the columns below; patterns
// one per line inside their cell. The writer guards cells a spreadsheet would run as a formula
// with a leading apostrophe, which the reader removes again, so write → read gives back exactly
// what was written (a property test holds it to that).
import {
  accessStateSchema,
  createApplicationBodySchema,
  updateApplicationBodySchema,
  uuidSchema,
  type Application,
} from '../contract';
import { readCsvRecords } from '../import/read-csv-records';

/** The columns, in the order the writer puts them. `name` and `url` are required on import. */
export const catalogueCsvColumns = [
  'id',
  'name',
  'url',
  'match_strategy',
  'match_patterns',
  'is_active',
  'access',
  'access_granted_value',
  'access_declined_value',
] as const;
export type CatalogueCsvColumn = (typeof catalogueCsvColumns)[number];

/** Largest file the reader takes (characters): 10 000 applications with long patterns fit. */
export const maxCatalogueCsvLength = 20 * 1024 * 1024;
/** Most rows the reader takes: more is refused rather than imported in part. */
export const maxCatalogueCsvRows = 20_000;

/** What the writer needs of an application. */
export type CatalogueCsvApplication = Pick<
  Application,
  'id' | 'name' | 'url' | 'matchStrategy' | 'matchPatterns' | 'isActive' | 'access' | 'accessGrantedValue' | 'accessDeclinedValue'
>;

/**
 * One imported row. `id` names an existing application to update (null: match by URL or add a
 * new one); a field is absent when its column is missing or its cell empty (keep what is there,
 * or the server's default for a new application) — except `matchPatterns`, where an empty cell
 * of a present column means "no patterns".
 */
export interface CatalogueCsvRow {
  /** The file's line where the record ends (1 is the header; a quoted line break spans lines). */
  line: number;
  id: string | null;
  name: string;
  url: string;
  matchStrategy?: Application['matchStrategy'];
  matchPatterns?: string[];
  isActive?: boolean;
  access?: Application['access'];
  accessGrantedValue?: string;
  accessDeclinedValue?: string;
}

export interface CatalogueCsvError {
  /** The file's line (0: the file as a whole). */
  line: number;
  message: string;
}

export interface CatalogueCsvReadResult {
  rows: CatalogueCsvRow[];
  errors: CatalogueCsvError[];
  /** Header cells that are not catalogue columns (left out, not an error). */
  ignoredColumns: string[];
}

// ---- writing --------------------------------------------------------------------------------------

/** Cells a spreadsheet would evaluate (OWASP "CSV injection"), and the apostrophe guard itself. */
const needsFormulaGuard = /^[=+\-@\t\r']/;

function guardCell(value: string): string {
  return needsFormulaGuard.test(value) ? `'${value}` : value;
}

/** RFC 4180: a cell with a quote, comma or line break (or edge spaces) is quoted, quotes doubled. */
function quoteCell(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function cellsOf(application: CatalogueCsvApplication): Record<CatalogueCsvColumn, string> {
  return {
    id: application.id,
    name: application.name,
    url: application.url,
    match_strategy: application.matchStrategy,
    match_patterns: application.matchPatterns.join('\n'),
    is_active: String(application.isActive),
    access: application.access,
    access_granted_value: application.accessGrantedValue,
    access_declined_value: application.accessDeclinedValue,
  };
}

/** The catalogue as CSV: a UTF-8 BOM (so spreadsheets read it as UTF-8), a header, CRLF lines. */
export function writeCatalogueCsv(applications: readonly CatalogueCsvApplication[]): string {
  const lines = [catalogueCsvColumns.join(',')];
  for (const application of applications) {
    const cells = cellsOf(application);
    lines.push(catalogueCsvColumns.map((column) => quoteCell(guardCell(cells[column]))).join(','));
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

// ---- reading --------------------------------------------------------------------------------------

const unguard = (cell: string) => (cell.startsWith("'") ? cell.slice(1) : cell);

function readBoolean(cell: string): boolean | null {
  const value = cell.trim().toLowerCase();
  if (['true', 'yes', '1'].includes(value)) return true;
  if (['false', 'no', '0'].includes(value)) return false;
  return null;
}

/** The first problem zod found, as "field: message". */
function firstIssue(error: { issues: { path: PropertyKey[]; message: string }[] }, names: Record<string, string>): string {
  const issue = error.issues[0];
  if (!issue) return 'is not valid';
  const field = String(issue.path[0] ?? '');
  return `${names[field] ?? field}: ${issue.message}`;
}

const columnOfField: Record<string, CatalogueCsvColumn> = {
  name: 'name',
  url: 'url',
  matchStrategy: 'match_strategy',
  matchPatterns: 'match_patterns',
  isActive: 'is_active',
  access: 'access',
  accessGrantedValue: 'access_granted_value',
  accessDeclinedValue: 'access_declined_value',
};

/**
 * Reads a catalogue CSV (the writer's, or one made by hand with at least `name` and `url`).
 * Every field is checked with the contract's own schemas; a row with a problem is reported with
 * its line and left out, the others are returned.
 */
export function readCatalogueCsv(text: string): CatalogueCsvReadResult {
  const errors: CatalogueCsvError[] = [];
  if (text.length > maxCatalogueCsvLength) {
    return { rows: [], errors: [{ line: 0, message: `The file is larger than ${maxCatalogueCsvLength / 1024 / 1024} MB.` }], ignoredColumns: [] };
  }
  const read = readCsvRecords(text);
  const records = read.records;
  errors.push(...read.errors.map(({ line, message }) => ({ line, message })));
  const [header, ...body] = records;
  if (header === undefined) return { rows: [], errors: [{ line: 0, message: 'The file has no header row.' }], ignoredColumns: [] };
  const headers = header.record.map((cell) => cell.trim().toLowerCase());
  const ignoredColumns = headers.filter((name) => name !== '' && !(catalogueCsvColumns as readonly string[]).includes(name));
  const missing = (['name', 'url'] as const).filter((name) => !headers.includes(name));
  if (missing.length > 0) return { rows: [], errors: [{ line: 1, message: `Missing columns: ${missing.join(', ')}.` }], ignoredColumns };
  if (body.length > maxCatalogueCsvRows) {
    return { rows: [], errors: [{ line: 0, message: `The file has more than ${maxCatalogueCsvRows} applications.` }], ignoredColumns };
  }

  const rows: CatalogueCsvRow[] = [];
  const seenIds = new Map<string, number>();
  for (const { record, line } of body) {
    const has = (column: CatalogueCsvColumn) => headers.includes(column);
    const cell = (column: CatalogueCsvColumn) => unguard(record[headers.indexOf(column)] ?? '');
    const given = (column: CatalogueCsvColumn) => (has(column) && cell(column).trim() !== '' ? cell(column) : undefined);
    const fail = (message: string) => errors.push({ line, message });

    const idCell = given('id')?.trim();
    let id: string | null = null;
    if (idCell !== undefined) {
      const parsedId = uuidSchema.safeParse(idCell);
      if (!parsedId.success) {
        fail(`id: ${parsedId.error.issues[0]?.message ?? 'is not valid'}`);
        continue;
      }
      id = parsedId.data;
      const earlier = seenIds.get(id);
      if (earlier !== undefined) {
        fail(`id: the same application is on line ${earlier} too`);
        continue;
      }
      seenIds.set(id, line);
    }
    const patternsCell = has('match_patterns') ? cell('match_patterns') : undefined;
    const matchPatterns = patternsCell?.split(/\r?\n/).map((p) => p.trim()).filter((p) => p !== '');
    const rules = createApplicationBodySchema.safeParse({
      name: cell('name'),
      url: cell('url'),
      ...(given('match_strategy') !== undefined ? { matchStrategy: given('match_strategy')!.trim() } : {}),
      ...(matchPatterns !== undefined ? { matchPatterns } : {}),
    });
    if (!rules.success) {
      fail(firstIssue(rules.error, columnOfField));
      continue;
    }
    let isActive: boolean | undefined;
    const activeCell = given('is_active');
    if (activeCell !== undefined) {
      const value = readBoolean(activeCell);
      if (value === null) {
        fail('is_active: must be true or false');
        continue;
      }
      isActive = value;
    }
    const accessCell = given('access')?.trim().toLowerCase();
    if (accessCell !== undefined && !accessStateSchema.safeParse(accessCell).success) {
      fail('access: must be granted or declined');
      continue;
    }
    const policy = {
      ...(isActive !== undefined ? { isActive } : {}),
      ...(accessCell !== undefined ? { access: accessCell as Application['access'] } : {}),
      ...(given('access_granted_value') !== undefined ? { accessGrantedValue: given('access_granted_value') } : {}),
      ...(given('access_declined_value') !== undefined ? { accessDeclinedValue: given('access_declined_value') } : {}),
    };
    if (Object.keys(policy).length > 0) {
      const checked = updateApplicationBodySchema.safeParse(policy);
      if (!checked.success) {
        fail(firstIssue(checked.error, columnOfField));
        continue;
      }
      Object.assign(policy, checked.data);
    }
    rows.push({
      line,
      id,
      name: rules.data.name,
      url: rules.data.url,
      ...(rules.data.matchStrategy !== undefined ? { matchStrategy: rules.data.matchStrategy } : {}),
      ...(rules.data.matchPatterns !== undefined ? { matchPatterns: rules.data.matchPatterns } : {}),
      ...(policy as Omit<CatalogueCsvRow, 'line' | 'id' | 'name' | 'url'>),
    });
  }
  errors.sort((a, b) => a.line - b.line);
  return { rows, errors, ignoredColumns };
}
