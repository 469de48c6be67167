import { useMemo, useState } from 'react';
import { decideAccess } from '@secureaccess/shared/access';
import type { Application, UpdateApplicationBody } from '@secureaccess/shared/contract';
import { createApplicationIndex, matchApplications, matchStrategies, validateMatchPattern, type ApplicationMatch, type MatchStrategy } from '@secureaccess/shared/matcher';
import { useAsyncAction } from '@/hooks/useAsyncAction';
import { t } from '@/utils/i18n';
import { askBackground } from '@/utils/messaging';
import type { CatalogueDraft } from '@/utils/protocol';

type AccessChoice = Application['access'] | 'default';

interface Draft {
  name: string;
  url: string;
  matchStrategy: MatchStrategy;
  patterns: string;
  isActive: boolean;
  /** `default`: a new application takes the organisation's default access (the server knows it). */
  accessChoice: AccessChoice;
  accessGrantedValue: string;
  accessDeclinedValue: string;
}

export function strategyLabel(strategy: MatchStrategy): string {
  return t(`catalogue.strategies.${strategy}`);
}

function draftOf(application: Application | null): Draft {
  return application
    ? {
        name: application.name,
        url: application.url,
        matchStrategy: application.matchStrategy,
        patterns: application.matchPatterns.join('\n'),
        isActive: application.isActive,
        accessChoice: application.access,
        accessGrantedValue: application.accessGrantedValue,
        accessDeclinedValue: application.accessDeclinedValue,
      }
    : { name: '', url: 'https://', matchStrategy: 'base_domain', patterns: '', isActive: true, accessChoice: 'default', accessGrantedValue: 'granted', accessDeclinedValue: 'declined' };
}

const patternsOf = (text: string) => text.split('\n').map((line) => line.trim()).filter((line) => line !== '');

/** What is wrong with each extra pattern line (the server checks again). */
function patternProblems(strategy: MatchStrategy, patterns: string[]): string[] {
  return patterns.flatMap((pattern, index) => {
    if (strategy === 'regex') {
      const check = validateMatchPattern(pattern);
      return check.valid ? [] : [t('catalogue.form.patternInvalidRegex', [String(index + 1), check.reason])];
    }
    try {
      if (/^https?:$/.test(new URL(pattern).protocol)) return [];
    } catch {
      // not a URL: reported below
    }
    return [t('catalogue.form.patternInvalidUrl', [String(index + 1)])];
  });
}

type TestApplication = Application & { isDraft?: boolean };

function ruleText(match: ApplicationMatch<TestApplication>): string {
  const strategy = strategyLabel(match.strategy);
  if (match.rule.source === 'url') return t('catalogue.test.byUrl', [match.rule.value, strategy]);
  return match.strategy === 'regex'
    ? t('catalogue.test.byRegex', [String(match.rule.index + 1), match.rule.value])
    : t('catalogue.test.byPattern', [String(match.rule.index + 1), match.rule.value, strategy]);
}

/**
 * The "test a URL" box: which application a page would be matched to, by which rule, and what the
 * shared access rule would decide — with this form's unsaved values standing in for the
 * application being edited. The rest of the catalogue is indexed once.
 */
function TestUrl(props: {
  catalogue: readonly Application[];
  draft: TestApplication;
  editingId: string | null;
  /** A new application on the organisation's default access: its decision cannot be previewed. */
  defaultAccess: boolean;
}) {
  const { catalogue, draft, editingId } = props;
  const [url, setUrl] = useState('');
  const wanted = url.trim() !== '';
  const others = useMemo(
    () => (wanted ? createApplicationIndex(catalogue.filter((application) => application.id !== editingId)) : null),
    [wanted, catalogue, editingId],
  );
  const matches = useMemo(() => {
    if (!others || !wanted) return null;
    // The few that match from the index, re-ranked together with the draft by the shared matcher.
    const candidates = others.match(url).map((match) => match.application as TestApplication);
    return matchApplications(url, [draft, ...candidates]);
  }, [others, url, draft, wanted]);
  const now = new Date();
  return (
    <fieldset className="options-group">
      <legend>{t('catalogue.test.title')}</legend>
      <label className="sa-field">
        <span>{t('catalogue.test.url')}</span>
        <input className="sa-input" name="testUrl" type="url" value={url} placeholder={t('catalogue.test.placeholder')} onChange={(e) => setUrl(e.target.value)} />
      </label>
      <div role="status" aria-live="polite" data-testid="catalogue-test-result">
        {matches === null ? null : matches.length === 0 ? (
          <p className="sa-muted">{/^\s*https?:\/\/\S/i.test(url) ? t('catalogue.test.noMatch') : t('catalogue.test.notHttp')}</p>
        ) : (
          <ol className="catalogue-matches">
            {matches.map((match, index) => {
              const decision = match.application.isDraft && props.defaultAccess ? null : decideAccess(match.application, now);
              return (
                <li key={match.application.id}>
                  <b>{match.application.isDraft ? t('catalogue.test.thisApplication', [draft.name || draft.url]) : match.application.name}</b>
                  {index === 0 && <span className="catalogue-badge">{t('catalogue.test.used')}</span>}
                  <div>{ruleText(match)}</div>
                  {match.insecure && <div className="sa-muted">{t('catalogue.test.insecure')}</div>}
                  {decision && (
                    <div className={decision.allowed ? 'catalogue-ok' : 'catalogue-refused'}>
                      {decision.allowed ? t('catalogue.test.allowed', [decision.value]) : t(`catalogue.test.refused.${decision.reason ?? 'declined'}`, [decision.value])}
                    </div>
                  )}
                </li>
              );
            })}
          </ol>
        )}
      </div>
    </fieldset>
  );
}

/** Add (application null) or edit one application; every field the contract lets an admin set. */
export function CatalogueForm(props: {
  application: Application | null;
  catalogue: readonly Application[];
  onSaved: (application: Application, created: boolean) => void;
  onCancel: () => void;
}) {
  const { application, catalogue } = props;
  const [draft, setDraft] = useState<Draft>(() => draftOf(application));
  const { busy, error, setError, run } = useAsyncAction();
  const set = (change: Partial<Draft>) => setDraft((current) => ({ ...current, ...change }));
  const patterns = useMemo(() => patternsOf(draft.patterns), [draft.patterns]);
  const problems = useMemo(() => patternProblems(draft.matchStrategy, patterns), [draft.matchStrategy, patterns]);
  const testApplication = useMemo<TestApplication>(
    () => ({
      id: application?.id ?? 'draft',
      name: draft.name,
      url: draft.url,
      matchStrategy: draft.matchStrategy,
      matchPatterns: patterns,
      isActive: draft.isActive,
      // A new application on the default access stands in as granted; its decision line is left out.
      access: draft.accessChoice === 'default' ? 'granted' : draft.accessChoice,
      accessGrantedValue: draft.accessGrantedValue,
      accessDeclinedValue: draft.accessDeclinedValue,
      createdAt: application?.createdAt ?? '',
      updatedAt: application?.updatedAt ?? '',
      isDraft: true,
    }),
    [application, draft, patterns],
  );

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    if (problems.length > 0) return setError(problems.join(' '));
    if (draft.matchStrategy === 'regex' && patterns.length === 0) return setError(t('catalogue.form.regexNeedsPattern'));
    const wanted = {
      name: draft.name.trim(),
      url: draft.url.trim(),
      matchStrategy: draft.matchStrategy,
      matchPatterns: patterns,
      isActive: draft.isActive,
      ...(draft.accessChoice === 'default' ? {} : { access: draft.accessChoice }),
      accessGrantedValue: draft.accessGrantedValue.trim(),
      accessDeclinedValue: draft.accessDeclinedValue.trim(),
    } satisfies CatalogueDraft;
    if (application === null) {
      const answer = await run(() => askBackground('catalogue:create', { draft: wanted }));
      if (answer) props.onSaved(answer.application, true);
      return;
    }
    const changes: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(wanted)) {
      if (JSON.stringify(value) !== JSON.stringify(application[key as keyof Application])) changes[key] = value;
    }
    if (Object.keys(changes).length === 0) return props.onSaved(application, false);
    const answer = await run(() => askBackground('catalogue:update', { id: application.id, changes: changes as UpdateApplicationBody }));
    if (answer) props.onSaved(answer.application, false);
  }

  const patternHelp = draft.matchStrategy === 'regex' ? t('catalogue.form.patternsHelpRegex') : t('catalogue.form.patternsHelpUrls');
  return (
    <form onSubmit={submit} className="stack" data-testid="catalogue-form" aria-labelledby="catalogue-form-title">
      <h2 id="catalogue-form-title" className="catalogue-subtitle">
        {application ? t('catalogue.form.editTitle', [application.name]) : t('catalogue.form.addTitle')}
      </h2>
      <fieldset className="options-group">
        <legend>{t('catalogue.form.identity')}</legend>
        <label className="sa-field">
          <span>{t('catalogue.fields.name')}</span>
          <input className="sa-input" name="name" required maxLength={200} autoFocus value={draft.name} onChange={(e) => set({ name: e.target.value })} />
        </label>
        <label className="sa-field">
          <span>{t('catalogue.fields.url')}</span>
          <input className="sa-input" name="url" type="url" required maxLength={2048} value={draft.url} onChange={(e) => set({ url: e.target.value })} />
        </label>
      </fieldset>

      <fieldset className="options-group">
        <legend>{t('catalogue.form.matching')}</legend>
        <label className="sa-field">
          <span>{t('catalogue.fields.strategy')}</span>
          <select className="sa-input" name="matchStrategy" value={draft.matchStrategy} onChange={(e) => set({ matchStrategy: e.target.value as MatchStrategy })} aria-describedby="catalogue-strategy-help">
            {matchStrategies.map((strategy) => (
              <option key={strategy} value={strategy}>
                {strategyLabel(strategy)}
              </option>
            ))}
          </select>
          <small id="catalogue-strategy-help" className="sa-muted">
            {t(`catalogue.strategyHelp.${draft.matchStrategy}`)}
          </small>
        </label>
        <label className="sa-field">
          <span>{t('catalogue.fields.patterns')}</span>
          <textarea className="sa-input catalogue-patterns" name="matchPatterns" rows={3} value={draft.patterns} onChange={(e) => set({ patterns: e.target.value })} aria-describedby="catalogue-patterns-help" aria-invalid={problems.length > 0} />
          <small id="catalogue-patterns-help" className="sa-muted">
            {patternHelp}
          </small>
        </label>
        {problems.length > 0 && (
          <ul className="sa-alert sa-alert-error catalogue-problems" data-testid="pattern-problems">
            {problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        )}
      </fieldset>

      <fieldset className="options-group">
        <legend>{t('catalogue.form.policy')}</legend>
        <label className="check">
          <input type="checkbox" name="isActive" checked={draft.isActive} onChange={(e) => set({ isActive: e.target.checked })} />
          {t('catalogue.form.active')}
        </label>
        <label className="sa-field">
          <span>{t('catalogue.fields.access')}</span>
          <select className="sa-input" name="access" value={draft.accessChoice} onChange={(e) => set({ accessChoice: e.target.value as AccessChoice })}>
            {application === null && <option value="default">{t('catalogue.form.accessDefault')}</option>}
            <option value="granted">{t('catalogue.access.granted')}</option>
            <option value="declined">{t('catalogue.access.declined')}</option>
          </select>
        </label>
        <div className="row">
          <label className="sa-field" style={{ flex: 1 }}>
            <span>{t('catalogue.fields.grantedValue')}</span>
            <input className="sa-input" name="accessGrantedValue" required maxLength={100} value={draft.accessGrantedValue} onChange={(e) => set({ accessGrantedValue: e.target.value })} />
          </label>
          <label className="sa-field" style={{ flex: 1 }}>
            <span>{t('catalogue.fields.declinedValue')}</span>
            <input className="sa-input" name="accessDeclinedValue" required maxLength={100} value={draft.accessDeclinedValue} onChange={(e) => set({ accessDeclinedValue: e.target.value })} />
          </label>
        </div>
        <small className="sa-muted">{t('catalogue.form.valuesHelp')}</small>
      </fieldset>

      <TestUrl catalogue={catalogue} draft={testApplication} editingId={application?.id ?? null} defaultAccess={draft.accessChoice === 'default'} />

      {error && (
        <div className="sa-alert sa-alert-error" role="alert">
          {error}
        </div>
      )}
      <div className="row">
        <button type="submit" className="sa-btn sa-btn-primary" disabled={busy}>
          {application ? t('catalogue.form.save') : t('catalogue.form.add')}
        </button>
        <button type="button" className="sa-btn" onClick={props.onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
