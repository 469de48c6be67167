import { useEffect, useMemo, useRef, useState } from 'react';
import type { Application } from '@secureaccess/shared/contract';
import { readCatalogueCsv, writeCatalogueCsv, type CatalogueCsvReadResult } from '@secureaccess/shared/catalogue-csv';
import { useAsyncAction } from '@/hooks/useAsyncAction';
import {
  cataloguePageSize,
  filterIndexed,
  indexApplications,
  pageOf,
  sortIndexed,
  type CatalogueSort,
  type CatalogueSortKey,
} from '@/utils/catalogue-table';
import { t } from '@/utils/i18n';
import { askBackground } from '@/utils/messaging';
import type { CatalogueBulkAction, CatalogueFreshness } from '@/utils/protocol';
import { CatalogueForm, strategyLabel } from './CatalogueForm';
import './catalogue.css';
import { downloadFile } from '@/utils/download';

type AccessState = Application['access'];
// Display only: the switch shows the state the admin set; whether a secret is released is decided
// by the shared decideAccess wherever one is.
const accessSwitchOn: Record<AccessState, boolean> = { granted: true, declined: false };
const flippedAccess: Record<AccessState, AccessState> = { granted: 'declined', declined: 'granted' };
const accessLabel = (access: AccessState) => t(`catalogue.access.${access}`);
const reportedValue: Record<AccessState, (application: Application) => string> = {
  granted: (application) => application.accessGrantedValue,
  declined: (application) => application.accessDeclinedValue,
};

const columns: { key: CatalogueSortKey; label: () => string }[] = [
  { key: 'name', label: () => t('catalogue.fields.name') },
  { key: 'url', label: () => t('catalogue.fields.url') },
  { key: 'matchStrategy', label: () => t('catalogue.fields.strategy') },
  { key: 'isActive', label: () => t('catalogue.fields.active') },
  { key: 'access', label: () => t('catalogue.fields.access') },
];

type Notice = { kind: 'ok' | 'error' | 'warn'; text: string; details?: string[] };

function mergeInto(applications: readonly Application[], changed: readonly Application[]): Application[] {
  const byId = new Map(changed.map((application) => [application.id, application]));
  const merged = applications.map((application) => byId.get(application.id) ?? application);
  const known = new Set(applications.map((application) => application.id));
  return [...merged, ...changed.filter((application) => !known.has(application.id))];
}

/**
 * The admin console's application catalogue (DESIGN §1, §8): a searchable, sortable, paged table
 * (fast at 10 000 applications: one lowercase index, one pass per keystroke, one page rendered),
 * toggles for active and access, bulk changes, add and edit with a test-a-URL box, CSV export
 * and import. The server checks the role and audits every change.
 */
export function CatalogueSection() {
  const [applications, setApplications] = useState<Application[] | null>(null);
  const [freshness, setFreshness] = useState<CatalogueFreshness | null>(null);
  const [query, setQuery] = useState('');
  const [sort, setSort] = useState<CatalogueSort>({ key: 'name', descending: false });
  const [page, setPage] = useState(0);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [editing, setEditing] = useState<Application | 'new' | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [pendingImport, setPendingImport] = useState<CatalogueCsvReadResult | null>(null);
  const [rowBusy, setRowBusy] = useState<ReadonlySet<string>>(new Set());
  const { busy, error, run } = useAsyncAction();
  const fileInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    void run(async () => {
      const view = await askBackground('catalogue:list', {});
      setApplications(view.applications);
      setFreshness(view.freshness);
    });
  }, [run]);

  const indexed = useMemo(() => indexApplications(applications ?? []), [applications]);
  const sorted = useMemo(() => sortIndexed(indexed, sort), [indexed, sort]);
  const filtered = useMemo(() => filterIndexed(sorted, query), [sorted, query]);
  const shown = pageOf(filtered, page);

  if (applications === null) {
    return error ? (
      <div className="sa-alert sa-alert-error" role="alert">
        {error}
      </div>
    ) : (
      <span className="sa-spinner" role="status" aria-label={t('common.loading')} />
    );
  }

  const replace = (changed: readonly Application[]) => setApplications((current) => mergeInto(current ?? [], changed));

  async function change(application: Application, changes: Parameters<typeof askBackground<'catalogue:update'>>[1]['changes']) {
    setNotice(null);
    setRowBusy((ids) => new Set([...ids, application.id]));
    try {
      const answer = await run(() => askBackground('catalogue:update', { id: application.id, changes }));
      if (answer) {
        replace([answer.application]);
        setNotice({ kind: 'ok', text: t('catalogue.notices.saved', [answer.application.name]) });
      }
    } finally {
      setRowBusy((ids) => new Set([...ids].filter((id) => id !== application.id)));
    }
  }

  async function bulk(action: CatalogueBulkAction) {
    setNotice(null);
    const ids = [...selected];
    const answer = await run(() => askBackground('catalogue:bulk', { ids, action }));
    if (!answer) return;
    replace(answer.updated);
    setSelected(new Set(answer.failed.map((failure) => failure.id)));
    setNotice(
      answer.failed.length === 0
        ? { kind: 'ok', text: t('catalogue.notices.bulkDone', answer.updated.length) }
        : {
            kind: 'warn',
            text: t('catalogue.notices.bulkPartial', [String(answer.updated.length), String(answer.failed.length)]),
            details: answer.failed.map((failure) => `${applications?.find((a) => a.id === failure.id)?.name ?? failure.id}: ${failure.message}`),
          },
    );
  }

  async function chooseFile(file: File | undefined) {
    setNotice(null);
    setPendingImport(null);
    if (!file) return;
    const result = readCatalogueCsv(await file.text());
    if (fileInput.current) fileInput.current.value = '';
    if (result.rows.length === 0) {
      setNotice({ kind: 'error', text: t('catalogue.import.nothing'), details: result.errors.map((e) => t('catalogue.import.lineError', [String(e.line), e.message])) });
      return;
    }
    setPendingImport(result);
  }

  async function confirmImport() {
    if (!pendingImport) return;
    const rows = pendingImport.rows;
    setPendingImport(null);
    const answer = await run(() => askBackground('catalogue:import', { rows }));
    if (!answer) return;
    replace(answer.applications);
    setNotice({
      kind: answer.failed.length === 0 ? 'ok' : 'warn',
      text: t('catalogue.import.done', [String(answer.created), String(answer.updated), String(answer.unchanged), String(answer.failed.length)]),
      details: answer.failed.map((e) => t('catalogue.import.lineError', [String(e.line), e.message])),
    });
  }

  function exportCsv() {
    const date = new Date().toISOString().slice(0, 10);
    downloadFile(`secureaccess-catalogue-${date}.csv`, writeCatalogueCsv(sorted.map((row) => row.application)), 'text/csv;charset=utf-8');
    setNotice({ kind: 'ok', text: t('catalogue.notices.exported', applications?.length ?? 0) });
  }

  if (editing !== null) {
    return (
      <CatalogueForm
        application={editing === 'new' ? null : editing}
        catalogue={applications}
        onCancel={() => setEditing(null)}
        onSaved={(saved, created) => {
          replace([saved]);
          setEditing(null);
          setNotice({ kind: 'ok', text: created ? t('catalogue.notices.added', [saved.name]) : t('catalogue.notices.saved', [saved.name]) });
        }}
      />
    );
  }

  const pageIds = shown.rows.map((row) => row.application.id);
  const pageAllSelected = pageIds.length > 0 && pageIds.every((id) => selected.has(id));
  const toggleSelected = (id: string, on: boolean) =>
    setSelected((current) => {
      const next = new Set(current);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const sortBy = (key: CatalogueSortKey) => setSort((current) => ({ key, descending: current.key === key ? !current.descending : false }));
  const first = filtered.length === 0 ? 0 : shown.page * cataloguePageSize + 1;
  const last = shown.page * cataloguePageSize + shown.rows.length;

  return (
    <div className="stack catalogue">
      <p className="sa-muted">{t('catalogue.intro')}</p>
      {freshness?.offline && (
        <div className="sa-alert sa-alert-warn" role="status">
          {t('catalogue.offline')}
        </div>
      )}
      <div className="row catalogue-toolbar">
        <label className="catalogue-search">
          <span className="visually-hidden">{t('catalogue.search')}</span>
          <input
            className="sa-input"
            type="search"
            name="catalogueSearch"
            placeholder={t('catalogue.searchPlaceholder')}
            value={query}
            onChange={(e) => {
              setQuery(e.target.value);
              setPage(0);
            }}
          />
        </label>
        <button type="button" className="sa-btn sa-btn-primary" onClick={() => setEditing('new')}>
          {t('catalogue.add')}
        </button>
        <button type="button" className="sa-btn" onClick={exportCsv}>
          {t('catalogue.export')}
        </button>
        <label className="sa-btn catalogue-file">
          {t('catalogue.import.choose')}
          <input ref={fileInput} type="file" accept=".csv,text/csv" name="catalogueImport" className="visually-hidden" onChange={(e) => void chooseFile(e.target.files?.[0])} />
        </label>
      </div>

      {pendingImport && (
        <div className="sa-alert sa-alert-warn" role="alert" data-testid="catalogue-import-preview">
          <p>{t('catalogue.import.ready', [String(pendingImport.rows.length), String(pendingImport.errors.length)])}</p>
          {pendingImport.errors.length > 0 && (
            <ul>
              {pendingImport.errors.slice(0, 10).map((e) => (
                <li key={`${e.line}-${e.message}`}>{t('catalogue.import.lineError', [String(e.line), e.message])}</li>
              ))}
            </ul>
          )}
          <div className="row">
            <button type="button" className="sa-btn sa-btn-primary sa-btn-small" disabled={busy} onClick={() => void confirmImport()}>
              {t('catalogue.import.confirm', pendingImport.rows.length)}
            </button>
            <button type="button" className="sa-btn sa-btn-small" onClick={() => setPendingImport(null)}>
              {t('common.cancel')}
            </button>
          </div>
        </div>
      )}

      {selected.size > 0 && (
        <div className="row catalogue-bulk" role="group" aria-label={t('catalogue.bulk.label')} data-testid="catalogue-bulk">
          <span>{t('catalogue.bulk.selected', selected.size)}</span>
          <button type="button" className="sa-btn sa-btn-small" disabled={busy} onClick={() => void bulk('grant')}>
            {t('catalogue.bulk.grant')}
          </button>
          <button type="button" className="sa-btn sa-btn-small" disabled={busy} onClick={() => void bulk('decline')}>
            {t('catalogue.bulk.decline')}
          </button>
          <button type="button" className="sa-btn sa-btn-small" disabled={busy} onClick={() => void bulk('deactivate')}>
            {t('catalogue.bulk.deactivate')}
          </button>
          <button type="button" className="sa-btn sa-btn-small" disabled={busy} onClick={() => void bulk('activate')}>
            {t('catalogue.bulk.activate')}
          </button>
          <button type="button" className="sa-btn sa-btn-link sa-btn-small" onClick={() => setSelected(new Set())}>
            {t('catalogue.bulk.clear')}
          </button>
        </div>
      )}

      {(notice || error) && (
        <div className={`sa-alert sa-alert-${error ? 'error' : notice!.kind}`} role={error || notice?.kind === 'error' ? 'alert' : 'status'} data-testid="catalogue-notice">
          {error ?? notice!.text}
          {!error && notice?.details && notice.details.length > 0 && (
            <ul>
              {notice.details.slice(0, 20).map((detail) => (
                <li key={detail}>{detail}</li>
              ))}
            </ul>
          )}
        </div>
      )}

      <div className="row-between catalogue-count">
        <span role="status" aria-live="polite" data-testid="catalogue-count">
          {filtered.length === applications.length
            ? t('catalogue.count', applications.length)
            : t('catalogue.countFiltered', [String(filtered.length), String(applications.length)])}
        </span>
        {filtered.length > 0 && selected.size < filtered.length && (
          <button type="button" className="sa-btn sa-btn-link sa-btn-small" onClick={() => setSelected(new Set(filtered.map((row) => row.application.id)))}>
            {t('catalogue.bulk.selectAllMatching', filtered.length)}
          </button>
        )}
      </div>

      <table className="catalogue-table" aria-label={t('catalogue.tableLabel')} data-testid="catalogue-table">
        <thead>
          <tr>
            <th scope="col" className="catalogue-select">
              <input
                type="checkbox"
                aria-label={t('catalogue.bulk.selectPage')}
                checked={pageAllSelected}
                onChange={(e) => setSelected((current) => {
                  const next = new Set(current);
                  for (const id of pageIds) if (e.target.checked) next.add(id); else next.delete(id);
                  return next;
                })}
              />
            </th>
            {columns.map((column) => (
              <th key={column.key} scope="col" aria-sort={sort.key === column.key ? (sort.descending ? 'descending' : 'ascending') : 'none'}>
                <button type="button" className="catalogue-sort" onClick={() => sortBy(column.key)}>
                  {column.label()}
                  <span aria-hidden="true">{sort.key === column.key ? (sort.descending ? ' ▼' : ' ▲') : ''}</span>
                </button>
              </th>
            ))}
            <th scope="col">
              <span className="visually-hidden">{t('catalogue.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody data-testid="catalogue-rows">
          {shown.rows.map(({ application }) => {
            const rowIsBusy = rowBusy.has(application.id);
            const { isActive, access } = application;
            return (
              <tr key={application.id} data-testid="catalogue-row" data-id={application.id}>
                <td className="catalogue-select">
                  <input
                    type="checkbox"
                    aria-label={t('catalogue.bulk.selectOne', [application.name])}
                    checked={selected.has(application.id)}
                    onChange={(e) => toggleSelected(application.id, e.target.checked)}
                  />
                </td>
                <td className="catalogue-name">{application.name}</td>
                <td className="catalogue-url" title={application.url}>
                  {application.url}
                  {application.matchPatterns.length > 0 && <small className="sa-muted"> {t('catalogue.morePatterns', application.matchPatterns.length)}</small>}
                </td>
                <td>{strategyLabel(application.matchStrategy)}</td>
                <td>
                  <button
                    type="button"
                    role="switch"
                    className="catalogue-switch"
                    aria-checked={isActive}
                    aria-label={t('catalogue.table.activeSwitch', [application.name])}
                    disabled={rowIsBusy}
                    onClick={() => void change(application, { isActive: !isActive })}
                  >
                    {isActive ? t('catalogue.active') : t('catalogue.inactive')}
                  </button>
                </td>
                <td>
                  <button
                    type="button"
                    role="switch"
                    className="catalogue-switch"
                    aria-checked={accessSwitchOn[access]}
                    aria-label={t('catalogue.table.accessSwitch', [application.name])}
                    title={t('catalogue.table.reports', [reportedValue[access](application)])}
                    disabled={rowIsBusy}
                    onClick={() => void change(application, { access: flippedAccess[access] })}
                  >
                    {accessLabel(access)}
                  </button>
                </td>
                <td>
                  <button type="button" className="sa-btn sa-btn-small" aria-label={t('catalogue.table.edit', [application.name])} onClick={() => setEditing(application)}>
                    {t('catalogue.table.editShort')}
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {filtered.length === 0 && <p className="sa-muted" data-testid="catalogue-empty">{applications.length === 0 ? t('catalogue.empty') : t('catalogue.noMatch')}</p>}

      <nav className="row catalogue-pager" aria-label={t('catalogue.pager.label')}>
        <button type="button" className="sa-btn sa-btn-small" disabled={shown.page === 0} onClick={() => setPage(shown.page - 1)}>
          {t('catalogue.pager.previous')}
        </button>
        <span data-testid="catalogue-page">{t('catalogue.pager.range', [String(first), String(last), String(filtered.length), String(shown.page + 1), String(shown.pages)])}</span>
        <button type="button" className="sa-btn sa-btn-small" disabled={shown.page >= shown.pages - 1} onClick={() => setPage(shown.page + 1)}>
          {t('catalogue.pager.next')}
        </button>
      </nav>
    </div>
  );
}
