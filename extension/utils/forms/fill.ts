// Writing a value into a page's field so that the page's framework notices.
//
// React (and Vue/Angular wrappers around it) keep their own copy of an input's value: React puts
// a tracking `value` property on the element itself and ignores an `input` event whose value
// equals what it last saw. Assigning `el.value = x` goes through that tracker, so React concludes
// nothing changed. Calling the prototype's native setter bypasses the tracker; the `input` event
// that follows then carries a value React has not seen, and its onChange fires.

export interface FillFieldOptions {
  /** Leave focus on the field instead of blurring it (e.g. the last field before submitting). */
  keepFocus?: boolean;
}

type TextField = HTMLInputElement | HTMLTextAreaElement;

/**
 * The native `value` setter for `el`, taken from the prototype of the element's own window (an
 * element from an iframe has a different `HTMLInputElement.prototype` than ours).
 */
function nativeValueSetter(el: TextField): ((this: TextField, value: string) => void) | undefined {
  const view = el.ownerDocument.defaultView as (Window & typeof globalThis) | null;
  const isTextArea = el.localName === 'textarea';
  const prototype = isTextArea
    ? (view?.HTMLTextAreaElement ?? HTMLTextAreaElement).prototype
    : (view?.HTMLInputElement ?? HTMLInputElement).prototype;
  return Object.getOwnPropertyDescriptor(prototype, 'value')?.set as
    | ((this: TextField, value: string) => void)
    | undefined;
}

function dispatchKeyboard(el: TextField, type: 'keydown' | 'keyup'): void {
  const view = el.ownerDocument.defaultView;
  const Keyboard = view?.KeyboardEvent ?? KeyboardEvent;
  el.dispatchEvent(new Keyboard(type, { bubbles: true, cancelable: true, composed: true, key: 'Unidentified' }));
}

function dispatchInput(el: TextField, value: string): void {
  const view = el.ownerDocument.defaultView;
  const Input = view?.InputEvent ?? InputEvent;
  el.dispatchEvent(
    new Input('input', { bubbles: true, cancelable: false, composed: true, inputType: 'insertReplacementText', data: value }),
  );
}

/**
 * Puts `value` into `el` the way typing would look to the page: focus, keydown, value through the
 * native setter, input, keyup, change, then blur (unless `keepFocus`). Returns whether the field
 * holds `value` afterwards (a page may rewrite or reject it in its listeners).
 */
export function fillField(el: TextField, value: string, opts: FillFieldOptions = {}): boolean {
  el.focus({ preventScroll: true });
  dispatchKeyboard(el, 'keydown');
  const setter = nativeValueSetter(el);
  if (setter) setter.call(el, value);
  else el.value = value;
  dispatchInput(el, value);
  dispatchKeyboard(el, 'keyup');
  const view = el.ownerDocument.defaultView;
  el.dispatchEvent(new (view?.Event ?? Event)('change', { bubbles: true }));
  if (!opts.keepFocus) el.blur();
  return el.value === value;
}
