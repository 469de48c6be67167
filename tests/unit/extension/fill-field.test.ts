/** @jest-environment jsdom */
// fillField must look like typing to the page, and must get past React's value tracker.
import { fillField } from '@ext/utils/forms/fill';
import { byId, loadHtml } from './helpers/dom';

/**
 * Mimics React's inputValueTracking: an own `value` property on the element remembers the last
 * value assigned through it, and the input listener reports a change only when the element's real
 * value differs from that remembered one. Returns the values React's onChange would have seen.
 */
function trackLikeReact(el: HTMLInputElement | HTMLTextAreaElement): string[] {
  const view = el.ownerDocument.defaultView!;
  const proto = el.localName === 'textarea' ? view.HTMLTextAreaElement.prototype : view.HTMLInputElement.prototype;
  const native = Object.getOwnPropertyDescriptor(proto, 'value')!;
  let tracked = native.get!.call(el) as string;
  Object.defineProperty(el, 'value', {
    configurable: true,
    get() {
      return native.get!.call(this);
    },
    set(value: string) {
      tracked = String(value);
      native.set!.call(this, value);
    },
  });
  const onChange: string[] = [];
  el.addEventListener('input', () => {
    const actual = native.get!.call(el) as string;
    if (actual !== tracked) {
      tracked = actual;
      onChange.push(actual);
    }
  });
  return onChange;
}

describe('fillField', () => {
  it('when a React-controlled input is filled, then its onChange sees the value', () => {
    loadHtml('<input id="u">');
    const field = byId('u');
    const onChange = trackLikeReact(field);

    const ok = fillField(field, 'jane@example.com');

    expect(ok).toBe(true);
    expect(onChange).toEqual(['jane@example.com']);
    expect(field.value).toBe('jane@example.com');
  });

  it('when the value is assigned the naive way instead, then the React-like tracker sees no change (the trap fillField avoids)', () => {
    loadHtml('<input id="u">');
    const field = byId('u');
    const onChange = trackLikeReact(field);

    field.value = 'jane@example.com';
    field.dispatchEvent(new Event('input', { bubbles: true }));

    expect(onChange).toEqual([]);
  });

  it('when a field is filled, then focus, keydown, input, keyup, change and blur fire in that order and bubble', () => {
    loadHtml('<form id="f"><input id="u"></form>');
    const field = byId('u');
    const seen: string[] = [];
    for (const type of ['focus', 'keydown', 'input', 'keyup', 'change', 'blur']) {
      field.addEventListener(type, () => seen.push(type));
    }
    const bubbled: string[] = [];
    for (const type of ['keydown', 'input', 'keyup', 'change']) {
      byId<HTMLFormElement>('f').addEventListener(type, () => bubbled.push(type));
    }

    fillField(field, 'jane');

    expect(seen).toEqual(['focus', 'keydown', 'input', 'keyup', 'change', 'blur']);
    expect(bubbled).toEqual(['keydown', 'input', 'keyup', 'change']);
  });

  it('when the input event is inspected, then it is an InputEvent replacing the text with the value', () => {
    loadHtml('<input id="u">');
    const field = byId('u');
    let event: InputEvent | undefined;
    field.addEventListener('input', (e) => (event = e as InputEvent));

    fillField(field, 'jane');

    expect(event).toBeInstanceOf(InputEvent);
    expect(event!.inputType).toBe('insertReplacementText');
    expect(event!.data).toBe('jane');
  });

  it('when keepFocus is set, then the field stays focused and no blur fires', () => {
    loadHtml('<input id="p" type="password">');
    const field = byId('p');
    const blurs: Event[] = [];
    field.addEventListener('blur', (e) => blurs.push(e));

    fillField(field, 's3cret!', { keepFocus: true });

    expect(document.activeElement).toBe(field);
    expect(blurs).toHaveLength(0);
  });

  it('when a React-controlled textarea is filled, then its onChange sees the value', () => {
    loadHtml('<textarea id="t"></textarea>');
    const area = byId<HTMLTextAreaElement>('t');
    const onChange = trackLikeReact(area);

    fillField(area, 'line one');

    expect(onChange).toEqual(['line one']);
  });

  it('when the field lives in a same-origin iframe, then that frame’s React sees the value', () => {
    loadHtml('<iframe id="frame"></iframe>');
    const frameDoc = byId<HTMLIFrameElement>('frame').contentDocument!;
    frameDoc.body.innerHTML = '<input id="u">';
    const field = frameDoc.getElementById('u') as HTMLInputElement;
    const onChange = trackLikeReact(field);

    fillField(field, 'jane');

    expect(onChange).toEqual(['jane']);
  });

  it('when the page rewrites the value in its input listener, then fillField reports that the value did not stick', () => {
    loadHtml('<input id="u">');
    const field = byId('u');
    field.addEventListener('input', () => {
      field.value = field.value.slice(0, 3);
    });

    expect(fillField(field, 'jane@example.com')).toBe(false);
    expect(field.value).toBe('jan');
  });
});
