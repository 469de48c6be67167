// The content script's DOM logic: pure functions over Document/Element, free of extension APIs so
// they run unchanged in jsdom. The content-script glue (observers, messaging, menus) imports these.

export {
  detectLoginForms,
  isSignUpOrChangeCandidate,
  defaultMaxFieldsScanned,
  defaultMaxElementsVisited,
  type DetectOptions,
  type LoginCandidate,
  type LoginCandidateKind,
} from './detect';
export { fillField, type FillFieldOptions } from './fill';
export {
  planFill,
  applyFillPlan,
  confirmationKey,
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
  isNeverSite,
  type ExistingAccount,
  type ExtractOptions,
  type SaveOffer,
  type SubmittedCredentials,
} from './submit';
export {
  browserLayout,
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
