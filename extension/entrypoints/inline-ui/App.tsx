import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { Logo } from '@/components/Logo';
import { askBackground } from '@/utils/messaging';
import { ExtensionError, type FillOutcome, type InlineState } from '@/utils/protocol';

/**
 * Clicks this soon after the frame appeared are ignored: a page that slides the menu under a
 * pointer already on its way down must not turn that click into a fill.
 */
const clickGuardMs = 400;
/** A frame the page keeps hidden this long is closed (a moment allows for layout and scrolling). */
const hiddenCloseMs = 300;

type Pending = { uuid: string; key: string; message: string; confirmed: string[] };

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
          setPending({ uuid: value.accountUuid, key: value.key, message: value.message, confirmed: value.confirmed });
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

  function handleOutcome(uuid: string, confirmed: string[], outcome: FillOutcome) {
    if (outcome.status === 'confirm') {
      setPending({ uuid, key: outcome.key, message: outcome.message, confirmed });
      shownAt.current = performance.now();
    } else if (outcome.status !== 'filled') {
      setPending(null);
      setNotice(outcome.message);
    }
  }

  async function select(uuid: string, confirmed: string[] = []) {
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

  let body: React.ReactNode = <span className="sa-spinner" aria-label="Loading" />;
  let title = 'SecureAccess';
  if (error) {
    body = <div className="sa-alert sa-alert-error" role="alert">{error}</div>;
  } else if (pending) {
    title = 'Confirm fill';
    body = (
      <div data-testid="inline-confirm">
        <div className="sa-alert sa-alert-warn" role="alert">{pending.message}</div>
        <div className="inline-actions">
          <button className="sa-btn" onClick={() => (guard() ? (setPending(null), state?.kind === 'confirm' && close()) : undefined)}>
            Cancel
          </button>
          <button className="sa-btn sa-btn-primary" disabled={busy} onClick={() => void select(pending.uuid, [...pending.confirmed, pending.key])}>
            Fill anyway
          </button>
        </div>
      </div>
    );
  } else if (notice && !state) {
    body = <div className="sa-alert sa-alert-ok" role="status">{notice}</div>;
  } else if (state?.kind === 'menu') {
    title = state.host;
    if (state.phase === 'locked') {
      body = <p className="sa-muted">SecureAccess is locked. Click the SecureAccess icon in the toolbar to unlock it.</p>;
    } else if (state.phase !== 'unlocked') {
      body = <p className="sa-muted">Log in to SecureAccess from the toolbar icon to fill this form.</p>;
    } else if (state.blocked) {
      body = <div className="sa-alert sa-alert-error" role="alert" data-testid="inline-blocked">{state.blocked}</div>;
    } else if (state.accounts.length === 0) {
      body = <p className="sa-muted">No saved login for {state.host}. Log in and SecureAccess will offer to save it.</p>;
    } else {
      body = (
        <div role="listbox" aria-label="Accounts">
          {state.accounts.map((account) => (
            <button
              key={account.uuid}
              role="option"
              aria-selected="false"
              className="inline-account"
              data-testid="inline-account"
              disabled={busy}
              onClick={() => void select(account.uuid)}
            >
              <span className="inline-avatar">{(account.name[0] ?? '?').toUpperCase()}</span>
              <span>
                <b>{account.username || '(no username)'}</b>
                <small>{account.name}</small>
              </span>
            </button>
          ))}
        </div>
      );
    }
    if (notice) body = (<>{body}<div className="sa-alert sa-alert-error" role="alert">{notice}</div></>);
  } else if (state?.kind === 'offer') {
    const { offer } = state;
    title = offer.action === 'save' ? 'Save login?' : 'Update password?';
    body = (
      <div data-testid="inline-offer">
        <p style={{ margin: '0 0 4px' }}>
          {offer.action === 'save' ? 'Save the login for ' : 'Update the saved password for '}
          <b>{offer.username || '(no username)'}</b> on <b>{offer.applicationName}</b>?
        </p>
        {!offer.canSave && <div className="sa-alert sa-alert-warn">{offer.reason}</div>}
        <div className="inline-actions">
          <button className="sa-btn sa-btn-link" disabled={busy} onClick={() => void answerOffer('never')}>
            Never for this site
          </button>
          <button className="sa-btn" disabled={busy} onClick={() => void answerOffer('dismiss')}>
            Not now
          </button>
          {offer.canSave && (
            <button className="sa-btn sa-btn-primary" disabled={busy} onClick={() => void answerOffer(offer.action)}>
              {offer.action === 'save' ? 'Save' : 'Update'}
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
        <button className="inline-close" aria-label="Close" onClick={close}>
          ×
        </button>
      </div>
      <div className="inline-body">{body}</div>
    </div>
  );
}
