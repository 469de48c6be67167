// Keeps the forms of a document detected while the page changes: one MutationObserver (on the
// document and on every shadow root a form was found in), throttled idle-time rescans, and the
// events that show a form without touching the DOM tree (a top-layer <dialog> opened with
// showModal() sets `open`; a popover opened with showPopover() changes no attribute at all and
// only fires `toggle`). Everything is tied to an AbortSignal.
//
// Rescans are incremental: only the subtrees a mutation batch added or changed (widened to their
// <form>, and to any detected form they touch) are scanned again; the rest of the last result is
// kept. A batch that touches no input costs a few `querySelector` calls and no layout read.

import { compareFlatTreeOrder, detectForms, fieldRolesOf, type DetectOptions, type FormCandidate } from '../forms';

export interface ScanStats {
  /** Time the scan took, in ms (performance.now()). */
  durationMs: number;
  /** False for the first scan and for scanNow(); true for a rescan of changed subtrees only. */
  incremental: boolean;
  /** Subtrees rescanned (0 when the batch touched no form field). */
  scopes: number;
}

export interface ObserveFormsOptions {
  signal: AbortSignal;
  /** The document to watch; the content script's own by default. */
  document?: Document;
  /** At most one rescan per this many ms, however busy the page's DOM is (300 ms by default). */
  throttleMs?: number;
  /** Passed to detectForms (the glue passes a getShadowRoot that reaches closed roots). */
  detect?: DetectOptions;
}

export interface FormObserver {
  /** The forms found by the last scan, in document order. */
  readonly forms: readonly FormCandidate[];
  /** Scans now (a fill is about to happen) and returns the fresh result; also calls the callback. */
  scanNow(): readonly FormCandidate[];
}

/** A page of at most this many elements has its shadow roots looked for before the first scan. */
const maxElementsWalkedAtOnce = 20_000;
/** Longest idle-time slice spent looking for shadow roots, in ms. */
const discoverySliceMs = 4;
/** Elements of one added subtree looked at for shadow hosts (a widget, not a page). */
const maxAddedElementsWalked = 5_000;

/** Attributes that show, hide or retype a field or one of its ancestors. */
const watchedAttributes = ['type', 'hidden', 'style', 'class', 'open', 'aria-hidden', 'inert', 'popover'];

/**
 * Calls `callback(forms, previous)` after the first scan (synchronously, before returning) and
 * after every later scan; `previous` is the result of the scan before, so the glue can tell a
 * login form that disappeared with a typed password (an SPA "navigation").
 */
export function observeForms(
  callback: (forms: readonly FormCandidate[], previous: readonly FormCandidate[], stats: ScanStats) => void,
  options: ObserveFormsOptions,
): FormObserver {
  const { signal } = options;
  const doc = options.document ?? document;
  const view = doc.defaultView ?? window;
  const throttleMs = options.throttleMs ?? 300;
  let forms: readonly FormCandidate[] = [];
  let lastScanAt = Number.NEGATIVE_INFINITY;
  let pending = false;
  const observedRoots = new WeakSet<Node>();

  /** Elements added or changed since the last scan; `everything` after a change we cannot place. */
  const changed = new Set<Element>();
  /** Of those, the ones added by the page (walked for shadow roots, which querySelector misses). */
  const addedSubtrees = new Set<Element>();
  let everything = false;
  const note = (node: Node | null): void => {
    if (!node) return;
    if (node.nodeType === 1) changed.add(node as Element);
    else if (node.nodeType === 11 && 'host' in node) changed.add((node as ShadowRoot).host);
    else if (node.nodeType === 9) everything = true;
  };
  const observer = new view.MutationObserver((records) => {
    for (const record of records) {
      if (record.type === 'attributes') note(record.target);
      else {
        record.addedNodes.forEach((node) => {
          if (node.nodeType !== 1) return;
          note(node);
          addedSubtrees.add(node as Element);
        });
        // A removed element can change what is left of a form: the parent is rescanned (removed
        // forms' candidates go with their disconnected fields). Text rewritten inside an element
        // (a live price, a counter) changes no field: ignored.
        if (Array.from(record.removedNodes).some((node) => node.nodeType === 1)) note(record.target);
      }
    }
    schedule();
  });
  const observeRoot = (root: Document | ShadowRoot): void => {
    if (observedRoots.has(root)) return;
    observedRoots.add(root);
    observer.observe(root, { childList: true, subtree: true, attributes: true, attributeFilter: watchedAttributes });
    // `toggle` does not bubble, but a capturing listener on the root still sees it.
    root.addEventListener('toggle', (event) => {
      note(event.target as Node);
      schedule();
    }, { capture: true, signal });
  };

  const isConnected = (form: FormCandidate): boolean => fieldRolesOf(form).every(({ field }) => field.isConnected);

  /** The subtrees to rescan: each changed element widened to its form and to detected forms it touches. */
  function scopesOf(elements: Iterable<Element>): Element[] {
    const scopes = new Set<Element>();
    for (const el of elements) {
      if (!el.isConnected) continue;
      let scope: Element = el.closest('form') ?? el;
      const around = forms.find((form) => form.container.contains(scope));
      if (around) scope = around.container;
      scopes.add(scope);
    }
    // Drop scopes inside other scopes.
    return [...scopes].filter((scope) => ![...scopes].some((other) => other !== scope && other.contains(scope)));
  }

  function publish(next: readonly FormCandidate[], stats: ScanStats): readonly FormCandidate[] {
    const previous = forms;
    forms = next;
    for (const form of forms) {
      const root = form.container.getRootNode();
      if (root !== doc && root.nodeType === 11) observeRoot(root as ShadowRoot);
    }
    callback(forms, previous, stats);
    return forms;
  }

  /** Until the first discovery pass is over, scanNow() walks for shadow roots itself. */
  let discovered = false;

  /** On demand (a fill is about to happen): complete, shadow roots walked for if not all known yet. */
  function scanNow(): readonly FormCandidate[] {
    return scan(!discovered);
  }

  function scan(walkForShadowRoots: boolean): readonly FormCandidate[] {
    if (signal.aborted) return forms;
    const started = view.performance.now();
    lastScanAt = started;
    changed.clear();
    addedSubtrees.clear();
    everything = false;
    const found = detectForms(doc, { ...options.detect, ...(walkForShadowRoots ? {} : { shadowRoots: [...shadowRoots] }) });
    return publish(found, { durationMs: view.performance.now() - started, incremental: false, scopes: 1 });
  }

  function rescanChanged(): void {
    if (signal.aborted) return;
    if (everything) {
      scan(false);
      return;
    }
    const started = view.performance.now();
    lastScanAt = started;
    const scopes = scopesOf(changed);
    changed.clear();
    // Only subtrees holding a field (or a shadow host, whose fields querySelector cannot see) or a
    // detected form are worth a scan; the rest of a busy page's churn ends here.
    const worth = scopes.filter(
      (scope) =>
        scope.localName === 'input' ||
        scope.querySelector('input') !== null ||
        forms.some((f) => scope.contains(f.container)) ||
        (addedSubtrees.has(scope) && holdsShadowRoot(scope)),
    );
    addedSubtrees.clear();
    const kept = forms.filter((form) => isConnected(form) && !worth.some((scope) => scope.contains(form.container)));
    if (worth.length === 0 && kept.length === forms.length) {
      // The batch touched no field: same list, and the (tiny) cost still reported.
      publish(forms, { durationMs: view.performance.now() - started, incremental: true, scopes: 0 });
      return;
    }
    const fresh = worth.length > 0 ? detectForms(doc, { ...options.detect, within: worth, shadowRoots: [...shadowRoots] }) : [];
    const freshFields = new Set(fresh.flatMap((form) => fieldRolesOf(form).map(({ field }) => field)));
    const merged = [...kept.filter((form) => !fieldRolesOf(form).some(({ field }) => freshFields.has(field))), ...fresh];
    merged.sort((a, b) => compareFlatTreeOrder(a.container, b.container));
    publish(merged, { durationMs: view.performance.now() - started, incremental: true, scopes: worth.length });
  }

  const getShadowRoot = options.detect?.getShadowRoot ?? ((el: Element) => el.shadowRoot);
  /** Shadow roots found so far; scans look in these instead of walking the page for them. */
  const shadowRoots = new Set<ShadowRoot>();
  const remember = (root: ShadowRoot): void => {
    if (shadowRoots.has(root)) return;
    shadowRoots.add(root);
    note(root.host);
    // Roots nested in this one.
    const inner = root.querySelectorAll('*');
    for (let i = 0; i < inner.length && i < maxAddedElementsWalked; i++) {
      const nested = getShadowRoot(inner[i]!);
      if (nested) remember(nested);
    }
  };

  /** Remembers the shadow roots of an added subtree (a walk bounded by the subtree's size). */
  function holdsShadowRoot(scope: Element, maxElements = maxAddedElementsWalked): boolean {
    const before = shadowRoots.size;
    const walker = doc.createTreeWalker(scope, 1 /* NodeFilter.SHOW_ELEMENT */);
    for (let node: Node | null = scope, seen = 0; node && seen < maxElements; node = walker.nextNode(), seen++) {
      const root = getShadowRoot(node as Element);
      if (root) remember(root);
    }
    return shadowRoots.size > before;
  }

  /**
   * Finds the shadow roots already on the page. Reading every element costs more than the whole
   * light-DOM scan on a heavy page, so it runs in idle-time slices of `discoverySliceMs`, and each
   * root found brings a rescan of its host only.
   */
  function discoverShadowRoots(): void {
    const all = doc.getElementsByTagName('*');
    let index = 0;
    const step = (): void => {
      if (signal.aborted) return;
      const sliceEnd = view.performance.now() + discoverySliceMs;
      const before = shadowRoots.size;
      while (index < all.length && view.performance.now() < sliceEnd) {
        for (const end = Math.min(all.length, index + 256); index < end; index++) {
          const root = getShadowRoot(all[index]!);
          if (root) remember(root);
        }
      }
      if (shadowRoots.size > before) schedule();
      if (index < all.length) idle(step);
      else discovered = true;
    };
    step();
  }

  const idle = (run: () => void): void => {
    if (typeof view.requestIdleCallback === 'function') view.requestIdleCallback(run, { timeout: 1000 });
    else view.setTimeout(run, 0);
  };

  function schedule(): void {
    if (pending || signal.aborted) return;
    pending = true;
    const wait = Math.max(0, lastScanAt + throttleMs - view.performance.now());
    view.setTimeout(() => {
      const run = (): void => {
        pending = false;
        rescanChanged();
      };
      // Idle time, but never later than a second: a login modal must get its menu promptly.
      if (typeof view.requestIdleCallback === 'function') view.requestIdleCallback(run, { timeout: 1000 });
      else run();
    }, wait);
  }

  signal.addEventListener('abort', () => observer.disconnect(), { once: true });
  observeRoot(doc);
  // The first scan reads the light DOM only (plus the roots of a small page, walked at once);
  // the shadow roots of a heavy page are found in idle time and scanned as they turn up.
  if (doc.getElementsByTagName('*').length <= maxElementsWalkedAtOnce) {
    holdsShadowRoot(doc.documentElement, maxElementsWalkedAtOnce);
    discovered = true;
  } else {
    idle(discoverShadowRoots);
  }
  scan(false);
  return {
    get forms() {
      return forms;
    },
    scanNow,
  };
}
