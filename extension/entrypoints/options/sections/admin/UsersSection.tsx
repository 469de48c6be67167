import { useCallback, useEffect, useRef, useState } from 'react';
import type { AdminUser, Role, UpdateUserBody } from '@secureaccess/shared/contract';
import { useAsyncAction } from '@/hooks/useAsyncAction';
import { t } from '@/utils/i18n';
import { askBackground } from '@/utils/messaging';
import { formatTime } from '../audit-log';
import '../people.css';

const roles: readonly Role[] = ['reader', 'editor', 'admin'];

function roleLabel(role: Role): string {
  return role === 'admin' ? t('people.users.roleAdmin') : role === 'editor' ? t('people.users.roleEditor') : t('people.users.roleReader');
}

function statusLabel(status: AdminUser['status']): string {
  return status === 'active' ? t('people.users.statusActive') : status === 'locked' ? t('people.users.statusLocked') : t('people.users.statusInactive');
}

/** Locked by an admin, or paused by failed sign-ins that have not expired yet. */
function isLockedOut(user: AdminUser, now: number): boolean {
  return user.status === 'locked' || (user.lockedUntil !== null && Date.parse(user.lockedUntil) > now);
}

/** Admin: the organisation's users, searched and paged; role, lock/unlock and deactivation per user. */
export function UsersSection() {
  const [query, setQuery] = useState('');
  const [users, setUsers] = useState<AdminUser[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [applied, setApplied] = useState('');
  const [me, setMe] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<AdminUser | null>(null);
  const { busy, error, run } = useAsyncAction();
  const confirmButton = useRef<HTMLButtonElement>(null);

  const search = useCallback(
    async (q: string) => {
      setNotice(null);
      const page = await run(() => askBackground('people:list', q.trim() ? { q: q.trim() } : {}));
      if (page) {
        setApplied(q.trim());
        setUsers(page.users);
        setNextCursor(page.nextCursor);
      }
    },
    [run],
  );
  useEffect(() => {
    void askBackground('status', {}).then((status) => setMe(status.user?.email ?? null));
    void search('');
  }, [search]);
  useEffect(() => {
    if (confirming) confirmButton.current?.focus();
  }, [confirming]);

  async function more() {
    if (!nextCursor) return;
    const page = await run(() => askBackground('people:list', { ...(applied ? { q: applied } : {}), cursor: nextCursor }));
    if (page) {
      setUsers((current) => [...(current ?? []), ...page.users]);
      setNextCursor(page.nextCursor);
    }
  }

  async function change(user: AdminUser, body: UpdateUserBody) {
    setNotice(null);
    setConfirming(null);
    const answer = await run(() => askBackground('people:update', { id: user.id, change: body }));
    if (answer) {
      setUsers((current) => (current ?? []).map((u) => (u.id === answer.user.id ? answer.user : u)));
      setNotice(t('people.users.changed', { email: answer.user.email, role: roleLabel(answer.user.role), status: statusLabel(answer.user.status) }));
    }
  }

  const now = Date.now();
  return (
    <div className="stack people-wide">
      <form
        className="row"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          void search(query);
        }}
      >
        <label className="sa-field" style={{ flex: 1, marginBottom: 0 }}>
          <span>{t('people.users.search')}</span>
          <input className="sa-input" type="search" name="q" maxLength={100} value={query} placeholder={t('people.users.searchHelp')} onChange={(e) => setQuery(e.target.value)} />
        </label>
        <button type="submit" className="sa-btn sa-btn-primary" style={{ alignSelf: 'flex-end' }} disabled={busy}>
          {t('people.users.searchButton')}
        </button>
      </form>

      {error && (
        <div className="sa-alert sa-alert-error" role="alert" data-testid="people-error">
          {error}
        </div>
      )}
      {notice && (
        <div className="sa-alert sa-alert-ok" role="status">
          {notice}
        </div>
      )}
      {confirming && (
        <div className="sa-alert sa-alert-warn" role="alertdialog" aria-labelledby="people-confirm-text">
          <p id="people-confirm-text" style={{ marginTop: 0 }}>
            {t('people.users.confirmDeactivate', { email: confirming.email })}
          </p>
          <div className="row">
            <button ref={confirmButton} type="button" className="sa-btn sa-btn-danger" disabled={busy} onClick={() => void change(confirming, { status: 'inactive' })}>
              {t('people.users.confirmYes')}
            </button>
            <button type="button" className="sa-btn" onClick={() => setConfirming(null)}>
              {t('common.cancel')}
            </button>
          </div>
        </div>
      )}

      {users === null ? (
        <span className="sa-spinner" role="status" aria-label={t('common.loading')} />
      ) : users.length === 0 ? (
        <p className="sa-muted" role="status">
          {t('people.users.none')}
        </p>
      ) : (
        <div className="people-table-wrap">
          <table className="people-table" data-testid="users-table">
            <thead>
              <tr>
                <th scope="col">{t('people.users.name')}</th>
                <th scope="col">{t('people.users.role')}</th>
                <th scope="col">{t('people.users.status')}</th>
                <th scope="col">{t('people.users.mfa')}</th>
                <th scope="col">{t('people.users.lastLogin')}</th>
                <th scope="col">{t('people.users.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {users.map((user) => {
                const lockedOut = isLockedOut(user, now);
                return (
                  <tr key={user.id} data-email={user.email}>
                    <td>
                      <div>
                        {user.firstName} {user.lastName} {user.email === me && <span className="sa-muted">{t('people.users.you')}</span>}
                      </div>
                      <div className="sa-muted">{user.email}</div>
                    </td>
                    <td>
                      <select
                        className="sa-input"
                        name="role"
                        aria-label={t('people.users.roleOf', { email: user.email })}
                        value={user.role}
                        disabled={busy}
                        onChange={(e) => void change(user, { role: e.target.value as Role })}
                      >
                        {roles.map((role) => (
                          <option key={role} value={role}>
                            {roleLabel(role)}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td>
                      <span className={`people-badge ${user.status === 'active' && !lockedOut ? 'people-badge-ok' : user.status === 'inactive' ? 'people-badge-bad' : 'people-badge-warn'}`}>
                        {statusLabel(user.status)}
                      </span>
                      {user.status !== 'locked' && user.lockedUntil && lockedOut && (
                        <div className="sa-muted">{t('people.users.lockedOut', { time: formatTime(user.lockedUntil) })}</div>
                      )}
                      {user.failedLoginAttempts > 0 && <div className="sa-muted">{t('people.users.failedAttempts', user.failedLoginAttempts)}</div>}
                    </td>
                    <td>{user.mfaEnabled ? t('people.users.mfaOn') : t('people.users.mfaOff')}</td>
                    <td className="people-nowrap">{user.lastLoginAt ? formatTime(user.lastLoginAt) : t('people.users.never')}</td>
                    <td>
                      <div className="people-actions">
                        {lockedOut || user.failedLoginAttempts > 0 ? (
                          <button
                            type="button"
                            className="sa-btn sa-btn-small"
                            aria-label={t('people.users.unlockLabel', { email: user.email })}
                            disabled={busy}
                            onClick={() => void change(user, { unlock: true })}
                          >
                            {t('people.users.unlock')}
                          </button>
                        ) : null}
                        {user.status === 'active' && !lockedOut && (
                          <button
                            type="button"
                            className="sa-btn sa-btn-small"
                            aria-label={t('people.users.lockLabel', { email: user.email })}
                            disabled={busy}
                            onClick={() => void change(user, { status: 'locked' })}
                          >
                            {t('people.users.lock')}
                          </button>
                        )}
                        {user.status === 'inactive' ? (
                          <button
                            type="button"
                            className="sa-btn sa-btn-small"
                            aria-label={t('people.users.reactivateLabel', { email: user.email })}
                            disabled={busy}
                            onClick={() => void change(user, { status: 'active' })}
                          >
                            {t('people.users.reactivate')}
                          </button>
                        ) : (
                          <button
                            type="button"
                            className="sa-btn sa-btn-small sa-btn-danger"
                            aria-label={t('people.users.deactivateLabel', { email: user.email })}
                            disabled={busy}
                            onClick={() => setConfirming(user)}
                          >
                            {t('people.users.deactivate')}
                          </button>
                        )}
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {nextCursor && (
        <button type="button" className="sa-btn" disabled={busy} onClick={() => void more()}>
          {t('people.users.loadMore')}
        </button>
      )}
    </div>
  );
}
