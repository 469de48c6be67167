import { useState } from 'react';
import { PasswordField } from '@/components/PasswordField';
import { StatusAlerts } from '@/components/StatusAlerts';
import { useFormFields } from '@/hooks/useFormFields';
import { useAsyncAction } from '@/hooks/useAsyncAction';
import { t } from '@/utils/i18n';
import { askBackground } from '@/utils/messaging';
import '@/components/account-security.css';

/**
 * Master-password change (DESIGN §5.6): the background re-wraps the user key under the new
 * password (nothing else is re-encrypted), the server revokes every other session and refuses
 * one of the last five passwords — each refusal told in words.
 */
export function MasterPasswordSection() {
  const { form, setForm, set } = useFormFields({ current: '', next: '', confirm: '' });
  const [done, setDone] = useState(false);
  const { busy, error, setError, run } = useAsyncAction();

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setDone(false);
    if (form.next !== form.confirm) {
      setError(t('auth.signup.mismatch'));
      return;
    }
    const answer = await run(() => askBackground('password:change', { currentPassword: form.current, newPassword: form.next }));
    if (answer) {
      setForm({ current: '', next: '', confirm: '' });
      setDone(true);
    }
  }

  return (
    <form className="stack" onSubmit={submit}>
      <p className="sa-muted">{t('security.password.intro')}</p>
      <PasswordField label={t('security.password.current')} name="currentPassword" autoComplete="current-password" value={form.current} onChange={set('current')} required />
      <PasswordField label={t('security.password.new')} name="newPassword" autoComplete="new-password" value={form.next} onChange={set('next')} minLength={12} required />
      <PasswordField label={t('security.password.confirm')} name="confirmPassword" autoComplete="new-password" value={form.confirm} onChange={set('confirm')} required />
      <p className="sa-muted" style={{ margin: 0 }}>{t('security.password.rules')}</p>
      <div>
        <button type="submit" className="sa-btn sa-btn-primary" disabled={busy}>
          {busy ? t('common.working') : t('security.password.submit')}
        </button>
      </div>
      <StatusAlerts error={error} ok={done ? t('security.password.changed') : null} okTestId="password-changed" />
    </form>
  );
}
