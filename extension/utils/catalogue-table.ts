// The admin console's catalogue table as pure functions (unit-tested, DOM-free): a lowercase
// search index made once per catalogue, sorting, and filtering over the index, so that a keystroke
// in the search box costs one pass of `includes` over 10 000 short strings and renders one page.
import type { Application } from '@secureaccess/shared/contract';

export type CatalogueSortKey = 'name' | 'url' | 'matchStrategy' | 'isActive' | 'access' | 'updatedAt';
export interface CatalogueSort {
  key: CatalogueSortKey;
  descending: boolean;
}

export interface IndexedApplication {
  application: Application;
  /** Name, URL, patterns and both reported values, lower-cased, one string. */
  haystack: string;
}

export function indexApplications(applications: readonly Application[]): IndexedApplication[] {
  return applications.map((application) => ({
    application,
    haystack: [application.name, application.url, ...application.matchPatterns, application.accessGrantedValue, application.accessDeclinedValue]
      .join('\n')
      .toLowerCase(),
  }));
}

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

function compareBy(key: CatalogueSortKey): (a: Application, b: Application) => number {
  switch (key) {
    case 'isActive':
      return (a, b) => Number(b.isActive) - Number(a.isActive);
    case 'updatedAt':
      return (a, b) => a.updatedAt.localeCompare(b.updatedAt);
    default:
      return (a, b) => collator.compare(a[key], b[key]);
  }
}

/** A sorted copy; ties fall back to the name, then the id, so the order is stable across reloads. */
export function sortIndexed(rows: readonly IndexedApplication[], sort: CatalogueSort): IndexedApplication[] {
  const primary = compareBy(sort.key);
  const byName = compareBy('name');
  const direction = sort.descending ? -1 : 1;
  return [...rows].sort(
    (a, b) =>
      direction * primary(a.application, b.application) ||
      byName(a.application, b.application) ||
      a.application.id.localeCompare(b.application.id),
  );
}

/** Rows whose index holds every word of `query` (case-insensitive); the order is kept. */
export function filterIndexed(rows: readonly IndexedApplication[], query: string): readonly IndexedApplication[] {
  const words = query.toLowerCase().split(/\s+/).filter((word) => word !== '');
  if (words.length === 0) return rows;
  if (words.length === 1) {
    const [word] = words as [string];
    return rows.filter((row) => row.haystack.includes(word));
  }
  return rows.filter((row) => words.every((word) => row.haystack.includes(word)));
}

export const cataloguePageSize = 50;

/** The page's rows and the page actually shown (clamped when the filter shrank the list). */
export function pageOf<T>(rows: readonly T[], page: number, size = cataloguePageSize): { rows: T[]; page: number; pages: number } {
  const pages = Math.max(1, Math.ceil(rows.length / size));
  const shown = Math.min(Math.max(0, page), pages - 1);
  return { rows: rows.slice(shown * size, shown * size + size), page: shown, pages };
}
