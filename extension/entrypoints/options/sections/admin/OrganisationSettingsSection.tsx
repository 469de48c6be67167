import type { OrganisationSettings } from '@secureaccess/shared/contract';
import { LoadingOrError } from '@/components/LoadingOrError';
import { useSavedSetting } from '@/hooks/useSavedSetting';
import { t } from '@/utils/i18n';
import { askBackground } from '@/utils/messaging';
import '../people.css';

const loadSettings = async () => (await askBackground('people:settings-get', {})).settings;
const storeSettings = async (settings: OrganisationSettings) => (await askBackground('people:settings-set', { settings })).settings;

/** Admin: sign-ups open or closed and the access new applications start with; each change saved at once. */
export function OrganisationSettingsSection() {
  const { value: settings, save, saved, busy, error } = useSavedSetting(loadSettings, storeSettings, { revertOnFailure: true });
  if (!settings) return <LoadingOrError error={error} />;

  return (
    <div className="stack">
      <fieldset className="options-group">
        <legend>{t('people.settings.signups')}</legend>
        <label className="check">
          <input type="checkbox" name="signupsOpen" checked={settings.signupsOpen} disabled={busy} onChange={(e) => void save({ ...settings, signupsOpen: e.target.checked })} />
          {t('people.settings.signupsOpen')}
        </label>
        <p className="sa-muted">{t('people.settings.signupsHelp')}</p>
      </fieldset>
      <fieldset className="options-group">
        <legend>{t('people.settings.defaultAccess')}</legend>
        <label className="sa-field">
          <span>{t('people.settings.defaultAccessLabel')}</span>
          <select
            className="sa-input"
            name="defaultApplicationAccess"
            value={settings.defaultApplicationAccess}
            disabled={busy}
            onChange={(e) => void save({ ...settings, defaultApplicationAccess: e.target.value as OrganisationSettings['defaultApplicationAccess'] })}
          >
            <option value="granted">{t('people.settings.granted')}</option>
            <option value="declined">{t('people.settings.declined')}</option>
          </select>
        </label>
        <p className="sa-muted">{t('people.settings.defaultAccessHelp')}</p>
      </fieldset>
      {error && (
        <div className="sa-alert sa-alert-error" role="alert">
          {error}
        </div>
      )}
      {saved && (
        <div className="sa-alert sa-alert-ok" role="status">
          {t('common.saved')}
        </div>
      )}
    </div>
  );
}
