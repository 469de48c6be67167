import { useCallback, useEffect, useState } from 'react';
import { AccountForm } from '@/components/AccountForm';
import { useAsyncAction } from '@/hooks/useAsyncAction';
import { t } from '@/utils/i18n';
import { askBackground } from '@/utils/messaging';
import { assessPasswords, needsAttention, type PasswordVerdict } from '@/utils/password-health';
import type { AccountView, SecurityOverviewView } from '@/utils/protocol';
import { AuditTable } from './audit-log';
import { formatWhen } from './format-when';
import './people.css';

const dayMs = 24 * 60 * 60 * 1000;

interface Checked {
  account: AccountView;
  verdict: PasswordVerdict;
}

/**
 * Checks the vault's passwords here, in the options page: the background hands over the decrypted
 * passwords (as when the popup reveals one) and zxcvbn, loaded only now, scores them. Nothing of
 * the vault goes to the server; the e2e records every request to prove it.
 */
async function checkPasswords(): Promise<Checked[]> {
  const [{ accounts }, { strengthScore }] = await Promise.all([askBackground('overview:passwords', {}), import('@/utils/strength')]);
  const verdicts = assessPasswords(
    accounts.map(({ account, password }) => ({
      uuid: account.uuid,
      password,
      updatedAt: account.updatedAt,
      hints: [account.username, account.name].filter((hint) => hint !== ''),
    })),
    new Date(),
    strengthScore,
  );
  return accounts.flatMap(({ account }) => {
    const verdict = verdicts.get(account.uuid);
    return verdict && needsAttention(verdict) ? [{ account, verdict }] : [];
  });
}

function Fact({ label, value, testId, tone }: { label: string; value: string; testId: string; tone?: 'ok' | 'warn' | 'bad' }) {
  return (
    <div className="overview-fact" data-testid={testId}>
      <span className="sa-muted">{label}</span>
      <b className={tone ? `people-badge people-badge-${tone}` : undefined}>{value}</b>
    </div>
  );
}

/** What the account's security looks like now, and which saved passwords to change (issue 9). */
export function SecurityOverviewSection() {
  const [overview, setOverview] = useState<SecurityOverviewView | null>(null);
  const [checked, setChecked] = useState<Checked[] | null>(null);
  const [editing, setEditing] = useState<AccountView | null>(null);
  const { error, run } = useAsyncAction();
  const recheck = useCallback(async () => {
    const found = await run(checkPasswords);
    if (found) setChecked(found);
  }, [run]);
  useEffect(() => {
    void run(() => askBackground('overview:get', {})).then((answer) => answer && setOverview(answer));
    void recheck();
  }, [run, recheck]);

  if (editing) {
    return (
      <div className="overview-edit">
        <AccountForm
          editing={{ account: editing }}
          folders={[]}
          onSaved={() => {
            setEditing(null);
            setChecked(null);
            void recheck();
          }}
          onCancel={() => setEditing(null)}
        />
      </div>
    );
  }

  const profile = overview?.profile;
  const passwordChanged = profile ? (profile.passwordChangedAt ?? profile.createdAt) : null;
  const passwordAgeDays = passwordChanged ? Math.floor((Date.now() - Date.parse(passwordChanged)) / dayMs) : 0;
  const counts = checked && {
    weak: checked.filter((c) => c.verdict.weak).length,
    reused: checked.filter((c) => c.verdict.reusedWith > 0).length,
    old: checked.filter((c) => c.verdict.old).length,
  };

  return (
    <div className="stack people-wide">
      <p className="sa-muted">{t('overview.intro')}</p>
      {error && <div className="sa-alert sa-alert-error" role="alert">{error}</div>}

      <section aria-labelledby="overview-account">
        <h2 id="overview-account" className="options-subtitle">{t('overview.accountTitle')}</h2>
        {!profile && !error && <span className="sa-spinner" role="status" aria-label={t('common.loading')} />}
        {profile && (
          <div className="overview-facts">
            <Fact
              testId="overview-last-login"
              label={t('overview.lastLogin')}
              value={profile.lastLoginAt ? t('overview.lastLoginValue', { when: formatWhen(profile.lastLoginAt), ip: profile.lastLoginIp ?? '?' }) : t('overview.never')}
            />
            <Fact
              testId="overview-failed"
              label={t('overview.failedAttempts')}
              value={String(profile.failedLoginAttempts)}
              tone={profile.failedLoginAttempts > 0 ? 'warn' : 'ok'}
            />
            <Fact testId="overview-password-age" label={t('overview.passwordAge')} value={t('overview.days', passwordAgeDays)} />
            <Fact
              testId="overview-mfa"
              label={t('overview.twoFactor')}
              value={profile.mfaEnabled ? t('overview.on') : t('overview.off')}
              tone={profile.mfaEnabled ? 'ok' : 'bad'}
            />
          </div>
        )}
        {profile && !profile.mfaEnabled && (
          <p>
            <a href="#two-factor">{t('overview.turnOnTwoFactor')}</a>
          </p>
        )}
      </section>

      <section aria-labelledby="overview-passwords">
        <h2 id="overview-passwords" className="options-subtitle">{t('overview.passwordsTitle')}</h2>
        <p className="sa-muted">{t('overview.passwordsHelp')}</p>
        {!checked && !error && <span className="sa-spinner" role="status" aria-label={t('overview.checking')} />}
        {counts && (
          <p data-testid="overview-counts">
            {t('overview.counts', [String(counts.weak), String(counts.reused), String(counts.old)])}
          </p>
        )}
        {checked && checked.length === 0 && <div className="sa-alert sa-alert-ok" role="status">{t('overview.allGood')}</div>}
        {checked && checked.length > 0 && (
          <div className="people-table-wrap">
            <table className="people-table" data-testid="overview-findings">
              <caption className="visually-hidden">{t('overview.passwordsTitle')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('overview.account')}</th>
                  <th scope="col">{t('overview.problems')}</th>
                  <th scope="col"><span className="visually-hidden">{t('overview.actions')}</span></th>
                </tr>
              </thead>
              <tbody>
                {checked.map(({ account, verdict }) => (
                  <tr key={account.uuid} data-testid="overview-finding">
                    <td>
                      <b>{account.name}</b>
                      <br />
                      <span className="sa-muted">{account.username || t('common.noUsername')}</span>
                    </td>
                    <td>
                      <div className="people-actions">
                      {verdict.weak && <span className="people-badge people-badge-bad">{t('overview.weak')}</span>}
                      {verdict.reusedWith > 0 && (
                        <span className="people-badge people-badge-warn">{t('overview.reused', verdict.reusedWith)}</span>
                      )}
                      {verdict.old && <span className="people-badge people-badge-warn">{t('overview.old', verdict.ageDays)}</span>}
                      </div>
                    </td>
                    <td>
                      <button className="sa-btn sa-btn-small" aria-label={t('overview.editAccount', { name: account.name })} onClick={() => setEditing(account)}>
                        {t('overview.edit')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="overview-events">
        <h2 id="overview-events" className="options-subtitle">{t('overview.eventsTitle')}</h2>
        {overview && overview.events.length === 0 && <p className="sa-muted">{t('overview.noEvents')}</p>}
        {overview && overview.events.length > 0 && <AuditTable entries={overview.events} withUser={false} />}
        <p>
          <a href="#activity">{t('overview.allActivity')}</a>
        </p>
      </section>
    </div>
  );
}
