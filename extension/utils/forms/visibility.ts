// Whether a field can be seen, and so may be filled. Honeypots (fields a person never sees but a
// bot or a careless password manager fills) and clickjacking overlays rely on fields that are in
// the DOM but not on screen; refusing them is a safety property, not a nicety.
//
// Layout is injected: the browser passes nothing and gets `getBoundingClientRect` and
// `getComputedStyle`; unit tests (jsdom has no layout) pass their own geometry.

export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface StyleFacts {
  display: string;
  visibility: string;
  opacity: string;
  overflow?: string;
  overflowX?: string;
  overflowY?: string;
  filter?: string;
}

export interface DocumentArea {
  /** Current scroll offsets, in CSS pixels, turning viewport rects into document coordinates. */
  scrollX: number;
  scrollY: number;
  /** Size of the scrollable document (at least the viewport), in CSS pixels. */
  width: number;
  height: number;
}

export interface LayoutEnv {
  getRect(el: Element): Rect;
  getComputedStyle(el: Element): StyleFacts;
  getDocumentArea(doc: Document): DocumentArea;
}

/** Fields smaller than this in either dimension (CSS pixels) are treated as invisible (1×1 traps). */
export const minVisibleSizePx = 2;

/** The real browser's layout, read from the element's own window (right in iframes too). */
export const browserLayout: LayoutEnv = {
  getRect: (el) => el.getBoundingClientRect(),
  getComputedStyle: (el) => {
    const view = el.ownerDocument.defaultView;
    if (!view) return { display: 'none', visibility: 'hidden', opacity: '0' };
    return view.getComputedStyle(el);
  },
  getDocumentArea: (doc) => {
    const view = doc.defaultView;
    const root = doc.documentElement;
    return {
      scrollX: view?.scrollX ?? 0,
      scrollY: view?.scrollY ?? 0,
      width: Math.max(root?.scrollWidth ?? 0, view?.innerWidth ?? 0),
      height: Math.max(root?.scrollHeight ?? 0, view?.innerHeight ?? 0),
    };
  },
};

/** The parent in the flat tree: the parent element, or the host when leaving a shadow root. */
export function composedParent(el: Element): Element | null {
  if (el.parentElement) return el.parentElement;
  const parent = el.parentNode;
  // A ShadowRoot is a DocumentFragment with a host.
  if (parent && parent.nodeType === 11 && 'host' in parent) return (parent as ShadowRoot).host;
  return null;
}

function isClipping(style: StyleFacts): boolean {
  return [style.overflow, style.overflowX, style.overflowY].some(
    (value) => value === 'hidden' || value === 'clip',
  );
}

function hasTooSmallSize(rect: Rect): boolean {
  return rect.width < minVisibleSizePx || rect.height < minVisibleSizePx;
}

function isOutsideDocument(rect: Rect, area: DocumentArea): boolean {
  const left = rect.left + area.scrollX;
  const top = rect.top + area.scrollY;
  return left + rect.width <= 0 || top + rect.height <= 0 || left >= area.width || top >= area.height;
}

/** A modal or dialog: pages open one while `aria-hidden` still sits on the app root around it. */
function isDialog(node: Element): boolean {
  const role = node.getAttribute('role');
  return node.localName === 'dialog' || role === 'dialog' || role === 'alertdialog' || node.getAttribute('aria-modal') === 'true';
}

/**
 * Whether `node`, as an ancestor, hides everything inside it. `aria-hidden` hides from assistive
 * technology, not from sight: it counts around a lone field (a honeypot's wrapper) but not around
 * a dialog, which modal libraries show inside an app root they have marked aria-hidden.
 */
function hidesDescendants(node: Element, layout: LayoutEnv, insideDialog: boolean): boolean {
  if ((!insideDialog && node.getAttribute('aria-hidden') === 'true') || node.hasAttribute('inert') || node.hasAttribute('hidden')) {
    return true;
  }
  const style = layout.getComputedStyle(node);
  if (style.display === 'none') return true;
  if (style.opacity !== '' && Number(style.opacity) === 0) return true;
  // `<div style="height:0;overflow:hidden"><input></div>`: the field has a size, but none shows.
  return isClipping(style) && hasTooSmallSize(layout.getRect(node));
}

/**
 * A visibility test that remembers, for the duration of one scan, which ancestors were already
 * found not to hide their content, so checking many fields of one form reads each ancestor's
 * style once. Discard it after the scan: styles change.
 */
export function createVisibilityChecker(layout: LayoutEnv = browserLayout): (el: Element) => boolean {
  // Keyed by whether a dialog lies between the ancestor and the field (see hidesDescendants).
  const ancestorsClear = [new Map<Element, boolean>(), new Map<Element, boolean>()] as const;
  const isClear = (node: Element | null, insideDialog = false): boolean => {
    if (!node) return true;
    const memo = ancestorsClear[insideDialog ? 1 : 0];
    const known = memo.get(node);
    if (known !== undefined) return known;
    const clear = !hidesDescendants(node, layout, insideDialog) && isClear(composedParent(node), insideDialog || isDialog(node));
    memo.set(node, clear);
    return clear;
  };
  return (el) => {
    if (el.hasAttribute('hidden')) return false;
    if (el.getAttribute('aria-hidden') === 'true' || el.hasAttribute('inert')) return false;
    const style = layout.getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden' || style.visibility === 'collapse') return false;
    if (style.opacity !== '' && Number(style.opacity) === 0) return false;
    const rect = layout.getRect(el);
    if (hasTooSmallSize(rect)) return false;
    if (isOutsideDocument(rect, layout.getDocumentArea(el.ownerDocument))) return false;
    return isClear(composedParent(el));
  };
}

/**
 * Whether `el` is rendered where a person could see it: not display:none / visibility:hidden /
 * opacity:0 (itself or any ancestor, across shadow boundaries), not aria-hidden or inert, not
 * smaller than 2×2 px, not inside a zero-size clipping ancestor, and not entirely outside the
 * document (the classic `left:-9999px`). Says nothing about whether it accepts input.
 */
export function isVisibleElement(el: Element, layout: LayoutEnv = browserLayout): boolean {
  return createVisibilityChecker(layout)(el);
}

const fillableInputTypes = new Set([
  'text', 'email', 'password', 'tel', 'number', 'url', 'search', '',
]);

/**
 * Whether `el` is a text field a person could see and type into right now: an <input> of a
 * text-like type or a <textarea>, enabled (also no disabled <fieldset> around it), not readonly,
 * and visible per `isVisibleElement`.
 */
export function isFillableField(el: Element, layout: LayoutEnv = browserLayout): boolean {
  return acceptsTyping(el) && isVisibleElement(el, layout);
}

/** An enabled, writable text-like <input> or <textarea> (no disabled <fieldset> around it either). */
export function acceptsTyping(el: Element): boolean {
  const tag = el.tagName.toLowerCase();
  if (tag === 'input') {
    const type = (el.getAttribute('type') ?? '').toLowerCase();
    if (!fillableInputTypes.has(type)) return false;
  } else if (tag !== 'textarea') {
    return false;
  }
  // `matches(':disabled')` also covers a disabled ancestor <fieldset>.
  if (el.hasAttribute('disabled') || el.matches(':disabled')) return false;
  return !el.hasAttribute('readonly');
}

// ---- the fill-time check ---------------------------------------------------------------------------
//
// Detection above asks "could this be a login field?" and is lenient. A fill asks "does the person
// see the field they are about to fill?", and an attacker controls every style on the page: the
// clickjacking pages of Oesch & Ruoti (USENIX Security 2020) fade a form to opacity 0.01–0.1 (or
// lay a transparent box over it) so a person fills what they cannot see. Every fill path — inline
// menu, popup, shortcut, context menu — goes through `assessFillTarget` for the fields, and
// through the same function on each <iframe> element above them, judged from its parent document
// (the background walks the frames, see utils/background/frame-visibility.ts).

/**
 * Effective opacity (the product along the ancestor chain, frames included) below which a field is
 * not fillable. Half-transparent is the point where a field stops reading as "there": sites dim
 * disabled controls to ~0.4–0.6, while the clickjacking attacks in the literature use 0–0.1. Below
 * 0.5 the field is at best a ghost; at or above it, it is plainly visible against any background.
 * (Chrome's IntersectionObserver v2 would refuse anything below 1, see `frameIsVisibleToBrowser`.)
 */
export const minFillOpacity = 0.5;
/** Fields smaller than this in either dimension (CSS px, after transforms) are not fillable. */
export const minFillableSizePx = 8;

export interface FillLayoutEnv extends LayoutEnv {
  /** Elements at a point of the viewport, topmost first, in `root`'s tree scope (hit-testing). */
  elementsFromPoint(root: Document | ShadowRoot, x: number, y: number): Element[];
  /** The layout viewport of `doc`, CSS px. */
  getViewport(doc: Document): { width: number; height: number };
  /** Brings `el` into the viewport (a field below the fold is scrollable into view, not hidden). */
  scrollIntoView(el: Element): void;
}

export const browserFillLayout: FillLayoutEnv = {
  ...browserLayout,
  elementsFromPoint: (root, x, y) => root.elementsFromPoint(x, y),
  getViewport: (doc) => ({ width: doc.defaultView?.innerWidth ?? 0, height: doc.defaultView?.innerHeight ?? 0 }),
  scrollIntoView: (el) => el.scrollIntoView({ block: 'nearest', inline: 'nearest' }),
};

export type HiddenReason =
  | { code: 'removed' }
  | { code: 'not-rendered' }
  | { code: 'transparent'; opacity: number }
  | { code: 'too-small' }
  | { code: 'off-screen' }
  | { code: 'clipped' }
  | { code: 'covered' };

export type FillTargetAssessment =
  | {
      visible: true;
      /** Effective opacity inside this document (the caller multiplies in the frames above). */
      opacity: number;
      /** The point that was hit-tested (the element's centre, clamped to the viewport), viewport px. */
      point: { x: number; y: number };
      rect: Rect;
    }
  | { visible: false; reason: HiddenReason };

interface AssessOptions {
  /**
   * Where to hit-test, in the element's viewport coordinates; its centre by default. The frame
   * check passes the point of the field inside the frame, so an overlay over just the login part
   * of a large frame is still caught.
   */
  point?: { x: number; y: number };
  /** Scroll the element into view when it is below the fold (fields only; frames are scrolled by their field). */
  scroll?: boolean;
  /** SecureAccess's own UI (the inline menu's host), which may sit over the next field: not an overlay. */
  ownElements?: readonly Element[];
}

/** Opacity that `filter: opacity(x)` applies (a second way to fade an element). */
function filterOpacity(filter: string | undefined): number {
  if (!filter || filter === 'none') return 1;
  let product = 1;
  for (const match of filter.matchAll(/opacity\(\s*([\d.]+)(%?)\s*\)/g)) {
    const value = Number(match[1]) / (match[2] ? 100 : 1);
    if (Number.isFinite(value)) product *= Math.min(1, Math.max(0, value));
  }
  return product;
}

function intersect(a: Rect, b: Rect): Rect {
  const left = Math.max(a.left, b.left);
  const top = Math.max(a.top, b.top);
  const right = Math.min(a.left + a.width, b.left + b.width);
  const bottom = Math.min(a.top + a.height, b.top + b.height);
  return { left, top, width: Math.max(0, right - left), height: Math.max(0, bottom - top) };
}

/** Whether `hit` (the topmost element at the point) is `el` itself or shows it (its own label). */
function hitShows(hit: Element | undefined, el: Element): boolean {
  if (!hit) return false;
  if (hit === el || el.contains(hit)) return true;
  const label = hit.closest('label');
  return label !== null && (label as HTMLLabelElement).control === el;
}

/**
 * Whether a person can see `el` (a field, or an <iframe> seen from its parent document) well
 * enough for SecureAccess to fill it: rendered, at least `minFillOpacity` opaque through all its
 * ancestors (opacity and `filter: opacity()`), at least `minFillableSizePx` on each side, not
 * clipped away by an `overflow` ancestor, inside the document (scrolled into the viewport if
 * needed), and the topmost element at its centre (`elementsFromPoint`), so no overlay — opaque or
 * transparent — sits on it. Says why when not.
 */
export function assessFillTarget(el: Element, env: FillLayoutEnv = browserFillLayout, opts: AssessOptions = {}): FillTargetAssessment {
  if (!el.isConnected) return { visible: false, reason: { code: 'removed' } };
  const doc = el.ownerDocument;
  if (el.hasAttribute('hidden')) return { visible: false, reason: { code: 'not-rendered' } };
  const ownStyle = env.getComputedStyle(el);
  if (ownStyle.display === 'none' || ownStyle.visibility === 'hidden' || ownStyle.visibility === 'collapse') {
    return { visible: false, reason: { code: 'not-rendered' } };
  }

  let rect = env.getRect(el);
  if (rect.width < minFillableSizePx || rect.height < minFillableSizePx) return { visible: false, reason: { code: 'too-small' } };
  const area = env.getDocumentArea(doc);
  if (isOutsideDocument(rect, area)) return { visible: false, reason: { code: 'off-screen' } };

  let opacity = 1;
  for (let node: Element | null = el; node; node = composedParent(node)) {
    const style = node === el ? ownStyle : env.getComputedStyle(node);
    if (style.display === 'none') return { visible: false, reason: { code: 'not-rendered' } };
    const value = style.opacity === '' ? 1 : Number(style.opacity);
    opacity *= (Number.isFinite(value) ? value : 1) * filterOpacity(style.filter);
    if (node !== el && isClipping(style)) {
      const visiblePart = intersect(rect, env.getRect(node));
      if (visiblePart.width < minFillableSizePx || visiblePart.height < minFillableSizePx) {
        return { visible: false, reason: { code: 'clipped' } };
      }
    }
  }
  // Rounded: computed opacity is a float (0.5 may read 0.49999).
  opacity = Math.round(opacity * 1000) / 1000;
  if (opacity < minFillOpacity) return { visible: false, reason: { code: 'transparent', opacity } };

  const viewport = env.getViewport(doc);
  const inViewport = (r: Rect) => r.left + r.width > 0 && r.top + r.height > 0 && r.left < viewport.width && r.top < viewport.height;
  if (!opts.point && !inViewport(rect) && opts.scroll !== false) {
    env.scrollIntoView(el);
    rect = env.getRect(el);
  }
  if (!inViewport(rect)) return { visible: false, reason: { code: 'off-screen' } };
  const onScreen = intersect(rect, { left: 0, top: 0, width: viewport.width, height: viewport.height });
  // A sliver at the viewport's edge (or a whole field in a 1×1 frame's viewport) is not "shown".
  if (onScreen.width < minFillableSizePx || onScreen.height < minFillableSizePx) return { visible: false, reason: { code: 'clipped' } };
  const point = opts.point ?? { x: onScreen.left + onScreen.width / 2, y: onScreen.top + onScreen.height / 2 };
  const root = el.getRootNode() as Document | ShadowRoot;
  const own = new Set(opts.ownElements ?? []);
  const hits = env.elementsFromPoint(root, point.x, point.y).filter((hit) => !own.has(hit));
  if (!hitShows(hits[0], el)) return { visible: false, reason: { code: 'covered' } };
  return { visible: true, opacity, point, rect };
}
