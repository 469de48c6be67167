import { useCallback, useEffect, useState } from 'react';
import { Logo } from '@/components/Logo';
import { t } from '@/utils/i18n';
import { askBackground } from '@/utils/messaging';
import type { StatusView } from '@/utils/protocol';
import { ForgotPasswordScreen, LoginScreen, RecoveryCodeScreen, ServerSetup, SignUpScreen, UnlockScreen } from './AuthScreens';
import { Vault } from './Vault';

/**
 * The tab the popup acts on: the active tab, or `?tab=<id>` when the popup is opened in its own
 * window/tab for a given page ("pop out"; the end-to-end tests open it this way too).
 */
async function targetTabId(): Promise<number | null> {
  const fromQuery = new URLSearchParams(location.search).get('tab');
  if (fromQuery && /^\d+$/.test(fromQuery)) return Number(fromQuery);
  const [tab] = await browser.tabs.query({ active: true, lastFocusedWindow: true });
  return tab?.id ?? null;
}

export default function App() {
  const [status, setStatus] = useState<StatusView | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [screen, setScreen] = useState<'auto' | 'signup' | 'server' | 'forgot'>('auto');
  const [recoveryCode, setRecoveryCode] = useState<string | null>(null);
  // Forgot master password: the email typed on the login screen, and whether the code shown is a recovery's new one.
  const [forgotEmail, setForgotEmail] = useState('');
  const [afterReset, setAfterReset] = useState(false);
  const [tabId, setTabId] = useState<number | null>(null);
  const [panel, setPanel] = useState<'vault' | 'generator'>('vault');

  const reload = useCallback(async () => {
    try {
      setStatus(await askBackground('status', {}));
      setLoadError(null);
    } catch (e) {
      setLoadError(e instanceof Error ? e.message : String(e));
    }
  }, []);

  useEffect(() => {
    void reload();
    void targetTabId().then(setTabId);
  }, [reload]);

  async function lock() {
    await askBackground('auth:lock', {});
    await reload();
  }
  async function logout() {
    await askBackground('auth:logout', {});
    await reload();
  }

  let content: React.ReactNode = <span className="sa-spinner" role="status" aria-label={t('common.loading')} />;
  if (loadError) content = <div className="sa-alert sa-alert-error">{loadError}</div>;
  else if (recoveryCode) {
    content = (
      <RecoveryCodeScreen
        code={recoveryCode}
        afterReset={afterReset}
        onDone={() => {
          setRecoveryCode(null);
          setAfterReset(false);
          setScreen('auto');
          void reload();
        }}
      />
    );
  } else if (status) {
    if (status.phase === 'setup' || screen === 'server') {
      content = (
        <ServerSetup
          initialUrl={status.serverUrl}
          onDone={() => {
            setScreen('auto');
            void reload();
          }}
        />
      );
    } else if ((status.phase === 'logged-out' || status.phase === 'locked') && screen === 'forgot') {
      const known = status.phase === 'locked' ? (status.user?.email ?? '') : '';
      content = (
        <ForgotPasswordScreen
          email={known || forgotEmail}
          emailKnown={known !== ''}
          onReset={(code) => {
            setAfterReset(true);
            setRecoveryCode(code);
          }}
          onCancel={() => setScreen('auto')}
        />
      );
    } else if (status.phase === 'logged-out' && screen === 'signup') {
      content = <SignUpScreen onRegistered={setRecoveryCode} onCancel={() => setScreen('auto')} />;
    } else if (status.phase === 'logged-out') {
      content = (
        <LoginScreen
          notice={status.notice}
          initialEmail={status.lastEmail ?? ''}
          onDone={() => void reload()}
          onSignUp={() => setScreen('signup')}
          onChangeServer={() => setScreen('server')}
          onForgot={(email) => {
            setForgotEmail(email);
            setScreen('forgot');
          }}
        />
      );
    } else if (status.phase === 'locked') {
      content = <UnlockScreen email={status.user?.email ?? ''} onDone={() => void reload()} onForgot={() => setScreen('forgot')} />;
    } else {
      content = (
        <Vault tabId={tabId} canWrite={status.user?.role !== 'reader'} panel={panel} setPanel={setPanel} onSessionEnded={() => void reload()} />
      );
    }
  }

  const unlocked = status?.phase === 'unlocked' && !recoveryCode;
  return (
    <div className="popup" data-phase={status?.phase ?? 'loading'}>
      <header className="popup-head">
        <Logo />
        {unlocked && (
          <div className="popup-head-actions">
            <button className="icon-btn" onClick={() => setPanel(panel === 'generator' ? 'vault' : 'generator')} title={t('popup.generatorTitle')}>
              {t('popup.generator')}
            </button>
            <button className="icon-btn" onClick={() => void browser.runtime.openOptionsPage()} data-testid="open-options">
              {t('options.openOptions')}
            </button>
            <button className="icon-btn" onClick={() => void lock()} title={t('popup.lockTitle')} data-testid="lock">
              {t('popup.lock')}
            </button>
            <button className="icon-btn" onClick={() => void logout()} title={t('popup.logout')} data-testid="logout">
              {t('popup.logout')}
            </button>
          </div>
        )}
      </header>
      <main className="popup-main">{content}</main>
    </div>
  );
}
