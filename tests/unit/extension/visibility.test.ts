/** @jest-environment jsdom */
// isFillableField / isVisibleElement with injected geometry (jsdom has no layout engine).
import { isFillableField, isVisibleElement, type LayoutEnv, type Rect } from '@ext/utils/forms/visibility';
import { byId, fakeLayout, loadHtml } from './helpers/dom';

/** fakeLayout, but with the rect of chosen elements replaced. */
function layoutWithRects(rects: Map<Element, Rect>, area = { scrollX: 0, scrollY: 0, width: 1280, height: 4000 }): LayoutEnv {
  return {
    getRect: (el) => rects.get(el) ?? fakeLayout.getRect(el),
    getComputedStyle: fakeLayout.getComputedStyle,
    getDocumentArea: () => area,
  };
}

describe('isFillableField', () => {
  it('when a plain text field is on screen, then it is fillable', () => {
    loadHtml('<form><input id="f" type="text"></form>');
    expect(isFillableField(byId('f'), fakeLayout)).toBe(true);
  });

  it.each([
    ['display:none on the field', '<input id="f" style="display:none">'],
    ['display:none on an ancestor', '<div style="display:none"><div><input id="f"></div></div>'],
    ['visibility:hidden on the field', '<input id="f" style="visibility:hidden">'],
    ['visibility:hidden inherited from an ancestor', '<section style="visibility:hidden"><input id="f"></section>'],
    ['visibility:hidden from a stylesheet class', '<style>.gone{visibility:hidden}</style><div class="gone"><input id="f"></div>'],
    ['opacity:0 on the field', '<input id="f" style="opacity:0">'],
    ['opacity:0 on an ancestor', '<div style="opacity:0"><p><input id="f"></p></div>'],
    ['zero width', '<input id="f" style="width:0;height:20px">'],
    ['zero height', '<input id="f" style="height:0">'],
    ['a 1×1 pixel trap', '<input id="f" style="width:1px;height:1px">'],
    ['left:-9999px (off-screen)', '<input id="f" tabindex="-1" style="position:absolute;left:-9999px">'],
    ['an off-screen ancestor', '<div style="position:absolute;top:-5000px"><input id="f"></div>'],
    ['a zero-height ancestor with overflow:hidden', '<div style="height:0;overflow:hidden"><input id="f"></div>'],
    ['the disabled attribute', '<input id="f" disabled>'],
    ['a disabled fieldset around it', '<fieldset disabled><input id="f"></fieldset>'],
    ['the readonly attribute', '<input id="f" readonly>'],
    ['aria-hidden on the field', '<input id="f" aria-hidden="true">'],
    ['aria-hidden on an ancestor', '<div aria-hidden="true"><input id="f"></div>'],
    ['an inert ancestor', '<div inert><input id="f"></div>'],
    ['the hidden attribute on an ancestor', '<div hidden><input id="f"></div>'],
    ['type=hidden', '<input id="f" type="hidden" value="x">'],
    ['type=checkbox', '<input id="f" type="checkbox">'],
  ])('when the field has %s, then it is not fillable', (_what, html) => {
    loadHtml(html);
    expect(isFillableField(byId('f'), fakeLayout)).toBe(false);
  });

  it('when the ancestor that hides the field is the host of its shadow root, then it is not fillable', () => {
    loadHtml('<div id="host" style="display:none"></div>');
    const shadow = byId<HTMLElement>('host').attachShadow({ mode: 'open' });
    shadow.innerHTML = '<input id="inner">';
    const inner = shadow.getElementById('inner')!;
    expect(isFillableField(inner, fakeLayout)).toBe(false);
    byId<HTMLElement>('host').style.display = 'block';
    expect(isFillableField(inner, fakeLayout)).toBe(true);
  });

  it('when the field is below the fold but inside the document, then it is fillable', () => {
    loadHtml('<input id="f">');
    const field = byId('f');
    const layout = layoutWithRects(new Map([[field, { left: 100, top: 3000, width: 200, height: 30 }]]));
    expect(isFillableField(field, layout)).toBe(true);
  });

  it('when the field lies right of the document area, then it is not fillable', () => {
    loadHtml('<input id="f">');
    const field = byId('f');
    const layout = layoutWithRects(new Map([[field, { left: 5000, top: 10, width: 200, height: 30 }]]));
    expect(isFillableField(field, layout)).toBe(false);
  });

  it('when the page is scrolled and the field is above the viewport but inside the document, then it is fillable', () => {
    loadHtml('<input id="f">');
    const field = byId('f');
    const layout = layoutWithRects(new Map([[field, { left: 10, top: -500, width: 200, height: 30 }]]), {
      scrollX: 0, scrollY: 800, width: 1280, height: 4000,
    });
    expect(isFillableField(field, layout)).toBe(true);
  });

  it('when the field only partly sticks out of the document, then it is fillable', () => {
    loadHtml('<input id="f">');
    const field = byId('f');
    const layout = layoutWithRects(new Map([[field, { left: -150, top: 10, width: 200, height: 30 }]]));
    expect(isFillableField(field, layout)).toBe(true);
  });

  it('when a textarea is visible, then it is fillable, and a select never is', () => {
    loadHtml('<textarea id="t"></textarea><select id="s"><option>a</option></select>');
    expect(isFillableField(byId('t'), fakeLayout)).toBe(true);
    expect(isFillableField(byId('s'), fakeLayout)).toBe(false);
  });
});

describe('isVisibleElement', () => {
  it('when a disabled button is on screen, then it is visible (visibility says nothing about input)', () => {
    loadHtml('<button id="b" disabled>Sign in</button>');
    expect(isVisibleElement(byId('b'), fakeLayout)).toBe(true);
  });

  it('when no layout is injected, then the browser one is used (jsdom reports 0×0, so nothing is visible)', () => {
    loadHtml('<input id="f">');
    expect(isVisibleElement(byId('f'))).toBe(false);
  });
});
