/** @jest-environment jsdom */
// detectLoginForms beyond the page table: roots, shadow roots, caps, candidate details.
import { defaultMaxFieldsScanned, detectLoginForms } from '@ext/utils/forms/detect';
import { byId, fakeLayout, loadFixture, loadHtml } from './helpers/dom';

const loginForm = `<form action="/login" method="post"><h2>Sign in</h2>
  <input id="cap-user" name="username" autocomplete="username">
  <input id="cap-pass" type="password" name="password">
  <button type="submit">Sign in</button></form>`;

describe('detectLoginForms', () => {
  it('when given a shadow root as the root, then it finds the login inside it', () => {
    loadFixture('shadow-dom-login.html');
    const shadow = byId<HTMLElement>('widget').shadowRoot!;

    const candidates = detectLoginForms(shadow, { layout: fakeLayout });

    expect(candidates.map((c) => [c.kind, c.usernameField?.id, c.passwordField?.id])).toEqual([['username-password', 'user', 'pass']]);
  });

  it('when the login sits in a closed shadow root, then it is found only through the injected getShadowRoot', () => {
    loadHtml('<title>Sign in</title><secure-login id="host"></secure-login>');
    const closed = byId<HTMLElement>('host').attachShadow({ mode: 'closed' });
    closed.innerHTML = loginForm;

    expect(detectLoginForms(document, { layout: fakeLayout })).toEqual([]);
    const candidates = detectLoginForms(document, {
      layout: fakeLayout,
      getShadowRoot: (el) => (el === byId('host') ? closed : el.shadowRoot),
    });
    expect(candidates.map((c) => c.passwordField?.id)).toEqual(['cap-pass']);
  });

  it('when a login form is added after a first scan, then the next scan finds it', () => {
    loadHtml('<main id="app"><p>Loading…</p></main>');
    expect(detectLoginForms(document, { layout: fakeLayout })).toEqual([]);

    byId<HTMLElement>('app').innerHTML = loginForm;

    expect(detectLoginForms(document, { layout: fakeLayout })).toHaveLength(1);
  });

  // Was "scanning stops at the cap": candidates now come from cheap selectors (passwords first),
  // not document order, so no number of grid cells before a login can hide it (issue 11).
  it(`when more than ${defaultMaxFieldsScanned} inputs come before the login, then the login is still found`, () => {
    const grid = Array.from({ length: 3_000 }, (_, i) => `<input name="cell-${i}" value="${i}">`).join('');
    loadHtml(`<table><tr><td>${grid}</td></tr></table>${loginForm}`);

    const candidates = detectLoginForms(document, { layout: fakeLayout });

    expect(candidates.map((c) => c.passwordField?.id)).toEqual(['cap-pass']);
  });

  it('when a scan is limited to some subtrees (within), then only the forms there are found', () => {
    loadHtml(`<div id="a">${loginForm.replace(/cap-/g, 'a-')}</div><div id="b">${loginForm.replace(/cap-/g, 'b-')}</div>`);

    const candidates = detectLoginForms(document, { layout: fakeLayout, within: [byId<HTMLElement>('b')] });

    expect(candidates.map((c) => c.passwordField?.id)).toEqual(['b-pass']);
  });

  it('when the field cap is raised above the page size, then the same login is found', () => {
    const grid = Array.from({ length: 3_000 }, (_, i) => `<input name="cell-${i}" value="${i}">`).join('');
    loadHtml(`<table><tr><td>${grid}</td></tr></table>${loginForm}`);

    const candidates = detectLoginForms(document, { layout: fakeLayout, maxFields: 4_000 });

    expect(candidates.map((c) => c.passwordField?.id)).toEqual(['cap-pass']);
  });

  // The element cap now bounds only the walk that looks for shadow roots: a login in the light
  // DOM is found through querySelectorAll whatever the page's size.
  it('when the element cap is reached before a shadow-root login, then that login is not scanned, a light-DOM one is', () => {
    const filler = '<div><span>row</span></div>'.repeat(200);
    loadHtml(`${filler}<div id="host"></div>`);
    byId<HTMLElement>('host').attachShadow({ mode: 'open' }).innerHTML = loginForm;

    expect(detectLoginForms(document, { layout: fakeLayout, maxElements: 100 })).toEqual([]);
    expect(detectLoginForms(document, { layout: fakeLayout })).toHaveLength(1);

    loadHtml(`${filler}${loginForm}`);
    expect(detectLoginForms(document, { layout: fakeLayout, maxElements: 100 })).toHaveLength(1);
  });

  it('when a shop page has hundreds of small quantity forms and a login, then the login is found', () => {
    const products = Array.from({ length: 400 }, (_, i) =>
      `<form action="/cart" class="p"><span>Qty</span><input type="text" name="qty-${i}" value="1"><button type="submit">Add</button></form>`).join('');
    loadHtml(`${products}${loginForm}`);

    const candidates = detectLoginForms(document, { layout: fakeLayout });

    expect(candidates.map((c) => c.passwordField?.id)).toEqual(['cap-pass']);
  });

  it('when a page holds two separate logins, then both are returned in document order', () => {
    loadHtml(`<div class="a">${loginForm.replace(/cap-/g, 'a-')}</div><div class="b">${loginForm.replace(/cap-/g, 'b-')}</div>`);

    const candidates = detectLoginForms(document, { layout: fakeLayout });

    expect(candidates.map((c) => c.passwordField?.id)).toEqual(['a-pass', 'b-pass']);
  });

  it('when a login has a <form>, then the candidate carries the form element and the absolute action', () => {
    loadFixture('classic-login.html');

    const [candidate] = detectLoginForms(document, { layout: fakeLayout });

    expect(candidate!.formElement).toBe(byId('login-form'));
    expect(candidate!.action).toBe(new URL('/session', document.URL).href);
    expect(candidate!.container).toBe(byId('login-form'));
  });

  it('when a page clobbers form.action with a field named "action", then the real action attribute is still used', () => {
    loadHtml(`<form id="f" action="https://accounts.example.org/login" method="post"><h2>Sign in</h2>
      <input type="hidden" name="action" value="login">
      <input id="u" name="username" autocomplete="username"><input id="p" type="password" name="password">
      <button type="submit">Sign in</button></form>`);

    const [candidate] = detectLoginForms(document, { layout: fakeLayout });

    expect(candidate!.action).toBe('https://accounts.example.org/login');
  });

  it('when a login has no <form>, then it has neither a form element nor an action', () => {
    loadFixture('formless-login.html');

    const [candidate] = detectLoginForms(document, { layout: fakeLayout });

    expect(candidate!.formElement).toBeUndefined();
    expect(candidate!.action).toBeUndefined();
  });

  it('when the only submit-looking buttons are "show password" and "sign in with Google", then none is chosen', () => {
    loadHtml(`<div class="login"><h2>Log in</h2><input id="u" type="email" placeholder="Email">
      <input id="p" type="password" placeholder="Password"><button type="button">Show password</button>
      <button type="button">Sign in with Google</button></div>`);

    const [candidate] = detectLoginForms(document, { layout: fakeLayout });

    expect(candidate!.kind).toBe('username-password');
    expect(candidate!.submitControl).toBeUndefined();
  });

  it('when the submit button is invisible, then it is not chosen', () => {
    loadHtml(`<form action="/login"><input id="u" autocomplete="username"><input id="p" type="password">
      <button type="submit" id="hidden-submit" style="display:none">Sign in</button>
      <input type="submit" id="visible-submit" value="Log in"></form>`);

    const [candidate] = detectLoginForms(document, { layout: fakeLayout });

    expect(candidate!.submitControl?.id).toBe('visible-submit');
  });
});
