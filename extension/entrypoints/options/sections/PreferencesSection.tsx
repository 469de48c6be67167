import { useEffect, useState } from 'react';
import type { Preferences } from '@secureaccess/shared/contract';
import { LoadingOrError } from '@/components/LoadingOrError';
import { useAsyncAction } from '@/hooks/useAsyncAction';
import { useSavedSetting } from '@/hooks/useSavedSetting';
import { t } from '@/utils/i18n';
import { askBackground } from '@/utils/messaging';
import type { StatusView } from '@/utils/protocol';

// The choices offered; a value saved elsewhere (another device, the API) that is not among them
// is shown as one more option, so opening the page never changes it.
const lockChoices = [60, 300, 900, 1_800, 3_600, 14_400, 0];
const clipboardChoices = [10, 20, 30, 60, 120, 0];

function lockLabel(seconds: number): string {
  if (seconds === 0) return t('options.preferences.lockNever');
  if (seconds % 3_600 === 0) return t('options.preferences.hours', seconds / 3_600);
  if (seconds % 60 === 0) return t('options.preferences.minutes', seconds / 60);
  return t('options.preferences.seconds', [String(seconds)]);
}

function clipboardLabel(seconds: number): string {
  return seconds === 0 ? t('options.preferences.clipboardNever') : t('options.preferences.seconds', [String(seconds)]);
}

function withCurrent(choices: number[], current: number): number[] {
  return choices.includes(current) ? choices : [...choices, current].sort((a, b) => (a === 0 ? 1 : b === 0 ? -1 : a - b));
}

const loadPreferences = async () => (await askBackground('preferences:get', {})).preferences;
const storePreferences = async (preferences: Preferences) => (await askBackground('preferences:set', { preferences })).preferences;

/** Everything /me/preferences holds, plus the profile's names; each change is saved at once. */
export function PreferencesSection() {
  const { value: preferences, save, saved, busy, error } = useSavedSetting(loadPreferences, storePreferences, { revertOnFailure: false });
  if (!preferences) return <LoadingOrError error={error} />;
  const generator = preferences.generator;
  const setGenerator = (change: Partial<Preferences['generator']>) => void save({ ...preferences, generator: { ...generator, ...change } });
  const notifications = preferences.notifications;

  return (
    <div className="stack">
      <fieldset className="options-group">
        <legend>{t('options.preferences.display')}</legend>
        <label className="sa-field">
          <span>{t('options.preferences.theme')}</span>
          <select className="sa-input" name="theme" value={preferences.theme} disabled={busy} onChange={(e) => void save({ ...preferences, theme: e.target.value as Preferences['theme'] })}>
            <option value="system">{t('options.preferences.themeSystem')}</option>
            <option value="light">{t('options.preferences.themeLight')}</option>
            <option value="dark">{t('options.preferences.themeDark')}</option>
          </select>
        </label>
        <label className="sa-field">
          <span>{t('options.preferences.language')}</span>
          <select className="sa-input" name="language" value={preferences.language} disabled={busy} onChange={(e) => void save({ ...preferences, language: e.target.value as Preferences['language'] })}>
            <option value="auto">{t('options.preferences.languageAuto')}</option>
            <option value="en">{t('options.preferences.languageEn')}</option>
            <option value="es">{t('options.preferences.languageEs')}</option>
          </select>
        </label>
      </fieldset>

      <fieldset className="options-group">
        <legend>{t('options.preferences.security')}</legend>
        <label className="sa-field">
          <span>{t('options.preferences.lockTimeout')}</span>
          <select
            className="sa-input"
            name="lockTimeoutSeconds"
            value={preferences.lockTimeoutSeconds}
            disabled={busy}
            onChange={(e) => void save({ ...preferences, lockTimeoutSeconds: Number(e.target.value) })}
          >
            {withCurrent(lockChoices, preferences.lockTimeoutSeconds).map((seconds) => (
              <option key={seconds} value={seconds}>
                {lockLabel(seconds)}
              </option>
            ))}
          </select>
        </label>
        <label className="sa-field">
          <span>{t('options.preferences.clipboardClear')}</span>
          <select
            className="sa-input"
            name="clipboardClearSeconds"
            value={preferences.clipboardClearSeconds}
            disabled={busy}
            onChange={(e) => void save({ ...preferences, clipboardClearSeconds: Number(e.target.value) })}
          >
            {withCurrent(clipboardChoices, preferences.clipboardClearSeconds).map((seconds) => (
              <option key={seconds} value={seconds}>
                {clipboardLabel(seconds)}
              </option>
            ))}
          </select>
        </label>
      </fieldset>

      <fieldset className="options-group">
        <legend>{t('options.preferences.notifications')}</legend>
        <label className="check">
          <input
            type="checkbox"
            name="offerSave"
            checked={notifications.offerSave}
            disabled={busy}
            onChange={(e) => void save({ ...preferences, notifications: { ...notifications, offerSave: e.target.checked } })}
          />
          {t('options.preferences.offerSave')}
        </label>
        <label className="check">
          <input
            type="checkbox"
            name="offerUpdate"
            checked={notifications.offerUpdate}
            disabled={busy}
            onChange={(e) => void save({ ...preferences, notifications: { ...notifications, offerUpdate: e.target.checked } })}
          />
          {t('options.preferences.offerUpdate')}
        </label>
      </fieldset>

      <fieldset className="options-group">
        <legend>{t('options.preferences.generatorTitle')}</legend>
        <p className="sa-muted">{t('options.preferences.generatorHelp')}</p>
        <label className="sa-field">
          <span>{t('generator.kind')}</span>
          <select className="sa-input" name="generatorKind" value={generator.kind} disabled={busy} onChange={(e) => setGenerator({ kind: e.target.value as Preferences['generator']['kind'] })}>
            <option value="password">{t('generator.password')}</option>
            <option value="passphrase">{t('generator.passphrase')}</option>
          </select>
        </label>
        {generator.kind === 'password' ? (
          <>
            <label className="sa-field">
              <span>{t('generator.length', { length: generator.length })}</span>
              <WholeNumberInput name="generatorLength" min={8} max={128} value={generator.length} disabled={busy} onCommit={(length) => setGenerator({ length })} />
            </label>
            <div className="row" style={{ flexWrap: 'wrap' }}>
              {(['lowercase', 'uppercase', 'digits', 'symbols'] as const).map((set) => (
                <label key={set} className="check">
                  <input type="checkbox" name={set} checked={generator[set]} disabled={busy} onChange={(e) => setGenerator({ [set]: e.target.checked })} />
                  {t(`generator.${set}`)}
                </label>
              ))}
              <label className="check">
                <input type="checkbox" name="avoidAmbiguous" checked={generator.avoidAmbiguous} disabled={busy} onChange={(e) => setGenerator({ avoidAmbiguous: e.target.checked })} />
                {t('generator.noLookAlikes')}
              </label>
            </div>
          </>
        ) : (
          <div className="row">
            <label className="sa-field" style={{ flex: 1 }}>
              <span>{t('generator.words', { words: generator.words })}</span>
              <input
                type="number"
                className="sa-input"
                name="generatorWords"
                min={3}
                max={20}
                value={generator.words}
                disabled={busy}
                onChange={(e) => {
                  const words = Number(e.target.value);
                  if (Number.isInteger(words) && words >= 3 && words <= 20) setGenerator({ words });
                }}
              />
            </label>
            <label className="sa-field" style={{ width: 90 }}>
              <span>{t('generator.separator')}</span>
              <input className="sa-input" name="generatorSeparator" maxLength={3} value={generator.separator} disabled={busy} onChange={(e) => setGenerator({ separator: e.target.value })} />
            </label>
          </div>
        )}
      </fieldset>

      <ProfileNames />

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

/** First and last name (PATCH /me); the signed-in user as the background holds it. */
/**
 * A number field a person can type into: what they type is kept as typed (a "3" on the way to
 * "32" is not thrown away), each whole number within the bounds is committed at once; anything else
 * is marked invalid and leaves the saved value as it was.
 */
function WholeNumberInput({ name, min, max, value, disabled, onCommit }: {
  name: string; min: number; max: number; value: number; disabled: boolean; onCommit: (value: number) => void;
}) {
  const [text, setText] = useState(String(value));
  useEffect(() => setText(String(value)), [value]);
  const valid = (raw: string) => /^\d+$/.test(raw) && Number(raw) >= min && Number(raw) <= max;
  return (
    <input
      type="number"
      className="sa-input"
      name={name}
      min={min}
      max={max}
      value={text}
      disabled={disabled}
      onChange={(e) => {
        setText(e.target.value);
        if (valid(e.target.value) && Number(e.target.value) !== value) onCommit(Number(e.target.value));
      }}
      aria-invalid={!valid(text)}
    />
  );
}

function ProfileNames() {
  const [user, setUser] = useState<StatusView['user']>(null);
  const [firstName, setFirstName] = useState('');
  const [lastName, setLastName] = useState('');
  const [saved, setSaved] = useState(false);
  const { busy, error, run } = useAsyncAction();
  useEffect(() => {
    void askBackground('status', {}).then((status) => {
      setUser(status.user);
      setFirstName(status.user?.firstName ?? '');
      setLastName(status.user?.lastName ?? '');
    });
  }, []);
  if (!user) return null;
  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setSaved(false);
    const answer = await run(() => askBackground('profile:set', { firstName: firstName.trim(), lastName: lastName.trim() }));
    if (answer) {
      setFirstName(answer.firstName);
      setLastName(answer.lastName);
      setSaved(true);
    }
  }
  return (
    <form onSubmit={submit}>
      <fieldset className="options-group">
        <legend>{t('options.preferences.profile')}</legend>
        <div className="row">
          <label className="sa-field" style={{ flex: 1 }}>
            <span>{t('options.preferences.firstName')}</span>
            <input className="sa-input" name="firstName" value={firstName} required maxLength={100} onChange={(e) => setFirstName(e.target.value)} />
          </label>
          <label className="sa-field" style={{ flex: 1 }}>
            <span>{t('options.preferences.lastName')}</span>
            <input className="sa-input" name="lastName" value={lastName} required maxLength={100} onChange={(e) => setLastName(e.target.value)} />
          </label>
        </div>
        <button type="submit" className="sa-btn sa-btn-primary" disabled={busy}>
          {t('options.preferences.saveProfile')}
        </button>
        {error && (
          <div className="sa-alert sa-alert-error" role="alert">
            {error}
          </div>
        )}
        {saved && (
          <div className="sa-alert sa-alert-ok" role="status" data-testid="profile-saved">
            {t('common.saved')}
          </div>
        )}
      </fieldset>
    </form>
  );
}
