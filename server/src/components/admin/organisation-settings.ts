// Organisation settings (DESIGN §1, §4 settings): one row per key in `settings`, values as JSON.
// Read by registration (sign-ups open) and the catalogue (access of new applications).
import {
  accessStateSchema,
  organisationSettingsSchema,
  type OrganisationSettings,
} from '@secureaccess/shared/contract';
import type { Transaction } from 'sequelize';
import { z } from 'zod';
import type { Database } from '../../db';

/** Contract field → settings.name (the keys the settings migration seeds). */
const settingNames = {
  signupsOpen: 'signups_allowed',
  defaultApplicationAccess: 'default_application_access',
} as const satisfies Record<keyof OrganisationSettings, string>;

/** What applies when a key is missing (the product defaults, as seeded). */
const defaults: OrganisationSettings = { signupsOpen: true, defaultApplicationAccess: 'granted' };

const valueSchemas = {
  signupsOpen: z.boolean(),
  defaultApplicationAccess: accessStateSchema,
} satisfies Record<keyof OrganisationSettings, z.ZodType>;

const keys = Object.keys(settingNames) as (keyof OrganisationSettings)[];

export async function readOrganisationSettings(db: Database, transaction?: Transaction): Promise<OrganisationSettings> {
  const rows = await db.models.Setting.findAll({
    where: { name: Object.values(settingNames) },
    ...(transaction ? { transaction } : {}),
  });
  const byName = new Map(rows.map((row) => [row.name, row.value]));
  const settings = { ...defaults };
  for (const key of keys) {
    // A value someone edited into something invalid falls back to the default instead of failing every request.
    const parsed = valueSchemas[key].safeParse(byName.get(settingNames[key]));
    if (parsed.success) (settings as Record<string, unknown>)[key] = parsed.data;
  }
  return organisationSettingsSchema.parse(settings);
}

/** Writes every key (upsert) and returns the settings as they were before. */
export async function writeOrganisationSettings(
  db: Database,
  settings: OrganisationSettings,
  options: { updatedBy: number; now: Date; transaction: Transaction },
): Promise<OrganisationSettings> {
  const { transaction } = options;
  // Lock the rows so two admins saving at once record an accurate old → new pair each.
  const existing = await db.models.Setting.findAll({
    where: { name: Object.values(settingNames) },
    lock: transaction.LOCK.UPDATE,
    transaction,
  });
  const previous = await readOrganisationSettings(db, transaction);
  const present = new Set(existing.map((row) => row.name));
  for (const key of keys) {
    const name = settingNames[key];
    const values = { value: settings[key], updatedBy: options.updatedBy, updatedAt: options.now };
    if (present.has(name)) {
      await db.models.Setting.update(values, { where: { name }, transaction, silent: true });
    } else {
      await db.models.Setting.create({ name, ...values }, { transaction, silent: true });
    }
  }
  return previous;
}
