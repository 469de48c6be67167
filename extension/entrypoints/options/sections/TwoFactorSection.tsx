import { Fragment, useEffect, useState } from 'react';
import QRCode from 'qrcode';
import { BackupCodesView } from '@/components/CodeSheet';
import { StatusAlerts } from '@/components/StatusAlerts';
import { useAsyncAction } from '@/hooks/useAsyncAction';
import { t } from '@/utils/i18n';
import { askBackground } from '@/utils/messaging';
import '@/components/account-security.css';

type Stage =
  | { kind: 'loading' }
  | { kind: 'off' }
  | { kind: 'setup'; secret: string; otpauthUrl: string; qr: string }
  | { kind: 'codes'; codes: string[]; justEnabled: boolean }
  | { kind: 'on' };

/** One code field and its button, for enable / regenerate / disable. */
function CodeForm(props: { name: string; label: string; submit: string; busy: boolean; danger?: boolean; onSubmit: (code: string) => Promise<boolean> }) {
  const [code, setCode] = useState('');
  async function submit(event: React.FormEvent) {
    event.preventDefault();
    if (await props.onSubmit(code)) setCode('');
  }
  return (
    <form onSubmit={submit} className="stack">
      <label className="sa-field">
        <span>{props.label}</span>
        <input className="sa-input" name={props.name} autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} required minLength={6} maxLength={32} />
      </label>
      <div>
        <button type="submit" className={`sa-btn ${props.danger ? 'sa-btn-danger' : 'sa-btn-primary'}`} disabled={props.busy}>
          {props.submit}
        </button>
      </div>
    </form>
  );
}

/** The secret in groups of four for typing into an authenticator app by hand. */
function SecretText({ secret }: { secret: string }) {
  const groups = secret.match(/.{1,4}/g) ?? [];
  return (
    <p className="totp-secret" data-testid="totp-secret" aria-label={t('security.mfa.secretLabel', { secret: groups.join(' ') })}>
      {groups.map((group, index) => (
        <Fragment key={index}>
          {index > 0 && ' '}
          <span>{group}</span>
        </Fragment>
      ))}
    </p>
  );
}

/** Two-factor login with TOTP (DESIGN §6, §7 mfa): set up with a QR code, verify, backup codes once, regenerate, disable. */
export function TwoFactorSection() {
  const [stage, setStage] = useState<Stage>({ kind: 'loading' });
  const [message, setMessage] = useState<string | null>(null);
  const { busy, error, setError, run } = useAsyncAction();
  useEffect(() => {
    void run(async () => setStage((await askBackground('mfa:status', {})).enabled ? { kind: 'on' } : { kind: 'off' }));
  }, [run]);

  async function startSetup() {
    setMessage(null);
    const answer = await run(async () => {
      const setup = await askBackground('mfa:setup', {});
      // Drawn here from the URI, so the picture is exactly the secret written beside it.
      const qr = await QRCode.toDataURL(setup.otpauthUrl, { errorCorrectionLevel: 'M', margin: 1, width: 196 });
      return { ...setup, qr };
    });
    if (answer) setStage({ kind: 'setup', ...answer });
  }
  async function enable(code: string) {
    const answer = await run(() => askBackground('mfa:enable', { code }));
    if (answer) setStage({ kind: 'codes', codes: answer.backupCodes, justEnabled: true });
    return answer !== undefined;
  }
  async function regenerate(code: string) {
    setMessage(null);
    const answer = await run(() => askBackground('mfa:regenerate-backup-codes', { code }));
    if (answer) setStage({ kind: 'codes', codes: answer.backupCodes, justEnabled: false });
    return answer !== undefined;
  }
  async function disable(code: string) {
    setMessage(null);
    const answer = await run(() => askBackground('mfa:disable', { code }));
    if (answer) {
      setStage({ kind: 'off' });
      setMessage(t('security.mfa.disabled'));
    }
    return answer !== undefined;
  }

  const alerts = <StatusAlerts error={error} ok={message} />;

  if (stage.kind === 'loading') {
    return error ? alerts : <span className="sa-spinner" role="status" aria-label={t('common.loading')} />;
  }
  if (stage.kind === 'off') {
    return (
      <div className="stack">
        <p className="status-line status-off" data-testid="mfa-status">{t('security.mfa.isOff')}</p>
        <p className="sa-muted">{t('security.mfa.intro')}</p>
        <div>
          <button type="button" className="sa-btn sa-btn-primary" disabled={busy} onClick={() => void startSetup()}>
            {t('security.mfa.setUp')}
          </button>
        </div>
        {alerts}
      </div>
    );
  }
  if (stage.kind === 'setup') {
    return (
      <div className="stack">
        <fieldset className="options-group">
          <legend>{t('security.mfa.step1')}</legend>
          <div className="qr-box">
            <img src={stage.qr} alt={t('security.mfa.qrAlt')} data-testid="totp-qr" />
            <div className="stack" style={{ flex: 1, minWidth: 220 }}>
              <p className="sa-muted" style={{ margin: 0 }}>{t('security.mfa.scanHelp')}</p>
              <p style={{ margin: 0 }}>{t('security.mfa.manualHelp')}</p>
              <SecretText secret={stage.secret} />
            </div>
          </div>
        </fieldset>
        <fieldset className="options-group">
          <legend>{t('security.mfa.step2')}</legend>
          <CodeForm name="enableCode" label={t('security.mfa.codeFromApp')} submit={t('security.mfa.verifyAndEnable')} busy={busy} onSubmit={enable} />
          <div>
            <button
              type="button"
              className="sa-btn"
              onClick={() => {
                setError(null);
                setStage({ kind: 'off' });
              }}
            >
              {t('common.cancel')}
            </button>
          </div>
        </fieldset>
        {alerts}
      </div>
    );
  }
  if (stage.kind === 'codes') {
    return (
      <div className="stack">
        {stage.justEnabled && (
          <p className="status-line status-on" data-testid="mfa-status">{t('security.mfa.isOn')}</p>
        )}
        <h2 className="options-subtitle">{t('security.mfa.backupTitle')}</h2>
        <p>{t('security.mfa.backupShownOnce')}</p>
        <BackupCodesView codes={stage.codes} />
        <div>
          <button type="button" className="sa-btn sa-btn-primary" onClick={() => setStage({ kind: 'on' })}>
            {t('security.mfa.backupStored')}
          </button>
        </div>
      </div>
    );
  }
  return (
    <div className="stack">
      <p className="status-line status-on" data-testid="mfa-status">{t('security.mfa.isOn')}</p>
      <p className="sa-muted">{t('security.mfa.onHelp')}</p>
      <fieldset className="options-group">
        <legend>{t('security.mfa.regenerateTitle')}</legend>
        <p className="sa-muted">{t('security.mfa.regenerateHelp')}</p>
        <CodeForm name="regenerateCode" label={t('security.mfa.codeFromApp')} submit={t('security.mfa.regenerate')} busy={busy} onSubmit={regenerate} />
      </fieldset>
      <fieldset className="options-group">
        <legend>{t('security.mfa.disableTitle')}</legend>
        <p className="sa-muted">{t('security.mfa.disableHelp')}</p>
        <CodeForm name="disableCode" label={t('security.mfa.codeOrBackup')} submit={t('security.mfa.disable')} busy={busy} danger onSubmit={disable} />
      </fieldset>
      {alerts}
    </div>
  );
}
