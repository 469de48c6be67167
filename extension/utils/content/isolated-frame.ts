// The inline menu and the save bar are extension pages in an <iframe> inside a *closed* shadow
// root: the page cannot reach the frame through the DOM, cannot style its contents, and cannot
// script it (another origin). What the page can still do is hide or cover the host element to
// trick a click (clickjacking), so a watchdog closes the frame as soon as it is covered, faded,
// filtered, clipped or moved off screen.

export interface ObscureEnv {
  getComputedStyle(el: Element): Pick<CSSStyleDeclaration, 'display' | 'visibility' | 'opacity' | 'filter' | 'clipPath' | 'mask'> | null;
  getRect(el: Element): { left: number; top: number; width: number; height: number };
  elementFromPoint(x: number, y: number): Element | null;
  viewport: { width: number; height: number };
  /** Whether the root element has an ::after box (generated after its last child: after the host). */
  rootHasAfterBox(): boolean;
  /** Whether anything is in the top layer (a modal dialog, an open popover, a fullscreen element). */
  topLayerInUse(): boolean;
}

const hostTag = 'secureaccess-inline-ui';

/** Smallest on-screen size (CSS px) under which the frame counts as hidden. */
const minFrameSizePx = 20;

function styleHides(style: ReturnType<ObscureEnv['getComputedStyle']>, isHost: boolean): string | null {
  if (!style) return 'no style';
  if (style.display === 'none') return 'display:none';
  if (isHost && style.visibility !== 'visible') return 'visibility';
  if (Number.parseFloat(style.opacity || '1') < 1) return 'opacity';
  if (style.filter && style.filter !== 'none') return 'filter';
  if (isHost && style.clipPath && style.clipPath !== 'none') return 'clip-path';
  if (isHost && style.mask && style.mask !== 'none' && !style.mask.startsWith('none')) return 'mask';
  return null;
}

/**
 * What hit-testing cannot see: a box drawn over the host that takes no pointer events
 * (`pointer-events: none`), which elementFromPoint skips — the clickjacking overlay lets the click
 * through to the menu it hides. (Chrome's IntersectionObserver v2 sees it too, inside the frame;
 * Firefox has no such observer, so this check is what catches it there.) The host is the root
 * element's last child at the highest z-index, so only what comes after it in the root — a later
 * element, the root's ::after — or the top layer can be drawn over it.
 */
function paintedOver(host: Element, env: ObscureEnv): string | null {
  for (let later = host.nextElementSibling; later; later = later.nextElementSibling) {
    if (later.localName === hostTag) continue; // another of ours (the save bar)
    if (env.getComputedStyle(later)?.display !== 'none') return 'covered';
  }
  if (host.parentElement === host.ownerDocument.documentElement && env.rootHasAfterBox()) return 'covered';
  if (env.topLayerInUse()) return 'covered';
  return null;
}

/**
 * Why `host` cannot be trusted to be seen as drawn, or null when it is fully visible: it or an
 * ancestor is faded, filtered or hidden; it is (partly) off screen or squashed; another element
 * is on top of one of its sample points; or something that takes no pointer events may be drawn
 * over it (paintedOver).
 */
export function whyObscured(host: Element, env: ObscureEnv): string | null {
  if (!host.isConnected) return 'removed';
  for (let el: Element | null = host; el; el = el.parentElement) {
    const reason = styleHides(env.getComputedStyle(el), el === host);
    if (reason) return `${reason}${el === host ? '' : ' on an ancestor'}`;
  }
  const rect = env.getRect(host);
  if (rect.width < minFrameSizePx || rect.height < minFrameSizePx) return 'too small';
  const inset = 4;
  const points: [number, number][] = [
    [rect.left + rect.width / 2, rect.top + rect.height / 2],
    [rect.left + inset, rect.top + inset],
    [rect.left + rect.width - inset, rect.top + inset],
    [rect.left + inset, rect.top + rect.height - inset],
    [rect.left + rect.width - inset, rect.top + rect.height - inset],
  ];
  for (const [x, y] of points) {
    if (x < 0 || y < 0 || x >= env.viewport.width || y >= env.viewport.height) return 'off screen';
    const top = env.elementFromPoint(x, y);
    if (top !== host) return 'covered';
  }
  return paintedOver(host, env);
}

function matchesAny(doc: Document, selectors: string[]): boolean {
  return selectors.some((selector) => {
    try {
      return doc.querySelector(selector) !== null;
    } catch {
      return false; // a selector this browser does not know: nothing of that kind can be open
    }
  });
}

export function browserObscureEnv(doc: Document): ObscureEnv {
  const view = doc.defaultView!;
  return {
    getComputedStyle: (el) => view.getComputedStyle(el),
    getRect: (el) => el.getBoundingClientRect(),
    elementFromPoint: (x, y) => doc.elementFromPoint(x, y),
    viewport: { width: view.innerWidth, height: view.innerHeight },
    rootHasAfterBox: () => {
      const after = view.getComputedStyle(doc.documentElement, '::after');
      return after.display !== 'none' && after.content !== 'none' && after.content !== 'normal' && after.content !== '';
    },
    topLayerInUse: () => doc.fullscreenElement !== null || matchesAny(doc, [':modal', ':popover-open']),
  };
}

export interface PlacementRect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * Where the frame goes: below an element of this document, at the top right, or next to a field
 * of another frame (`resolve` returns that field's rectangle and its form's other fields, in this
 * viewport, each time the frame is placed; null once the field's frame is gone).
 */
export type FramePlacement =
  | { kind: 'below'; anchor: Element }
  | { kind: 'top-right' }
  | { kind: 'rect'; resolve: () => { anchor: PlacementRect; avoid: PlacementRect[] } | null };

function overlaps(a: PlacementRect, b: PlacementRect): boolean {
  return a.left < b.left + b.width && b.left < a.left + a.width && a.top < b.top + b.height && b.top < a.top + a.height;
}

/**
 * Where a menu of `size` goes next to the field `anchor` without covering the form's other fields
 * (`avoid`): below the field, else to its right, to its left, below the whole form, above the
 * field; the first that fits the viewport and covers no other field. Below the field when none does.
 */
export function placeBeside(
  anchor: PlacementRect,
  avoid: readonly PlacementRect[],
  size: { width: number; height: number },
  viewport: { width: number; height: number },
): { left: number; top: number } {
  const gap = 4;
  const clampLeft = (left: number) => Math.max(gap, Math.min(left, viewport.width - size.width - gap));
  const lowest = Math.max(anchor.top + anchor.height, ...avoid.map((r) => r.top + r.height));
  const options = [
    { left: clampLeft(anchor.left), top: anchor.top + anchor.height + gap },
    { left: anchor.left + anchor.width + gap, top: anchor.top },
    { left: anchor.left - size.width - gap, top: anchor.top },
    { left: clampLeft(anchor.left), top: lowest + gap },
    { left: clampLeft(anchor.left), top: anchor.top - size.height - gap },
  ];
  const fits = (o: { left: number; top: number }) =>
    o.left >= 0 && o.top >= 0 && o.left + size.width <= viewport.width && o.top + size.height <= viewport.height;
  const clear = (o: { left: number; top: number }) => !avoid.some((r) => overlaps({ ...o, ...size }, r));
  return options.find((o) => fits(o) && clear(o)) ?? options[0]!;
}

export interface IsolatedFrame {
  readonly token: string;
  /** The host element (in a closed shadow root's light side): ours, never an overlay. */
  readonly host: Element;
  /** Moves keyboard focus into the frame (ArrowDown from the field). */
  focus(): void;
  readonly anchor: Element | null;
  close(): void;
}

export interface MountOptions {
  src: string;
  token: string;
  placement: FramePlacement;
  width: number;
  height: number;
  maxHeight: number;
  /** Called once when the frame goes away (closed, covered, page removed it). */
  onClose: (reason: string) => void;
  /** Ties listeners and timers to the content script's lifetime. */
  signal: AbortSignal;
}

const watchdogIntervalMs = 200;

export function mountIsolatedFrame(options: MountOptions): IsolatedFrame {
  const doc = document;
  const host = doc.createElement(hostTag);
  const shadow = host.attachShadow({ mode: 'closed' });
  const iframe = doc.createElement('iframe');
  iframe.src = options.src;
  iframe.title = 'SecureAccess';
  iframe.setAttribute('scrolling', 'no');
  iframe.style.cssText = 'border:0;width:100%;height:100%;display:block;background:transparent;color-scheme:normal;';
  // The host's own rules live in the closed shadow root: an `!important` rule from inside a shadow
  // tree beats the page's `!important` rules and inline styles on the host (CSS Cascade 4), and the
  // page cannot reach this stylesheet.
  const style = doc.createElement('style');
  shadow.append(style, iframe);

  let height = options.height;
  let closed = false;
  const controller = new AbortController();
  const signal = AbortSignal.any([controller.signal, options.signal]);

  const place = () => {
    let left: number;
    let top: number;
    if (options.placement.kind === 'below') {
      const rect = options.placement.anchor.getBoundingClientRect();
      left = Math.max(4, Math.min(rect.left, window.innerWidth - options.width - 4));
      top = rect.bottom + 4;
      if (top + height > window.innerHeight && rect.top - height - 4 >= 0) top = rect.top - height - 4;
    } else if (options.placement.kind === 'rect') {
      const where = options.placement.resolve();
      if (!where) return false;
      ({ left, top } = placeBeside(where.anchor, where.avoid, { width: options.width, height }, {
        width: window.innerWidth,
        height: window.innerHeight,
      }));
    } else {
      left = Math.max(4, window.innerWidth - options.width - 16);
      top = 16;
    }
    style.textContent =
      ':host{all:initial!important;display:block!important;position:fixed!important;z-index:2147483647!important;' +
      'visibility:visible!important;opacity:1!important;margin:0!important;padding:0!important;border:0!important;' +
      'transform:none!important;filter:none!important;clip-path:none!important;mask:none!important;' +
      `width:${options.width}px!important;height:${height}px!important;` +
      `left:${Math.round(left)}px!important;top:${Math.round(top)}px!important;}`;
    return true;
  };

  const close = (reason: string) => {
    if (closed) return;
    closed = true;
    controller.abort();
    host.remove();
    options.onClose(reason);
  };

  place();
  doc.documentElement.append(host);

  // The frame reports its content height; only messages from our own frame's window count.
  window.addEventListener(
    'message',
    (event) => {
      if (event.source !== iframe.contentWindow) return;
      const data = event.data as { secureaccess?: string; height?: number } | null;
      if (data?.secureaccess === 'resize' && typeof data.height === 'number') {
        height = Math.max(40, Math.min(options.maxHeight, Math.ceil(data.height)));
        place();
      }
    },
    { signal },
  );
  window.addEventListener('resize', place, { signal });
  window.addEventListener('scroll', place, { signal, capture: true, passive: true });

  // Give the frame one tick to be laid out, then watch it.
  const timer = setInterval(() => {
    if (options.placement.kind === 'below' && !options.placement.anchor.isConnected) return close('field removed');
    if (options.placement.kind === 'rect' && !place()) return close('field removed');
    const reason = whyObscured(host, browserObscureEnv(doc));
    if (reason) close(reason);
  }, watchdogIntervalMs);
  signal.addEventListener('abort', () => {
    clearInterval(timer);
    if (!closed) close('content script stopped');
  });

  return {
    token: options.token,
    host,
    focus: () => iframe.focus(),
    anchor: options.placement.kind === 'below' ? options.placement.anchor : null,
    close: () => close('closed'),
  };
}
