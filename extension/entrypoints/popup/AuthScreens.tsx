import { useEffect, useState } from 'react';
import { useAsyncAction } from '@/hooks/useAsyncAction';
import { askBackground } from '@/utils/messaging';
import { authProgressItem, type AuthProgress } from '@/utils/storage';

const stepLabels: Record<AuthProgress['step'], string> = {
  prelogin: 'Contacting the server…',
  'deriving-key': 'Deriving your key from the master password (argon2id, 64 MiB)…',
  'signing-in': 'Signing in…',
  unwrapping: 'Unlocking your vault key…',
  syncing: 'Syncing your vault…',
  registering: 'Creating your account…',
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
        {progress ? stepLabels[progress.step] : 'Working…'}
        {progress && <span className="sa-muted"> {((now - progress.startedAt) / 1000).toFixed(1)} s</span>}
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
      <h2 className="screen-title">Connect to your server</h2>
      <p className="screen-sub">SecureAccess keeps your encrypted vault on a server you choose. It never sees your master password.</p>
      <label className="sa-field">
        <span>Server address</span>
        <input className="sa-input" name="serverUrl" value={url} onChange={(e) => setUrl(e.target.value)} autoFocus />
      </label>
      <ErrorAlert error={error} />
      {result && (
        <div className="sa-alert sa-alert-ok" role="status">
          {result}
        </div>
      )}
      <button className="sa-btn sa-btn-primary" type="submit" disabled={busy}>
        {busy ? 'Checking…' : 'Continue'}
      </button>
    </form>
  );
}

export function LoginScreen(props: { notice: string | null; onDone: () => void; onSignUp: () => void; onChangeServer: () => void }) {
  const [email, setEmail] = useState('');
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
      <h2 className="screen-title">{mfa ? 'Two-step verification' : 'Log in'}</h2>
      {props.notice && !mfa && <div className="sa-alert sa-alert-warn">{props.notice}</div>}
      {!mfa ? (
        <>
          <label className="sa-field">
            <span>Email</span>
            <input className="sa-input" name="email" type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} autoFocus required />
          </label>
          <label className="sa-field">
            <span>Master password</span>
            <input className="sa-input" name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
          </label>
        </>
      ) : (
        <label className="sa-field">
          <span>Code from your authenticator app (or a backup code)</span>
          <input className="sa-input" name="mfaCode" inputMode="numeric" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} autoFocus required />
        </label>
      )}
      <AuthProgressView active={busy} />
      <ErrorAlert error={error} />
      <div className="row-between">
        <button className="sa-btn sa-btn-primary" type="submit" disabled={busy}>
          {mfa ? 'Verify' : 'Log in'}
        </button>
        {!mfa && (
          <span>
            <button type="button" className="sa-btn sa-btn-link" onClick={props.onSignUp}>
              Create account
            </button>
            <button type="button" className="sa-btn sa-btn-link" onClick={props.onChangeServer}>
              Server
            </button>
          </span>
        )}
      </div>
    </form>
  );
}

export function SignUpScreen({ onRegistered, onCancel }: { onRegistered: (recoveryCode: string) => void; onCancel: () => void }) {
  const [form, setForm] = useState({ firstName: '', lastName: '', email: '', password: '', confirm: '' });
  const { busy, error, setError, run } = useAsyncAction();
  const set = (key: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement>) => setForm({ ...form, [key]: e.target.value });
  async function submit(event: React.FormEvent) {
    event.preventDefault();
    if (form.password !== form.confirm) {
      setError('The two passwords do not match.');
      return;
    }
    const answer = await run(() =>
      askBackground('auth:register', { email: form.email, firstName: form.firstName, lastName: form.lastName, password: form.password }),
    );
    if (answer) onRegistered(answer.recoveryCode);
  }
  return (
    <form onSubmit={submit}>
      <h2 className="screen-title">Create your account</h2>
      <p className="screen-sub">Your master password never leaves this browser. If you forget it, only the recovery code can get you back in.</p>
      <div className="row">
        <label className="sa-field" style={{ flex: 1 }}>
          <span>First name</span>
          <input className="sa-input" name="firstName" value={form.firstName} onChange={set('firstName')} required autoFocus />
        </label>
        <label className="sa-field" style={{ flex: 1 }}>
          <span>Last name</span>
          <input className="sa-input" name="lastName" value={form.lastName} onChange={set('lastName')} required />
        </label>
      </div>
      <label className="sa-field">
        <span>Email</span>
        <input className="sa-input" name="email" type="email" value={form.email} onChange={set('email')} required />
      </label>
      <label className="sa-field">
        <span>Master password (at least 12 characters)</span>
        <input className="sa-input" name="password" type="password" autoComplete="new-password" value={form.password} onChange={set('password')} minLength={12} required />
      </label>
      <label className="sa-field">
        <span>Confirm master password</span>
        <input className="sa-input" name="confirm" type="password" autoComplete="new-password" value={form.confirm} onChange={set('confirm')} required />
      </label>
      <AuthProgressView active={busy} />
      <ErrorAlert error={error} />
      <div className="row-between">
        <button className="sa-btn sa-btn-primary" type="submit" disabled={busy}>
          Create account
        </button>
        <button type="button" className="sa-btn sa-btn-link" onClick={onCancel}>
          I have an account
        </button>
      </div>
    </form>
  );
}

export function RecoveryCodeScreen({ code, onDone }: { code: string; onDone: () => void }) {
  const [saved, setSaved] = useState(false);
  return (
    <div className="stack">
      <h2 className="screen-title">Your recovery code</h2>
      <p className="screen-sub" style={{ margin: 0 }}>
        This is shown <b>once</b>. Write it down or store it somewhere safe. It is the only way back into your vault if you forget
        your master password — without it, nothing can be recovered.
      </p>
      <div className="recovery-code" data-testid="recovery-code">
        {code}
      </div>
      <label className="check">
        <input type="checkbox" checked={saved} onChange={(e) => setSaved(e.target.checked)} name="savedRecovery" /> I have stored my recovery code
      </label>
      <button className="sa-btn sa-btn-primary" disabled={!saved} onClick={onDone}>
        Continue to my vault
      </button>
    </div>
  );
}

export function UnlockScreen({ email, onDone }: { email: string; onDone: () => void }) {
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
      <h2 className="screen-title">Vault locked</h2>
      <p className="screen-sub">Logged in as {email}. Enter your master password to unlock.</p>
      <label className="sa-field">
        <span>Master password</span>
        <input className="sa-input" name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} autoFocus required />
      </label>
      <AuthProgressView active={busy} />
      <ErrorAlert error={error} />
      <div className="row-between">
        <button className="sa-btn sa-btn-primary" type="submit" disabled={busy}>
          Unlock
        </button>
        <button type="button" className="sa-btn sa-btn-link" onClick={() => void logout()}>
          Log out
        </button>
      </div>
    </form>
  );
}
