/**
 * The one form of an email address that the server stores, compares and rate-limits on:
 * trimmed, lower-cased (locale-independent), then Unicode NFC. Same steps, same order, as
 * `emailSchema` of the contract; validation is the schema's job.
 */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase().normalize('NFC');
}
