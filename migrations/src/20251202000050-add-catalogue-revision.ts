// The catalogue's revision (DESIGN §8, freshness): a counter in `settings` that every change to
// the application catalogue increments in its own transaction, so `GET /applications` can answer
// a conditional request with 304 from one primary-key read, correct across API processes.
import { Op, type QueryInterface } from 'sequelize';
import type { MigrationFn } from 'umzug';

export const catalogueRevisionSetting = 'catalogue_revision';

export const up: MigrationFn<QueryInterface> = async ({ context: qi }) => {
  await qi.bulkInsert('settings', [{ name: catalogueRevisionSetting, value: JSON.stringify(1), updated_by: null, updated_at: new Date() }]);
};

export const down: MigrationFn<QueryInterface> = async ({ context: qi }) => {
  await qi.bulkDelete('settings', { name: { [Op.in]: [catalogueRevisionSetting] } });
};
