// Login form detection: which fields on a page (or in a shadow root) take a login, and which
// forms must be left alone (sign-up, change-password, search, newsletter, OTP, captcha, honeypots).
//
// Pipeline, all synchronous and bounded:
//  1. scan — candidate inputs from cheap selectors (passwords, identifier hints, small forms, the
//     fields around each password), in the tree and its shadow roots, at most `maxFields`;
//  2. classify each input from cheap attribute/label signals (no layout), then check the
//     interesting ones for visibility (layout reads are the expensive part);
//  3. group — fields in one <form> belong together; fields without a <form> are grouped by their
//     nearest common ancestor (crossing shadow boundaries), and a <form> that holds several
//     password groups (ASP.NET pages wrap the whole page in one <form>) is split the same way;
//  4. decide per group: username + password, password-only step, username-only step, or nothing.

import {
  autocompleteTokens,
  boundedText,
  captchaKeywords,
  confirmPasswordKeywords,
  createLabelLookup,
  currentPasswordKeywords,
  describeField,
  forgotPasswordKeywords,
  hasKeyword,
  type LabelLookup,
  loginKeywords,
  newPasswordKeywords,
  newsletterKeywords,
  nextStepKeywords,
  nonSubmitButtonKeywords,
  accountNameKeywords,
  changePasswordKeywords,
  normalizeText,
  oneTimeCodeKeywords,
  paymentCardKeywords,
  strongOneTimeCodeKeywords,
  passwordKeywords,
  personNameKeywords,
  rememberMeKeywords,
  searchKeywords,
  signUpKeywords,
  termsKeywords,
  usernameKeywords,
} from './signals';
import { browserLayout, composedParent, createVisibilityChecker, type LayoutEnv } from './visibility';

export type LoginCandidateKind = 'username-password' | 'password-only' | 'username-only';

/** What a detected form is for: signing in, creating an account, or changing its password. */
export type FormKind = 'login' | 'sign-up' | 'change-password';

/** The part a field plays in its form. */
export type FieldRole = 'username' | 'current-password' | 'new-password' | 'confirm-password';

interface CandidateBase {
  /** The button (or button-like element) that submits this form, when one was found. */
  submitControl?: HTMLElement;
  /** The <form> the fields belong to (or sit inside, for fields in a shadow root). */
  formElement?: HTMLFormElement;
  /**
   * Absolute URL the form is posted to: the submit button's `formaction`, else the form's
   * `action`, else the page itself. Undefined without a <form> or for `javascript:` actions.
   */
  action?: string;
  /** The element that holds the whole form (the form, or the fields' common ancestor). */
  container: Element;
}

export interface LoginCandidate extends CandidateBase {
  formKind: 'login';
  kind: LoginCandidateKind;
  usernameField?: HTMLInputElement;
  /** The account's current password. */
  passwordField?: HTMLInputElement;
}

/**
 * A form that sets a password: a sign-up (username, new password, maybe its confirmation) or a
 * change/reset-password form (maybe the current password, the new one, maybe its confirmation).
 * Never to be filled with a saved login as if it were one.
 */
export interface NewPasswordCandidate extends CandidateBase {
  formKind: 'sign-up' | 'change-password';
  /** The new account's name on a sign-up; a change-password form rarely shows one. */
  usernameField?: HTMLInputElement;
  /** The password in use now (change-password forms that ask for it). */
  currentPasswordField?: HTMLInputElement;
  newPasswordField: HTMLInputElement;
  /** The new password typed a second time. */
  confirmPasswordField?: HTMLInputElement;
}

export type FormCandidate = LoginCandidate | NewPasswordCandidate;

/** The fields of a candidate with their roles, in document order of the role list. */
export function fieldRolesOf(candidate: FormCandidate): { field: HTMLInputElement; role: FieldRole }[] {
  const pairs: [HTMLInputElement | undefined, FieldRole][] =
    candidate.formKind === 'login'
      ? [[candidate.usernameField, 'username'], [candidate.passwordField, 'current-password']]
      : [
          [candidate.usernameField, 'username'],
          [candidate.currentPasswordField, 'current-password'],
          [candidate.newPasswordField, 'new-password'],
          [candidate.confirmPasswordField, 'confirm-password'],
        ];
  return pairs.flatMap(([field, role]) => (field ? [{ field, role }] : []));
}

export interface DetectOptions {
  /** Layout source; the real browser's by default, injected by unit tests. */
  layout?: LayoutEnv;
  /** Cap on candidate fields classified (passwords first; see `collectCandidateInputs`). */
  maxFields?: number;
  /** Cap on elements walked while looking for shadow roots. */
  maxElements?: number;
  /**
   * How to open a shadow root; `el.shadowRoot` (open roots only) by default. The glue may pass
   * `chrome.dom.openOrClosedShadowRoot` / Firefox's `openOrClosedShadowRoot` to reach closed ones.
   */
  getShadowRoot?: (el: Element) => ShadowRoot | null;
  /**
   * Only look at fields inside these subtrees (and the fields around their passwords): the
   * incremental rescan after a mutation batch. The whole root when absent.
   */
  within?: readonly Element[];
  /**
   * The shadow roots to look in, when the caller keeps track of them (observeForms discovers them
   * in idle time): no walk of the whole tree. Walked for when absent.
   */
  shadowRoots?: readonly ShadowRoot[];
}

/**
 * At most 2 000 candidate fields are classified per call (the same order of magnitude as
 * Bitwarden's field cap). Candidates come from cheap selectors (passwords first), not from
 * document order, so the cap never hides a login behind a spreadsheet of inputs.
 */
export const defaultMaxFieldsScanned = 2_000;
/** At most 200 000 elements are walked per call looking for shadow roots. */
export const defaultMaxElementsVisited = 200_000;
/** Fields further than this many ancestors apart are never grouped without a <form>. */
const maxGroupingDepth = 12;
/** Buttons examined per group when looking for the submit control. */
const maxButtonsExamined = 50;
/** A username-only step shows at most this many text fields (e.g. email + a "stay signed in"). */
const maxFieldsInUsernameStep = 2;

type ScanRole =
  | 'password'
  | 'username' // has username/email signals
  | 'text' // plain text field without signals: a username only when right before a password
  | 'person-name'
  | 'confirm-email'
  | 'excluded'; // search, OTP, captcha, address, card, ...

type PasswordKind = 'current' | 'new' | 'confirm' | 'unknown';

interface ScannedField {
  el: HTMLInputElement;
  order: number;
  role: ScanRole;
  passwordKind: PasswordKind;
  /** 4 autocomplete=username, 3 email, 2 keyword, 1 plain text, 0 not a username. */
  usernameScore: number;
  form: HTMLFormElement | null;
  /** Composed ancestors from the parent up to the form (inclusive) or the body / depth limit. */
  chain: Element[];
  /**
   * Whether the field is visible; undefined while not yet read. Plain text fields of a <form>
   * are read only when a decision depends on them (see `detectLoginForms`): on a page of a
   * thousand grid inputs, their layout is what would cost most.
   */
  visible?: boolean;
}

/** Visibility of a scanned field, read on first need and remembered for the scan. */
type FieldVisibility = (field: ScannedField) => boolean;

type VisibilityCheck = (el: Element) => boolean;

type FieldClass = Pick<ScannedField, 'role' | 'passwordKind' | 'usernameScore'>;

interface FieldGroup {
  container: Element;
  form: HTMLFormElement | null;
  fields: ScannedField[];
}

const ignoredInputTypes = new Set([
  'hidden', 'checkbox', 'radio', 'submit', 'button', 'reset', 'image', 'file', 'color', 'range',
  'date', 'datetime-local', 'month', 'week', 'time',
]);
/** autocomplete tokens that name some field other than a login's. */
const foreignAutocompleteTokens = new Set([
  'name', 'honorific-prefix', 'given-name', 'additional-name', 'family-name', 'honorific-suffix',
  'organization', 'organization-title', 'street-address', 'address-line1', 'address-line2',
  'address-line3', 'address-level1', 'address-level2', 'address-level3', 'address-level4',
  'country', 'country-name', 'postal-code', 'cc-name', 'cc-given-name', 'cc-family-name',
  'cc-number', 'cc-exp', 'cc-exp-month', 'cc-exp-year', 'cc-csc', 'cc-type', 'bday', 'bday-day',
  'bday-month', 'bday-year', 'sex', 'url', 'photo', 'transaction-amount', 'transaction-currency',
  'language', 'impp', 'one-time-code',
]);
const personNameAutocompleteTokens = new Set([
  'name', 'given-name', 'additional-name', 'family-name', 'honorific-prefix', 'honorific-suffix',
]);
const headingSelector = 'h1, h2, h3, h4, legend, [role="heading"]';
const buttonSelector =
  'button, input[type="submit" i], input[type="image" i], input[type="button" i], [role="button"], a[href]';

// ---------------------------------------------------------------------------------------------
// 1. Scan

/** Cheap hint, from attributes alone, that a text field may be a login's identifier. */
const usernameHint =
  /user|mail|login|logon|log_in|signin|account|member|ident|nick|uid|phone|mobile|customer|correo|usuario|cuenta|courriel|compte|pseudo|benutzer|nutzer|kennung|konto|kunde|anmeld/i;
/** A form with at most this many controls (fields and buttons) is read whole: a login, a step, a sign-up. */
const maxControlsInSmallForm = 12;
/**
 * A tree with at most this many inputs has each one read for identifier hints (name, id,
 * placeholder); a heavier one is searched with native selectors only (see collectCandidateInputs).
 */
const maxInputsReadOneByOne = 500;
/** Text fields taken around one password when they share no <form> with it. */
const maxNeighboursPerPassword = 40;

function inputType(el: HTMLInputElement): string {
  return (el.getAttribute('type') ?? 'text').trim().toLowerCase() || 'text';
}

function isTextLike(el: HTMLInputElement): boolean {
  return !ignoredInputTypes.has(inputType(el));
}

function hasUsernameHint(el: HTMLInputElement): boolean {
  const type = inputType(el);
  if (type === 'email' || type === 'tel') return true;
  const text = `${el.getAttribute('autocomplete') ?? ''} ${el.getAttribute('name') ?? ''} ${el.id} ${el.getAttribute('placeholder') ?? ''} ${el.getAttribute('aria-label') ?? ''}`;
  return usernameHint.test(text);
}

/** `scope` and the shadow roots under it (entering nested ones), up to `maxElements` visited. */
function collectTrees(
  scope: Document | ShadowRoot | Element,
  maxElements: number,
  getShadowRoot: (el: Element) => ShadowRoot | null,
): (Document | ShadowRoot | Element)[] {
  const doc = scope.nodeType === 9 ? (scope as Document) : (scope.ownerDocument as Document);
  const trees: (Document | ShadowRoot | Element)[] = [scope];
  let visited = 0;
  const walk = (root: Node): void => {
    const walker = doc.createTreeWalker(root, 1 /* NodeFilter.SHOW_ELEMENT */);
    for (let node: Node | null = root.nodeType === 1 ? root : walker.nextNode(); node; node = walker.nextNode()) {
      if (++visited > maxElements) return;
      const shadow = getShadowRoot(node as Element);
      if (shadow) {
        trees.push(shadow);
        walk(shadow);
      }
    }
  };
  walk(scope);
  return trees;
}

/** Position of `el` in the flat tree: [outermost host, …, el], each in its own tree. */
function hostChain(el: Element): Element[] {
  const chain: Element[] = [el];
  for (let root = el.getRootNode(); root.nodeType === 11 && 'host' in root; root = (root as ShadowRoot).host.getRootNode()) {
    chain.unshift((root as ShadowRoot).host);
  }
  return chain;
}

/** Document order across shadow roots: a host's shadow content sits where the host stands. */
export function compareFlatTreeOrder(a: Element, b: Element): number {
  if (a === b) return 0;
  const ca = hostChain(a);
  const cb = hostChain(b);
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    if (ca[i] === cb[i]) continue;
    return ca[i]!.compareDocumentPosition(cb[i]!) & 4 /* DOCUMENT_POSITION_FOLLOWING */ ? -1 : 1;
  }
  return ca.length - cb.length; // the host before what its shadow root holds
}

/**
 * The inputs worth classifying under `scopes` (the whole `root` when none), in document order.
 * Starts from what cheap selectors find, never from document order, so a login after ten thousand
 * grid cells is found like one at the top: every password field; every text field with an
 * identifier hint in its attributes (except in big forms without a password: a grid, not a
 * login); every field of a small form; and the text fields around each password (its form's, or
 * its nearest region's). At most `maxFields`, passwords first.
 */
function collectCandidateInputs(
  root: Document | ShadowRoot,
  scopes: readonly Element[] | undefined,
  maxFields: number,
  maxElements: number,
  getShadowRoot: (el: Element) => ShadowRoot | null,
  knownShadowRoots?: readonly ShadowRoot[],
): HTMLInputElement[] {
  const trees = (scopes ?? [root]).flatMap((scope) =>
    knownShadowRoots
      ? [scope, ...knownShadowRoots.filter((r) => scope.nodeType !== 1 || composedContains(scope as Element, r.host))]
      : collectTrees(scope, maxElements, getShadowRoot),
  );
  const passwords = new Set<HTMLInputElement>();
  const others = new Set<HTMLInputElement>();
  const formFields = new Map<HTMLFormElement, HTMLInputElement[]>();
  const fieldsOfForm = (form: HTMLFormElement): HTMLInputElement[] => {
    let fields = formFields.get(form);
    if (!fields) {
      fields = Array.from(form.querySelectorAll('input')).filter(isTextLike);
      formFields.set(form, fields);
    }
    return fields;
  };
  const add = (el: HTMLInputElement): void => {
    if (passwords.size + others.size >= maxFields) return;
    if (inputType(el) === 'password') passwords.add(el);
    else others.add(el);
  };
  // Every native query below is one pass over the tree; a pass of JavaScript over every input
  // costs far more on a heavy page, so it runs only where inputs are few.
  const query = (tree: Document | ShadowRoot | Element, selector: string): HTMLInputElement[] => {
    const found = Array.from(tree.querySelectorAll<HTMLInputElement>(selector));
    if (tree.nodeType === 1 && (tree as Element).matches(selector)) found.unshift(tree as HTMLInputElement);
    return found;
  };
  for (const tree of trees) {
    for (const el of query(tree, 'input[type="password" i]')) add(el);
  }
  // `form.elements.length` is counted natively; reading each field of a big form in JavaScript is
  // what a grid of forms would make expensive.
  const passwordForms = new Set<HTMLFormElement>();
  for (const password of passwords) {
    const form = password.form ?? closestComposedForm(password);
    if (form) passwordForms.add(form);
  }
  const isSmallForm = (form: HTMLFormElement): boolean => form.elements.length <= maxControlsInSmallForm;
  const inSmallOrPasswordForm = (el: HTMLInputElement): boolean => {
    const form = el.form ?? closestComposedForm(el);
    return !form || passwordForms.has(form) || isSmallForm(form);
  };
  for (const tree of trees) {
    const inputs = tree.nodeType === 1 && (tree as Element).localName === 'input' ? [tree as HTMLInputElement] : tree.querySelectorAll('input');
    if (inputs.length <= maxInputsReadOneByOne) {
      for (let i = 0; i < inputs.length; i++) {
        const el = inputs[i]!;
        if (!isTextLike(el) || passwords.has(el)) continue;
        const form = el.form ?? closestComposedForm(el);
        if (form && isSmallForm(form)) add(el);
        else if (hasUsernameHint(el) && inSmallOrPasswordForm(el)) add(el);
      }
      continue;
    }
    // A heavy tree: identifiers by their declared type or autocomplete, and small forms whole.
    for (const el of query(tree, 'input[type="email" i], input[autocomplete]')) {
      if (inSmallOrPasswordForm(el) && hasUsernameHint(el)) add(el);
    }
    for (const form of Array.from(tree.querySelectorAll('form'))) {
      if (isSmallForm(form)) fieldsOfForm(form).forEach(add);
    }
  }
  for (const password of [...passwords]) {
    const form = password.form ?? closestComposedForm(password);
    if (form) {
      for (const field of fieldsOfForm(form).slice(0, maxNeighboursPerPassword)) add(field);
      continue;
    }
    // No <form>: the text fields of the nearest region that has any.
    let region: Element | null = composedParent(password);
    for (let depth = 0; region && depth < maxGroupingDepth; depth++, region = composedParent(region)) {
      const near = Array.from(region.querySelectorAll('input')).filter((f) => f !== password && isTextLike(f));
      if (near.length === 0) continue;
      for (const field of near.slice(0, maxNeighboursPerPassword)) add(field);
      break;
    }
  }
  return [...passwords, ...others].sort(compareFlatTreeOrder);
}

// ---------------------------------------------------------------------------------------------
// 2. Classify

function classifyPassword(tokens: string[], text: string): PasswordKind {
  if (hasKeyword(text, confirmPasswordKeywords)) return 'confirm';
  if (tokens.includes('new-password')) return 'new';
  if (tokens.includes('current-password')) return 'current';
  if (hasKeyword(text, newPasswordKeywords)) return 'new';
  if (hasKeyword(text, currentPasswordKeywords)) return 'current';
  return 'unknown';
}

function isInSearchLandmark(el: Element): boolean {
  return el.closest('[role="search"], search') !== null || el.getAttribute('role') === 'searchbox';
}

/** Role of one input from its attributes and labels only (no layout). */
function classifyInput(el: HTMLInputElement, labelsOf: LabelLookup): FieldClass {
  const excluded = { role: 'excluded' as const, passwordKind: 'unknown' as const, usernameScore: 0 };
  const type = (el.getAttribute('type') ?? 'text').trim().toLowerCase() || 'text';
  if (ignoredInputTypes.has(type)) return excluded;
  const tokens = autocompleteTokens(el);
  const text = describeField(el, labelsOf);

  if (tokens.includes('one-time-code')) return excluded;
  const declaresUsername = tokens.includes('username') || tokens.includes('webauthn');
  const declaresEmail = tokens.includes('email');

  if (type === 'password') {
    // A card's security code typed blind is no account password.
    if (tokens.some((token) => token.startsWith('cc-')) || hasKeyword(text, paymentCardKeywords)) return excluded;
    // `<input type=password name=otp>`: a code typed blind, not the account's password.
    // Only a code's own words: a bare "code" also names real passwords ("seller code"), unless the
    // field is as short as a code.
    if (!hasKeyword(text, passwordKeywords)) {
      if (hasKeyword(text, strongOneTimeCodeKeywords)) return excluded;
      const maxLength = Number(el.getAttribute('maxlength') ?? 'NaN');
      if ((maxLength <= 8 || el.getAttribute('inputmode') === 'numeric') && hasKeyword(text, oneTimeCodeKeywords)) return excluded;
    }
    if (hasKeyword(text, captchaKeywords)) return excluded;
    return { role: 'password', passwordKind: classifyPassword(tokens, text), usernameScore: 0 };
  }
  // A revealed password ("show password" turned it into type=text) keeps its autocomplete token.
  if (tokens.includes('current-password')) {
    return { role: 'password', passwordKind: 'current', usernameScore: 0 };
  }
  if (type === 'url' || type === 'search') return excluded;
  if (!declaresUsername && !declaresEmail) {
    if (isInSearchLandmark(el) || hasKeyword(text, searchKeywords)) return excluded;
    if (hasKeyword(text, captchaKeywords)) return excluded;
    if (tokens.includes('new-password')) return excluded;
    if (tokens.some((token) => personNameAutocompleteTokens.has(token))) {
      return { role: 'person-name', passwordKind: 'unknown', usernameScore: 0 };
    }
    if (tokens.some((token) => foreignAutocompleteTokens.has(token))) return excluded;
  }

  const declaresIdentifier = declaresUsername || declaresEmail || type === 'email';
  // Checked before the username words: "enter the code we emailed you" is a code, not an email.
  if (!declaresIdentifier && hasKeyword(text, oneTimeCodeKeywords)) return excluded;
  const maxLength = Number(el.getAttribute('maxlength') ?? 'NaN');
  const hasUsernameWords = hasKeyword(text, usernameKeywords);
  if (!declaresUsername && !hasUsernameWords) {
    // One box per digit, or a short numeric code: a one-time code, never a username.
    if (maxLength <= 2) return excluded;
    const numeric = el.getAttribute('inputmode') === 'numeric' || type === 'number';
    if (numeric && maxLength <= 8) return excluded;
    if (hasKeyword(text, personNameKeywords)) {
      return { role: 'person-name', passwordKind: 'unknown', usernameScore: 0 };
    }
  }

  let usernameScore = 1;
  if (declaresUsername) usernameScore = 4;
  else if (declaresEmail || type === 'email') usernameScore = 3;
  else if (hasUsernameWords) usernameScore = 2;
  if (usernameScore >= 3 && hasKeyword(text, confirmPasswordKeywords)) {
    return { role: 'confirm-email', passwordKind: 'unknown', usernameScore: 0 };
  }
  return { role: usernameScore >= 2 ? 'username' : 'text', passwordKind: 'unknown', usernameScore };
}

function closestComposedForm(el: Element): HTMLFormElement | null {
  for (let node = composedParent(el); node; node = composedParent(node)) {
    if (node.localName === 'form') return node as HTMLFormElement;
  }
  return null;
}

function ancestorChain(el: Element, form: HTMLFormElement | null): Element[] {
  const chain: Element[] = [];
  for (let node = composedParent(el); node && chain.length < maxGroupingDepth; node = composedParent(node)) {
    chain.push(node);
    if (node === form || node.localName === 'body') break;
  }
  return chain;
}

/**
 * Whether the field accepts input from a person now, or soon (readonly-until-focus trick), layout
 * aside: a detectable field is one that also is visible.
 */
function acceptsInput(el: HTMLInputElement): boolean {
  if (el.hasAttribute('disabled') || el.matches(':disabled')) return false;
  // A readonly field showing a value is a display (the email on a password step), not an input;
  // an empty readonly one is usually the "readonly until focused" anti-autofill trick.
  return !(el.hasAttribute('readonly') && el.value !== '');
}

/** Whether the field can take input from a person now, or soon (readonly-until-focus trick). */
function isDetectable(el: HTMLInputElement, isVisible: VisibilityCheck): boolean {
  return acceptsInput(el) && isVisible(el);
}

// ---------------------------------------------------------------------------------------------
// 3. Group

function isGroupable(field: ScannedField): boolean {
  return field.role === 'password' || field.role === 'username' || field.role === 'text';
}

function groupFields(fields: ScannedField[]): FieldGroup[] {
  const sharedCount = new Map<Element, number>();
  for (const field of fields) {
    for (const ancestor of field.chain) sharedCount.set(ancestor, (sharedCount.get(ancestor) ?? 0) + 1);
  }
  // A <form> with at most one password is one login (or one sign-up) whatever its inner layout;
  // only a form holding several passwords is split into the sub-containers of its fields.
  const passwordsPerForm = new Map<Element, number>();
  for (const field of fields) {
    if (field.form && field.role === 'password') {
      passwordsPerForm.set(field.form, (passwordsPerForm.get(field.form) ?? 0) + 1);
    }
  }

  const groups = new Map<Element, FieldGroup>();
  for (const field of fields) {
    let container: Element | undefined;
    if (field.form && (passwordsPerForm.get(field.form) ?? 0) <= 1) {
      container = field.form;
    } else {
      container = field.chain.find((ancestor) => (sharedCount.get(ancestor) ?? 0) >= 2);
      container ??= field.form ?? loneFieldContainer(field);
    }
    let group = groups.get(container);
    if (!group) {
      group = { container, form: field.form, fields: [] };
      groups.set(container, group);
    }
    group.fields.push(field);
  }
  return [...groups.values()].sort((a, b) => a.fields[0]!.order - b.fields[0]!.order);
}

/** Container of a field alone in its region: the nearest ancestor with a button, else its parent. */
function loneFieldContainer(field: ScannedField): Element {
  const nearby = field.chain.slice(0, 5);
  return nearby.find((ancestor) => ancestor.querySelector(buttonSelector) !== null) ?? field.chain[0] ?? field.el;
}

// ---------------------------------------------------------------------------------------------
// 4. Decide

/** Whether `inner` is `outer` or sits under it in the flat tree (crossing shadow roots). */
function composedContains(outer: Element, inner: Element): boolean {
  for (let node: Element | null = inner; node; node = composedParent(node)) {
    if (node === outer) return true;
  }
  return false;
}

function attributesText(el: Element | null | undefined): string {
  if (!el) return '';
  return ['id', 'name', 'class', 'aria-label', 'action', 'data-testid']
    .map((attribute) => normalizeText(el.getAttribute(attribute)))
    .filter(Boolean)
    .join(' ');
}

/** Headings inside the container, or else the ones just before it (`<h2>Login</h2><form>`). */
function headingsText(container: Element): string {
  const texts: string[] = [];
  const inside = container.querySelectorAll(headingSelector);
  for (let i = 0; i < inside.length && i < 3; i++) texts.push(normalizeText(boundedText(inside[i])));
  if (texts.length > 0) return texts.join(' ');
  let sibling = container.previousElementSibling;
  for (let hops = 0; sibling && hops < 3; hops++, sibling = sibling.previousElementSibling) {
    const heading = sibling.matches(headingSelector) ? sibling : sibling.querySelector(headingSelector);
    if (heading) return normalizeText(boundedText(heading));
  }
  return '';
}

function controlText(el: Element | undefined): string {
  if (!el) return '';
  return [
    normalizeText(boundedText(el)),
    normalizeText(el.getAttribute('value')),
    normalizeText(el.getAttribute('aria-label')),
    normalizeText(el.getAttribute('title')),
    normalizeText(el.getAttribute('alt')),
  ]
    .filter(Boolean)
    .join(' ');
}

function isSubmitType(el: Element): boolean {
  const tag = el.localName;
  const type = (el.getAttribute('type') ?? '').toLowerCase();
  if (tag === 'input') return type === 'submit' || type === 'image';
  // A <button> without a type submits its form.
  if (tag === 'button') return type === 'submit' || (type === '' && closestComposedForm(el) !== null);
  return false;
}

/** The control that submits this login: visible, submit-like or login-worded, not a decoy. */
function findSubmitControl(
  container: Element,
  form: HTMLFormElement | null,
  lastField: Element,
  isVisible: VisibilityCheck,
): HTMLElement | undefined {
  const scopes = form && form !== container ? [container, form] : [container];
  for (const scope of scopes) {
    const buttons = scope.querySelectorAll(buttonSelector);
    let best: { el: HTMLElement; score: number } | undefined;
    for (let i = 0; i < buttons.length && i < maxButtonsExamined; i++) {
      const button = buttons[i] as HTMLElement;
      const text = `${controlText(button)} ${attributesText(button)}`;
      if (hasKeyword(text, nonSubmitButtonKeywords)) continue;
      const submitType = isSubmitType(button);
      // "Create account" on a link or a plain button next to a login leads to another form; on a
      // submit button it is this form's own submit, and says what the form is for.
      const signUpWorded = hasKeyword(text, signUpKeywords) && !hasKeyword(text, loginKeywords);
      if (signUpWorded && !submitType) continue;
      let score = 0;
      if (submitType) score += 3;
      if (signUpWorded || hasKeyword(text, loginKeywords) || hasKeyword(text, nextStepKeywords)) score += 3;
      if (button.localName === 'a' && score < 3) continue;
      // The submit button follows the fields; one before them belongs to something else.
      if (lastField.compareDocumentPosition(button) & 4 /* DOCUMENT_POSITION_FOLLOWING */) score += 1;
      if (score < 3 || !isVisible(button)) continue;
      if (!best || score > best.score) best = { el: button, score };
    }
    if (best) return best.el;
  }
  return undefined;
}

function resolveAction(
  form: HTMLFormElement | null,
  submit: HTMLElement | undefined,
  doc: Document,
): string | undefined {
  if (!form) return undefined;
  const formAction = submit && isSubmitType(submit) ? submit.getAttribute('formaction') : null;
  const raw = (formAction ?? form.getAttribute('action') ?? '').trim();
  let url: URL;
  try {
    url = new URL(raw === '' ? doc.URL : raw, doc.baseURI);
  } catch {
    return undefined;
  }
  return url.protocol === 'javascript:' ? undefined : url.href;
}

interface ScopeSignals {
  visiblePasswords: number;
  personNames: number;
  confirmEmail: boolean;
  hasTextarea: boolean;
  /** Counted up to `maxFieldsInUsernameStep + 1`: only "more than the step allows" matters. */
  visibleTextFields: number;
  terms: boolean;
  rememberMe: boolean;
  forgotLink: boolean;
  loginWording: boolean;
  signUpWording: boolean;
  /** The submit control says "Sign up", "Register", "Create account" (and not "Sign in"). */
  submitSaysSignUp: boolean;
  /** The submit control says "Sign in", "Next", "Continue". */
  submitSaysLoginOrNext: boolean;
  /** A field of the form is named for a sign-up: `SignUpPassword`, `RegistrationForm[password]`. */
  fieldNamesSaySignUp: boolean;
  changeWording: boolean;
  newsletterWording: boolean;
  forgotWording: boolean;
}

function readScopeSignals(
  container: Element,
  form: HTMLFormElement | null,
  submit: HTMLElement | undefined,
  fieldsInScope: ScannedField[],
  labelsOf: LabelLookup,
  isShown: FieldVisibility,
): ScopeSignals {
  const headings = headingsText(container);
  const submitText = controlText(submit);
  const formText = attributesText(form);
  const wording = [attributesText(container), formText, headings, submitText].join(' ');
  let terms = false;
  let rememberMe = false;
  const checkboxes = container.querySelectorAll('input[type="checkbox" i]');
  for (let i = 0; i < checkboxes.length && i < 10; i++) {
    const text = describeField(checkboxes[i]!, labelsOf);
    terms ||= hasKeyword(text, termsKeywords);
    rememberMe ||= hasKeyword(text, rememberMeKeywords);
  }
  let forgotLink = false;
  const links = container.querySelectorAll('a, button');
  for (let i = 0; i < links.length && i < maxButtonsExamined && !forgotLink; i++) {
    forgotLink = hasKeyword(controlText(links[i]!), forgotPasswordKeywords);
  }
  return {
    visiblePasswords: fieldsInScope.filter((f) => f.role === 'password').length,
    personNames: fieldsInScope.filter((f) => f.role === 'person-name').length,
    confirmEmail: fieldsInScope.some((f) => f.role === 'confirm-email'),
    hasTextarea: container.querySelector('textarea') !== null,
    visibleTextFields: countVisibleTextFields(fieldsInScope, isShown),
    terms,
    rememberMe,
    forgotLink,
    loginWording: hasKeyword(wording, loginKeywords),
    signUpWording: hasKeyword(wording, signUpKeywords),
    submitSaysSignUp: hasKeyword(submitText, signUpKeywords) && !hasKeyword(submitText, loginKeywords),
    submitSaysLoginOrNext: hasKeyword(submitText, loginKeywords) || hasKeyword(submitText, nextStepKeywords),
    fieldNamesSaySignUp: fieldsInScope.some(
      (f) => f.role !== 'excluded' && hasKeyword(normalizeText(`${f.el.getAttribute('name') ?? ''} ${f.el.id}`), signUpKeywords),
    ),
    changeWording: hasKeyword([headings, submitText, formText].join(' '), changePasswordKeywords),
    newsletterWording: hasKeyword(wording, newsletterKeywords),
    forgotWording: hasKeyword([headings, submitText, formText].join(' '), forgotPasswordKeywords),
  };
}

/** Visible non-password fields, counted up to one past the username step's limit. */
function countVisibleTextFields(fields: ScannedField[], isShown: FieldVisibility): number {
  const enough = maxFieldsInUsernameStep + 1;
  let count = 0;
  // Fields already known visible first; unread ones are read only while the answer is open.
  for (const f of fields) if (f.role !== 'password' && f.visible === true && ++count >= enough) return count;
  for (const f of fields) if (f.role !== 'password' && f.visible === undefined && isShown(f) && ++count >= enough) return count;
  return count;
}

/** Points of sign-up evidence: name fields, "create account" wording, a confirm e-mail, terms. */
function signUpScoreOf(signals: ScopeSignals): number {
  return (
    2 * Math.min(signals.personNames, 2) +
    (signals.signUpWording ? 2 : 0) +
    (signals.submitSaysSignUp ? 2 : 0) +
    (signals.fieldNamesSaySignUp ? 3 : 0) +
    (signals.confirmEmail ? 3 : 0) +
    (signals.terms ? 1 : 0)
  );
}

/**
 * Sign-up and change-password forms must not be filled with an existing login: two visible
 * passwords, a confirm field, a declared new password, or enough sign-up evidence (name fields,
 * "create account" wording, a "confirm email", a terms checkbox) to outweigh the login evidence.
 */
function isSignUpOrChange(signals: ScopeSignals, password: ScannedField | undefined, kind = password?.passwordKind): boolean {
  if (signals.visiblePasswords >= 2) return true;
  if (kind === 'confirm') return true;
  const signUpScore = signUpScoreOf(signals);
  if (kind === 'new') {
    // A site that marks its login password "new-password" still says "sign in" somewhere.
    return signUpScore > 0 || !signals.loginWording;
  }
  const loginScore =
    (kind === 'current' ? 3 : 0) +
    (signals.loginWording ? 2 : 0) +
    (signals.forgotLink ? 2 : 0) +
    (signals.rememberMe ? 1 : 0);
  // Sign-up wording with no login evidence at all ("New customer" over an e-mail and a password).
  if (loginScore === 0) return signUpScore >= 2;
  return signUpScore >= 3 && signUpScore > loginScore;
}

/** Sign-up or change-password, for a form already known to set a password. */
function newPasswordFormKind(
  signals: ScopeSignals,
  kinds: PasswordKind[],
  username: ScannedField | undefined,
): NewPasswordCandidate['formKind'] {
  if (kinds.length >= 3) return 'change-password';
  const signUpEvidence = signUpScoreOf(signals) > 0;
  if (signUpEvidence) return 'sign-up';
  // Asking for the password in use, or saying "change/reset password": an account exists already.
  if (kinds.includes('current') || signals.changeWording) return 'change-password';
  // Passwords and nothing else (a reset link's page) set a password for an existing account.
  return username ? 'sign-up' : 'change-password';
}

/**
 * Which password is which on a new-password form. Declared kinds (autocomplete, labels) win; the
 * rest go by position: a change-password form reads [current, new, confirm] or [new, confirm],
 * a sign-up [new, confirm].
 */
function assignPasswordRoles(
  formKind: NewPasswordCandidate['formKind'],
  passwords: ScannedField[],
  kinds: PasswordKind[],
): { current?: ScannedField; next: ScannedField; confirm?: ScannedField } {
  let current = -1;
  if (formKind === 'change-password') {
    current = kinds.indexOf('current');
    if (current < 0 && passwords.length >= 2) {
      const readsNewThenConfirm = passwords.length === 2 && (kinds[1] === 'confirm' || kinds[0] === 'new');
      if (!readsNewThenConfirm) current = 0;
    }
  }
  const rest = passwords.map((_, i) => i).filter((i) => i !== current);
  const next = rest.find((i) => kinds[i] === 'new') ?? rest.find((i) => kinds[i] !== 'confirm') ?? rest[0]!;
  const confirm = rest.find((i) => i !== next && kinds[i] === 'confirm') ?? rest.find((i) => i > next);
  return {
    ...(current >= 0 ? { current: passwords[current]! } : {}),
    next: passwords[next]!,
    ...(confirm !== undefined ? { confirm: passwords[confirm]! } : {}),
  };
}

/** Footers and sidebars hold newsletter and search boxes, not the first step of a login. */
function isInPageFurniture(el: Element): boolean {
  return el.closest('footer, aside, [role="contentinfo"], [role="complementary"]') !== null;
}

/**
 * The username for a password: the nearest field before it with username signals, else the
 * nearest plain text field before it. Nearest, not strongest: on a page-wide <form> a newsletter
 * e-mail box far above must not beat the "User ID" box right above the password.
 */
function precedingUsername(
  group: FieldGroup,
  password: ScannedField,
  isShown: FieldVisibility,
): ScannedField | undefined {
  const before = group.fields.filter((field) => field.order < password.order);
  for (let i = before.length - 1; i >= 0; i--) {
    if (before[i]!.role === 'username' && isShown(before[i]!)) return before[i];
  }
  for (let i = before.length - 1; i >= 0; i--) {
    if (before[i]!.role === 'text' && isShown(before[i]!)) return before[i];
  }
  return undefined;
}

/**
 * The fields of `all` (in scan order) under `container`. The scan walks the composed tree depth
 * first, so the fields under one element are a contiguous run: start from a field known to be
 * inside and extend both ways, instead of an ancestor walk for every field of the page.
 */
function fieldsInside(container: Element, all: ScannedField[], inside: ScannedField): ScannedField[] {
  const start = all.indexOf(inside);
  // A field tied to a <form> elsewhere by its `form` attribute is not inside the container.
  if (start < 0 || !composedContains(container, inside.el)) return all.filter((f) => composedContains(container, f.el));
  let first = start;
  while (first > 0 && composedContains(container, all[first - 1]!.el)) first--;
  let end = start + 1;
  while (end < all.length && composedContains(container, all[end]!.el)) end++;
  return all.slice(first, end);
}

interface Decision {
  candidate: FormCandidate;
  /** A username-only step accepted on the page title's word alone: dropped if a login is elsewhere. */
  onTitleOnly: boolean;
}

function decideGroup(
  group: FieldGroup,
  allVisible: ScannedField[],
  isVisible: VisibilityCheck,
  labelsOf: LabelLookup,
  isShown: FieldVisibility,
): Decision | null {
  const { container, form } = group;
  // Only username and plain text fields are ever unread here (passwords are read eagerly).
  const passwords = group.fields.filter((f) => f.role === 'password' && isShown(f));
  const password = passwords[0];
  // The first password confirms nothing ("Enter your password to confirm" asks for the current one).
  const kinds = passwords.map((f, i) => (i === 0 && f.passwordKind === 'confirm' ? 'unknown' : f.passwordKind));
  const username = password
    ? precedingUsername(group, password, isShown)
    : // The first visible one of the highest score (a stable sort keeps ties in document order).
      group.fields
        .filter((f) => f.role === 'username')
        .sort((a, b) => b.usernameScore - a.usernameScore)
        .find(isShown);
  const primary = password ?? username;
  // Checked before anything reads the rest of the page: most groups (stray text boxes) end here.
  if (!primary) return null;
  // Possibly unread text fields among them: only `countVisibleTextFields` looks at those.
  const fieldsInScope = fieldsInside(container, allVisible, group.fields[0]!);

  const lastField = group.fields.findLast(isShown)!.el;
  const submitControl = findSubmitControl(container, form, lastField, isVisible);
  const signals = readScopeSignals(container, form, submitControl, fieldsInScope, labelsOf, isShown);

  const doc = primary.el.ownerDocument;
  const base = {
    container,
    ...(submitControl ? { submitControl } : {}),
    ...(form ? { formElement: form } : {}),
  };
  const action = resolveAction(form, submitControl, doc);
  const withAction = action === undefined ? base : { ...base, action };
  const decided = (candidate: FormCandidate, onTitleOnly = false): Decision => ({ candidate, onTitleOnly });

  if (password && isSignUpOrChange(signals, password, kinds[0])) {
    const formKind = newPasswordFormKind(signals, kinds, username);
    const roles = assignPasswordRoles(formKind, passwords, kinds);
    // A change-password form's plain text box is some other setting, not the account's name.
    const accountName = formKind === 'sign-up' || username?.role === 'username' ? username : undefined;
    return decided({
      formKind,
      ...(accountName ? { usernameField: accountName.el } : {}),
      ...(roles.current ? { currentPasswordField: roles.current.el } : {}),
      newPasswordField: roles.next.el,
      ...(roles.confirm ? { confirmPasswordField: roles.confirm.el } : {}),
      ...withAction,
    });
  }
  if (password) {
    return decided(
      username
        ? { formKind: 'login', kind: 'username-password', usernameField: username.el, passwordField: password.el, ...withAction }
        : { formKind: 'login', kind: 'password-only', passwordField: password.el, ...withAction },
    );
  }

  // Username-only step: a single identifier field, said to be a login, and nothing else.
  if (!username || signals.visiblePasswords > 0) return null;
  if (signals.newsletterWording || signals.forgotWording || signals.hasTextarea) return null;
  if (signals.signUpWording || signals.submitSaysSignUp || isSignUpOrChange(signals, undefined)) return null;
  if (signals.visibleTextFields > maxFieldsInUsernameStep) return null;
  const candidate: LoginCandidate = { formKind: 'login', kind: 'username-only', usernameField: username.el, ...withAction };
  if (username.usernameScore >= 4 || signals.loginWording) return decided(candidate);
  // "Username" + "Next": an account name (not a bare e-mail, which checkouts ask for too).
  const namesAnAccount = hasKeyword(describeField(username.el, labelsOf), accountNameKeywords);
  if (namesAnAccount && signals.submitSaysLoginOrNext) return decided(candidate);
  // The page title alone is weak: a footer's e-mail box on a "Sign in" page is a newsletter.
  const titleSaysLogin = hasKeyword(normalizeText(doc.title), loginKeywords);
  if (titleSaysLogin && signals.submitSaysLoginOrNext && !isInPageFurniture(username.el)) return decided(candidate, true);
  return null;
}

/**
 * Finds the login, sign-up and change-password forms under `root` (a document or a shadow root),
 * in document order, each classified with its fields' roles. Each field appears in at most one
 * candidate; search, newsletter, OTP and captcha fields yield none, and invisible fields
 * (honeypots) are never chosen.
 */
export function detectForms(root: Document | ShadowRoot, opts: DetectOptions = {}): FormCandidate[] {
  const layout = opts.layout ?? browserLayout;
  const inputs = collectCandidateInputs(
    root,
    opts.within,
    opts.maxFields ?? defaultMaxFieldsScanned,
    opts.maxElements ?? defaultMaxElementsVisited,
    opts.getShadowRoot ?? ((el) => el.shadowRoot),
    opts.shadowRoots,
  );

  const isVisible = createVisibilityChecker(layout);
  const labelsOf = createLabelLookup();
  const classified = inputs.map((el, order) => ({ el, order, ...classifyInput(el, labelsOf) }));
  // Plain text fields only matter as the username above a password; on a page without any
  // password field (a spreadsheet of inputs) their layout is never read.
  const hasPassword = classified.some((f) => f.role === 'password');
  const scanned: ScannedField[] = [];
  for (const field of classified) {
    if (field.role === 'excluded' || (field.role === 'text' && !hasPassword)) continue;
    if (!acceptsInput(field.el)) continue;
    const form = field.el.form ?? closestComposedForm(field.el);
    scanned.push({ ...field, form, chain: ancestorChain(field.el, form) });
  }
  const isShown: FieldVisibility = (field) => (field.visible ??= isVisible(field.el));

  // Layout is read now for every field except username and plain text fields whose <form> is
  // their group (a form with at most one visible password). Such a field can change no other
  // group (its ancestor chain ends at its form, so unless it meets a free-grouped field's chain
  // it never moves the shared-ancestor counts) and is read later only when its own form's
  // decision needs it: the username, the last field, the count of text fields.
  const passwordsPerForm = new Map<Element, number>();
  const isUsernameLike = (f: ScannedField): boolean => f.role === 'text' || f.role === 'username';
  const isFormGroupedField = (f: ScannedField): boolean =>
    isUsernameLike(f) && f.form !== null && (passwordsPerForm.get(f.form) ?? 0) <= 1;
  for (const field of scanned) {
    if (isUsernameLike(field) && field.form !== null) continue;
    if (isShown(field) && field.role === 'password' && field.form) {
      passwordsPerForm.set(field.form, (passwordsPerForm.get(field.form) ?? 0) + 1);
    }
  }
  const freeChains = new Set<Element>();
  for (const field of scanned) {
    if (isFormGroupedField(field) || !isGroupable(field)) continue;
    // The rest of a form with at most one password is grouped by the form: its passwords.
    if (field.form && (passwordsPerForm.get(field.form) ?? 0) <= 1) continue;
    if (!isShown(field)) continue;
    for (const ancestor of field.chain) freeChains.add(ancestor);
  }
  for (const field of scanned) {
    if (isFormGroupedField(field) && field.chain.some((ancestor) => freeChains.has(ancestor))) isShown(field);
  }
  // Known invisible fields are gone; unread ones stay until something needs them.
  const fields = scanned.filter((f) => f.visible !== false);

  const decided: (Decision & { order: number })[] = [];
  for (const group of groupFields(fields.filter(isGroupable))) {
    const decision = decideGroup(group, fields, isVisible, labelsOf, isShown);
    // Document order of the group's first visible field, as if invisible ones had never been grouped.
    if (decision) decided.push({ ...decision, order: group.fields.find(isShown)!.order });
  }
  // A lone e-mail box taken for a login's first step because the title says "Sign in" is no such
  // step when the page shows a real login as well (a newsletter box on a login page).
  const hasFirmLogin = decided.some((d) => d.candidate.formKind === 'login' && !d.onTitleOnly);
  return decided
    .filter((d) => !(d.onTitleOnly && hasFirmLogin))
    .sort((a, b) => a.order - b.order)
    .map((d) => d.candidate);
}

/**
 * Finds the login forms under `root` (a document or a shadow root), in document order: the login
 * candidates of `detectForms`. Sign-up, change-password, search, newsletter, OTP and captcha
 * fields yield none, and invisible fields (honeypots) are never chosen.
 */
export function detectLoginForms(root: Document | ShadowRoot, opts: DetectOptions = {}): LoginCandidate[] {
  return detectForms(root, opts).filter((c): c is LoginCandidate => c.formKind === 'login');
}

/**
 * Whether the form around a candidate now looks like a sign-up or change-password form (pages
 * change after detection: a "confirm password" field may appear). Used before offering to save.
 */
export function isSignUpOrChangeCandidate(candidate: LoginCandidate, layout: LayoutEnv = browserLayout): boolean {
  const root = candidate.container.getRootNode() as Document | ShadowRoot;
  const inputs = collectCandidateInputs(root, [candidate.container], defaultMaxFieldsScanned, defaultMaxElementsVisited, (el) => el.shadowRoot);
  const isVisible = createVisibilityChecker(layout);
  const labelsOf = createLabelLookup();
  const inScope: ScannedField[] = [];
  inputs.forEach((el, order) => {
    if (!composedContains(candidate.container, el)) return;
    const classified = classifyInput(el, labelsOf);
    if (classified.role === 'excluded' || !isDetectable(el, isVisible)) return;
    inScope.push({ ...classified, el, order, form: null, chain: [], visible: true });
  });
  const isShown: FieldVisibility = (field) => (field.visible ??= isVisible(field.el));
  const password = inScope.find((f) => f.el === candidate.passwordField);
  const signals = readScopeSignals(
    candidate.container,
    candidate.formElement ?? null,
    candidate.submitControl,
    inScope,
    labelsOf,
    isShown,
  );
  return isSignUpOrChange(signals, password);
}
