// The content script's DOM logic: pure functions over Document/Element, free of extension APIs so
// they run unchanged in jsdom. The content-script glue (observers, messaging, menus) imports these.

export {
  compareFlatTreeOrder,
  detectForms,
  detectLoginForms,
  fieldRolesOf,
  isSignUpOrChangeCandidate,
  defaultMaxFieldsScanned,
  defaultMaxElementsVisited,
  type DetectOptions,
  type FieldRole,
  type FormCandidate,
  type FormKind,
  type LoginCandidate,
  type LoginCandidateKind,
  type NewPasswordCandidate,
} from './detect';
export { fillField, type FillFieldOptions } from './fill';
export { siteRulesOf } from './site-rules';
export {
  planFill,
  applyFillPlan,
  confirmationKey,
  fillConfirmations,
  unconfirmed,
  whyNotFillable,
  type ConfirmationFacts,
  type ConfirmReason,
  type FillAccount,
  type FillApplication,
  type FillContext,
  type FillPlan,
  type PlannedField,
  type RefuseReason,
} from './plan-fill';
// Not `registrable-domain`: it carries the public suffix list, which stays in the background.
export {
  decideSaveOffer,
  extractSubmittedCredentials,
  extractSubmittedUsername,
  extractSetPassword,
  isNeverSite,
  type ExistingAccount,
  type ExtractOptions,
  type SaveOffer,
  type SubmittedCredentials,
} from './submit';
export {
  acceptsTyping,
  assessFillTarget,
  browserFillLayout,
  browserLayout,
  minFillOpacity,
  minFillableSizePx,
  type FillLayoutEnv,
  type FillTargetAssessment,
  type HiddenReason,
  composedParent,
  createVisibilityChecker,
  isFillableField,
  isVisibleElement,
  minVisibleSizePx,
  type DocumentArea,
  type LayoutEnv,
  type Rect,
  type StyleFacts,
} from './visibility';
