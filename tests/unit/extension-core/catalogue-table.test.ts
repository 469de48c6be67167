// The admin console's catalogue table model (extension/utils/catalogue-table.ts): search over the
// lowercase index, sorting with stable ties, paging that follows a shrinking filter.
import type { Application } from '@secureaccess/shared/contract';
import { filterIndexed, indexApplications, pageOf, sortIndexed } from '@ext/utils/catalogue-table';

let counter = 0;
const application = (change: Partial<Application>): Application => {
  counter++;
  return {
    id: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`,
    name: `App ${counter}`,
    url: `https://app${counter}.example/`,
    matchStrategy: 'base_domain',
    matchPatterns: [],
    isActive: true,
    access: 'granted',
    accessGrantedValue: 'granted',
    accessDeclinedValue: 'declined',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...change,
  };
};

describe('catalogue table', () => {
  const bank = application({ name: 'Bank', url: 'https://bank.example/', matchPatterns: ['https://Bank-Login.example/'] });
  const shop = application({ name: 'shop', url: 'https://shop.example/', access: 'declined', accessDeclinedValue: 'Ask IT first' });
  const mail = application({ name: 'Mail', url: 'https://mail.example/', isActive: false });
  const rows = indexApplications([bank, shop, mail]);

  test('when the query names a pattern or a reported value in any case, then the application is found', () => {
    expect(filterIndexed(rows, 'BANK-login').map((r) => r.application)).toEqual([bank]);
    expect(filterIndexed(rows, 'ask it').map((r) => r.application)).toEqual([shop]);
    expect(filterIndexed(rows, 'example zzz')).toEqual([]);
    expect(filterIndexed(rows, '   ')).toBe(rows);
  });

  test('when sorted by name, then case does not matter; descending reverses; ties fall back to the name', () => {
    expect(sortIndexed(rows, { key: 'name', descending: false }).map((r) => r.application.name)).toEqual(['Bank', 'Mail', 'shop']);
    expect(sortIndexed(rows, { key: 'name', descending: true }).map((r) => r.application.name)).toEqual(['shop', 'Mail', 'Bank']);
    expect(sortIndexed(rows, { key: 'isActive', descending: false }).map((r) => r.application.name)).toEqual(['Bank', 'shop', 'Mail']);
    expect(sortIndexed(rows, { key: 'access', descending: true }).map((r) => r.application.name)).toEqual(['Bank', 'Mail', 'shop']);
  });

  test('when the filter shrinks the list below the current page, then the last page is shown', () => {
    const many = Array.from({ length: 120 }, (_, i) => i);

    expect(pageOf(many, 1)).toMatchObject({ page: 1, pages: 3 });
    expect(pageOf(many, 1).rows[0]).toBe(50);
    expect(pageOf(many.slice(0, 30), 2)).toMatchObject({ page: 0, pages: 1, rows: many.slice(0, 30) });
    expect(pageOf([], 0)).toMatchObject({ page: 0, pages: 1, rows: [] });
  });

  test('when 10 000 applications are filtered by a prefix, then exactly those whose text holds it are kept, in order', () => {
    const big = indexApplications(Array.from({ length: 10_000 }, (_, i) => application({ name: `Site ${i}`, url: `https://site${i}.example/` })));

    const found = filterIndexed(big, 'site99');

    // site99, site990–site999, site9900–site9999 (the keystroke's time is measured by the e2e).
    expect(found.map((r) => r.application.name)).toEqual(['Site 99', ...Array.from({ length: 10 }, (_, i) => `Site ${990 + i}`), ...Array.from({ length: 100 }, (_, i) => `Site ${9900 + i}`)]);
  });
});
