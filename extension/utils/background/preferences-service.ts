// The user's preferences: read from and saved to /me/preferences, cached in storage.local for the
// background's timers (lock timeout, clipboard delay), and their display part (theme, language)
// copied to `displayItem`, which every extension page and inline frame follows.

import type { Preferences } from '@secureaccess/shared/contract';
import { accountHolderItem, displayItem, preferencesItem } from '../storage';
import { authed, userError } from './session';

export async function rememberPreferences(preferences: Preferences): Promise<void> {
  await preferencesItem.setValue(preferences);
  const display = await displayItem.getValue();
  if (display.theme !== preferences.theme || display.language !== preferences.language) {
    await displayItem.setValue({ theme: preferences.theme, language: preferences.language });
  }
}

/** The API's copy; offline, the one cached at the last sync. */
export async function readPreferences(): Promise<Preferences> {
  try {
    const { preferences } = await authed('auth', 'getPreferences');
    await rememberPreferences(preferences);
    return preferences;
  } catch (error) {
    const cached = await preferencesItem.getValue();
    if (cached) return cached;
    throw await userError(error);
  }
}

export async function savePreferences(preferences: Preferences): Promise<Preferences> {
  try {
    const { preferences: saved } = await authed('auth', 'putPreferences', { body: preferences });
    await rememberPreferences(saved);
    return saved;
  } catch (error) {
    throw await userError(error);
  }
}

/** Changes the signed-in user's name (PATCH /me) and the copy every page shows. */
export async function saveProfile(names: { firstName: string; lastName: string }): Promise<{ firstName: string; lastName: string }> {
  try {
    const { user } = await authed('auth', 'updateMe', { body: names });
    const current = await accountHolderItem.getValue();
    if (current) await accountHolderItem.setValue({ ...current, user: { ...current.user, firstName: user.firstName, lastName: user.lastName } });
    return { firstName: user.firstName, lastName: user.lastName };
  } catch (error) {
    throw await userError(error);
  }
}
