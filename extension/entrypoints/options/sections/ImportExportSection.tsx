import { useEffect, useRef, useState } from 'react';
import { importFormats } from '@secureaccess/shared/import';
import { useAsyncAction } from '@/hooks/useAsyncAction';
import { t } from '@/utils/i18n';
import { askBackground } from '@/utils/messaging';
import type { TransferFile, TransferFormat, TransferPreview, TransferProgress } from '@/utils/protocol';
import type { GeneratedI18nStructure } from '#i18n';
import './import-export.css';
import { downloadFile } from '@/utils/download';

/** How often the page asks how far a running import is (the work itself is in the background). */
const progressPollMs = 300;

const formatLabels: Record<TransferFormat, keyof GeneratedI18nStructure & `transfer.formats.${string}`> = {
  chrome: 'transfer.formats.chrome',
  firefox: 'transfer.formats.firefox',
  bitwarden_csv: 'transfer.formats.bitwardenCsv',
  bitwarden_json: 'transfer.formats.bitwardenJson',
  lastpass: 'transfer.formats.lastpass',
  '1password': 'transfer.formats.onePassword',
  keepassxc: 'transfer.formats.keepassxc',
  passwords_manager: 'transfer.formats.passwordsManager',
  secureaccess_backup: 'transfer.formats.secureaccessBackup',
};
const transferFormats: TransferFormat[] = [...importFormats, 'secureaccess_backup'];

const lineLabel = (row: number) => (row === 0 ? t('transfer.import.wholeFile') : t('transfer.import.line', { line: row }));

/** Import (preview, progress, cancel) and both exports; the background does the work (transfer:*). */
export function ImportExportSection() {
  return (
    <div className="stack">
      <ImportPanel />
      <BackupExport />
      <CsvExport />
    </div>
  );
}

function ImportPanel() {
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState<TransferFormat | ''>('');
  const [password, setPassword] = useState('');
  const [needsPassword, setNeedsPassword] = useState(false);
  const [preview, setPreview] = useState<TransferPreview | null>(null);
  const [includeDuplicates, setIncludeDuplicates] = useState(false);
  const [progress, setProgress] = useState<TransferProgress | null>(null);
  const { busy, error, setError, run } = useAsyncAction();
  const fileInput = useRef<HTMLInputElement>(null);

  const running = progress?.state === 'running';
  useEffect(() => {
    if (!running || !progress) return;
    const timer = setInterval(() => {
      askBackground('transfer:progress', { jobId: progress.jobId }).then(setProgress, (e: Error) => {
        setError(e.message);
        setProgress((p) => (p ? { ...p, state: 'interrupted' } : p));
      });
    }, progressPollMs);
    return () => clearInterval(timer);
  }, [running, progress?.jobId, setError]); // eslint-disable-line react-hooks/exhaustive-deps

  function reset() {
    setFile(null);
    setPreview(null);
    setProgress(null);
    setPassword('');
    setNeedsPassword(false);
    setIncludeDuplicates(false);
    setError(null);
    if (fileInput.current) fileInput.current.value = '';
  }

  async function readFile(event: React.FormEvent) {
    event.preventDefault();
    if (!file) return setError(t('transfer.import.chooseFileFirst'));
    setPreview(null);
    setProgress(null);
    const text = await file.text();
    try {
      const answer = await askBackground('transfer:preview', { text, ...(format ? { format } : {}), ...(password ? { password } : {}) });
      setPreview(answer);
      setError(null);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'password_required' || code === 'wrong_password') setNeedsPassword(true);
      setError((e as Error).message);
    }
  }

  async function startImport() {
    if (!preview) return;
    const answer = await run(() => askBackground('transfer:import', { jobId: preview.jobId, includeDuplicates }));
    if (answer) setProgress(answer);
  }

  async function cancel() {
    if (!progress) return;
    const answer = await run(() => askBackground('transfer:cancel', { jobId: progress.jobId }));
    if (answer) setProgress(answer);
  }

  const count = preview ? (includeDuplicates ? preview.total : preview.toImport) : 0;
  return (
    <fieldset className="options-group transfer-import" data-testid="import">
      <legend>{t('transfer.import.title')}</legend>
      <p className="sa-muted">{t('transfer.import.help')}</p>
      <form className="stack" onSubmit={(e) => void run(() => readFile(e))}>
        <label className="sa-field">
          <span>{t('transfer.import.file')}</span>
          <input
            ref={fileInput}
            type="file"
            name="importFile"
            className="sa-input"
            accept=".csv,.json,text/csv,application/json"
            disabled={busy || running}
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
              setPreview(null);
              setProgress(null);
              setError(null);
            }}
          />
        </label>
        <label className="sa-field">
          <span>{t('transfer.import.format')}</span>
          <select className="sa-input" name="importFormat" value={format} disabled={busy || running} onChange={(e) => setFormat(e.target.value as TransferFormat | '')}>
            <option value="">{t('transfer.import.detect')}</option>
            {transferFormats.map((value) => (
              <option key={value} value={value}>
                {t(formatLabels[value])}
              </option>
            ))}
          </select>
        </label>
        {(needsPassword || format === 'secureaccess_backup') && (
          <label className="sa-field">
            <span>{t('transfer.import.backupPassword')}</span>
            <input type="password" className="sa-input" name="backupPassword" autoComplete="off" value={password} onChange={(e) => setPassword(e.target.value)} />
          </label>
        )}
        <div className="row">
          <button type="submit" className="sa-btn sa-btn-primary" disabled={busy || running || !file}>
            {t('transfer.import.preview')}
          </button>
          {busy && !running && <span className="sa-spinner" role="status" aria-label={t('common.working')} />}
        </div>
      </form>

      {preview && !progress && <PreviewView preview={preview} includeDuplicates={includeDuplicates} onIncludeDuplicates={setIncludeDuplicates} />}
      {preview && !progress && (
        <div className="row">
          <button type="button" className="sa-btn sa-btn-primary" disabled={busy || count === 0} onClick={() => void startImport()}>
            {t('transfer.import.start', count)}
          </button>
          <button type="button" className="sa-btn" disabled={busy} onClick={reset}>
            {t('common.cancel')}
          </button>
        </div>
      )}
      {progress && <ProgressView progress={progress} onCancel={() => void cancel()} onAgain={reset} />}
      {error && (
        <div className="sa-alert sa-alert-error" role="alert">
          {error}
        </div>
      )}
    </fieldset>
  );
}

function PreviewView(props: { preview: TransferPreview; includeDuplicates: boolean; onIncludeDuplicates: (value: boolean) => void }) {
  const { preview } = props;
  return (
    <section className="transfer-preview" aria-labelledby="transfer-preview-title" data-testid="import-preview">
      <h2 id="transfer-preview-title">{t('transfer.import.previewTitle')}</h2>
      <p>
        {preview.format ? t('transfer.import.formatFound', { format: t(formatLabels[preview.format]) }) : t('transfer.import.formatUnknown')}
      </p>
      <ul className="transfer-counts" data-testid="import-counts">
        <li>{t('transfer.import.readCount', preview.total)}</li>
        <li>{t('transfer.import.newCount', preview.toImport)}</li>
        <li>{t('transfer.import.duplicateCount', preview.duplicateCount)}</li>
        <li className={preview.errorCount > 0 ? 'transfer-error-count' : undefined}>{t('transfer.import.errorCount', preview.errorCount)}</li>
      </ul>
      {preview.rows.length > 0 && (
        <div className="transfer-table-wrap">
          <table className="transfer-table">
            <caption>{t('transfer.import.firstRows', preview.rows.length)}</caption>
            <thead>
              <tr>
                <th scope="col">{t('transfer.import.columnLine')}</th>
                <th scope="col">{t('transfer.import.columnName')}</th>
                <th scope="col">{t('transfer.import.columnWebsite')}</th>
                <th scope="col">{t('transfer.import.columnUsername')}</th>
                <th scope="col">{t('transfer.import.columnFolder')}</th>
                <th scope="col">{t('transfer.import.columnStatus')}</th>
              </tr>
            </thead>
            <tbody>
              {preview.rows.map((row) => (
                <tr key={row.row}>
                  <td>{row.row}</td>
                  <td>{row.title}</td>
                  <td className="transfer-url">{row.url}</td>
                  <td>{row.username}</td>
                  <td>{row.folder}</td>
                  <td>{row.duplicate ? t('transfer.import.statusDuplicate') : t('transfer.import.statusNew')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {preview.errorCount > 0 && (
        <details className="transfer-details" open data-testid="import-errors">
          <summary>{t('transfer.import.errorsTitle', preview.errorCount)}</summary>
          <ul>
            {preview.errors.map((error, index) => (
              <li key={`${error.row}-${index}`}>
                <strong>{lineLabel(error.row)}</strong> {error.message}
              </li>
            ))}
          </ul>
          {preview.errorCount > preview.errors.length && <p className="sa-muted">{t('transfer.import.more', preview.errorCount - preview.errors.length)}</p>}
        </details>
      )}
      {preview.duplicateCount > 0 && (
        <details className="transfer-details" data-testid="import-duplicates">
          <summary>{t('transfer.import.duplicatesTitle', preview.duplicateCount)}</summary>
          <ul>
            {preview.duplicates.map((duplicate) => (
              <li key={duplicate.row}>
                <strong>{lineLabel(duplicate.row)}</strong> {duplicate.title} — {duplicate.username || t('common.noUsername')} {duplicate.url && <span className="sa-muted">({duplicate.url})</span>}
              </li>
            ))}
          </ul>
          {preview.duplicateCount > preview.duplicates.length && <p className="sa-muted">{t('transfer.import.more', preview.duplicateCount - preview.duplicates.length)}</p>}
        </details>
      )}
      {preview.duplicateCount > 0 && (
        <label className="check">
          <input type="checkbox" name="includeDuplicates" checked={props.includeDuplicates} onChange={(e) => props.onIncludeDuplicates(e.target.checked)} />
          {t('transfer.import.includeDuplicates', preview.duplicateCount)}
        </label>
      )}
    </section>
  );
}

function ProgressView(props: { progress: TransferProgress; onCancel: () => void; onAgain: () => void }) {
  const { progress } = props;
  const done = progress.state !== 'running';
  return (
    <section className="transfer-progress" data-testid="import-progress" data-state={progress.state}>
      <label className="sa-field">
        <span id="transfer-progress-label">{t('transfer.import.progressLabel')}</span>
        <progress
          max={progress.total}
          value={progress.done}
          aria-labelledby="transfer-progress-label"
          aria-valuetext={t('transfer.import.progressText', { done: progress.done, total: progress.total })}
        />
      </label>
      <p role="status" aria-live="polite">
        {t('transfer.import.progressText', { done: progress.done, total: progress.total })}
      </p>
      {!done && (
        <button type="button" className="sa-btn" onClick={props.onCancel}>
          {t('transfer.import.cancel')}
        </button>
      )}
      {progress.state === 'done' && (
        <div className="sa-alert sa-alert-ok" role="status">
          {t('transfer.import.done', progress.done)}
        </div>
      )}
      {progress.state === 'cancelled' && (
        <div className="sa-alert sa-alert-warn" role="status">
          {t('transfer.import.cancelled', { done: progress.done, total: progress.total })}
        </div>
      )}
      {(progress.state === 'failed' || progress.state === 'interrupted') && (
        <div className="sa-alert sa-alert-error" role="alert">
          {progress.message} {t('transfer.import.partial', { done: progress.done, total: progress.total })}
        </div>
      )}
      {done && (
        <button type="button" className="sa-btn" onClick={props.onAgain}>
          {t('transfer.import.again')}
        </button>
      )}
    </section>
  );
}

/** Runs one export: asks the background, offers the file as a download, keeps what it said. */
function useExport() {
  const [file, setFile] = useState<TransferFile | null>(null);
  const { busy, error, setError, run } = useAsyncAction();
  async function exportWith(ask: () => Promise<TransferFile>): Promise<boolean> {
    setFile(null);
    const answer = await run(ask);
    if (!answer) return false;
    downloadFile(answer.fileName, answer.content, answer.mimeType);
    setFile(answer);
    return true;
  }
  return { busy, error, setError, file, exportWith };
}

/** The submit button of an export form, with what the export did (or why it did not). */
function ExportFooter(props: { label: string; danger?: boolean; disabled: boolean; busy: boolean; file: TransferFile | null; error: string | null }) {
  const { file, error } = props;
  return (
    <>
      <div className="row">
        <button type="submit" className={props.danger ? 'sa-btn sa-btn-danger' : 'sa-btn sa-btn-primary'} disabled={props.busy || props.disabled}>
          {props.label}
        </button>
        {props.busy && <span className="sa-spinner" role="status" aria-label={t('common.working')} />}
      </div>
      {file && (
        <div className="sa-alert sa-alert-ok" role="status" data-testid="export-done">
          {t('transfer.export.downloaded', file.count)} {t('transfer.export.savedAs', { file: file.fileName })}
          {file.skipped > 0 && ` ${t('transfer.export.skipped', file.skipped)}`}
        </div>
      )}
      {error && (
        <div className="sa-alert sa-alert-error" role="alert">
          {error}
        </div>
      )}
    </>
  );
}

function BackupExport() {
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const { busy, error, setError, file, exportWith } = useExport();

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    if (password !== confirm) return setError(t('transfer.export.passwordsDiffer'));
    if (await exportWith(() => askBackground('transfer:export-backup', { password }))) {
      setPassword('');
      setConfirm('');
    }
  }

  return (
    <form onSubmit={submit}>
      <fieldset className="options-group" data-testid="export-backup">
        <legend>{t('transfer.export.backupTitle')}</legend>
        <p className="sa-muted">{t('transfer.export.backupHelp')}</p>
        <div className="row">
          <label className="sa-field" style={{ flex: 1 }}>
            <span>{t('transfer.export.backupPassword')}</span>
            <input type="password" className="sa-input" name="backupPassword" autoComplete="new-password" required minLength={12} value={password} onChange={(e) => setPassword(e.target.value)} />
          </label>
          <label className="sa-field" style={{ flex: 1 }}>
            <span>{t('transfer.export.backupConfirm')}</span>
            <input type="password" className="sa-input" name="backupConfirm" autoComplete="new-password" required value={confirm} onChange={(e) => setConfirm(e.target.value)} />
          </label>
        </div>
        <ExportFooter label={t('transfer.export.backupButton')} disabled={false} busy={busy} file={file} error={error} />
      </fieldset>
    </form>
  );
}

function CsvExport() {
  const [masterPassword, setMasterPassword] = useState('');
  const [understood, setUnderstood] = useState(false);
  const { busy, error, file, exportWith } = useExport();

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    if (await exportWith(() => askBackground('transfer:export-csv', { masterPassword }))) {
      setMasterPassword('');
      setUnderstood(false);
    }
  }

  return (
    <form onSubmit={submit}>
      <fieldset className="options-group" data-testid="export-csv">
        <legend>{t('transfer.export.csvTitle')}</legend>
        <div className="sa-alert sa-alert-warn" role="note">
          {t('transfer.export.csvWarning')}
        </div>
        <label className="sa-field">
          <span>{t('transfer.export.csvMasterPassword')}</span>
          <input type="password" className="sa-input" name="csvMasterPassword" autoComplete="current-password" required value={masterPassword} onChange={(e) => setMasterPassword(e.target.value)} />
        </label>
        <label className="check">
          <input type="checkbox" name="csvUnderstood" checked={understood} onChange={(e) => setUnderstood(e.target.checked)} />
          {t('transfer.export.csvUnderstood')}
        </label>
        <ExportFooter label={t('transfer.export.csvButton')} danger disabled={!understood} busy={busy} file={file} error={error} />
      </fieldset>
    </form>
  );
}
