/**
 * What makes two logins the same account for an import: the URL (scheme and host lower-cased,
 * trailing slashes dropped) and the username (trimmed, case ignored — `Ada@x.es` is `ada@x.es`).
 * A re-run of the same import finds every row already there.
 */
export function duplicateKey(url: string | null | undefined, username: string | null | undefined): string {
  let site = (url ?? '').trim();
  try {
    const parsed = new URL(site);
    site = `${parsed.protocol}//${parsed.host}${parsed.pathname}${parsed.search}${parsed.hash}`;
  } catch {
    site = site.toLowerCase();
  }
  return `${site.replace(/\/+$/, '')}\n${(username ?? '').trim().toLowerCase()}`;
}
