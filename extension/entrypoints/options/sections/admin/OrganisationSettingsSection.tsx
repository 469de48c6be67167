import { useEffect, useState } from 'react';
import type { OrganisationSettings } from '@secureaccess/shared/contract';
import { useAsyncAction } from '@/hooks/useAsyncAction';
import { t } from '@/utils/i18n';
import { askBackground } from '@/utils/messaging';
import '../people.css';

/** Admin: sign-ups open or closed and the access new applications start with; each change saved at once. */
export function OrganisationSettingsSection() {
  const [settings, setSettings] = useState<OrganisationSettings | null>(null);
  const [saved, setSaved] = useState(false);
  const { busy, error, run } = useAsyncAction();
  useEffect(() => {
    void run(async () => setSettings((await askBackground('people:settings-get', {})).settings));
  }, [run]);
  if (!settings) {
    return error ? (
      <div className="sa-alert sa-alert-error" role="alert">
        {error}
      </div>
    ) : (
      <span className="sa-spinner" role="status" aria-label={t('common.loading')} />
    );
  }

  async function save(next: OrganisationSettings) {
    const previous = settings;
    setSettings(next);
    setSaved(false);
    const answer = await run(() => askBackground('people:settings-set', { settings: next }));
    if (answer) {
      setSettings(answer.settings);
      setSaved(true);
    } else {
      setSettings(previous);
    }
  }

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
