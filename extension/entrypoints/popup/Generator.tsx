import { useCallback, useEffect, useState } from 'react';
import { generatePassword, type GeneratorOptions } from '@secureaccess/shared/generator';

type Mode = 'characters' | 'passphrase';

/** Password / passphrase generator (shared package: uniform over every allowed output). */
export function Generator({ onUse, onCopy }: { onUse?: (password: string) => void; onCopy?: (password: string) => void }) {
  const [mode, setMode] = useState<Mode>('characters');
  const [length, setLength] = useState(20);
  const [sets, setSets] = useState({ lower: true, upper: true, digits: true, symbols: true });
  const [excludeAmbiguous, setExcludeAmbiguous] = useState(false);
  const [words, setWords] = useState(5);
  const [separator, setSeparator] = useState('-');
  const [result, setResult] = useState<{ password: string; entropyBits: number } | null>(null);
  const [error, setError] = useState<string | null>(null);

  const regenerate = useCallback(() => {
    const options: GeneratorOptions =
      mode === 'characters' ? { mode, length, ...sets, excludeAmbiguous } : { mode, words, separator, includeNumber: true, capitalize: true };
    try {
      setResult(generatePassword(options));
      setError(null);
    } catch (e) {
      setResult(null);
      setError(e instanceof Error ? e.message : String(e));
    }
  }, [mode, length, sets, excludeAmbiguous, words, separator]);

  useEffect(regenerate, [regenerate]);

  return (
    <div className="stack" data-testid="generator">
      <div className="tabs" role="tablist">
        <button type="button" className="tab" role="tab" aria-selected={mode === 'characters'} onClick={() => setMode('characters')}>
          Password
        </button>
        <button type="button" className="tab" role="tab" aria-selected={mode === 'passphrase'} onClick={() => setMode('passphrase')}>
          Passphrase
        </button>
      </div>
      <div className="generated" data-testid="generated-password">
        {result?.password}
      </div>
      {result && <small className="sa-muted">≈ {Math.floor(result.entropyBits)} bits of entropy</small>}
      {error && <div className="sa-alert sa-alert-error">{error}</div>}
      {mode === 'characters' ? (
        <>
          <label className="sa-field">
            <span>Length: {length}</span>
            <input type="range" min={8} max={64} value={length} onChange={(e) => setLength(Number(e.target.value))} />
          </label>
          <div className="row" style={{ flexWrap: 'wrap' }}>
            {(['lower', 'upper', 'digits', 'symbols'] as const).map((set) => (
              <label key={set} className="check">
                <input type="checkbox" checked={sets[set]} onChange={(e) => setSets({ ...sets, [set]: e.target.checked })} />
                {{ lower: 'a-z', upper: 'A-Z', digits: '0-9', symbols: '!@#' }[set]}
              </label>
            ))}
            <label className="check">
              <input type="checkbox" checked={excludeAmbiguous} onChange={(e) => setExcludeAmbiguous(e.target.checked)} />
              No look-alikes
            </label>
          </div>
        </>
      ) : (
        <div className="row">
          <label className="sa-field" style={{ flex: 1 }}>
            <span>Words: {words}</span>
            <input type="range" min={3} max={12} value={words} onChange={(e) => setWords(Number(e.target.value))} />
          </label>
          <label className="sa-field" style={{ width: 80 }}>
            <span>Separator</span>
            <input className="sa-input" value={separator} maxLength={3} onChange={(e) => setSeparator(e.target.value)} />
          </label>
        </div>
      )}
      <div className="row">
        <button type="button" className="sa-btn" onClick={regenerate}>
          Regenerate
        </button>
        {onCopy && result && (
          <button type="button" className="sa-btn" onClick={() => onCopy(result.password)}>
            Copy
          </button>
        )}
        {onUse && result && (
          <button type="button" className="sa-btn sa-btn-primary" onClick={() => onUse(result.password)}>
            Use this password
          </button>
        )}
      </div>
    </div>
  );
}
