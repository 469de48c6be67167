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

/** Whether `node`, as an ancestor, hides everything inside it. */
function hidesDescendants(node: Element, layout: LayoutEnv): boolean {
  if (node.getAttribute('aria-hidden') === 'true' || node.hasAttribute('inert') || node.hasAttribute('hidden')) {
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
  const ancestorsClear = new Map<Element, boolean>();
  const isClear = (node: Element | null): boolean => {
    if (!node) return true;
    const known = ancestorsClear.get(node);
    if (known !== undefined) return known;
    const clear = !hidesDescendants(node, layout) && isClear(composedParent(node));
    ancestorsClear.set(node, clear);
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
  const tag = el.tagName.toLowerCase();
  if (tag === 'input') {
    const type = (el.getAttribute('type') ?? '').toLowerCase();
    if (!fillableInputTypes.has(type)) return false;
  } else if (tag !== 'textarea') {
    return false;
  }
  // `matches(':disabled')` also covers a disabled ancestor <fieldset>.
  if (el.hasAttribute('disabled') || el.matches(':disabled')) return false;
  if (el.hasAttribute('readonly')) return false;
  return isVisibleElement(el, layout);
}
