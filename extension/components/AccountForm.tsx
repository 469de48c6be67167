import { useEffect, useState } from 'react';
import { useAsyncAction } from '@/hooks/useAsyncAction';
import { t } from '@/utils/i18n';
import { askBackground } from '@/utils/messaging';
import type { AccountView } from '@/utils/protocol';
import { Generator } from './Generator';

/** The account being edited (null: a new one), with defaults for a new one. */
export type Editing = { account: AccountView | null; defaults?: { url: string } };

/** Add or edit an account (popup and options page): every field, the generator, show/hide. */
export function AccountForm({
  editing,
  folders,
  onSaved,
  onCancel,
}: {
  editing: Editing;
  /** Folders already in the vault, offered as suggestions. */
  folders: string[];
  onSaved: () => void;
  onCancel: () => void;
}) {
  const account = editing.account;
  const [title, setTitle] = useState(account?.title ?? '');
  const [folder, setFolder] = useState(account?.folder ?? '');
  const [url, setUrl] = useState(account?.url ?? editing.defaults?.url ?? '');
  const [username, setUsername] = useState(account?.username ?? '');
  const [password, setPassword] = useState('');
  const [notes, setNotes] = useState('');
  const [show, setShow] = useState(false);
  const [generator, setGenerator] = useState(false);
  const { busy, error, run } = useAsyncAction();
  // Editing needs the secrets; when access refuses them, saving would overwrite what it cannot see.
  const [secretsLoaded, setSecretsLoaded] = useState(!account);

  useEffect(() => {
    if (!account) return;
    void run(async () => {
      const secrets = await askBackground('vault:reveal', { uuid: account.uuid });
      setPassword(secrets.password);
      setNotes(secrets.notes);
      setSecretsLoaded(true);
    });
  }, [account, run]);

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    const saved = await run(() => askBackground('vault:save', { uuid: account?.uuid, title, folder, url, username, password, notes }));
    if (saved) onSaved();
  }

  return (
    <form onSubmit={submit} data-testid="account-form">
      <h2 className="screen-title" style={{ marginBottom: 10 }}>
        {account ? t('vault.editTitle', { name: account.name }) : t('vault.addTitle')}
      </h2>
      <label className="sa-field">
        <span>{t('vault.title')}</span>
        <input className="sa-input" name="title" placeholder={t('vault.titlePlaceholder')} value={title} onChange={(e) => setTitle(e.target.value)} />
      </label>
      <label className="sa-field">
        <span>{t('vault.website')}</span>
        <input className="sa-input" name="url" placeholder={t('vault.websitePlaceholder')} value={url} onChange={(e) => setUrl(e.target.value)} />
      </label>
      <label className="sa-field">
        <span>{t('vault.username')}</span>
        <input className="sa-input" name="username" value={username} onChange={(e) => setUsername(e.target.value)} />
      </label>
      <label className="sa-field">
        <span>{t('vault.password')}</span>
        <div className="row">
          <input
            className="sa-input"
            name="password"
            type={show ? 'text' : 'password'}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            // Until the saved password arrives: typed text would be overwritten by it.
            disabled={!secretsLoaded}
            required
          />
          <button
            type="button"
            className="sa-btn sa-btn-small"
            aria-label={show ? t('common.hidePassword') : t('common.showPassword')}
            aria-pressed={show}
            onClick={() => setShow(!show)}
            disabled={!secretsLoaded}
            data-testid="password-show"
          >
            {show ? t('common.hide') : t('common.show')}
          </button>
          <button type="button" className="sa-btn sa-btn-small" onClick={() => setGenerator(!generator)}>
            {t('vault.generate')}
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
        <span>{t('vault.folder')}</span>
        <input
          className="sa-input"
          name="folder"
          list="sa-folders"
          placeholder={t('vault.folderPlaceholder')}
          value={folder}
          onChange={(e) => setFolder(e.target.value)}
        />
        <datalist id="sa-folders">
          {folders.map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
      </label>
      <label className="sa-field">
        <span>{t('vault.notes')}</span>
        <textarea className="sa-input" name="notes" rows={2} value={notes} onChange={(e) => setNotes(e.target.value)} disabled={!secretsLoaded} />
      </label>
      {error && (
        <div className="sa-alert sa-alert-error" role="alert">
          {error}
        </div>
      )}
      <div className="row">
        <button type="submit" className="sa-btn sa-btn-primary" disabled={busy || !secretsLoaded} data-testid="account-save">
          {t('common.save')}
        </button>
        <button type="button" className="sa-btn" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

