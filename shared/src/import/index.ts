export { parseImport, detectImportFormat, maxImportLength } from './parse-import';
export { duplicateKey } from './duplicates';
export { bitwardenCsvHeader, formatBitwardenCsv, formatCsv } from './write-csv';
export {
  importErrorCodes,
  importFormats,
  type ImportErrorCode,
  type ImportFormat,
  type ImportedLogin,
  type ImportResult,
  type ImportRowError,
} from './types';
