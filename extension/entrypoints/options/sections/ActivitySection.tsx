import { useCallback } from 'react';
import { t } from '@/utils/i18n';
import { askBackground } from '@/utils/messaging';
import type { AuditFilterView } from '@/utils/protocol';
import { AuditFilterForm, AuditTable, useAuditLog } from './audit-log';

/** The signed-in user's own audit log (GET /audit), any role: filters and older pages. */
export function ActivitySection() {
  const load = useCallback(
    (filter: AuditFilterView, cursor: string | undefined) => {
      const { userEmail: _ignored, ...own } = filter;
      return askBackground('audit:own', { filter: own, ...(cursor ? { cursor } : {}) });
    },
    [],
  );
  const log = useAuditLog(load);
  return (
    <div className="stack people-wide">
      <p className="sa-muted">{t('people.activity.intro')}</p>
      <AuditFilterForm form={log.form} onChange={log.setForm} onApply={(form) => void log.apply(form)} withUser={false} busy={log.busy} />
      {log.error && (
        <div className="sa-alert sa-alert-error" role="alert">
          {log.error}
        </div>
      )}
      {log.entries === null ? (
        <span className="sa-spinner" role="status" aria-label={t('common.loading')} />
      ) : (
        <AuditTable entries={log.entries} withUser={false} />
      )}
      {log.nextCursor && (
        <button type="button" className="sa-btn" disabled={log.busy} onClick={() => void log.more()}>
          {t('people.audit.loadMore')}
        </button>
      )}
    </div>
  );
}
