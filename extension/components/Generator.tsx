import { useCallback, useEffect, useRef, useState } from 'react';
import { defaultPreferences, type Preferences } from '@secureaccess/shared/contract';
import { generatePassword, generatorOptionsOf } from '@secureaccess/shared/generator';
import { t } from '@/utils/i18n';
import { askBackground } from '@/utils/messaging';

type Mode = 'characters' | 'passphrase';
type GeneratorPreferences = Preferences['generator'];

/** Until the saved ones arrive (and if they cannot): the contract's defaults, as the server has them. */
const initialPreferences: GeneratorPreferences = defaultPreferences.generator;

/**
 * The generator's settings, kept between openings: read from the user's preferences, and every
 * change saved back to them (after a short pause, so dragging the length slider saves once).
 */
function useGeneratorPreferences(): [GeneratorPreferences, (next: GeneratorPreferences) => void] {
  const [settings, setSettings] = useState(initialPreferences);
  const saved = useRef<Preferences | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    void askBackground('preferences:get', {})
      .then(({ preferences }) => {
        saved.current = preferences;
        setSettings(preferences.generator);
      })
      .catch(() => undefined); // offline with nothing cached: the defaults, not saved
    return () => {
      if (timer.current) clearTimeout(timer.current);
    };
  }, []);
  const update = useCallback((next: GeneratorPreferences) => {
    setSettings(next);
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      const base = saved.current;
      if (!base) return;
      const preferences = { ...base, generator: next };
      saved.current = preferences;
      void askBackground('preferences:set', { preferences }).catch(() => undefined);
    }, 400);
  }, []);
  return [settings, update];
}

/** Password / passphrase generator (shared package: uniform over every allowed output). */
export function Generator({ onUse, onCopy }: { onUse?: (password: string) => void; onCopy?: (password: string) => void }) {
  const [settings, setSettings] = useGeneratorPreferences();
  const mode: Mode = settings.kind === 'passphrase' ? 'passphrase' : 'characters';
  const { length, words, separator } = settings;
  const sets = { lower: settings.lowercase, upper: settings.uppercase, digits: settings.digits, symbols: settings.symbols };
  const excludeAmbiguous = settings.avoidAmbiguous;
  const setMode = (next: Mode) => setSettings({ ...settings, kind: next === 'passphrase' ? 'passphrase' : 'password' });
  const setLength = (next: number) => setSettings({ ...settings, length: next });
  const setWords = (next: number) => setSettings({ ...settings, words: next });
  const setSeparator = (next: string) => setSettings({ ...settings, separator: next });
  const setExcludeAmbiguous = (next: boolean) => setSettings({ ...settings, avoidAmbiguous: next });
  const setSets = (next: typeof sets) =>
    setSettings({ ...settings, lowercase: next.lower, uppercase: next.upper, digits: next.digits, symbols: next.symbols });
  const [result, setResult] = useState<{ password: string; entropyBits: number } | null>(null);
  const [error, setError] = useState<string | null>(null);

  const regenerate = useCallback(() => {
    try {
      setResult(generatePassword(generatorOptionsOf(settings)));
      setError(null);
    } catch {
      setResult(null);
      setError(t('generator.impossible'));
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [mode, length, sets.lower, sets.upper, sets.digits, sets.symbols, excludeAmbiguous, words, separator]);

  useEffect(regenerate, [regenerate]);

  return (
    <div className="stack" data-testid="generator">
      <div className="tabs" role="tablist" aria-label={t('generator.kind')}>
        <button type="button" className="tab" role="tab" aria-selected={mode === 'characters'} onClick={() => setMode('characters')}>
          {t('generator.password')}
        </button>
        <button type="button" className="tab" role="tab" aria-selected={mode === 'passphrase'} onClick={() => setMode('passphrase')}>
          {t('generator.passphrase')}
        </button>
      </div>
      <div className="generated" data-testid="generated-password" aria-label={t('generator.generated')} aria-live="polite">
        {result?.password}
      </div>
      {result && <small className="sa-muted">{t('generator.entropy', { bits: Math.floor(result.entropyBits) })}</small>}
      {error && <div className="sa-alert sa-alert-error" role="alert">{error}</div>}
      {mode === 'characters' ? (
        <>
          <label className="sa-field">
            <span>{t('generator.length', { length })}</span>
            <input type="range" min={8} max={64} value={length} onChange={(e) => setLength(Number(e.target.value))} />
          </label>
          <div className="row" style={{ flexWrap: 'wrap' }}>
            {(['lower', 'upper', 'digits', 'symbols'] as const).map((set) => (
              <label key={set} className="check">
                <input type="checkbox" checked={sets[set]} onChange={(e) => setSets({ ...sets, [set]: e.target.checked })} />
                {t(`generator.${({ lower: 'lowercase', upper: 'uppercase', digits: 'digits', symbols: 'symbols' } as const)[set]}`)}
              </label>
            ))}
            <label className="check">
              <input type="checkbox" checked={excludeAmbiguous} onChange={(e) => setExcludeAmbiguous(e.target.checked)} />
              {t('generator.noLookAlikes')}
            </label>
          </div>
        </>
      ) : (
        <div className="row">
          <label className="sa-field" style={{ flex: 1 }}>
            <span>{t('generator.words', { words })}</span>
            <input type="range" min={3} max={12} value={words} onChange={(e) => setWords(Number(e.target.value))} />
          </label>
          <label className="sa-field" style={{ width: 80 }}>
            <span>{t('generator.separator')}</span>
            <input className="sa-input" value={separator} maxLength={3} onChange={(e) => setSeparator(e.target.value)} />
          </label>
        </div>
      )}
      <div className="row">
        <button type="button" className="sa-btn" onClick={regenerate}>
          {t('generator.regenerate')}
        </button>
        {onCopy && result && (
          <button type="button" className="sa-btn" onClick={() => onCopy(result.password)}>
            {t('common.copy')}
          </button>
        )}
        {onUse && result && (
          <button type="button" className="sa-btn sa-btn-primary" onClick={() => onUse(result.password)}>
            {t('generator.use')}
          </button>
        )}
      </div>
    </div>
  );
}
