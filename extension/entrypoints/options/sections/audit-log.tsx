// The audit log as the Activity (own) and Audit (admin) sections show it: one filter form, one
// table of translated sentences, and the paging both use. The admin version adds the user filter,
// the "who" column and the export; the data comes from the background (`audit:own`, `audit:list`).
import { useCallback, useEffect, useState } from 'react';
import { auditTargetTypeSchema } from '@secureaccess/shared/contract';
import { useAsyncAction } from '@/hooks/useAsyncAction';
import { auditActionChoices, describeAuditEntry } from '@/utils/audit-actions';
import { currentLanguage, t } from '@/utils/i18n';
import type { AuditEntryView, AuditFilterView, AuditPageView } from '@/utils/protocol';
import './people.css';

type TargetType = AuditFilterView['targetType'] & string;

/** What the form holds: dates as the date inputs give them (YYYY-MM-DD, the person's own day). */
export interface AuditFormState {
  userEmail: string;
  action: string;
  targetType: '' | TargetType;
  targetId: string;
  success: '' | 'true' | 'false';
  from: string;
  to: string;
}

export const emptyAuditForm: AuditFormState = { userEmail: '', action: '', targetType: '', targetId: '', success: '', from: '', to: '' };

/** The form as a filter: whole days in local time, from midnight to the last millisecond. */
export function toAuditFilter(form: AuditFormState): AuditFilterView {
  const filter: AuditFilterView = {};
  if (form.userEmail.trim()) filter.userEmail = form.userEmail.trim();
  if (form.action) filter.action = form.action;
  if (form.targetType) filter.targetType = form.targetType;
  if (form.targetId.trim()) filter.targetId = form.targetId.trim();
  if (form.success) filter.success = form.success === 'true';
  if (form.from) filter.from = new Date(`${form.from}T00:00:00`).toISOString();
  if (form.to) filter.to = new Date(`${form.to}T23:59:59.999`).toISOString();
  return filter;
}

export function formatTime(iso: string): string {
  return new Date(iso).toLocaleString(currentLanguage(), { dateStyle: 'medium', timeStyle: 'short' });
}

function targetLabel(type: TargetType): string {
  return t(`people.audit.targetTypes.${type}`);
}

export function AuditFilterForm({
  form,
  onChange,
  onApply,
  withUser,
  busy,
}: {
  form: AuditFormState;
  onChange: (form: AuditFormState) => void;
  onApply: (form: AuditFormState) => void;
  withUser: boolean;
  busy: boolean;
}) {
  const set = (change: Partial<AuditFormState>) => onChange({ ...form, ...change });
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        onApply(form);
      }}
    >
      <fieldset className="options-group">
        <legend>{t('people.audit.filters')}</legend>
        <div className="people-filters">
          {withUser && (
            <label className="sa-field">
              <span>{t('people.audit.user')}</span>
              <input
                className="sa-input"
                type="email"
                name="userEmail"
                value={form.userEmail}
                placeholder={t('people.audit.userHelp')}
                onChange={(e) => set({ userEmail: e.target.value })}
              />
            </label>
          )}
          <label className="sa-field">
            <span>{t('people.audit.action')}</span>
            <select className="sa-input" name="action" value={form.action} onChange={(e) => set({ action: e.target.value })}>
              <option value="">{t('people.audit.anyAction')}</option>
              {auditActionChoices().map((choice) => (
                <option key={choice.action} value={choice.action}>
                  {choice.label}
                </option>
              ))}
            </select>
          </label>
          <label className="sa-field">
            <span>{t('people.audit.target')}</span>
            <select className="sa-input" name="targetType" value={form.targetType} onChange={(e) => set({ targetType: e.target.value as AuditFormState['targetType'] })}>
              <option value="">{t('people.audit.anyTarget')}</option>
              {auditTargetTypeSchema.options.map((type) => (
                <option key={type} value={type}>
                  {targetLabel(type)}
                </option>
              ))}
            </select>
          </label>
          <label className="sa-field">
            <span>{t('people.audit.targetId')}</span>
            <input className="sa-input" name="targetId" maxLength={64} value={form.targetId} onChange={(e) => set({ targetId: e.target.value })} />
          </label>
          <label className="sa-field">
            <span>{t('people.audit.result')}</span>
            <select className="sa-input" name="success" value={form.success} onChange={(e) => set({ success: e.target.value as AuditFormState['success'] })}>
              <option value="">{t('people.audit.anyResult')}</option>
              <option value="true">{t('people.audit.succeeded')}</option>
              <option value="false">{t('people.audit.failed')}</option>
            </select>
          </label>
          <label className="sa-field">
            <span>{t('people.audit.from')}</span>
            <input className="sa-input" type="date" name="from" value={form.from} onChange={(e) => set({ from: e.target.value })} />
          </label>
          <label className="sa-field">
            <span>{t('people.audit.to')}</span>
            <input className="sa-input" type="date" name="to" value={form.to} onChange={(e) => set({ to: e.target.value })} />
          </label>
        </div>
        <div className="row">
          <button type="submit" className="sa-btn sa-btn-primary" disabled={busy}>
            {t('people.audit.apply')}
          </button>
          <button
            type="button"
            className="sa-btn"
            disabled={busy}
            onClick={() => {
              onChange(emptyAuditForm);
              onApply(emptyAuditForm);
            }}
          >
            {t('people.audit.clear')}
          </button>
        </div>
      </fieldset>
    </form>
  );
}

function actorLabel(entry: AuditEntryView): string {
  if (entry.userId === null) return t('people.audit.noActor');
  return entry.userEmail ?? t('people.audit.unknownActor');
}

export function AuditTable({ entries, withUser }: { entries: AuditEntryView[]; withUser: boolean }) {
  if (entries.length === 0) return <p className="sa-muted" role="status">{t('people.audit.none')}</p>;
  return (
    <div className="people-table-wrap">
      <table className="people-table" data-testid="audit-table">
        <thead>
          <tr>
            <th scope="col">{t('people.audit.when')}</th>
            {withUser && <th scope="col">{t('people.audit.who')}</th>}
            <th scope="col">{t('people.audit.what')}</th>
            <th scope="col">{t('people.audit.target')}</th>
            <th scope="col">{t('people.audit.result')}</th>
            <th scope="col">{t('people.audit.where')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => {
            const { sentence, reason } = describeAuditEntry(entry);
            return (
              <tr key={entry.id} data-action={entry.action}>
                <td className="people-nowrap">
                  <time dateTime={entry.createdAt}>{formatTime(entry.createdAt)}</time>
                </td>
                {withUser && <td>{actorLabel(entry)}</td>}
                <td className="people-what">
                  {sentence}
                  {reason && <div className="sa-muted">{reason}</div>}
                </td>
                <td>
                  {entry.targetType ? targetLabel(entry.targetType) : ''}
                  {entry.targetId ? <div className="sa-muted">{entry.targetId}</div> : null}
                </td>
                <td>
                  <span className={`people-badge ${entry.success ? 'people-badge-ok' : 'people-badge-bad'}`}>
                    {entry.success ? t('people.audit.succeeded') : t('people.audit.failed')}
                  </span>
                </td>
                <td className="sa-muted">{entry.ip ?? ''}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/**
 * One filtered log, newest first, a page at a time: `load(filter, cursor)` asks the background.
 * A date range the wrong way round is refused here, in words, before any request.
 */
export function useAuditLog(load: (filter: AuditFilterView, cursor: string | undefined) => Promise<AuditPageView>) {
  const [form, setForm] = useState<AuditFormState>(emptyAuditForm);
  const [applied, setApplied] = useState<AuditFilterView>({});
  const [entries, setEntries] = useState<AuditEntryView[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const { busy, error, setError, run } = useAsyncAction();

  const apply = useCallback(
    async (next: AuditFormState) => {
      if (next.from && next.to && next.from > next.to) {
        setError(t('people.audit.datesReversed'));
        return;
      }
      const filter = toAuditFilter(next);
      const page = await run(() => load(filter, undefined));
      if (page) {
        setApplied(filter);
        setEntries(page.entries);
        setNextCursor(page.nextCursor);
      }
    },
    [load, run, setError],
  );

  const more = useCallback(async () => {
    if (!nextCursor) return;
    const page = await run(() => load(applied, nextCursor));
    if (page) {
      setEntries((current) => [...(current ?? []), ...page.entries]);
      setNextCursor(page.nextCursor);
    }
  }, [applied, load, nextCursor, run]);

  useEffect(() => {
    void apply(emptyAuditForm);
  }, [apply]);

  return { form, setForm, applied, entries, nextCursor, busy, error, apply, more };
}
