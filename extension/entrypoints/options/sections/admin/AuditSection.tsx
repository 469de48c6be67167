import { useCallback, useEffect, useState } from 'react';
import type { AuditVerificationResponse } from '@secureaccess/shared/contract';
import { useAsyncAction } from '@/hooks/useAsyncAction';
import { t } from '@/utils/i18n';
import { askBackground } from '@/utils/messaging';
import type { AuditFilterView } from '@/utils/protocol';
import { AuditFilterForm, AuditTable, formatTime, toAuditFilter, useAuditLog } from '../audit-log';
import { downloadFile } from '@/utils/download';

/** Admin: everyone's audit log with filters, older pages, CSV export and the hash chain's state. */
export function AuditSection() {
  const load = useCallback((filter: AuditFilterView, cursor: string | undefined) => askBackground('audit:list', { filter, ...(cursor ? { cursor } : {}) }), []);
  const log = useAuditLog(load);
  const exporting = useAsyncAction();
  const [exported, setExported] = useState<string | null>(null);

  async function exportCsv() {
    setExported(null);
    // The filters as typed (applied or not), so what is downloaded is what the form says.
    const answer = await exporting.run(() => askBackground('audit:export', { filter: toAuditFilter(log.form) }));
    if (!answer) return;
    downloadFile(answer.filename, answer.csv, 'text/csv;charset=utf-8');
    setExported(answer.filename);
  }

  return (
    <div className="stack people-wide">
      <ChainStatus />
      <AuditFilterForm form={log.form} onChange={log.setForm} onApply={(form) => void log.apply(form)} withUser busy={log.busy} />
      <div className="row">
        <button type="button" className="sa-btn" disabled={exporting.busy} onClick={() => void exportCsv()}>
          {exporting.busy ? t('common.working') : t('people.audit.export')}
        </button>
        {exported && (
          <span className="sa-muted" role="status">
            {t('people.audit.exported', { file: exported })}
          </span>
        )}
      </div>
      {exporting.error && (
        <div className="sa-alert sa-alert-error" role="alert">
          {exporting.error}
        </div>
      )}
      {log.error && (
        <div className="sa-alert sa-alert-error" role="alert">
          {log.error}
        </div>
      )}
      {log.entries === null ? (
        <span className="sa-spinner" role="status" aria-label={t('common.loading')} />
      ) : (
        <AuditTable entries={log.entries} withUser />
      )}
      {log.nextCursor && (
        <button type="button" className="sa-btn" disabled={log.busy} onClick={() => void log.more()}>
          {t('people.audit.loadMore')}
        </button>
      )}
    </div>
  );
}

function problemText(problem: Extract<AuditVerificationResponse['verification'], { ok: false }>['problem']): string {
  switch (problem) {
    case 'row_edited':
      return t('people.audit.problemRowEdited');
    case 'row_removed_or_reordered':
      return t('people.audit.problemRowRemoved');
    case 'end_removed':
      return t('people.audit.problemEndRemoved');
  }
}

/** The server's walk of the hash chain (GET /admin/audit/verify), on opening and on demand. */
function ChainStatus() {
  const [result, setResult] = useState<AuditVerificationResponse | null>(null);
  const { busy, error, run } = useAsyncAction();
  const verify = useCallback(async () => {
    const answer = await run(() => askBackground('audit:verify', {}));
    if (answer) setResult(answer);
  }, [run]);
  useEffect(() => {
    void verify();
  }, [verify]);

  let message: React.ReactNode = null;
  if (busy) {
    message = (
      <div className="sa-alert sa-alert-warn" role="status">
        {t('people.audit.chainChecking')}
      </div>
    );
  } else if (error) {
    message = (
      <div className="sa-alert sa-alert-error" role="alert">
        {error}
      </div>
    );
  } else if (result) {
    const v = result.verification;
    message = (
      <div className={`sa-alert ${v.ok ? 'sa-alert-ok' : 'sa-alert-error'}`} role={v.ok ? 'status' : 'alert'} data-testid="chain-status">
        {v.ok
          ? t('people.audit.chainOk', v.checked)
          : v.brokenAt !== null
            ? t('people.audit.chainBrokenRow', { id: v.brokenAt, problem: problemText(v.problem), checked: v.checked })
            : t('people.audit.chainBrokenEnd', { problem: problemText(v.problem), checked: v.checked })}{' '}
        <span className="sa-muted">{t('people.audit.verifiedAt', { time: formatTime(result.verifiedAt) })}</span>
      </div>
    );
  }
  return (
    <fieldset className="options-group">
      <legend>{t('people.audit.chain')}</legend>
      <div className="people-chain">
        {message}
        <button type="button" className="sa-btn" disabled={busy} onClick={() => void verify()}>
          {t('people.audit.chainVerify')}
        </button>
      </div>
    </fieldset>
  );
}
