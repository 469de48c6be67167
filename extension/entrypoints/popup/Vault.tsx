import { useCallback, useEffect, useState } from 'react';
import { useAsyncAction } from '@/hooks/useAsyncAction';
import { askBackground } from '@/utils/messaging';
import { ExtensionError, type AccountView, type FillOutcome, type VaultListView } from '@/utils/protocol';
import { Generator } from './Generator';

type Editing = { account: AccountView | null; defaults?: { url: string } };

/** Copies through the popup (it has focus); the background clears the clipboard later. */
async function copyToClipboard(text: string): Promise<void> {
  await navigator.clipboard.writeText(text);
}

function AccountForm({ editing, onSaved, onCancel }: { editing: Editing; onSaved: () => void; onCancel: () => void }) {
  const account = editing.account;
  const [url, setUrl] = useState(account?.url ?? editing.defaults?.url ?? '');
  const [username, setUsername] = useState(account?.username ?? '');
  const [password, setPassword] = useState('');
  const [notes, setNotes] = useState('');
  const [show, setShow] = useState(false);
  const [generator, setGenerator] = useState(false);
  const { busy, error, run } = useAsyncAction();

  useEffect(() => {
    if (!account) return;
    void run(async () => {
      const secrets = await askBackground('vault:reveal', { uuid: account.uuid });
      setPassword(secrets.password);
      setNotes(secrets.notes);
    });
  }, [account, run]);

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    const saved = await run(() => askBackground('vault:save', { uuid: account?.uuid, url, username, password, notes }));
    if (saved) onSaved();
  }

  return (
    <form onSubmit={submit} data-testid="account-form">
      <h2 className="screen-title" style={{ marginBottom: 10 }}>
        {account ? `Edit ${account.name}` : 'Add account'}
      </h2>
      <label className="sa-field">
        <span>Website</span>
        <input className="sa-input" name="url" placeholder="https://example.com" value={url} onChange={(e) => setUrl(e.target.value)} />
      </label>
      <label className="sa-field">
        <span>Username or email</span>
        <input className="sa-input" name="username" value={username} onChange={(e) => setUsername(e.target.value)} />
      </label>
      <label className="sa-field">
        <span>Password</span>
        <div className="row">
          <input
            className="sa-input"
            name="password"
            type={show ? 'text' : 'password'}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
          <button type="button" className="sa-btn sa-btn-small" onClick={() => setShow(!show)}>
            {show ? 'Hide' : 'Show'}
          </button>
          <button type="button" className="sa-btn sa-btn-small" onClick={() => setGenerator(!generator)}>
            Generate
          </button>
        </div>
      </label>
      {generator && (
        <div className="account" style={{ marginBottom: 10 }}>
          <Generator
            onUse={(value) => {
              setPassword(value);
              setShow(true);
              setGenerator(false);
            }}
          />
        </div>
      )}
      <label className="sa-field">
        <span>Notes</span>
        <textarea className="sa-input" name="notes" rows={2} value={notes} onChange={(e) => setNotes(e.target.value)} />
      </label>
      {error && (
        <div className="sa-alert sa-alert-error" role="alert">
          {error}
        </div>
      )}
      <div className="row">
        <button type="submit" className="sa-btn sa-btn-primary" disabled={busy}>
          Save
        </button>
        <button type="button" className="sa-btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function AccountRow(props: {
  account: AccountView;
  canFill: boolean;
  inTrash: boolean;
  onAction: (action: 'fill' | 'copy-username' | 'copy-password' | 'open' | 'edit' | 'delete' | 'restore', account: AccountView) => void;
}) {
  const { account } = props;
  const blocked = account.access && !account.access.allowed;
  return (
    <div className="account" data-testid="account" data-uuid={account.uuid}>
      <div className="account-top">
        <span className="account-avatar">{(account.name[0] ?? '?').toUpperCase()}</span>
        <span className="account-text">
          <b>{account.name}</b>
          <small data-testid="account-username">{account.username || '(no username)'}</small>
        </span>
        {props.canFill && !props.inTrash && (
          <button
            className="sa-btn sa-btn-primary sa-btn-small"
            data-testid="fill"
            disabled={!!blocked}
            title={blocked ? `Access ${account.access!.value}` : 'Fill this login into the page'}
            onClick={() => props.onAction('fill', account)}
          >
            Fill
          </button>
        )}
      </div>
      {blocked && (
        <div className="sa-alert sa-alert-error" data-testid="access-blocked">
          Autofill is off: access to {account.name} is {account.access!.value}
          {account.access!.isActive ? '' : ' (application inactive)'}.
        </div>
      )}
      <div className="account-actions">
        {props.inTrash ? (
          <button className="sa-btn sa-btn-small" onClick={() => props.onAction('restore', account)}>
            Restore
          </button>
        ) : (
          <>
            <button className="sa-btn sa-btn-small" onClick={() => props.onAction('copy-username', account)}>
              Copy username
            </button>
            <button className="sa-btn sa-btn-small" onClick={() => props.onAction('copy-password', account)}>
              Copy password
            </button>
            {account.url && (
              <button className="sa-btn sa-btn-small" onClick={() => props.onAction('open', account)}>
                Open
              </button>
            )}
            <button className="sa-btn sa-btn-small" onClick={() => props.onAction('edit', account)}>
              Edit
            </button>
            <button className="sa-btn sa-btn-small sa-btn-danger" onClick={() => props.onAction('delete', account)}>
              Delete
            </button>
          </>
        )}
      </div>
    </div>
  );
}

export function Vault({
  tabId,
  panel,
  setPanel,
  onSessionEnded,
}: {
  tabId: number | null;
  panel: 'vault' | 'generator';
  setPanel: (p: 'vault' | 'generator') => void;
  onSessionEnded: () => void;
}) {
  const [list, setList] = useState<VaultListView | null>(null);
  const [query, setQuery] = useState('');
  const [view, setView] = useState<'accounts' | 'trash'>('accounts');
  const [editing, setEditing] = useState<Editing | null>(null);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error' | 'warn'; text: string } | null>(null);
  const [confirm, setConfirm] = useState<{ uuid: string; outcome: Extract<FillOutcome, { status: 'confirm' }>; confirmed: string[] } | null>(null);
  const { error, run } = useAsyncAction();

  const refresh = useCallback(async () => {
    const value = await run(() => askBackground('vault:list', { tabId: tabId ?? undefined, query }));
    if (value) setList(value);
  }, [run, tabId, query]);

  useEffect(() => {
    void refresh();
  }, [refresh]);
  useEffect(() => {
    // Fresh data on open; the cached vault shows meanwhile.
    void askBackground('vault:sync', {})
      .then(() => refresh())
      .catch((e: unknown) => {
        // The server revoked this session (logout elsewhere, theft detection): back to the login screen.
        if (e instanceof ExtensionError && e.code === 'session_ended') onSessionEnded();
        else setMessage({ kind: 'warn', text: `Showing the saved copy: ${e instanceof Error ? e.message : String(e)}` });
      });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  async function fill(uuid: string, confirmed: string[] = []) {
    if (tabId === null) return;
    const outcome = await run(() => askBackground('fill:tab', { tabId, uuid, confirmed }));
    if (!outcome) return;
    if (outcome.status === 'filled') {
      setMessage({ kind: 'ok', text: 'Filled.' });
      setTimeout(() => window.close(), 400);
    } else if (outcome.status === 'confirm') setConfirm({ uuid, outcome, confirmed });
    else setMessage({ kind: 'error', text: outcome.message });
  }

  async function onAction(action: Parameters<React.ComponentProps<typeof AccountRow>['onAction']>[0], account: AccountView) {
    setMessage(null);
    switch (action) {
      case 'fill':
        return fill(account.uuid);
      case 'copy-username':
      case 'copy-password': {
        const field = action === 'copy-username' ? 'username' : 'password';
        await run(async () => {
          const secrets = await askBackground('vault:reveal', { uuid: account.uuid });
          await copyToClipboard(secrets[field]);
          const { clearsInSeconds } = await askBackground('vault:copied', { uuid: account.uuid, field });
          setMessage({
            kind: 'ok',
            text: `${field === 'username' ? 'Username' : 'Password'} copied${clearsInSeconds > 0 ? `; the clipboard is cleared in ${clearsInSeconds} s` : ''}.`,
          });
        });
        return;
      }
      case 'open':
        if (account.url) await browser.tabs.create({ url: account.url });
        return;
      case 'edit':
        setEditing({ account });
        return;
      case 'delete':
        await run(async () => {
          await askBackground('vault:delete', { uuid: account.uuid });
          setMessage({ kind: 'ok', text: `${account.name} moved to the trash.` });
          await refresh();
        });
        return;
      case 'restore':
        await run(async () => {
          await askBackground('vault:restore', { uuid: account.uuid });
          setMessage({ kind: 'ok', text: `${account.name} restored.` });
          await refresh();
        });
        return;
    }
  }

  if (panel === 'generator') {
    return (
      <div>
        <div className="row-between" style={{ marginBottom: 8 }}>
          <h2 className="screen-title">Generator</h2>
          <button className="sa-btn sa-btn-small" onClick={() => setPanel('vault')}>
            Back
          </button>
        </div>
        <Generator onCopy={(value) => void copyToClipboard(value).then(() => setMessage({ kind: 'ok', text: 'Copied.' }))} />
        {message && <div className={`sa-alert sa-alert-${message.kind}`}>{message.text}</div>}
      </div>
    );
  }

  if (editing) {
    return (
      <AccountForm
        editing={editing}
        onCancel={() => setEditing(null)}
        onSaved={() => {
          setEditing(null);
          setMessage({ kind: 'ok', text: 'Saved.' });
          void refresh();
        }}
      />
    );
  }

  const pageApps = list?.page.applications ?? [];
  const blockedApp = pageApps.find((app) => !app.access.allowed);
  const matchingUuids = new Set(list?.matching.map((a) => a.uuid));
  const others = (list?.all ?? []).filter((a) => !matchingUuids.has(a.uuid));

  return (
    <div>
      {confirm && (
        <div className="sa-alert sa-alert-warn" role="alert" data-testid="fill-confirm">
          {confirm.outcome.message}
          <div className="row" style={{ marginTop: 6 }}>
            <button
              className="sa-btn sa-btn-primary sa-btn-small"
              onClick={() => {
                const next = [...confirm.confirmed, confirm.outcome.key];
                setConfirm(null);
                void fill(confirm.uuid, next);
              }}
            >
              Fill anyway
            </button>
            <button className="sa-btn sa-btn-small" onClick={() => setConfirm(null)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {message && (
        <div className={`sa-alert sa-alert-${message.kind}`} role="status" data-testid="popup-message">
          {message.text}
        </div>
      )}
      {error && (
        <div className="sa-alert sa-alert-error" role="alert">
          {error}
        </div>
      )}
      <div className="row search">
        <input className="sa-input" type="search" placeholder="Search all accounts" value={query} onChange={(e) => setQuery(e.target.value)} name="search" />
        <button className="sa-btn sa-btn-primary" onClick={() => setEditing({ account: null, defaults: { url: list?.page.host ? `https://${list.page.host}` : '' } })}>
          Add
        </button>
      </div>
      <div className="tabs" role="tablist">
        <button className="tab" role="tab" aria-selected={view === 'accounts'} onClick={() => setView('accounts')}>
          Accounts
        </button>
        <button className="tab" role="tab" aria-selected={view === 'trash'} onClick={() => setView('trash')}>
          Trash {list && list.trash.length > 0 ? `(${list.trash.length})` : ''}
        </button>
      </div>
      {view === 'trash' ? (
        list?.trash.length ? (
          list.trash.map((account) => <AccountRow key={account.uuid} account={account} canFill={false} inTrash onAction={onAction} />)
        ) : (
          <p className="empty">The trash is empty.</p>
        )
      ) : (
        <>
          {list?.page.host && query === '' && (
            <>
              <div className="section-title">For {list.page.host}</div>
              {blockedApp && list.matching.length === 0 && (
                <div className="sa-alert sa-alert-error" data-testid="access-blocked">
                  Autofill is off: access to {blockedApp.name} is {blockedApp.access.value}.
                </div>
              )}
              {list.matching.length === 0 && !blockedApp && <p className="sa-muted">No saved login for this site.</p>}
              <div data-testid="matching-accounts">
                {list.matching.map((account) => (
                  <AccountRow key={account.uuid} account={account} canFill={tabId !== null} inTrash={false} onAction={onAction} />
                ))}
              </div>
            </>
          )}
          <div className="section-title">{query ? 'Search results' : 'All accounts'}</div>
          <div data-testid="all-accounts">
            {(query ? (list?.all ?? []) : others).map((account) => (
              <AccountRow key={account.uuid} account={account} canFill={false} inTrash={false} onAction={onAction} />
            ))}
          </div>
          {list && list.all.length === 0 && <p className="empty">No accounts yet. Log in to a site and SecureAccess will offer to save it, or click Add.</p>}
        </>
      )}
    </div>
  );
}
