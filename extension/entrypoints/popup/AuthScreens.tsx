import { useEffect, useState } from 'react';
import { RecoveryCodeView } from '@/components/CodeSheet';
import { PasswordField } from '@/components/PasswordField';
import { useAsyncAction } from '@/hooks/useAsyncAction';
import { useFormFields } from '@/hooks/useFormFields';
import { t } from '@/utils/i18n';
import { askBackground } from '@/utils/messaging';
import { authProgressItem, type AuthProgress } from '@/utils/storage';

const stepLabels: Record<AuthProgress['step'], () => string> = {
  prelogin: () => t('auth.progress.prelogin'),
  'deriving-key': () => t('auth.progress.derivingKey'),
  'signing-in': () => t('auth.progress.signingIn'),
  unwrapping: () => t('auth.progress.unwrapping'),
  syncing: () => t('auth.progress.syncing'),
  registering: () => t('auth.progress.registering'),
};

/** Live progress of a login/unlock: the key derivation takes a second or two on purpose. */
export function AuthProgressView({ active }: { active: boolean }) {
  const [progress, setProgress] = useState<AuthProgress | null>(null);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!active) return;
    void authProgressItem.getValue().then(setProgress);
    const unwatch = authProgressItem.watch(setProgress);
    const timer = setInterval(() => setNow(Date.now()), 200);
    return () => {
      unwatch();
      clearInterval(timer);
    };
  }, [active]);
  if (!active) return null;
  return (
    <div className="progress" role="status" data-testid="auth-progress">
      <span className="sa-spinner" />
      <span>
        {progress ? stepLabels[progress.step]() : t('common.working')}
        {progress && <span className="sa-muted"> {t('common.seconds', { count: ((now - progress.startedAt) / 1000).toFixed(1) })}</span>}
      </span>
    </div>
  );
}

function ErrorAlert({ error }: { error: string | null }) {
  return error ? (
    <div className="sa-alert sa-alert-error" role="alert">
      {error}
    </div>
  ) : null;
}

export function ServerSetup({ initialUrl, onDone }: { initialUrl: string; onDone: () => void }) {
  const [url, setUrl] = useState(initialUrl);
  const [result, setResult] = useState<string | null>(null);
  const { busy, error, run } = useAsyncAction();
  async function submit(event: React.FormEvent) {
    event.preventDefault();
    const answer = await run(() => askBackground('server:set', { url }));
    if (answer) {
      setResult(answer.message);
      if (answer.ready) setTimeout(onDone, 600);
    }
  }
  return (
    <form onSubmit={submit}>
      <h2 className="screen-title">{t('auth.server.title')}</h2>
      <p className="screen-sub">{t('auth.server.intro')}</p>
      <label className="sa-field">
        <span>{t('auth.server.address')}</span>
        <input className="sa-input" name="serverUrl" value={url} onChange={(e) => setUrl(e.target.value)} autoFocus />
      </label>
      <ErrorAlert error={error} />
      {result && (
        <div className="sa-alert sa-alert-ok" role="status">
          {result}
        </div>
      )}
      <button className="sa-btn sa-btn-primary" type="submit" disabled={busy}>
        {busy ? t('auth.server.checking') : t('common.continue')}
      </button>
    </form>
  );
}

export function LoginScreen(props: {
  notice: string | null;
  /** The last session's email (after a logout or a revoked session): filled in, the password takes focus. */
  initialEmail: string;
  onDone: () => void;
  onSignUp: () => void;
  onChangeServer: () => void;
  onForgot: (email: string) => void;
}) {
  const [email, setEmail] = useState(props.initialEmail);
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [mfa, setMfa] = useState(false);
  const { busy, error, run } = useAsyncAction();
  async function submit(event: React.FormEvent) {
    event.preventDefault();
    const answer = await run(() => askBackground('auth:login', { email, password, mfaCode: mfa ? code : undefined }));
    if (answer?.status === 'mfa-required') setMfa(true);
    else if (answer?.status === 'ok') {
      setPassword('');
      props.onDone();
    }
  }
  return (
    <form onSubmit={submit}>
      <h2 className="screen-title">{mfa ? t('auth.login.mfaTitle') : t('auth.login.title')}</h2>
      {props.notice && !mfa && <div className="sa-alert sa-alert-warn">{props.notice}</div>}
      {!mfa ? (
        <>
          <label className="sa-field">
            <span>{t('common.email')}</span>
            <input className="sa-input" name="email" type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} autoFocus={props.initialEmail === ''} required />
          </label>
          <PasswordField label={t('common.masterPassword')} name="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} autoFocus={props.initialEmail !== ''} required />
        </>
      ) : (
        <label className="sa-field">
          <span>{t('auth.login.mfaCode')}</span>
          <input className="sa-input" name="mfaCode" inputMode="numeric" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} autoFocus required />
        </label>
      )}
      <AuthProgressView active={busy} />
      <ErrorAlert error={error} />
      <div className="row-between">
        <button className="sa-btn sa-btn-primary" type="submit" disabled={busy}>
          {mfa ? t('auth.login.verify') : t('auth.login.submit')}
        </button>
        {!mfa ? (
          <span>
            <button type="button" className="sa-btn sa-btn-link" onClick={props.onSignUp}>
              {t('auth.login.createAccount')}
            </button>
            <button type="button" className="sa-btn sa-btn-link" onClick={props.onChangeServer}>
              {t('auth.login.server')}
            </button>
          </span>
        ) : (
          <button
            type="button"
            className="sa-btn sa-btn-link"
            onClick={() => {
              setMfa(false);
              setCode('');
            }}
          >
            {t('common.back')}
          </button>
        )}
      </div>
      {!mfa && (
        <p className="forgot-link">
          <button type="button" className="sa-btn sa-btn-link" onClick={() => props.onForgot(email)}>
            {t('security.forgot.link')}
          </button>
        </p>
      )}
    </form>
  );
}

export function SignUpScreen({ onRegistered, onCancel }: { onRegistered: (recoveryCode: string) => void; onCancel: () => void }) {
  const { form, set } = useFormFields({ firstName: '', lastName: '', email: '', password: '', confirm: '' });
  const { busy, error, setError, run } = useAsyncAction();
  async function submit(event: React.FormEvent) {
    event.preventDefault();
    if (form.password !== form.confirm) {
      setError(t('auth.signup.mismatch'));
      return;
    }
    const answer = await run(() =>
      askBackground('auth:register', { email: form.email, firstName: form.firstName, lastName: form.lastName, password: form.password }),
    );
    if (answer) onRegistered(answer.recoveryCode);
  }
  return (
    <form onSubmit={submit}>
      <h2 className="screen-title">{t('auth.signup.title')}</h2>
      <p className="screen-sub">{t('auth.signup.intro')}</p>
      <div className="row">
        <label className="sa-field" style={{ flex: 1 }}>
          <span>{t('auth.signup.firstName')}</span>
          <input className="sa-input" name="firstName" value={form.firstName} onChange={set('firstName')} required autoFocus />
        </label>
        <label className="sa-field" style={{ flex: 1 }}>
          <span>{t('auth.signup.lastName')}</span>
          <input className="sa-input" name="lastName" value={form.lastName} onChange={set('lastName')} required />
        </label>
      </div>
      <label className="sa-field">
        <span>{t('common.email')}</span>
        <input className="sa-input" name="email" type="email" value={form.email} onChange={set('email')} required />
      </label>
      <PasswordField label={t('auth.signup.passwordHint')} name="password" autoComplete="new-password" value={form.password} onChange={set('password')} minLength={12} required />
      <PasswordField label={t('auth.signup.confirm')} name="confirm" autoComplete="new-password" value={form.confirm} onChange={set('confirm')} required />
      <AuthProgressView active={busy} />
      <ErrorAlert error={error} />
      <div className="row-between">
        <button className="sa-btn sa-btn-primary" type="submit" disabled={busy}>
          {t('auth.signup.submit')}
        </button>
        <button type="button" className="sa-btn sa-btn-link" onClick={onCancel}>
          {t('auth.signup.haveAccount')}
        </button>
      </div>
    </form>
  );
}

/** The recovery code, once: after sign-up, and the new one after a recovery (`afterReset`). */
export function RecoveryCodeScreen({ code, onDone, afterReset = false }: { code: string; onDone: () => void; afterReset?: boolean }) {
  const [saved, setSaved] = useState(false);
  return (
    <div className="stack">
      <h2 className="screen-title">{afterReset ? t('security.forgot.newCodeTitle') : t('auth.recovery.title')}</h2>
      {afterReset && (
        <div className="sa-alert sa-alert-ok" role="status" data-testid="recovery-done">
          {t('security.forgot.done')}
        </div>
      )}
      <p className="screen-sub" style={{ margin: 0 }}>
        {afterReset ? t('security.forgot.newCodeShownOnce') : t('auth.recovery.shownOnce')}
      </p>
      <RecoveryCodeView code={code} />
      <label className="check">
        <input type="checkbox" checked={saved} onChange={(e) => setSaved(e.target.checked)} name="savedRecovery" /> {t('auth.recovery.stored')}
      </label>
      <button className="sa-btn sa-btn-primary" disabled={!saved} onClick={onDone}>
        {afterReset ? t('security.forgot.continueToLogin') : t('auth.recovery.continue')}
      </button>
    </div>
  );
}

/**
 * Forgot the master password (DESIGN §5a): with the recovery code a new one is set and the vault
 * stays as it is; without the code nothing can be recovered, and the screen says so first.
 */
export function ForgotPasswordScreen(props: { email: string; emailKnown: boolean; onReset: (recoveryCode: string) => void; onCancel: () => void }) {
  const { form, set } = useFormFields({ email: props.email, code: '', password: '', confirm: '' });
  const { busy, error, setError, run } = useAsyncAction();
  async function submit(event: React.FormEvent) {
    event.preventDefault();
    if (form.password !== form.confirm) {
      setError(t('auth.signup.mismatch'));
      return;
    }
    const answer = await run(() =>
      askBackground('recovery:reset', { email: props.emailKnown ? undefined : form.email, recoveryCode: form.code, newPassword: form.password }),
    );
    if (answer) props.onReset(answer.recoveryCode);
  }
  return (
    <form onSubmit={submit}>
      <h2 className="screen-title">{t('security.forgot.title')}</h2>
      <p className="screen-sub">{t('security.forgot.intro')}</p>
      <div className="sa-alert sa-alert-warn" data-testid="no-code-warning">
        {t('security.forgot.withoutCode')}
      </div>
      {props.emailKnown ? (
        <p className="screen-sub">{t('security.forgot.forEmail', { email: props.email })}</p>
      ) : (
        <label className="sa-field">
          <span>{t('common.email')}</span>
          <input className="sa-input" name="email" type="email" autoComplete="username" value={form.email} onChange={set('email')} required />
        </label>
      )}
      <label className="sa-field">
        <span>{t('security.forgot.code')}</span>
        <input
          className="sa-input recovery-input"
          name="recoveryCode"
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          value={form.code}
          onChange={set('code')}
          aria-describedby="recovery-code-help"
          autoFocus
          required
        />
        <small id="recovery-code-help" className="sa-muted">
          {t('security.forgot.codeHelp')}
        </small>
      </label>
      <PasswordField label={t('security.password.new')} name="newPassword" autoComplete="new-password" value={form.password} onChange={set('password')} minLength={12} required />
      <PasswordField label={t('security.password.confirm')} name="confirmPassword" autoComplete="new-password" value={form.confirm} onChange={set('confirm')} required />
      <AuthProgressView active={busy} />
      <ErrorAlert error={error} />
      <div className="row-between">
        <button className="sa-btn sa-btn-primary" type="submit" disabled={busy}>
          {t('security.forgot.submit')}
        </button>
        <button type="button" className="sa-btn sa-btn-link" onClick={props.onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

export function UnlockScreen({ email, onDone, onForgot }: { email: string; onDone: () => void; onForgot: () => void }) {
  const [password, setPassword] = useState('');
  const { busy, error, run } = useAsyncAction();
  async function submit(event: React.FormEvent) {
    event.preventDefault();
    const answer = await run(() => askBackground('auth:unlock', { password }));
    if (answer) {
      setPassword('');
      onDone();
    }
  }
  async function logout() {
    await run(() => askBackground('auth:logout', {}));
    onDone();
  }
  return (
    <form onSubmit={submit}>
      <h2 className="screen-title">{t('auth.unlock.title')}</h2>
      <p className="screen-sub">{t('auth.unlock.loggedInAs', { email })}</p>
      <PasswordField label={t('common.masterPassword')} name="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} autoFocus required />
      <AuthProgressView active={busy} />
      <ErrorAlert error={error} />
      <div className="row-between">
        <button className="sa-btn sa-btn-primary" type="submit" disabled={busy}>
          {t('auth.unlock.submit')}
        </button>
        <button type="button" className="sa-btn sa-btn-link" onClick={() => void logout()}>
          {t('auth.unlock.logout')}
        </button>
      </div>
      <p className="forgot-link">
        <button type="button" className="sa-btn sa-btn-link" onClick={onForgot}>
          {t('security.forgot.link')}
        </button>
      </p>
    </form>
  );
}
