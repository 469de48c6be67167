// The options page's security overview (issue 9), background side: the account's own security
// facts from the API (GET /me, the security events of GET /audit) and, for the local password
// check, the vault's passwords — decrypted here as when the popup reveals one, handed only to
// the extension's own options page, and never sent anywhere: the check runs in that page.
import type { AccountView, AuditEntryView, SecurityOverviewView } from '../protocol';
import { listOwnAudit } from './people-admin-service';
import { authed, explained, requireUserKey, touchActivity } from './session';
import { pageMatcher, toView, vault } from './vault-service';

/** Audit actions about the account's security (sign-ins, lockouts, password, recovery, two-factor, sessions). */
const securityActionPrefixes = ['auth.', 'mfa.', 'session.'];
/** Token refreshes happen every few minutes: noise, not security events. */
const routineActions = new Set(['auth.token_refreshed']);
const recentEvents = 10;

export async function securityOverview(): Promise<SecurityOverviewView> {
  return explained(async () => {
    const { user } = await authed('auth', 'getMe');
    const events: AuditEntryView[] = [];
    let cursor: string | undefined;
    // Newest first; a few pages at most, until ten security events are found.
    for (let page = 0; page < 4 && events.length < recentEvents; page++) {
      const { entries, nextCursor } = await listOwnAudit({}, cursor);
      for (const entry of entries) {
        if (securityActionPrefixes.some((prefix) => entry.action.startsWith(prefix)) && !routineActions.has(entry.action)) events.push(entry);
      }
      if (!nextCursor) break;
      cursor = nextCursor;
    }
    return { profile: user, events: events.slice(0, recentEvents) };
  });
}

/** Every usable account with its password, for the options page's local strength and reuse check. */
export async function passwordsForCheck(): Promise<{ accounts: { account: AccountView; password: string }[] }> {
  return explained(async () => {
    await requireUserKey();
    await touchActivity();
    const v = await vault();
    const m = await pageMatcher();
    const items = v.active().filter((item) => !item.decryptError);
    const accounts = await Promise.all(
      items.map(async (item) => ({ account: toView(item, m), password: await v.reveal(item.uuid, 'password').catch(() => '') })),
    );
    return { accounts: accounts.filter((entry) => entry.password !== '') };
  });
}
