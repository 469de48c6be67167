// Test helpers for the content script's DOM logic: load a page fixture into the jsdom document,
// give jsdom (which has no layout engine) a simple, deterministic geometry, and find elements
// inside shadow roots.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FillLayoutEnv, LayoutEnv, Rect } from '@ext/utils/forms/visibility';

const fixturesDir = join(__dirname, '..', '..', '..', 'fixtures', 'forms');

export function readFixture(name: string): string {
  return readFileSync(join(fixturesDir, name), 'utf8');
}

/**
 * Attaches the shadow roots declared with `<template shadowrootmode>` (declarative shadow DOM),
 * as a browser's parser does; jsdom's innerHTML leaves them as plain templates.
 */
export function attachDeclarativeShadowRoots(root: ParentNode): void {
  const templates = Array.from(root.querySelectorAll('template[shadowrootmode]'));
  for (const template of templates as HTMLTemplateElement[]) {
    const host = template.parentElement;
    if (!host) continue;
    const mode = template.getAttribute('shadowrootmode') === 'closed' ? 'closed' : 'open';
    const shadow = host.attachShadow({ mode });
    shadow.append(template.content.cloneNode(true));
    template.remove();
    attachDeclarativeShadowRoots(shadow);
  }
}

/** Replaces the document with `html` (a page snippet, optionally starting with a <title>). */
export function loadHtml(html: string): Document {
  document.documentElement.innerHTML = html;
  attachDeclarativeShadowRoots(document);
  return document;
}

export function loadFixture(name: string): Document {
  return loadHtml(readFixture(name));
}

/** `getElementById` that also looks inside open shadow roots. */
export function byId<T extends Element = HTMLInputElement>(id: string, root: Document | ShadowRoot = document): T {
  const found = findById(id, root);
  if (!found) throw new Error(`no element #${id} in the fixture`);
  return found as T;
}

function findById(id: string, root: Document | ShadowRoot): Element | null {
  const direct = root.getElementById(id);
  if (direct) return direct;
  const all = root.querySelectorAll('*');
  for (let i = 0; i < all.length; i++) {
    const shadow = all[i]!.shadowRoot;
    if (shadow) {
      const nested = findById(id, shadow);
      if (nested) return nested;
    }
  }
  return null;
}

function px(value: string | undefined, fallback: number): number {
  if (!value) return fallback;
  const parsed = Number.parseFloat(value);
  return Number.isFinite(parsed) ? parsed : fallback;
}

const defaultFieldSize = { width: 200, height: 30 };
const defaultBoxSize = { width: 800, height: 600 };
const pageOrigin = { left: 10, top: 10 };

/**
 * A pretend layout for jsdom: every element sits at (10, 10) plus the `left`/`top` offsets of
 * positioned ancestors, and is 200×30 (fields) or 800×600 (other boxes) unless its inline style
 * says `width`/`height` (geometry is read from inline styles only, which is what the fixtures
 * use, and is cheap). Visibility facts come from jsdom's real getComputedStyle (cascade included).
 */
export const fakeLayout: LayoutEnv = {
  getRect(el: Element): Rect {
    const own = (el as HTMLElement).style;
    const isField = ['input', 'textarea', 'select', 'button'].includes(el.localName);
    const size = isField ? defaultFieldSize : defaultBoxSize;
    let left = pageOrigin.left;
    let top = pageOrigin.top;
    for (let node: Element | null = el; node; node = node.parentElement) {
      const style = (node as HTMLElement).style;
      if (style && ['absolute', 'fixed', 'relative'].includes(style.position)) {
        left += px(style.left, 0);
        top += px(style.top, 0);
      }
    }
    return { left, top, width: px(own?.width, size.width), height: px(own?.height, size.height) };
  },
  getComputedStyle: (el) => el.ownerDocument.defaultView!.getComputedStyle(el),
  getDocumentArea: () => ({ scrollX: 0, scrollY: 0, width: 1280, height: 4000 }),
};

const fieldTags = ['input', 'textarea', 'select', 'button'];

function fieldIndex(el: Element): number {
  const all = Array.from(el.ownerDocument.querySelectorAll(fieldTags.join(',')));
  return Math.max(0, all.indexOf(el));
}

/**
 * fakeLayout for the fill-time check, which also hit-tests: fields are stacked 40 px apart (the
 * n-th field of the document at top + 40·n) so each is alone at its centre, the viewport is
 * 1280×800, and `elementsFromPoint` answers, topmost first, the positioned elements (inline
 * `position: absolute|fixed`, without `pointer-events: none`) containing the point, later in the
 * document on top, then the fields there.
 */
export const fakeFillLayout: FillLayoutEnv = {
  ...fakeLayout,
  getRect(el) {
    const rect = fakeLayout.getRect(el);
    return fieldTags.includes(el.localName) ? { ...rect, top: rect.top + 40 * fieldIndex(el) } : rect;
  },
  elementsFromPoint(root, x, y) {
    const contains = (el: Element) => {
      const r = fakeFillLayout.getRect(el);
      return x >= r.left && x < r.left + r.width && y >= r.top && y < r.top + r.height;
    };
    const all = Array.from(root.querySelectorAll('*'));
    const overlays = all
      .filter((el) => {
        const style = (el as HTMLElement).style;
        return ['absolute', 'fixed'].includes(style?.position) && style.pointerEvents !== 'none' && !fieldTags.includes(el.localName);
      })
      .filter(contains)
      .reverse();
    return [...overlays, ...all.filter((el) => fieldTags.includes(el.localName)).filter(contains)];
  },
  getViewport: () => ({ width: 1280, height: 800 }),
  scrollIntoView: () => undefined,
};
