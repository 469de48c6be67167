import { useState } from 'react';
import { RecoveryCodeView } from '@/components/CodeSheet';
import { PasswordField } from '@/components/PasswordField';
import { StatusAlerts } from '@/components/StatusAlerts';
import { useAsyncAction } from '@/hooks/useAsyncAction';
import { t } from '@/utils/i18n';
import { askBackground } from '@/utils/messaging';
import '@/components/account-security.css';

/** A new recovery code (DESIGN §5a), after the master password; the old code stops working at once. */
export function RecoveryCodeSection() {
  const [password, setPassword] = useState('');
  const [code, setCode] = useState<string | null>(null);
  const { busy, error, run } = useAsyncAction();

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    const answer = await run(() => askBackground('recovery:regenerate', { password }));
    if (answer) {
      setPassword('');
      setCode(answer.recoveryCode);
    }
  }

  if (code) {
    return (
      <div className="stack">
        <StatusAlerts error={null} ok={t('security.recovery.replaced')} />
        <p>{t('auth.recovery.shownOnce')}</p>
        <RecoveryCodeView code={code} />
        <div>
          <button type="button" className="sa-btn sa-btn-primary" onClick={() => setCode(null)}>
            {t('auth.recovery.stored')}
          </button>
        </div>
      </div>
    );
  }
  return (
    <form className="stack" onSubmit={submit}>
      <p className="sa-muted">{t('security.recovery.intro')}</p>
      <p className="sa-alert sa-alert-warn">{t('security.recovery.warning')}</p>
      <PasswordField label={t('common.masterPassword')} name="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
      <div>
        <button type="submit" className="sa-btn sa-btn-primary" disabled={busy}>
          {busy ? t('common.working') : t('security.recovery.regenerate')}
        </button>
      </div>
      <StatusAlerts error={error} />
    </form>
  );
}
