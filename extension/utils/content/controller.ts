// Content-script glue around the form engineer's pure functions: find login forms (one throttled
// MutationObserver, idle-time scans), open the isolated inline menu on a focused login field,
// carry out fills the background hands over (planFill decides), and report submitted logins.
// Every listener is tied to WXT's ctx (or an AbortSignal derived from it).

import { browser } from 'wxt/browser';
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import {
  applyFillPlan,
  confirmationKey,
  detectLoginForms,
  extractSubmittedCredentials,
  extractSubmittedUsername,
  planFill,
  type LoginCandidate,
} from '../forms';
import { describeConfirmation, describeRefusal } from '../fill-messages';
import { askBackground } from '../messaging';
import {
  errorReply,
  ExtensionError,
  isWireMessage,
  type ContentProtocol,
  type FillOutcome,
  type RequestOf,
  type ResponseOf,
} from '../protocol';
import { mountIsolatedFrame, type IsolatedFrame } from './isolated-frame';

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

function fieldsOf(candidate: LoginCandidate): HTMLInputElement[] {
  return [candidate.usernameField, candidate.passwordField].filter((field): field is HTMLInputElement => !!field);
}

export function startContentScript(ctx: ContentScriptContext): void {
  const signal = ctx.signal;
  const isTop = window.top === window;
  let candidates: LoginCandidate[] = [];
  let lastScanAt = 0;
  let scanPending = false;
  let menu: IsolatedFrame | null = null;
  let bar: IsolatedFrame | null = null;
  let pauseMenuUntil = 0;
  let lastSubmit: { key: string; at: number } | null = null;
  const observedRoots = new WeakSet<Node>();
  const dirty = new Set<LoginCandidate>();
  /** Replaced on every keystroke of the person in a login field (identity compared). */
  let lastTyped: { field: HTMLInputElement } | null = null;

  // ---- scanning -------------------------------------------------------------------------------
  const observer = new MutationObserver(() => scheduleScan());
  const observe = (root: Node) => {
    if (observedRoots.has(root)) return;
    observedRoots.add(root);
    observer.observe(root, { childList: true, subtree: true, attributes: true, attributeFilter: ['type', 'hidden', 'style', 'class'] });
    if (root instanceof ShadowRoot) {
      // `submit` does not cross shadow boundaries; listen inside each root that holds a form.
      root.addEventListener('submit', onSubmit, { capture: true, signal });
    }
  };

  function scan(): void {
    lastScanAt = performance.now();
    const previous = candidates;
    candidates = detectLoginForms(document, { getShadowRoot: shadowRootOf });
    for (const candidate of candidates) {
      const root = candidate.container.getRootNode();
      if (root instanceof ShadowRoot) observe(root);
    }
    // A login form that disappeared with a typed password (SPA "navigation"): report it.
    for (const old of previous) {
      if (dirty.has(old) && !old.passwordField?.isConnected) {
        dirty.delete(old);
        void reportSubmission(old);
      }
    }
    if (menu?.anchor && !menu.anchor.isConnected) closeMenu();
  }

  function scheduleScan(): void {
    if (scanPending) return;
    scanPending = true;
    const wait = Math.max(0, lastScanAt + scanThrottleMs - performance.now());
    ctx.setTimeout(() => {
      const run = () => {
        scanPending = false;
        if (!ctx.isInvalid) scan();
      };
      if ('requestIdleCallback' in window) ctx.requestIdleCallback(run, { timeout: 1000 });
      else run();
    }, wait);
  }

  const candidateOf = (el: EventTarget | null | undefined): LoginCandidate | undefined =>
    el instanceof HTMLInputElement ? candidates.find((c) => c.usernameField === el || c.passwordField === el) : undefined;

  // ---- inline menu ----------------------------------------------------------------------------------
  function closeMenu(): void {
    menu?.close();
    menu = null;
  }

  async function openMenu(field: HTMLInputElement): Promise<void> {
    if (Date.now() < pauseMenuUntil || menu?.anchor === field) return;
    closeMenu();
    const typedBefore = lastTyped;
    let token: string;
    try {
      ({ token } = await askBackground('content:open-menu', {}));
    } catch {
      return;
    }
    // Focus moved on, or the person started typing while we asked: no menu.
    if (ctx.isInvalid || deepActiveElement(document) !== field || lastTyped !== typedBefore) return;
    mountMenu(token, field);
  }

  function mountMenu(token: string, anchor: Element | null): void {
    closeMenu();
    const frame = mountIsolatedFrame({
      src: `${browser.runtime.getURL('/inline-ui.html')}#${token}`,
      token,
      placement: anchor ? { kind: 'below', anchor } : { kind: 'top-right' },
      ...menuSize,
      signal,
      onClose: () => {
        if (menu === frame) menu = null;
      },
    });
    menu = frame;
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
  function fillTarget(): LoginCandidate | undefined {
    scan();
    const anchored = candidateOf(menu?.anchor);
    if (anchored) return anchored;
    const focused = candidateOf(deepActiveElement(document));
    return focused ?? candidates[0];
  }

  /**
   * planFill's registrable-domain lookup for the two hosts it compares (this frame's and the form
   * action's), answered by the background: the public suffix list is too big to inject into every
   * frame. Should the background not answer, each host stands for itself, so a form posting to a
   * sibling subdomain asks first (stricter, never looser).
   */
  async function registrableDomainsFor(candidate: LoginCandidate): Promise<(host: string) => string | null> {
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
    let claim;
    try {
      claim = await askBackground('content:claim-fill', { ticket });
    } catch (error) {
      const e = error instanceof ExtensionError ? error : new ExtensionError('internal', 'Fill failed.');
      return { status: 'refused', code: e.code === 'access-declined' ? 'access-declined' : 'not-allowed', message: e.message };
    }
    if (claim.status === 'confirm') {
      return { status: 'confirm', reason: claim.reason, key: confirmationKey(claim.reason), message: describeConfirmation(claim.reason) };
    }
    const candidate = fillTarget();
    if (!candidate) return { status: 'no-form', message: 'No login form found on this page.' };
    const registrableDomain = await registrableDomainsFor(candidate);
    const plan = planFill(candidate, claim.account, {
      userGesture: true, // a ticket exists only after a person's action in a trusted place
      topUrl: claim.topUrl,
      frameOrigin: window.origin,
      application: claim.application,
      registrableDomain,
      confirmed: claim.confirmed,
    });
    if (plan.action === 'confirm') {
      return { status: 'confirm', reason: plan.reason, key: confirmationKey(plan.reason), message: describeConfirmation(plan.reason) };
    }
    if (plan.action === 'refuse') return { status: 'refused', code: plan.reason.code, message: describeRefusal(plan.reason) };
    closeMenu();
    pauseMenuUntil = Date.now() + reopenPauseMs;
    const fields = applyFillPlan(plan);
    return { status: 'filled', fields };
  }

  // ---- submissions ------------------------------------------------------------------------------------
  async function reportSubmission(candidate: LoginCandidate): Promise<void> {
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
      return { candidates: candidates.length, focused: candidateOf(deepActiveElement(document)) !== undefined };
    },
    fill: ({ ticket }) => fill(ticket),
    'show-frame': async ({ token, placement }) => {
      if (placement === 'top-bar') {
        if (!isTop) return { shown: false };
        // This page already shows the offer (it asked on load): keep the bar the person sees.
        if (!bar) showBar(token);
        return { shown: true };
      }
      scan();
      const active = deepActiveElement(document);
      const anchor = candidateOf(active) ? active : (fieldsOf(candidates[0] ?? ({} as LoginCandidate))[0] ?? null);
      mountMenu(token, anchor);
      return { shown: true };
    },
    'close-frame': async ({ token }) => {
      let closed = false;
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
    observer.disconnect();
    closeMenu();
    bar?.close();
  });

  // ---- page events (delegated, capture phase, tied to ctx) ---------------------------------------------
  const listen = <K extends keyof DocumentEventMap>(type: K, fn: (event: DocumentEventMap[K]) => void) =>
    document.addEventListener(type, fn as EventListener, { capture: true, signal, passive: type !== 'keydown' });

  listen('focusin', (event) => {
    const target = event.composedPath()[0];
    const candidate = candidateOf(target);
    if (candidate && event.isTrusted) void openMenu(target as HTMLInputElement);
    else if (menu && target !== menu.anchor && !(target instanceof Element && target.localName === 'secureaccess-inline-ui')) closeMenu();
  });
  listen('pointerdown', (event) => {
    const target = event.composedPath()[0];
    if (!event.isTrusted) return;
    const candidate = candidateOf(target);
    if (candidate && menu?.anchor !== target) {
      pauseMenuUntil = 0;
      // A click on an already-focused field: focusin will not fire again.
      if (deepActiveElement(document) === target) void openMenu(target as HTMLInputElement);
    }
    const submitter = candidates.find((c) => c.submitControl && target instanceof Node && c.submitControl.contains(target));
    if (submitter) void reportSubmission(submitter);
  });
  listen('keydown', (event) => {
    if (event.key === 'Escape' && menu) closeMenu();
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
    if (event.isTrusted && menu && menu.anchor === target) closeMenu();
  });
  listen('submit', onSubmit);
  window.addEventListener(
    'pagehide',
    () => {
      for (const candidate of dirty) void reportSubmission(candidate);
    },
    { signal },
  );

  observe(document);
  scan();

  // A login submitted on the previous page of this tab may be waiting for "save?".
  if (isTop) {
    void askBackground('content:pending-offer', {})
      .then(({ token }) => {
        if (token && !ctx.isInvalid) showBar(token);
      })
      .catch(() => undefined);
  }
}
