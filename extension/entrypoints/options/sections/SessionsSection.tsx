import { useCallback, useEffect, useState } from 'react';
import type { Session } from '@secureaccess/shared/contract';
import { StatusAlerts } from '@/components/StatusAlerts';
import { useAsyncAction } from '@/hooks/useAsyncAction';
import { t } from '@/utils/i18n';
import { askBackground } from '@/utils/messaging';
import { formatWhen } from './format-when';
import '@/components/account-security.css';

function deviceOf(session: Session): string {
  return session.deviceName ?? session.userAgent ?? t('security.sessions.unknownDevice');
}

/** Every live session of the user (DESIGN §6): revoke one, or log out everywhere after a confirmation. */
export function SessionsSection() {
  const [sessions, setSessions] = useState<Session[] | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const { busy, error, run } = useAsyncAction();
  const load = useCallback(async () => {
    const answer = await run(() => askBackground('account:sessions', {}));
    // This device first, then the others as the server lists them (most recently active first).
    if (answer) setSessions([...answer.sessions].sort((a, b) => Number(b.current) - Number(a.current)));
  }, [run]);
  useEffect(() => void load(), [load]);

  async function revoke(session: Session) {
    setMessage(null);
    const answer = await run(() => askBackground('account:revoke-session', { id: session.id }));
    if (answer) {
      setMessage(t('security.sessions.revoked', { device: deviceOf(session) }));
      await load();
    }
  }
  async function logoutEverywhere() {
    const answer = await run(() => askBackground('account:logout-all', {}));
    // This device is logged out too: the page goes back to "log in first".
    if (answer) location.reload();
  }

  return (
    <div className="stack">
      <p className="sa-muted">{t('security.sessions.intro')}</p>
      {!sessions && !error && <span className="sa-spinner" role="status" aria-label={t('common.loading')} />}
      {sessions && (
        <table className="sessions-table" data-testid="sessions">
          <caption className="visually-hidden">{t('security.sessions.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('security.sessions.device')}</th>
              <th scope="col">{t('security.sessions.ip')}</th>
              <th scope="col">{t('security.sessions.lastActivity')}</th>
              <th scope="col">{t('security.sessions.signedIn')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('security.sessions.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((session) => (
              <tr key={session.id} data-testid="session" data-current={session.current ? 'true' : undefined}>
                <td>
                  <b>{deviceOf(session)}</b>
                  {session.current && <span className="badge">{t('security.sessions.thisDevice')}</span>}
                </td>
                <td>{session.ip ?? '—'}</td>
                <td>{formatWhen(session.lastActivityAt)}</td>
                <td>{formatWhen(session.loginAt)}</td>
                <td>
                  {!session.current && (
                    <button
                      type="button"
                      className="sa-btn sa-btn-small sa-btn-danger"
                      disabled={busy}
                      aria-label={t('security.sessions.revokeNamed', { device: deviceOf(session), when: formatWhen(session.lastActivityAt) })}
                      onClick={() => void revoke(session)}
                    >
                      {t('security.sessions.revoke')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <StatusAlerts error={error} ok={message} />
      <fieldset className="options-group">
        <legend>{t('security.sessions.everywhereTitle')}</legend>
        <p className="sa-muted">{t('security.sessions.everywhereHelp')}</p>
        {!confirming ? (
          <div>
            <button type="button" className="sa-btn sa-btn-danger" disabled={busy} onClick={() => setConfirming(true)}>
              {t('security.sessions.everywhere')}
            </button>
          </div>
        ) : (
          <div className="sa-alert sa-alert-warn confirm-box" role="alertdialog" aria-labelledby="logout-all-question">
            <p id="logout-all-question">{t('security.sessions.everywhereConfirm')}</p>
            <div className="row">
              <button type="button" className="sa-btn sa-btn-primary" disabled={busy} onClick={() => void logoutEverywhere()} autoFocus>
                {t('security.sessions.everywhereYes')}
              </button>
              <button type="button" className="sa-btn" onClick={() => setConfirming(false)}>
                {t('common.cancel')}
              </button>
            </div>
          </div>
        )}
      </fieldset>
    </div>
  );
}
