import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { Logo } from '@/components/Logo';
import { t } from '@/utils/i18n';
import { askBackground } from '@/utils/messaging';
import { ExtensionError, type FillOutcome, type InlineState } from '@/utils/protocol';

/**
 * Clicks this soon after the frame appeared are ignored: a page that slides the menu under a
 * pointer already on its way down must not turn that click into a fill.
 */
const clickGuardMs = 400;
/** A frame the page keeps hidden this long is closed (a moment allows for layout and scrolling). */
const hiddenCloseMs = 300;

type Pending = { uuid: string | null; keys: string[]; message: string; confirmed: string[] };

export default function App({ token }: { token: string }) {
  const [state, setState] = useState<InlineState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const [busy, setBusy] = useState(false);
  const shownAt = useRef(performance.now());
  const root = useRef<HTMLDivElement>(null);

  useEffect(() => {
    askBackground('inline:state', { token })
      .then((value) => {
        setState(value);
        if (value.kind === 'confirm') {
          setPending({ uuid: value.accountUuid, keys: value.keys, message: value.message, confirmed: value.confirmed });
        }
      })
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, [token]);

  // Tell the content script how tall we are (it checks that the message comes from this frame).
  useLayoutEffect(() => {
    const el = root.current;
    if (!el) return;
    const report = () => window.parent.postMessage({ secureaccess: 'resize', height: el.getBoundingClientRect().height + 8 }, '*');
    report();
    const observer = new ResizeObserver(report);
    observer.observe(el);
    return () => observer.disconnect();
  });

  // Chrome's IntersectionObserver v2 tells whether this frame is really visible (not covered, even
  // by a pointer-events:none overlay, not faded or transformed). Until it says so, clicks are
  // ignored; if the page hides us, the frame closes. Browsers without it rely on the content
  // script's watchdog alone.
  const visible = useRef(!('isVisible' in IntersectionObserverEntry.prototype));
  useEffect(() => {
    if (!('isVisible' in IntersectionObserverEntry.prototype)) return;
    const el = root.current;
    if (!el) return;
    let hiddenTimer: ReturnType<typeof setTimeout> | null = null;
    const observer = new IntersectionObserver(
      (entries) => {
        const entry = entries[entries.length - 1] as IntersectionObserverEntry & { isVisible?: boolean };
        visible.current = entry.isVisible === true;
        if (visible.current) {
          if (hiddenTimer) clearTimeout(hiddenTimer);
          hiddenTimer = null;
        } else {
          hiddenTimer ??= setTimeout(() => void askBackground('inline:close', { token }).catch(() => undefined), hiddenCloseMs);
        }
      },
      { trackVisibility: true, delay: 100 } as IntersectionObserverInit,
    );
    observer.observe(el);
    return () => {
      observer.disconnect();
      if (hiddenTimer) clearTimeout(hiddenTimer);
    };
  }, [token]);

  const guard = () => visible.current && performance.now() - shownAt.current >= clickGuardMs;
  const close = () => void askBackground('inline:close', { token }).catch(() => undefined);
  const reload = () =>
    askBackground('inline:state', { token })
      .then(setState)
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));

  // Keyboard: the field's ArrowDown focuses this frame (the top page calls iframe.focus()); the
  // first account (or the unlock field) takes focus. Arrows move between accounts, Enter picks
  // (a native button), Escape closes and sends focus back to the field.
  useEffect(() => {
    const focusFirst = () => {
      const first = root.current?.querySelector<HTMLElement>('[role="option"], [data-testid="inline-unlock"] input, button.sa-btn');
      if (first && !root.current?.contains(document.activeElement)) first.focus();
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        void askBackground('inline:close', { token, refocus: true }).catch(() => undefined);
        return;
      }
      if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
      const options = Array.from(root.current?.querySelectorAll<HTMLElement>('[role="option"]') ?? []);
      if (options.length === 0) return;
      event.preventDefault();
      const at = options.indexOf(document.activeElement as HTMLElement);
      const next = event.key === 'ArrowDown' ? (at + 1) % options.length : (at - 1 + options.length) % options.length;
      options[at === -1 ? 0 : next]!.focus();
    };
    window.addEventListener('focus', focusFirst);
    window.addEventListener('keydown', onKey);
    if (document.hasFocus()) focusFirst();
    return () => {
      window.removeEventListener('focus', focusFirst);
      window.removeEventListener('keydown', onKey);
    };
  }, [token, state]);

  const [unlockPassword, setUnlockPassword] = useState('');
  async function unlockInPlace(event: React.FormEvent) {
    event.preventDefault();
    if (!guard() || busy) return;
    setBusy(true);
    setNotice(null);
    try {
      // Typed here, in the extension's own frame: the page can neither read nor script it.
      await askBackground('auth:unlock', { password: unlockPassword });
      setUnlockPassword('');
      await reload();
    } catch (e) {
      setNotice(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  function handleOutcome(uuid: string | null, confirmed: string[], outcome: FillOutcome) {
    if (outcome.status === 'confirm') {
      setPending({ uuid, keys: outcome.keys, message: outcome.message, confirmed });
      shownAt.current = performance.now();
    } else if (outcome.status !== 'filled') {
      setPending(null);
      setNotice(outcome.message);
    }
  }

  async function select(uuid: string | null, confirmed: string[] = []) {
    if (!guard() || busy) return;
    setBusy(true);
    setNotice(null);
    try {
      handleOutcome(uuid, confirmed, await askBackground('inline:select', { token, uuid, confirmed }));
    } catch (e) {
      setNotice(e instanceof ExtensionError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  async function answerOffer(action: 'save' | 'update' | 'never' | 'dismiss') {
    if (!guard() || busy) return;
    setBusy(true);
    try {
      const result = await askBackground('inline:offer', { token, action });
      setNotice(result.message);
      setState(null);
      setTimeout(close, 1800);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  let body: React.ReactNode = <span className="sa-spinner" role="status" aria-label={t('common.loading')} />;
  let title = t('extName');
  if (error) {
    body = <div className="sa-alert sa-alert-error" role="alert">{error}</div>;
  } else if (pending) {
    title = t('inline.confirmTitle');
    body = (
      <div data-testid="inline-confirm">
        <div className="sa-alert sa-alert-warn" role="alert">{pending.message}</div>
        <div className="inline-actions">
          <button className="sa-btn" onClick={() => (guard() ? (setPending(null), state?.kind === 'confirm' && close()) : undefined)}>
            {t('common.cancel')}
          </button>
          <button className="sa-btn sa-btn-primary" disabled={busy} onClick={() => void select(pending.uuid, [...pending.confirmed, ...pending.keys])}>
            {t('vault.fillAnyway')}
          </button>
        </div>
      </div>
    );
  } else if (notice && !state) {
    body = <div className="sa-alert sa-alert-ok" role="status">{notice}</div>;
  } else if (state?.kind === 'menu') {
    title = state.host;
    if (state.phase === 'locked') {
      body = (
        <form data-testid="inline-unlock" onSubmit={(event) => void unlockInPlace(event)}>
          <label className="sa-muted" htmlFor="inline-unlock-password">
            {t('inline.locked')}
          </label>
          <input
            id="inline-unlock-password"
            className="sa-input"
            type="password"
            autoComplete="current-password"
            aria-label={t('inline.masterPassword')}
            value={unlockPassword}
            onChange={(event) => setUnlockPassword(event.target.value)}
            required
          />
          <div className="inline-actions">
            <button className="sa-btn sa-btn-primary" type="submit" disabled={busy || unlockPassword === ''}>
              {t('inline.unlock')}
            </button>
          </div>
        </form>
      );
    } else if (state.phase !== 'unlocked') {
      body = <p className="sa-muted">{t('inline.loggedOut')}</p>;
    } else if (state.blocked) {
      body = <div className="sa-alert sa-alert-error" role="alert" data-testid="inline-blocked">{state.blocked}</div>;
    } else if (state.formKind !== 'login') {
      body = <NewPasswordMenu state={state} busy={busy} onSelect={(uuid) => void select(uuid)} />;
    } else if (state.accounts.length === 0) {
      body = <p className="sa-muted">{t('inline.noLogin', { host: state.host })}</p>;
    } else {
      body = (
        <div role="listbox" aria-label={t('inline.accounts')}>
          {state.accounts.map((account) => (
            <AccountOption key={account.uuid} account={account} busy={busy} onSelect={() => void select(account.uuid)} />
          ))}
        </div>
      );
    }
    if (state.offline) body = (<>{body}<p className="sa-muted" role="status" data-testid="inline-offline">{state.offline}</p></>);
    if (notice) body = (<>{body}<div className="sa-alert sa-alert-error" role="alert">{notice}</div></>);
  } else if (state?.kind === 'offer') {
    const { offer } = state;
    title = offer.action === 'save' ? t('inline.saveTitle') : t('inline.updateTitle');
    body = (
      <div data-testid="inline-offer">
        <p style={{ margin: '0 0 4px' }}>
          {t(offer.action === 'save' ? 'inline.saveQuestion' : 'inline.updateQuestion', {
            username: offer.username || t('common.noUsername'),
            application: offer.applicationName,
          })}
        </p>
        {!offer.canSave && <div className="sa-alert sa-alert-warn">{offer.reason}</div>}
        <div className="inline-actions">
          <button className="sa-btn sa-btn-link" disabled={busy} onClick={() => void answerOffer('never')}>
            {t('inline.never')}
          </button>
          <button className="sa-btn" disabled={busy} onClick={() => void answerOffer('dismiss')}>
            {t('inline.notNow')}
          </button>
          {offer.canSave && (
            <button className="sa-btn sa-btn-primary" disabled={busy} onClick={() => void answerOffer(offer.action)}>
              {offer.action === 'save' ? t('inline.save') : t('inline.update')}
            </button>
          )}
        </div>
      </div>
    );
  }

  return (
    <div className="inline" ref={root}>
      <div className="inline-head">
        <Logo label={title} />
        <button className="inline-close" aria-label={t('common.close')} onClick={close}>
          ×
        </button>
      </div>
      <div className="inline-body">{body}</div>
    </div>
  );
}

type MenuState = Extract<InlineState, { kind: 'menu' }>;

/** One account of the menu (a login's, or the account a change-password form changes). */
function AccountOption({ account, busy, onSelect }: { account: MenuState['accounts'][number]; busy: boolean; onSelect: () => void }) {
  return (
    <button role="option" aria-selected="false" className="inline-account" data-testid="inline-account" disabled={busy} onClick={onSelect}>
      <span className="inline-avatar">{(account.name[0] ?? '?').toUpperCase()}</span>
      <span>
        <b>{account.username || t('common.noUsername')}</b>
        <small>{account.name}</small>
      </span>
    </button>
  );
}

/**
 * The menu on a sign-up or change-password form: a strong password the site's rules accept and,
 * on a change, the site's accounts (picking one fills its current password and the new one).
 */
function NewPasswordMenu({ state, busy, onSelect }: { state: MenuState; busy: boolean; onSelect: (uuid: string | null) => void }) {
  const { generated, accounts, formKind } = state;
  if (!generated) return <p className="sa-alert sa-alert-warn" role="status" data-testid="inline-no-generated">{t('inline.noGenerated')}</p>;
  const changing = formKind === 'change-password' && accounts.length > 0;
  return (
    <div data-testid="inline-new-password">
      {changing && <p className="sa-muted inline-help">{t('inline.changeHelp')}</p>}
      <div role="listbox" aria-label={changing ? t('inline.accounts') : t('inline.generatedTitle')}>
        {changing &&
          accounts.map((account) => <AccountOption key={account.uuid} account={account} busy={busy} onSelect={() => onSelect(account.uuid)} />)}
        <button
          role="option"
          aria-selected="false"
          className="inline-account"
          data-testid="inline-generated"
          disabled={busy}
          onClick={() => onSelect(null)}
        >
          <span className="inline-avatar" aria-hidden="true">★</span>
          <span>
            <b>{changing ? t('inline.useGeneratedOnly') : t('inline.useGenerated')}</b>
            <small className="inline-generated" data-testid="inline-generated-value">{generated}</small>
          </span>
        </button>
      </div>
      {!changing && <p className="sa-muted inline-help">{t('inline.generatedHelp')}</p>}
    </div>
  );
}
