import { Fragment, useState } from 'react';
import { t } from '@/utils/i18n';
import './account-security.css';
import { downloadFile } from '@/utils/download';

function CodeActions({ text, fileName, fileText, printable }: { text: string; fileName: string; fileText: string; printable: boolean }) {
  const [copied, setCopied] = useState(false);
  const [copyFailed, setCopyFailed] = useState(false);
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      setCopyFailed(false);
    } catch {
      setCopyFailed(true);
    }
  }
  return (
    <>
      <div className="code-actions">
        <button type="button" className="sa-btn sa-btn-small" onClick={() => void copy()}>
          {t('common.copy')}
        </button>
        <button type="button" className="sa-btn sa-btn-small" onClick={() => downloadFile(fileName, fileText, 'text/plain;charset=utf-8')}>
          {t('security.codes.download')}
        </button>
        {printable && (
          <button type="button" className="sa-btn sa-btn-small" onClick={() => window.print()}>
            {t('security.codes.print')}
          </button>
        )}
      </div>
      {copied && (
        <div className="sa-alert sa-alert-ok" role="status">
          {t('common.copied')}
        </div>
      )}
      {copyFailed && (
        <div className="sa-alert sa-alert-error" role="alert">
          {t('security.codes.copyFailed')}
        </div>
      )}
    </>
  );
}

/**
 * A recovery code as a person copies it down: its groups of four never split across lines (each
 * is a nowrap span; a line may break only after a hyphen), with copy, download and print. The one
 * component for the code wherever it is shown (sign-up, a new code in the options page, after a
 * recovery).
 */
export function RecoveryCodeView({ code, printable = true }: { code: string; printable?: boolean }) {
  const groups = code.split('-');
  return (
    <div className="code-sheet">
      <p className="print-only">{t('security.codes.recoveryPrintTitle')}</p>
      <p className="recovery-code" data-testid="recovery-code">
        {groups.map((group, index) => (
          <Fragment key={index}>
            {index > 0 && '-'}
            {index > 0 && <wbr />}
            <span className="recovery-group">{group}</span>
          </Fragment>
        ))}
      </p>
      <CodeActions text={code} fileName="secureaccess-recovery-code.txt" fileText={`${t('security.codes.recoveryFileIntro')}\n\n${code}\n`} printable={printable} />
    </div>
  );
}

/** The 10 backup codes of two-factor login, shown once, with copy and download. */
export function BackupCodesView({ codes }: { codes: string[] }) {
  const text = codes.join('\n');
  return (
    <div className="code-sheet">
      <p className="print-only">{t('security.codes.backupPrintTitle')}</p>
      <ol className="backup-codes" data-testid="backup-codes" aria-label={t('security.codes.backupListLabel')}>
        {codes.map((code) => (
          <li key={code}>{code}</li>
        ))}
      </ol>
      <CodeActions text={text} fileName="secureaccess-backup-codes.txt" fileText={`${t('security.codes.backupFileIntro')}\n\n${text}\n`} printable />
    </div>
  );
}
