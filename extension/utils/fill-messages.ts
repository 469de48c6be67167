// What the person reads when a fill needs their confirmation or is refused. Every confirmation
// names the host it is about, so "yes" is an informed answer, not a reflex; a fill with several
// reasons asks once, listing them all.

import { describeAccess } from './access-messages';
import type { ConfirmReason, RefuseReason } from './forms/plan-fill';
import type { HiddenReason } from './forms/visibility';
import { t } from './i18n';

export function describeConfirmation(reason: ConfirmReason): string {
  switch (reason.code) {
    case 'cross-origin-frame':
      return t('fill.crossOriginFrame', { host: reason.frameHost, top: reason.topHost });
    case 'insecure-page':
      return t('fill.insecurePage', { host: reason.pageHost });
    case 'insecure-action':
      return t('fill.insecureAction', { host: reason.actionHost });
    case 'cross-domain-action':
      return t('fill.crossSiteAction', { host: reason.actionHost });
  }
}

/** One question for all the reasons of a fill. */
export function describeConfirmations(reasons: readonly ConfirmReason[]): string {
  return t('fill.confirmAll', { reasons: reasons.map(describeConfirmation).join(' ') });
}

function describeHidden(why: HiddenReason | { code: 'not-typable' }): string {
  switch (why.code) {
    case 'removed':
      return t('fill.hidden.removed');
    case 'not-typable':
      return t('fill.hidden.notTypable');
    case 'not-rendered':
      return t('fill.hidden.notRendered');
    case 'transparent':
      return t('fill.hidden.transparent', { opacity: why.opacity });
    case 'too-small':
      return t('fill.hidden.tooSmall');
    case 'off-screen':
      return t('fill.hidden.offScreen');
    case 'clipped':
      return t('fill.hidden.clipped');
    case 'covered':
      return t('fill.hidden.covered');
  }
}

export function describeRefusal(reason: RefuseReason): string {
  switch (reason.code) {
    case 'no-user-gesture':
      return t('fill.noUserGesture');
    case 'access_declined':
      return describeAccess(reason.access, reason.applicationName);
    case 'opaque-frame-origin':
      return t('fill.noAddress');
    case 'field-not-fillable':
      return t('fill.hiddenField', { field: t(reason.field === 'username' ? 'fill.fieldUsername' : 'fill.fieldPassword'), why: describeHidden(reason.why) });
    case 'frame-not-visible':
      return t('fill.hiddenFrame', { host: reason.frameHost, why: describeHidden(reason.why) });
    case 'nothing-to-fill':
      return t('fill.nothingToFill');
  }
}
