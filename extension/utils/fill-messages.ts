// What the person reads when a fill needs their confirmation or is refused. Every confirmation
// names the host it is about, so "yes" is an informed answer, not a reflex.

import type { ConfirmReason, RefuseReason } from './forms/plan-fill';

export function describeConfirmation(reason: ConfirmReason): string {
  switch (reason.code) {
    case 'cross-origin-frame':
      return `This login form is inside a frame from ${reason.frameHost}, not the page you are on. Fill it anyway?`;
    case 'insecure-page':
      return `${reason.pageHost} is not using HTTPS, but this account is for an HTTPS site. Anyone on the network could read what is filled. Fill anyway?`;
    case 'insecure-action':
      return `This form sends your login to ${reason.actionHost} without HTTPS. Fill anyway?`;
    case 'cross-domain-action':
      return `This form sends your login to another site, ${reason.actionHost}. Fill anyway?`;
  }
}

export function describeRefusal(reason: RefuseReason): string {
  switch (reason.code) {
    case 'no-user-gesture':
      return 'SecureAccess fills only when you ask it to.';
    case 'application-inactive':
      return 'Autofill is off here: this application is inactive.';
    case 'access-declined':
      return `Autofill is off here: access to this application is ${reason.declinedValue}.`;
    case 'opaque-frame-origin':
      return 'This form is in a frame without a web address; SecureAccess does not fill it.';
    case 'field-not-fillable':
      return `The ${reason.field} field is hidden or cannot be typed into, so nothing was filled.`;
    case 'nothing-to-fill':
      return 'This account has nothing to fill into this form.';
  }
}
