/** @jest-environment jsdom */
// observeForms: the content script's form watcher, over jsdom's real MutationObserver. Forms that
// appear without a new subtree (a <dialog> opened, a popover shown) must be found too.
import { observeForms } from '@ext/utils/content/observe-forms';
import { detectForms, type FormCandidate } from '@ext/utils/forms/detect';
import type { ScanStats } from '@ext/utils/content/observe-forms';
import { byId, fakeLayout, loadFixture, loadHtml } from './helpers/dom';

/** Lets the observer's batch run: its MutationObserver callback, then its (0 ms throttled) timer. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setTimeout(resolve, 10));
}

function watch() {
  const controller = new AbortController();
  const calls: (readonly FormCandidate[])[] = [];
  const stats: ScanStats[] = [];
  const observer = observeForms((forms, _previous, scan) => {
    calls.push(forms);
    stats.push(scan);
  }, {
    signal: controller.signal,
    throttleMs: 0,
    detect: { layout: fakeLayout },
  });
  const passwords = () => observer.forms.map((f) => (f.formKind === 'login' ? f.passwordField?.id : f.newPasswordField.id));
  return { controller, calls, stats, observer, passwords };
}

describe('observeForms', () => {
  it('when started, then it scans at once and calls back with what it found', () => {
    loadFixture('classic-login.html');

    const { calls, passwords } = watch();

    expect(calls).toHaveLength(1);
    expect(passwords()).toEqual(['password']);
  });

  it('when a closed <dialog> holding a login gets its open attribute (showModal), then the login is found', async () => {
    loadFixture('dialog-login.html');
    const { passwords } = watch();
    expect(passwords()).toEqual([]);

    byId('dl-dialog').setAttribute('open', '');
    await settle();

    expect(passwords()).toEqual(['dl-pass']);
  });

  it('when only a toggle event fires (showPopover() changes no attribute), then the forms are scanned again', async () => {
    loadFixture('classic-login.html');
    const { calls } = watch();

    byId('password').dispatchEvent(new Event('toggle'));
    await settle();

    expect(calls).toHaveLength(2);
  });

  it('when the signal is aborted, then changes are no longer watched', async () => {
    loadHtml('<main id="app"></main>');
    const { controller, calls } = watch();

    controller.abort();
    byId<HTMLElement>('app').innerHTML = '<input type="password" id="late">';
    await settle();

    expect(calls).toHaveLength(1);
  });

  it('when a batch adds markup without any field, then nothing is rescanned and the list stays the same', async () => {
    loadFixture('classic-login.html');
    const { calls, stats } = watch();

    document.body.insertAdjacentHTML('beforeend', '<div class="toast"><p>Saved</p></div>');
    await settle();

    expect(stats.at(-1)).toMatchObject({ incremental: true, scopes: 0 });
    expect(calls.at(-1)).toBe(calls[0]);
  });

  it('when a login is added and later removed, then only that subtree is scanned and the list follows', async () => {
    loadFixture('search-box.html');
    const { stats, passwords } = watch();

    document.body.insertAdjacentHTML('beforeend', '<div id="late"><form action="/login"><h2>Sign in</h2>' +
      '<input id="lu" autocomplete="username"><input id="lp" type="password"><button type="submit">Sign in</button></form></div>');
    await settle();
    expect(passwords()).toEqual(['lp']);
    expect(stats.at(-1)).toMatchObject({ incremental: true, scopes: 1 });

    byId<HTMLElement>('late').remove();
    await settle();
    expect(passwords()).toEqual([]);
  });

  it('when a page churns (fields added, retyped, hidden, removed), then the incremental result equals a full scan', async () => {
    loadFixture('login-and-signup-side-by-side.html');
    const { observer } = watch();
    const ids = (forms: readonly FormCandidate[]) => forms.map((f) => [f.formKind, f.container.className]);

    document.querySelector('.woocommerce-form-register')!.insertAdjacentHTML('beforeend', '<input type="password" id="extra-confirm" name="password2">');
    (document.querySelector('.woocommerce-form-login') as HTMLElement).style.display = 'none';
    await settle();
    expect(ids(observer.forms)).toEqual(ids(detectForms(document, { layout: fakeLayout })));

    (document.querySelector('.woocommerce-form-login') as HTMLElement).style.display = '';
    byId('extra-confirm').setAttribute('type', 'text');
    await settle();
    expect(ids(observer.forms)).toEqual(ids(detectForms(document, { layout: fakeLayout })));
    expect(ids(observer.forms)).toHaveLength(2);
  });
});
