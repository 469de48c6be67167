// What a new-password field says about the passwords its site accepts, read from its attributes
// for the shared generator's `generateForSite` (which runs in the background).
import type { SiteRulesInput } from '@secureaccess/shared/generator';

/** Caps on what is sent: a page could put megabytes in an attribute. */
const maxAttributeLength = 500;

function capped(value: string | null): string | null {
  return value !== null && value.length <= maxAttributeLength ? value : null;
}

export function siteRulesOf(field: HTMLInputElement): SiteRulesInput {
  return {
    passwordrules: capped(field.getAttribute('passwordrules')),
    // The IDL attributes answer -1 when the attribute is absent or invalid.
    minLength: field.minLength >= 0 ? field.minLength : null,
    maxLength: field.maxLength >= 0 ? field.maxLength : null,
    pattern: capped(field.getAttribute('pattern')),
  };
}
