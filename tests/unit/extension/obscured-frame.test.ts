/** @jest-environment jsdom */
// whyObscured: the watchdog's verdict on the inline UI host, with injected geometry and hit-testing
// (jsdom has no layout engine). The browser's own results are checked in real Chromium and Firefox
// by the autofill e2e suite (cover.html).
import { whyObscured, type ObscureEnv } from '@ext/utils/content/isolated-frame';

const rect = { left: 100, top: 100, width: 300, height: 200 };

function mountHost(): Element {
  document.documentElement.innerHTML = '<head></head><body><form><input id="u"></form></body>';
  const host = document.createElement('secureaccess-inline-ui');
  document.documentElement.append(host);
  return host;
}

/** Everything visible and on top, unless a case says otherwise. */
function env(host: Element, overrides: Partial<ObscureEnv> = {}): ObscureEnv {
  return {
    getComputedStyle: (el) => ({ display: (el as HTMLElement).style?.display || 'block', visibility: 'visible', opacity: (el as HTMLElement).style?.opacity || '1', filter: 'none', clipPath: 'none', mask: 'none' }),
    getRect: () => rect,
    elementFromPoint: () => host,
    viewport: { width: 1280, height: 800 },
    rootHasAfterBox: () => false,
    topLayerInUse: () => false,
    ...overrides,
  };
}

describe('whyObscured', () => {
  it('when the host is the last thing in the root, fully on screen and on top, then it is not obscured', () => {
    const host = mountHost();
    expect(whyObscured(host, env(host))).toBeNull();
  });

  it('when another element answers hit-testing at one of its points, then it is covered', () => {
    const host = mountHost();
    const other = document.body;
    expect(whyObscured(host, env(host, { elementFromPoint: (x, y) => (x < 110 && y < 110 ? other : host) }))).toBe('covered');
  });

  it('when a rendered element comes after it in the root (a click-through overlay hit-testing skips), then it is covered', () => {
    const host = mountHost();
    document.documentElement.append(document.createElement('div'));
    expect(whyObscured(host, env(host))).toBe('covered');
  });

  it('when what comes after it is not rendered (display:none) or is another of our hosts, then it is not obscured', () => {
    const host = mountHost();
    const hidden = document.createElement('div');
    hidden.style.display = 'none';
    document.documentElement.append(hidden, document.createElement('secureaccess-inline-ui'));
    expect(whyObscured(host, env(host))).toBeNull();
  });

  it("when the root has an ::after box, then it is covered", () => {
    const host = mountHost();
    expect(whyObscured(host, env(host, { rootHasAfterBox: () => true }))).toBe('covered');
  });

  it('when the top layer is in use (a popover, a modal dialog, fullscreen), then it is covered', () => {
    const host = mountHost();
    expect(whyObscured(host, env(host, { topLayerInUse: () => true }))).toBe('covered');
  });

  it('when an ancestor is faded, then that is the reason', () => {
    const host = mountHost();
    document.documentElement.style.opacity = '0.5';
    expect(whyObscured(host, env(host))).toBe('opacity on an ancestor');
    document.documentElement.style.opacity = '';
  });

  it('when it is removed, squashed or partly off screen, then that is the reason', () => {
    const host = mountHost();
    expect(whyObscured(host, env(host, { getRect: () => ({ ...rect, height: 10 }) }))).toBe('too small');
    expect(whyObscured(host, env(host, { getRect: () => ({ ...rect, left: 1100 }) }))).toBe('off screen');
    host.remove();
    expect(whyObscured(host, env(host))).toBe('removed');
  });
});
