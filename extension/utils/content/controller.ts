// Content-script glue around the form engineer's pure functions: find login forms (observeForms:
// one throttled MutationObserver, idle-time scans), open the isolated inline menu on a focused login field,
// carry out fills the background hands over (planFill decides), and report submitted logins.
// Every listener is tied to WXT's ctx (or an AbortSignal derived from it).

import { browser } from 'wxt/browser';
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import {
  applyFillPlan,
  assessFillTarget,
  browserFillLayout,
  confirmationKey,
  extractSetPassword,
  extractSubmittedCredentials,
  extractSubmittedUsername,
  planFill,
  siteRulesOf,
  type FormCandidate,
  whyNotFillable,
  type ConfirmReason,
} from '../forms';
import { t } from '../i18n';
import { describeConfirmations, describeRefusal } from '../fill-messages';
import { askBackground } from '../messaging';
import {
  errorReply,
  ExtensionError,
  isWireMessage,
  type ContentProtocol,
  type FillOutcome,
  type FieldAnchorView,
  type FillTargetView,
  type FrameVisibilityView,
  type MenuAnchorView,
  type NewPasswordFormView,
  type RequestOf,
  type ResponseOf,
} from '../protocol';
import { mountIsolatedFrame, type IsolatedFrame } from './isolated-frame';
import { observeForms, type FormObserver } from './observe-forms';

/** At most one scan per this many ms, however busy the page's DOM is. */
const scanThrottleMs = 300;
/** After a fill, focus events from our own filling must not reopen the menu. */
const reopenPauseMs = 1500;
/** The same credentials submitted twice within this window (submit + click + Enter) count once. */
const submitDedupeMs = 4000;
const menuSize = { width: 320, height: 120, maxHeight: 360 };
const barSize = { width: 360, height: 150, maxHeight: 260 };

type ContentHandlers = {
  [K in keyof ContentProtocol]: (payload: RequestOf<ContentProtocol, K>) => Promise<ResponseOf<ContentProtocol, K>>;
};

function shadowRootOf(el: Element): ShadowRoot | null {
  const dom = (globalThis as unknown as { chrome?: { dom?: { openOrClosedShadowRoot?: (el: Element) => ShadowRoot | null } } })
    .chrome?.dom;
  try {
    if (dom?.openOrClosedShadowRoot) return dom.openOrClosedShadowRoot(el);
    const firefox = (el as Element & { openOrClosedShadowRoot?: ShadowRoot | null }).openOrClosedShadowRoot;
    if (firefox !== undefined) return firefox;
  } catch {
    // Not a shadow host.
  }
  return el.shadowRoot;
}

/** The element that really has focus, through open shadow roots. */
function deepActiveElement(doc: Document): Element | null {
  let active: Element | null = doc.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

/**
 * The fields the menu opens on and a fill writes: a login's username and password; a sign-up's or
 * change-password form's current, new and confirmation passwords (a sign-up's new name is the
 * person's to type).
 */
function fieldsOf(candidate: FormCandidate): HTMLInputElement[] {
  const fields =
    candidate.formKind === 'login'
      ? [candidate.usernameField, candidate.passwordField]
      : [candidate.currentPasswordField, candidate.newPasswordField, candidate.confirmPasswordField];
  return fields.filter((field): field is HTMLInputElement => !!field);
}

/** The field whose value is the secret a submission carries (a login's password, a form's new one). */
function secretFieldOf(candidate: FormCandidate): HTMLInputElement | undefined {
  return candidate.formKind === 'login' ? candidate.passwordField : candidate.newPasswordField;
}

/** What the background needs to offer a generated password for a new-password form. */
function newPasswordForm(candidate: FormCandidate | undefined): NewPasswordFormView | null {
  if (!candidate || candidate.formKind === 'login') return null;
  return { kind: candidate.formKind, rules: siteRulesOf(candidate.newPasswordField) };
}

/** Forms a saved account can be filled into (the popup, the shortcut): logins, then change-password forms. */
function accountForms(candidates: readonly FormCandidate[]): FormCandidate[] {
  return [
    ...candidates.filter((c) => c.formKind === 'login'),
    ...candidates.filter((c) => c.formKind === 'change-password' && c.currentPasswordField),
  ];
}

function confirmOutcome(reasons: ConfirmReason[]): FillOutcome {
  return { status: 'confirm', reasons, keys: reasons.map(confirmationKey), message: describeConfirmations(reasons) };
}

/**
 * The candidate's fields as a fill would see them: refused (with the person-readable reason) when
 * one cannot be filled, else where the main field sits in this frame, for the background to judge
 * the frames above (`judgeFrameChain`).
 */
function assessCandidate(candidate: FormCandidate, ownElements: readonly Element[] = []): { target: FillTargetView } | { refused: string } {
  const fields = fieldsOf(candidate);
  for (const field of fields) {
    const why = whyNotFillable(field, browserFillLayout, ownElements);
    if (why) {
      const role = field === candidate.usernameField ? 'username' : 'password';
      return { refused: describeRefusal({ code: 'field-not-fillable', field: role, why }) };
    }
  }
  const main = secretFieldOf(candidate) ?? fields[0]!;
  const seen = assessFillTarget(main, browserFillLayout, { scroll: false, ownElements });
  if (!seen.visible) return { refused: describeRefusal({ code: 'field-not-fillable', field: 'password', why: seen.reason }) };
  return { target: { opacity: seen.opacity, point: seen.point } };
}

/** Where this frame sits among its parent's frames (`window.frames` order), or -1 at the top. */
function indexInParent(): number {
  if (window.top === window) return -1;
  const siblings = window.parent.frames;
  for (let i = 0; i < siblings.length; i++) if (siblings[i] === window) return i;
  return -1;
}

/**
 * The <iframe>/<frame> element of a child frame. Firefox answers `runtime.getFrameId(element)`
 * directly; Chrome has no such call, so the child tells the background its index among
 * `window.frames` (read in the content script's isolated world, which page scripts cannot
 * redefine) and the element is the one whose `contentWindow` is that frame. No message crosses
 * the page, so the page cannot answer for its frame.
 */
function childFrameElement(childFrameId: number, frameIndex: number): HTMLIFrameElement | HTMLFrameElement | null {
  type GetFrameId = (target: Element) => number;
  const getFrameId = (browser.runtime as unknown as { getFrameId?: GetFrameId }).getFrameId?.bind(browser.runtime);
  const child = frameIndex >= 0 && frameIndex < window.frames.length ? window.frames[frameIndex] : undefined;
  const matches = (el: HTMLIFrameElement | HTMLFrameElement): boolean => {
    if (getFrameId) {
      try {
        return getFrameId(el) === childFrameId;
      } catch {
        return false; // a frame the browser does not know (not loaded yet)
      }
    }
    return child !== undefined && el.contentWindow === child;
  };
  const search = (root: Document | ShadowRoot, depth: number): HTMLIFrameElement | HTMLFrameElement | null => {
    for (const el of Array.from(root.querySelectorAll<HTMLIFrameElement | HTMLFrameElement>('iframe, frame'))) {
      if (matches(el)) return el;
    }
    if (depth > 4) return null;
    for (const el of Array.from(root.querySelectorAll('*'))) {
      const shadow = shadowRootOf(el);
      const found = shadow ? search(shadow, depth + 1) : null;
      if (found) return found;
    }
    return null;
  };
  return search(document, 0);
}

/** Chrome's IntersectionObserver v2: does the browser itself see `el` unobscured? (undefined: not supported) */
function isVisibleToBrowser(el: Element, timeoutMs = 400): Promise<boolean | undefined> {
  if (typeof IntersectionObserverEntry === 'undefined' || !('isVisible' in IntersectionObserverEntry.prototype)) {
    return Promise.resolve(undefined);
  }
  return new Promise((resolve) => {
    const observer = new IntersectionObserver(
      (entries) => {
        const entry = entries[entries.length - 1] as IntersectionObserverEntry & { isVisible?: boolean };
        observer.disconnect();
        clearTimeout(timer);
        resolve(entry.isVisible === true);
      },
      { trackVisibility: true, delay: 100 } as IntersectionObserverInit,
    );
    const timer = setTimeout(() => {
      observer.disconnect();
      resolve(false);
    }, timeoutMs);
    observer.observe(el);
  });
}

/**
 * This document's judgement of a child frame's <iframe> element at `point` (the child's field,
 * in the child's viewport): the same `assessFillTarget` as for fields, hit-tested at the mapped
 * point, and — where Chrome has it — IntersectionObserver v2's `isVisible`, which also sees
 * overlays with `pointer-events: none` that hit-testing skips. (Fields themselves are not held to
 * isVisible: Material-style outlined fields draw a notched <fieldset> over the input, which makes
 * it false on ordinary login pages.)
 */
async function judgeChildFrame(
  childFrameId: number,
  frameIndex: number,
  point: { x: number; y: number },
  ownElements: readonly Element[],
): Promise<FrameVisibilityView> {
  const frame = childFrameElement(childFrameId, frameIndex);
  if (!frame) return { visible: false, reason: { code: 'removed' } };
  const rect = frame.getBoundingClientRect();
  const style = getComputedStyle(frame);
  const offset = {
    left: rect.left + frame.clientLeft + (Number.parseFloat(style.paddingLeft) || 0),
    top: rect.top + frame.clientTop + (Number.parseFloat(style.paddingTop) || 0),
  };
  const mapped = { x: offset.left + point.x, y: offset.top + point.y };
  if (mapped.x < rect.left || mapped.y < rect.top || mapped.x >= rect.right || mapped.y >= rect.bottom) {
    return { visible: false, reason: { code: 'clipped' } };
  }
  const seen = assessFillTarget(frame, browserFillLayout, { point: mapped, scroll: false, ownElements });
  if (!seen.visible) return { visible: false, reason: seen.reason };
  // Our own menu, drawn over part of the frame, makes isVisible false; hit-testing above (which
  // skips only our host) still catches the page's overlays then.
  const overlapsOwn = ownElements.some((el) => {
    const o = el.getBoundingClientRect();
    return o.left < rect.right && rect.left < o.right && o.top < rect.bottom && rect.top < o.bottom;
  });
  if (!overlapsOwn && (await isVisibleToBrowser(frame)) === false) return { visible: false, reason: { code: 'covered' } };
  return { visible: true, opacity: seen.opacity, point: mapped, offset };
}

export function startContentScript(ctx: ContentScriptContext): void {
  const signal = ctx.signal;
  const isTop = window.top === window;
  /** Logins, sign-ups and change-password forms of this frame. */
  let candidates: FormCandidate[] = [];
  /** The menu this (top) document draws, for a field of any frame of the tab. */
  let menu: IsolatedFrame | null = null;
  /** The menu open for a field of this frame (drawn by the top frame). */
  let fieldMenu: { token: string; field: HTMLInputElement } | null = null;
  let bar: IsolatedFrame | null = null;
  let pauseMenuUntil = 0;
  let lastSubmit: { key: string; at: number } | null = null;
  const dirty = new Set<FormCandidate>();
  /** Replaced on every keystroke of the person in a login field (identity compared). */
  let lastTyped: { field: HTMLInputElement } | null = null;
  /** Our own frames on this page: they may sit over the next field and are not overlays. */
  const ownUi = (): Element[] => [menu?.host, bar?.host].filter((host): host is Element => !!host);

  // ---- scanning -------------------------------------------------------------------------------
  let forms: FormObserver | null = null;
  const submitRoots = new WeakSet<Node>();

  function onFormsFound(found: readonly FormCandidate[]): void {
    const previous = candidates;
    candidates = [...found];
    for (const candidate of candidates) {
      const root = candidate.container.getRootNode();
      // `submit` does not cross shadow boundaries; listen inside each root that holds a form.
      if (root instanceof ShadowRoot && !submitRoots.has(root)) {
        submitRoots.add(root);
        root.addEventListener('submit', onSubmit, { capture: true, signal });
      }
    }
    // A login form that disappeared with a typed password (SPA "navigation"): report it.
    for (const old of previous) {
      if (dirty.has(old) && !secretFieldOf(old)?.isConnected) {
        dirty.delete(old);
        void reportSubmission(old);
      }
    }
    if (fieldMenu && !fieldMenu.field.isConnected) closeFieldMenu();
  }

  function scan(): void {
    if (!ctx.isInvalid) forms?.scanNow();
  }

  const candidateOf = (el: EventTarget | null | undefined): FormCandidate | undefined =>
    el instanceof HTMLInputElement ? candidates.find((c) => fieldsOf(c).includes(el)) : undefined;

  // ---- inline menu ----------------------------------------------------------------------------------
  // Every menu is drawn by the top frame over the field's on-screen rectangle (never clipped by a
  // small iframe); the field's frame keeps `fieldMenu` and asks the background to close or focus it.
  function closeMenu(): void {
    menu?.close();
    menu = null;
  }

  function closeFieldMenu(): void {
    const open = fieldMenu;
    fieldMenu = null;
    if (open) void askBackground('content:close-menu', { token: open.token }).catch(() => undefined);
  }

  /** The field's rectangle and its form's other fields (the menu should not cover them). */
  function anchorOf(field: HTMLInputElement): FieldAnchorView {
    const box = (el: Element) => {
      const r = el.getBoundingClientRect();
      return { left: r.left, top: r.top, width: r.width, height: r.height };
    };
    const candidate = candidateOf(field);
    const others = candidate ? fieldsOf(candidate).filter((other) => other !== field) : [];
    const submit = candidate?.submitControl ? [candidate.submitControl] : [];
    return { rect: box(field), avoid: [...others, ...submit].map(box) };
  }

  async function openMenu(field: HTMLInputElement): Promise<void> {
    if (Date.now() < pauseMenuUntil || fieldMenu?.field === field) return;
    closeFieldMenu();
    const typedBefore = lastTyped;
    const candidate = candidateOf(field);
    const assessed = candidate ? assessCandidate(candidate, ownUi()) : { refused: t('fill.fieldCannotFill') };
    const placeholder = { token: '', field };
    fieldMenu = placeholder;
    let answer: { token: string; shown: boolean };
    try {
      const form = newPasswordForm(candidate);
      answer = await askBackground('content:open-menu', {
        target: 'target' in assessed ? assessed.target : null,
        blocked: 'refused' in assessed ? assessed.refused : null,
        anchor: anchorOf(field),
        ...(form ? { form } : {}),
      });
    } catch {
      if (fieldMenu === placeholder) fieldMenu = null;
      return;
    }
    if (fieldMenu !== placeholder) {
      void askBackground('content:close-menu', { token: answer.token }).catch(() => undefined);
      return;
    }
    fieldMenu = answer.shown ? { token: answer.token, field } : null;
    // Focus moved on, or the person started typing while we asked: no menu.
    if (ctx.isInvalid || deepActiveElement(document) !== field || lastTyped !== typedBefore) closeFieldMenu();
  }

  /** Top frame: draw the menu for a field of this frame or of one of the frames below. */
  function mountMenu(token: string, anchor: MenuAnchorView): boolean {
    closeMenu();
    const local = anchor.childFrameId === null && fieldMenu?.token === token ? fieldMenu.field : null;
    const resolve = () => {
      if (local) {
        if (!local.isConnected) return null;
        const here = anchorOf(local);
        return { anchor: here.rect, avoid: here.avoid };
      }
      if (anchor.childFrameId === null) return { anchor: anchor.rect, avoid: anchor.avoid };
      const frame = childFrameElement(anchor.childFrameId, anchor.childIndex);
      if (!frame) return null;
      const r = frame.getBoundingClientRect();
      const style = getComputedStyle(frame);
      const dx = r.left + frame.clientLeft + (Number.parseFloat(style.paddingLeft) || 0);
      const dy = r.top + frame.clientTop + (Number.parseFloat(style.paddingTop) || 0);
      const shift = (x: FieldAnchorView['rect']) => ({ ...x, left: x.left + dx, top: x.top + dy });
      return { anchor: shift(anchor.rect), avoid: anchor.avoid.map(shift) };
    };
    if (!resolve()) return false;
    const frame = mountIsolatedFrame({
      src: `${browser.runtime.getURL('/inline-ui.html')}#${token}`,
      token,
      placement: { kind: 'rect', resolve },
      ...menuSize,
      signal,
      onClose: () => {
        if (menu === frame) menu = null;
      },
    });
    menu = frame;
    return true;
  }

  function showBar(token: string): void {
    bar?.close();
    const frame = mountIsolatedFrame({
      src: `${browser.runtime.getURL('/inline-ui.html')}#${token}`,
      token,
      placement: { kind: 'top-right' },
      ...barSize,
      signal,
      onClose: () => {
        if (bar === frame) bar = null;
      },
    });
    bar = frame;
  }

  // ---- fill ---------------------------------------------------------------------------------------------
  /** The form a fill goes to: the menu's, the focused one, else the first visible form an account fits. */
  function fillTarget(): FormCandidate | undefined {
    scan();
    const anchored = candidateOf(fieldMenu?.field);
    if (anchored) return anchored;
    const focused = candidateOf(deepActiveElement(document));
    const forms = accountForms(candidates);
    return focused ?? forms.find((c) => 'target' in assessCandidate(c, ownUi())) ?? forms[0];
  }

  /**
   * planFill's registrable-domain lookup for the two hosts it compares (this frame's and the form
   * action's), answered by the background: the public suffix list is too big to inject into every
   * frame. Should the background not answer, each host stands for itself, so a form posting to a
   * sibling subdomain asks first (stricter, never looser).
   */
  async function registrableDomainsFor(candidate: FormCandidate): Promise<(host: string) => string | null> {
    const hosts = new Set<string>();
    for (const raw of [window.origin, candidate.action]) {
      try {
        if (raw) hosts.add(new URL(raw).hostname);
      } catch {
        // not a URL (an opaque origin, a malformed action): planFill does not compare it either
      }
    }
    const { domains } = await askBackground('content:registrable-domains', { hosts: [...hosts] }).catch(() => ({
      domains: {} as Record<string, string | null>,
    }));
    return (host) => domains[host] ?? null;
  }

  async function fill(ticket: string): Promise<FillOutcome> {
    const candidate = fillTarget();
    if (!candidate) return { status: 'no-form', message: t('fill.noForm') };
    // A field a person cannot see gets nothing, and no question either: refused before any claim.
    const assessed = assessCandidate(candidate, ownUi());
    if ('refused' in assessed) return { status: 'refused', code: 'field-not-fillable', message: assessed.refused };
    let claim;
    try {
      claim = await askBackground('content:claim-fill', {
        ticket,
        target: assessed.target,
        ...(candidate.action ? { actionUrl: candidate.action } : {}),
      });
    } catch (error) {
      const e = error instanceof ExtensionError ? error : new ExtensionError('internal', t('fill.fillFailed'));
      return { status: 'refused', code: e.code === 'access_declined' ? 'access_declined' : 'not-allowed', message: e.message };
    }
    if (claim.status === 'confirm') return confirmOutcome(claim.reasons);
    if (claim.status === 'refuse') return { status: 'refused', code: claim.reason.code, message: describeRefusal(claim.reason) };
    const registrableDomain = await registrableDomainsFor(candidate);
    const plan = planFill(candidate, { ...claim.account, newPassword: claim.generated }, {
      userGesture: true, // a ticket exists only after a person's action in a trusted place
      topUrl: claim.topUrl,
      frameOrigin: window.origin,
      application: claim.application,
      registrableDomain,
      confirmed: claim.confirmed,
      ownElements: ownUi(),
    });
    if (plan.action === 'confirm') return confirmOutcome(plan.reasons);
    if (plan.action === 'refuse') return { status: 'refused', code: plan.reason.code, message: describeRefusal(plan.reason) };
    fieldMenu = null; // the background closes the menu the top frame draws
    pauseMenuUntil = Date.now() + reopenPauseMs;
    const fields = applyFillPlan(plan);
    return { status: 'filled', fields };
  }

  // ---- submissions ------------------------------------------------------------------------------------
  async function reportSubmission(candidate: FormCandidate): Promise<void> {
    if (candidate.formKind !== 'login') {
      const set = extractSetPassword(candidate);
      if (!set) return;
      const key = `${candidate.formKind}\u0000${set.username}\u0000${set.password}`;
      const now = Date.now();
      if (lastSubmit && lastSubmit.key === key && now - lastSubmit.at < submitDedupeMs) return;
      lastSubmit = { key, at: now };
      dirty.delete(candidate);
      await askBackground('content:submitted', { ...set, formKind: candidate.formKind }).catch(() => undefined);
      return;
    }
    if (candidate.kind === 'username-only') {
      const username = extractSubmittedUsername(candidate);
      if (username) await askBackground('content:username-step', { username }).catch(() => undefined);
      return;
    }
    const submitted = extractSubmittedCredentials(candidate);
    if (!submitted) return;
    const key = `${submitted.username}\u0000${submitted.password}`;
    const now = Date.now();
    if (lastSubmit && lastSubmit.key === key && now - lastSubmit.at < submitDedupeMs) return;
    lastSubmit = { key, at: now };
    dirty.delete(candidate);
    await askBackground('content:submitted', { username: submitted.username, password: submitted.password }).catch(() => undefined);
  }

  function onSubmit(event: Event): void {
    const form = event.composedPath()[0];
    const candidate = candidates.find((c) => c.formElement === form || (form instanceof Node && c.container.contains(form)));
    if (candidate) void reportSubmission(candidate);
  }

  // ---- messages from the background ---------------------------------------------------------------------
  const handlers: ContentHandlers = {
    probe: async () => {
      scan();
      // Only forms a saved account fits count: a frame with a sign-up alone has nothing for the popup.
      const forms = accountForms(candidates);
      const active = candidateOf(deepActiveElement(document));
      const focused = active && forms.includes(active) ? active : undefined;
      // The candidate a fill would take, judged the way the fill will judge it.
      const best = focused ?? forms.find((c) => 'target' in assessCandidate(c, ownUi())) ?? forms[0];
      const assessed = best ? assessCandidate(best, ownUi()) : null;
      return {
        candidates: forms.length,
        focused: focused !== undefined,
        target: assessed && 'target' in assessed ? assessed.target : null,
        quality: best?.formKind === 'login' && best.kind === 'username-password' ? 2 : best ? 1 : 0,
      };
    },
    'frame-visibility': ({ childFrameId, frameIndex, point }) => judgeChildFrame(childFrameId, frameIndex, point, ownUi()),
    'frame-index': async () => ({ index: indexInParent() }),
    fill: ({ ticket }) => fill(ticket),
    'show-frame': async ({ token, placement }) => {
      if (placement === 'top-bar') {
        if (!isTop) return { shown: false };
        // This page already shows the offer (it asked on load): keep the bar the person sees.
        if (!bar) showBar(token);
        return { shown: true };
      }
      return { shown: false };
    },
    'show-menu': async ({ token, anchor }) => ({ shown: isTop && mountMenu(token, anchor) }),
    'focus-menu': async ({ token }) => {
      if (menu?.token !== token) return { focused: false };
      menu.focus();
      return { focused: true };
    },
    'field-anchor': async ({ token }) => {
      scan();
      const active = deepActiveElement(document);
      const first = accountForms(candidates)[0] ?? candidates[0];
      const field = candidateOf(active) ? (active as HTMLInputElement) : ((first && fieldsOf(first)[0]) ?? null);
      if (!field) return { anchor: null, target: null, form: null };
      closeFieldMenu();
      fieldMenu = { token, field };
      const candidate = candidateOf(field)!;
      const assessed = assessCandidate(candidate, ownUi());
      return { anchor: anchorOf(field), target: 'target' in assessed ? assessed.target : null, form: newPasswordForm(candidate) };
    },
    'focus-field': async ({ token }) => {
      if (fieldMenu?.token !== token && fieldMenu !== null) return { focused: false };
      const field = fieldMenu?.field;
      fieldMenu = null;
      if (!field?.isConnected) return { focused: false };
      pauseMenuUntil = Date.now() + reopenPauseMs;
      field.focus();
      return { focused: true };
    },
    'close-frame': async ({ token }) => {
      let closed = false;
      if (fieldMenu?.token === token) {
        fieldMenu = null;
        closed = true;
      }
      if (menu?.token === token) {
        closeMenu();
        closed = true;
      }
      if (bar?.token === token) {
        bar.close();
        bar = null;
        closed = true;
      }
      return { closed };
    },
  };

  const onMessage = (message: unknown, sender: { id?: string }) => {
    if (sender.id !== browser.runtime.id || !isWireMessage(message) || !Object.hasOwn(handlers, message.type)) return undefined;
    const handler = handlers[message.type as keyof ContentHandlers] as (payload: unknown) => Promise<unknown>;
    return handler(message.payload ?? {}).then(
      (value) => ({ ok: true, value }),
      (error: unknown) => errorReply(error),
    );
  };
  browser.runtime.onMessage.addListener(onMessage);
  ctx.onInvalidated(() => {
    browser.runtime.onMessage.removeListener(onMessage);
    closeMenu();
    closeFieldMenu();
    bar?.close();
  });

  // ---- page events (delegated, capture phase, tied to ctx) ---------------------------------------------
  const listen = <K extends keyof DocumentEventMap>(type: K, fn: (event: DocumentEventMap[K]) => void) =>
    document.addEventListener(type, fn as EventListener, { capture: true, signal, passive: type !== 'keydown' });

  listen('focusin', (event) => {
    const target = event.composedPath()[0];
    const candidate = candidateOf(target);
    if (candidate && event.isTrusted) void openMenu(target as HTMLInputElement);
    else if (fieldMenu && target !== fieldMenu.field && !(target instanceof Element && target.localName === 'secureaccess-inline-ui')) {
      closeFieldMenu();
    }
  });
  listen('pointerdown', (event) => {
    const target = event.composedPath()[0];
    if (!event.isTrusted) return;
    const candidate = candidateOf(target);
    if (candidate && fieldMenu?.field !== target) {
      pauseMenuUntil = 0;
      // A click on an already-focused field: focusin will not fire again.
      if (deepActiveElement(document) === target) void openMenu(target as HTMLInputElement);
    }
    const submitter = candidates.find((c) => c.submitControl && target instanceof Node && c.submitControl.contains(target));
    if (submitter) void reportSubmission(submitter);
  });
  listen('keydown', (event) => {
    if (event.key === 'Escape' && fieldMenu) closeFieldMenu();
    // ArrowDown from the field moves into the menu (the top frame focuses its frame).
    if (event.key === 'ArrowDown' && event.isTrusted && fieldMenu && fieldMenu.token && event.composedPath()[0] === fieldMenu.field) {
      event.preventDefault();
      void askBackground('content:focus-menu', { token: fieldMenu.token }).catch(() => undefined);
    }
    if (event.key === 'Enter' && event.isTrusted) {
      const candidate = candidateOf(event.composedPath()[0]);
      if (candidate) void reportSubmission(candidate);
    }
  });
  listen('input', (event) => {
    const target = event.composedPath()[0];
    const candidate = candidateOf(target);
    if (candidate) dirty.add(candidate);
    // The person types the login themselves: get out of the way (a click on the field brings it back).
    if (event.isTrusted && candidate) lastTyped = { field: target as HTMLInputElement };
    if (event.isTrusted && fieldMenu && fieldMenu.field === target) closeFieldMenu();
  });
  listen('submit', onSubmit);
  window.addEventListener(
    'pagehide',
    () => {
      for (const candidate of dirty) void reportSubmission(candidate);
    },
    { signal },
  );

  forms = observeForms(onFormsFound, { signal, throttleMs: scanThrottleMs, detect: { getShadowRoot: shadowRootOf } });

  // A login submitted on the previous page of this tab may be waiting for "save?".
  if (isTop) {
    void askBackground('content:pending-offer', {})
      .then(({ token }) => {
        if (token && !ctx.isInvalid) showBar(token);
      })
      .catch(() => undefined);
  }
}
