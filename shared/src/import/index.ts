export { parseImport, detectImportFormat, maxImportLength } from './parse-import';
export { importFormats, type ImportFormat, type ImportedLogin, type ImportResult, type ImportRowError } from './types';
