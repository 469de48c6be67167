import { useCallback, useEffect, useRef, useState } from 'react';
import { useAsyncAction } from '@/hooks/useAsyncAction';
import { t } from '@/utils/i18n';
import { askBackground } from '@/utils/messaging';
import { ExtensionError, type AccountView, type FillOutcome, type VaultListView } from '@/utils/protocol';
import { AccountForm, type Editing } from '@/components/AccountForm';

/** Copies through the popup (it has focus); the background clears the clipboard later. */
async function copyToClipboard(text: string): Promise<void> {
  await navigator.clipboard.writeText(text);
}

interface Message {
  kind: 'ok' | 'error' | 'warn';
  text: string;
  /** A deletion the banner offers to undo. */
  undo?: AccountView;
}

function MessageBanner({ message, onUndo }: { message: Message; onUndo: (account: AccountView) => void }) {
  return (
    <div className={`sa-alert sa-alert-${message.kind} row-between`} role="status" data-testid="popup-message">
      <span>{message.text}</span>
      {message.undo && (
        <button className="sa-btn sa-btn-small" onClick={() => onUndo(message.undo!)}>
          {t('vault.undo')}
        </button>
      )}
    </div>
  );
}

type AccountAction = 'fill' | 'copy-username' | 'copy-password' | 'open' | 'details' | 'edit' | 'delete' | 'restore' | 'purge';

interface RowProps {
  account: AccountView;
  canFill: boolean;
  /** Readers use accounts but cannot add, edit, delete or restore them: no such controls. */
  canWrite: boolean;
  inTrash: boolean;
  onAction: (action: AccountAction, account: AccountView) => void;
}

/** The one action a row shows: fill on a page that matches, otherwise copy the password; restore in the trash. */
function primaryAction(props: RowProps): AccountAction | null {
  if (props.inTrash) return props.canWrite ? 'restore' : null;
  return props.canFill ? 'fill' : 'copy-password';
}

/** Everything else a row can do, behind its "more" menu. */
function secondaryActions(props: RowProps, primary: AccountAction | null): AccountAction[] {
  const { account, canWrite, inTrash } = props;
  const all: (AccountAction | false)[] = inTrash
    ? [canWrite && 'purge']
    : ['details', 'copy-username', 'copy-password', !!account.url && 'open', canWrite && 'edit', canWrite && 'delete'];
  return all.filter((action): action is AccountAction => action !== false && action !== primary);
}

function actionLabel(action: AccountAction): string {
  switch (action) {
    case 'fill':
      return t('vault.fill');
    case 'copy-username':
      return t('vault.copyUsername');
    case 'copy-password':
      return t('vault.copyPassword');
    case 'open':
      return t('vault.openSite');
    case 'details':
      return t('vault.details');
    case 'edit':
      return t('common.edit');
    case 'delete':
      return t('common.delete');
    case 'restore':
      return t('common.restore');
    case 'purge':
      return t('vault.deletePermanently');
  }
}

/**
 * A menu button (WAI-ARIA menu button pattern): opens on click, Enter, Space or ArrowDown with the
 * first item focused; arrows move, Home/End jump, Escape closes and gives focus back to the button,
 * and it closes when focus leaves it.
 */
function ActionMenu({ label, actions, onPick }: { label: string; actions: AccountAction[]; onPick: (action: AccountAction) => void }) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const items = () => Array.from(menu.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? []);
  useEffect(() => {
    if (open) items()[0]?.focus();
  }, [open]);
  if (actions.length === 0) return null;
  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) button.current?.focus();
  };
  const onKeyDown = (event: React.KeyboardEvent) => {
    const list = items();
    const at = list.indexOf(document.activeElement as HTMLButtonElement);
    const move = (to: number) => list[(to + list.length) % list.length]?.focus();
    if (event.key === 'ArrowDown') move(at + 1);
    else if (event.key === 'ArrowUp') move(at - 1);
    else if (event.key === 'Home') move(0);
    else if (event.key === 'End') move(list.length - 1);
    else if (event.key === 'Escape' || event.key === 'Tab') close(event.key === 'Escape');
    else return;
    if (event.key !== 'Tab') event.preventDefault();
  };
  return (
    <div
      className="menu-wrap"
      onBlur={(event) => {
        if (open && !event.currentTarget.contains(event.relatedTarget as Node | null)) setOpen(false);
      }}
    >
      <button
        ref={button}
        className="sa-btn sa-btn-small menu-button"
        aria-label={label}
        aria-haspopup="menu"
        aria-expanded={open}
        data-testid="more-actions"
        onClick={() => setOpen(!open)}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown') {
            event.preventDefault();
            setOpen(true);
          }
        }}
      >
        <span aria-hidden="true">⋯</span>
      </button>
      {open && (
        <div className="menu" role="menu" aria-label={label} ref={menu} onKeyDown={onKeyDown}>
          {actions.map((action) => (
            <button
              key={action}
              role="menuitem"
              tabIndex={-1}
              className={action === 'delete' || action === 'purge' ? 'menu-item menu-item-danger' : 'menu-item'}
              onClick={() => {
                close(false);
                onPick(action);
              }}
            >
              {actionLabel(action)}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}

function AccountRow(props: RowProps) {
  const { account } = props;
  const blocked = account.access && !account.access.allowed;
  const primary = primaryAction(props);
  return (
    <div className="account" data-testid="account" data-uuid={account.uuid}>
      <div className="account-top">
        <span className="account-avatar" aria-hidden="true">
          {(account.name[0] ?? '?').toUpperCase()}
        </span>
        <button
          className="account-text account-open"
          aria-label={`${t('vault.details')}: ${account.name}, ${account.username || t('common.noUsername')}`}
          onClick={() => props.onAction('details', account)}
          disabled={props.inTrash}
        >
          <b>{account.name}</b>
          <small data-testid="account-username">{account.username || t('common.noUsername')}</small>
        </button>
        {primary && (
          <button
            className={primary === 'fill' ? 'sa-btn sa-btn-primary sa-btn-small' : 'sa-btn sa-btn-small'}
            data-testid={primary === 'fill' ? 'fill' : `primary-${primary}`}
            disabled={primary === 'fill' && !!blocked}
            title={primary === 'fill' ? (blocked ? account.access!.message : t('vault.fillTitle')) : undefined}
            onClick={() => props.onAction(primary, account)}
          >
            {actionLabel(primary)}
          </button>
        )}
        <ActionMenu
          label={t('vault.moreActions', { name: account.name })}
          actions={secondaryActions(props, primary)}
          onPick={(action) => props.onAction(action, account)}
        />
      </div>
      {blocked && (
        <div className="sa-alert sa-alert-error" data-testid="access-blocked">
          {account.access!.message}
        </div>
      )}
    </div>
  );
}

/** One account in full: what the row shows plus folder, last change, the password and notes on demand. */
function AccountDetails(props: RowProps & { onBack: () => void }) {
  const { account } = props;
  const [secrets, setSecrets] = useState<{ password: string; notes: string } | null>(null);
  const { busy, error, run } = useAsyncAction();
  const primary = primaryAction(props);
  const reveal = async () => {
    if (secrets) return setSecrets(null);
    const revealed = await run(() => askBackground('vault:reveal', { uuid: account.uuid }));
    if (revealed) setSecrets({ password: revealed.password, notes: revealed.notes });
  };
  return (
    <section aria-labelledby="account-details-title" data-testid="account-details">
      <div className="row-between" style={{ marginBottom: 8 }}>
        <h2 className="screen-title" id="account-details-title">
          {t('vault.detailsTitle', { name: account.name })}
        </h2>
        <button className="sa-btn sa-btn-small" onClick={props.onBack}>
          {t('common.back')}
        </button>
      </div>
      <dl className="details">
        <dt>{t('vault.username')}</dt>
        <dd data-testid="details-username">{account.username || t('common.noUsername')}</dd>
        {account.url && (
          <>
            <dt>{t('vault.website')}</dt>
            <dd className="details-url">{account.url}</dd>
          </>
        )}
        {account.folder && (
          <>
            <dt>{t('vault.folder')}</dt>
            <dd>{account.folder}</dd>
          </>
        )}
        <dt>{t('vault.password')}</dt>
        <dd className="row">
          <code data-testid="details-password">{secrets ? secrets.password : '••••••••••'}</code>
          <button
            className="sa-btn sa-btn-small"
            aria-label={secrets ? t('common.hidePassword') : t('common.showPassword')}
            aria-pressed={secrets !== null}
            disabled={busy}
            onClick={() => void reveal()}
          >
            {secrets ? t('common.hide') : t('common.show')}
          </button>
        </dd>
        {secrets && secrets.notes && (
          <>
            <dt>{t('vault.notes')}</dt>
            <dd className="details-notes">{secrets.notes}</dd>
          </>
        )}
      </dl>
      <p className="sa-muted">{t('vault.lastChanged', { when: new Date(account.updatedAt).toLocaleString() })}</p>
      {account.access && !account.access.allowed && (
        <div className="sa-alert sa-alert-error" data-testid="access-blocked">
          {account.access.message}
        </div>
      )}
      {error && (
        <div className="sa-alert sa-alert-error" role="alert">
          {error}
        </div>
      )}
      <div className="row">
        {primary && (
          <button className="sa-btn sa-btn-primary" onClick={() => props.onAction(primary, account)}>
            {actionLabel(primary)}
          </button>
        )}
        <ActionMenu
          label={t('vault.moreActions', { name: account.name })}
          actions={secondaryActions(props, primary).filter((action) => action !== 'details')}
          onPick={(action) => props.onAction(action, account)}
        />
      </div>
    </section>
  );
}

export function Vault({
  tabId,
  canWrite,
  panel,
  setPanel,
  onSessionEnded,
}: {
  tabId: number | null;
  canWrite: boolean;
  panel: 'vault' | 'generator';
  setPanel: (p: 'vault' | 'generator') => void;
  onSessionEnded: () => void;
}) {
  const [list, setList] = useState<VaultListView | null>(null);
  const [query, setQuery] = useState('');
  const [view, setView] = useState<'accounts' | 'trash'>('accounts');
  const [editing, setEditing] = useState<Editing | null>(null);
  const [message, setMessage] = useState<Message | null>(null);
  const [details, setDetails] = useState<string | null>(null);
  const [purging, setPurging] = useState<AccountView | null>(null);
  const [confirm, setConfirm] = useState<{ uuid: string; outcome: Extract<FillOutcome, { status: 'confirm' }>; confirmed: string[] } | null>(null);
  const { error, run } = useAsyncAction();

  const refresh = useCallback(async () => {
    const value = await run(() => askBackground('vault:list', { tabId: tabId ?? undefined, query }));
    if (value) setList(value);
  }, [run, tabId, query]);

  useEffect(() => {
    void refresh();
  }, [refresh]);
  // Good news goes away by itself (longer when it offers an undo); warnings and errors stay.
  useEffect(() => {
    if (message?.kind !== 'ok') return;
    const timer = setTimeout(() => setMessage(null), message.undo ? 8_000 : 4_000);
    return () => clearTimeout(timer);
  }, [message]);
  useEffect(() => {
    // Fresh data on open; the cached vault shows meanwhile.
    void askBackground('vault:sync', {})
      .then(() => refresh())
      .catch((e: unknown) => {
        // The server revoked this session (logout elsewhere, theft detection): back to the login screen.
        if (e instanceof ExtensionError && e.code === 'session_ended') onSessionEnded();
        else setMessage({ kind: 'warn', text: t('vault.savedCopy', { error: e instanceof Error ? e.message : String(e) }) });
      });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  async function fill(uuid: string, confirmed: string[] = []) {
    if (tabId === null) return;
    const outcome = await run(() => askBackground('fill:tab', { tabId, uuid, confirmed }));
    if (!outcome) return;
    if (outcome.status === 'filled') {
      setMessage({ kind: 'ok', text: t('vault.filled') });
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
          const text =
            clearsInSeconds > 0
              ? t(field === 'username' ? 'vault.usernameCopiedClears' : 'vault.passwordCopiedClears', { seconds: clearsInSeconds })
              : t(field === 'username' ? 'vault.usernameCopied' : 'vault.passwordCopied');
          setMessage({ kind: 'ok', text });
        });
        return;
      }
      case 'open':
        if (account.url) await browser.tabs.create({ url: account.url });
        return;
      case 'details':
        setDetails(account.uuid);
        return;
      case 'edit':
        setEditing({ account });
        return;
      case 'delete':
        await run(async () => {
          await askBackground('vault:delete', { uuid: account.uuid });
          setDetails(null);
          setMessage({ kind: 'ok', text: t('vault.movedToTrash', { name: account.name }), undo: account });
          await refresh();
        });
        return;
      case 'restore':
        await run(async () => {
          await askBackground('vault:restore', { uuid: account.uuid });
          setMessage({ kind: 'ok', text: t('vault.restored', { name: account.name }) });
          await refresh();
        });
        return;
      case 'purge':
        setPurging(account);
        return;
    }
  }

  async function undo(account: AccountView) {
    setMessage(null);
    await onAction('restore', account);
  }

  if (panel === 'generator') {
    return (
      <div>
        <div className="row-between" style={{ marginBottom: 8 }}>
          <h2 className="screen-title">{t('popup.generator')}</h2>
          <button className="sa-btn sa-btn-small" onClick={() => setPanel('vault')}>
            {t('common.back')}
          </button>
        </div>
        <Generator onCopy={(value) => void copyToClipboard(value).then(() => setMessage({ kind: 'ok', text: t('common.copied') }))} />
        {message && <div className={`sa-alert sa-alert-${message.kind}`}>{message.text}</div>}
      </div>
    );
  }

  if (editing) {
    return (
      <AccountForm
        editing={editing}
        folders={[...new Set((list?.all ?? []).map((a) => a.folder).filter((f): f is string => !!f))].sort()}
        onCancel={() => setEditing(null)}
        onSaved={() => {
          setEditing(null);
          setMessage({ kind: 'ok', text: t('common.saved') });
          void refresh();
        }}
      />
    );
  }

  const detailed = details ? [...(list?.matching ?? []), ...(list?.all ?? [])].find((a) => a.uuid === details) : undefined;
  if (detailed) {
    const matching = list?.matching.some((a) => a.uuid === detailed.uuid) ?? false;
    return (
      <>
        {message && <MessageBanner message={message} onUndo={undo} />}
        <AccountDetails
          account={detailed}
          canFill={matching && tabId !== null}
          canWrite={canWrite}
          inTrash={false}
          onAction={onAction}
          onBack={() => setDetails(null)}
        />
      </>
    );
  }

  const pageApps = list?.page.applications ?? [];
  const blockedApp = pageApps.find((page) => !page.decision.allowed);
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
                const next = [...confirm.confirmed, ...confirm.outcome.keys];
                setConfirm(null);
                void fill(confirm.uuid, next);
              }}
            >
              {t('vault.fillAnyway')}
            </button>
            <button className="sa-btn sa-btn-small" onClick={() => setConfirm(null)}>
              {t('common.cancel')}
            </button>
          </div>
        </div>
      )}
      {purging && (
        <div className="sa-alert sa-alert-warn" role="alert" data-testid="purge-confirm">
          {t('vault.confirmPurge', { name: purging.name })}
          <div className="row" style={{ marginTop: 6 }}>
            <button
              className="sa-btn sa-btn-danger sa-btn-small"
              onClick={() => {
                const account = purging;
                setPurging(null);
                void run(async () => {
                  await askBackground('vault:delete', { uuid: account.uuid, permanent: true });
                  setMessage({ kind: 'ok', text: t('vault.purged', { name: account.name }) });
                  await refresh();
                });
              }}
            >
              {t('vault.deletePermanently')}
            </button>
            <button className="sa-btn sa-btn-small" onClick={() => setPurging(null)}>
              {t('common.cancel')}
            </button>
          </div>
        </div>
      )}
      {message && <MessageBanner message={message} onUndo={undo} />}
      {error && (
        <div className="sa-alert sa-alert-error" role="alert">
          {error}
        </div>
      )}
      {list?.catalogue.offline && (
        <div className="sa-alert sa-alert-warn" role="status" data-testid="catalogue-offline">
          {t('vault.catalogueOffline', { when: list.catalogue.checkedAt ? new Date(list.catalogue.checkedAt).toLocaleString() : '—' })}
        </div>
      )}
      <div className="row search">
        <input
          className="sa-input"
          type="search"
          placeholder={t('vault.searchPlaceholder')}
          aria-label={t('vault.search')}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          name="search"
          autoFocus
        />
        {canWrite && (
        <button className="sa-btn sa-btn-primary" onClick={() => setEditing({ account: null, defaults: { url: list?.page.host ? `https://${list.page.host}` : '' } })}>
          {t('vault.add')}
        </button>
        )}
      </div>
      <div className="tabs" role="tablist" aria-label={t('vault.views')}>
        <button className="tab" role="tab" aria-selected={view === 'accounts'} onClick={() => setView('accounts')}>
          {t('vault.accounts')}
        </button>
        <button className="tab" role="tab" aria-selected={view === 'trash'} onClick={() => setView('trash')}>
          {list && list.trash.length > 0 ? t('vault.trashCount', { count: list.trash.length }) : t('vault.trash')}
        </button>
      </div>
      {view === 'trash' ? (
        list?.trash.length ? (
          list.trash.map((account) => <AccountRow key={account.uuid} account={account} canFill={false} canWrite={canWrite} inTrash onAction={onAction} />)
        ) : (
          <p className="empty">{t('vault.trashEmpty')}</p>
        )
      ) : (
        <>
          {list?.page.host && query === '' && (
            <>
              <div className="section-title">{t('vault.forHost', { host: list.page.host })}</div>
              {blockedApp && list.matching.length === 0 && (
                <div className="sa-alert sa-alert-error" data-testid="access-blocked">
                  {blockedApp.decision.message}
                </div>
              )}
              {list.matching.length === 0 && !blockedApp && <p className="sa-muted">{t('vault.noLoginForSite')}</p>}
              <div data-testid="matching-accounts">
                {list.matching.map((account) => (
                  <AccountRow key={account.uuid} account={account} canFill={tabId !== null} canWrite={canWrite} inTrash={false} onAction={onAction} />
                ))}
              </div>
            </>
          )}
          <div className="section-title">{query ? t('vault.searchResults') : t('vault.allAccounts')}</div>
          <div data-testid="all-accounts">
            {(query ? (list?.all ?? []) : others).map((account) => (
              <AccountRow key={account.uuid} account={account} canFill={false} canWrite={canWrite} inTrash={false} onAction={onAction} />
            ))}
          </div>
          {list && list.all.length === 0 && (
            <p className="empty" data-testid="vault-empty">
              {query ? t('vault.noResults', { query }) : t('vault.empty')}
            </p>
          )}
        </>
      )}
    </div>
  );
}
