/**
 * @jest-environment jsdom
 * @jest-environment-options {"url": "https://accounts.example.com/login"}
 */
// Every autofill safety rule of planFill, one behaviour per test.
import { detectForms, detectLoginForms, type LoginCandidate } from '@ext/utils/forms/detect';
import { applyFillPlan, confirmationKey, planFill, type FillContext, refusalForAccess } from '@ext/utils/forms/plan-fill';
import { maxRegistrableDomainHosts, registrableDomain, registrableDomains } from '@ext/utils/forms/registrable-domain';
import { decideAccess, type AccessSubject } from '@secureaccess/shared/access';
import { byId, fakeFillLayout, fakeLayout, loadFixture, loadHtml } from './helpers/dom';

/** An application as the catalogue has it, with the shared decision made for it now. */
function app(url: string, overrides: Partial<AccessSubject> = {}) {
  const subject: AccessSubject = {
    id: '5f0c1a3e-8d2b-4c1a-9e7f-0a1b2c3d4e5f',
    isActive: true,
    access: 'granted',
    accessGrantedValue: 'granted',
    accessDeclinedValue: 'declined',
    matchStrategy: 'base_domain',
    ...overrides,
  };
  return { url, name: 'Example', decision: decideAccess(subject, new Date('2026-01-01T00:00:00Z')) };
}

const account = { username: 'jane@example.com', password: 'correct horse battery staple' };

function context(overrides: Partial<FillContext> = {}): FillContext {
  return {
    userGesture: true,
    topUrl: 'https://accounts.example.com/login',
    frameOrigin: 'https://accounts.example.com',
    application: app('https://example.com'),
    registrableDomain,
    layout: fakeFillLayout,
    ...overrides,
  };
}

function onlyCandidate(): LoginCandidate {
  const candidates = detectLoginForms(document, { layout: fakeLayout });
  expect(candidates).toHaveLength(1);
  return candidates[0]!;
}

function loginWithAction(action: string): LoginCandidate {
  loadHtml(`<form action="${action}" method="post"><h1>Sign in</h1>
    <input id="u" name="username" autocomplete="username"><input id="p" type="password" name="password">
    <button type="submit">Sign in</button></form>`);
  return onlyCandidate();
}

describe('planFill', () => {
  it('when everything is in order, then it plans the username then the password', () => {
    loadFixture('classic-login.html');
    const candidate = onlyCandidate();

    const plan = planFill(candidate, account, context());

    expect(plan).toEqual({
      action: 'fill',
      fields: [
        { role: 'username', element: byId('username'), value: account.username },
        { role: 'password', element: byId('password'), value: account.password },
      ],
    });
  });

  describe('user gesture', () => {
    it('when there was no user gesture, then it refuses', () => {
      loadFixture('classic-login.html');
      expect(planFill(onlyCandidate(), account, context({ userGesture: false }))).toEqual({
        action: 'refuse',
        reason: { code: 'no-user-gesture' },
      });
    });

    it('when there was no user gesture and the frame is cross-origin, then it refuses rather than asks', () => {
      loadFixture('classic-login.html');
      const plan = planFill(onlyCandidate(), account, context({ userGesture: false, topUrl: 'https://shop.partner.net/' }));
      expect(plan.action).toBe('refuse');
    });
  });

  describe('application state', () => {
    it('when the application is inactive, then it refuses', () => {
      loadFixture('classic-login.html');
      const application = app('https://example.com', { isActive: false, accessDeclinedValue: 'Retired' });
      expect(planFill(onlyCandidate(), account, context({ application }))).toEqual({
        action: 'refuse',
        reason: { code: 'access_declined', access: application.decision, applicationName: 'Example' },
      });
      expect(application.decision.reason).toBe('inactive');
    });

    it('when access to the application is declined, then it refuses with the declined value', () => {
      loadFixture('classic-login.html');
      const application = app('https://example.com', { access: 'declined', accessDeclinedValue: 'Blocked by IT (ticket 42)' });
      const plan = planFill(onlyCandidate(), account, context({ application }));
      expect(plan).toEqual({
        action: 'refuse',
        reason: { code: 'access_declined', access: application.decision, applicationName: 'Example' },
      });
      // The background refuses with the very same reason before it decrypts a password.
      expect(refusalForAccess(application)).toEqual((plan as Extract<typeof plan, { action: 'refuse' }>).reason);
    });

    it('when the application\'s strategy is never, then it refuses', () => {
      loadFixture('classic-login.html');
      const application = app('https://example.com', { matchStrategy: 'never' });
      const plan = planFill(onlyCandidate(), account, context({ application }));
      expect(plan.action === 'refuse' && plan.reason.code === 'access_declined' && plan.reason.access.reason).toBe('never');
    });

    it('when the account belongs to no catalogue application, then there is no policy to refuse on', () => {
      loadFixture('classic-login.html');
      const application = { url: 'https://example.com', name: 'example.com', decision: null };
      expect(refusalForAccess(application)).toBeNull();
      expect(planFill(onlyCandidate(), account, context({ application })).action).toBe('fill');
    });

    it('when access is declined, then a confirmation the person gave earlier does not unlock the fill', () => {
      loadFixture('classic-login.html');
      const application = app('https://example.com', { access: 'declined' });
      const confirmed = [confirmationKey({ code: 'cross-origin-frame', frameHost: 'accounts.example.com', topHost: 'shop.partner.net' })];
      expect(planFill(onlyCandidate(), account, context({ application, confirmed })).action).toBe('refuse');
    });
  });

  describe('frames', () => {
    // The fixture document is at https://accounts.example.com (see the docblock): it plays the
    // frame, and the top page matched to the application is varied.
    const otherTop = 'https://shop.partner.net/checkout';

    it('when the form is in a frame of another origin than the top page, then it asks, naming the frame host', () => {
      loadFixture('classic-login.html');
      const plan = planFill(onlyCandidate(), account, context({ topUrl: otherTop }));
      expect(plan).toEqual({ action: 'confirm', reasons: [{ code: 'cross-origin-frame', frameHost: 'accounts.example.com', topHost: 'shop.partner.net' }] });
    });

    it('when the top page is only a different port of the same host, then it still asks (origins differ)', () => {
      loadFixture('classic-login.html');
      const plan = planFill(onlyCandidate(), account, context({ topUrl: 'https://accounts.example.com:8443/' }));
      expect(plan).toEqual({ action: 'confirm', reasons: [{ code: 'cross-origin-frame', frameHost: 'accounts.example.com', topHost: 'accounts.example.com:8443' }] });
    });

    it('when the person confirmed that frame host, then it fills', () => {
      loadFixture('classic-login.html');
      const confirmed = [confirmationKey({ code: 'cross-origin-frame', frameHost: 'accounts.example.com', topHost: 'shop.partner.net' })];
      const plan = planFill(onlyCandidate(), account, context({ topUrl: otherTop, confirmed }));
      expect(plan.action).toBe('fill');
    });

    it('when the person confirmed a different frame host, then it asks again', () => {
      loadFixture('classic-login.html');
      const confirmed = [confirmationKey({ code: 'cross-origin-frame', frameHost: 'login-widget.partner.net', topHost: 'shop.partner.net' })];
      const plan = planFill(onlyCandidate(), account, context({ topUrl: otherTop, confirmed }));
      expect(plan).toEqual({ action: 'confirm', reasons: [{ code: 'cross-origin-frame', frameHost: 'accounts.example.com', topHost: 'shop.partner.net' }] });
    });

    it.each(['null', 'about:blank', 'data:text/html,<form></form>', ''])(
      'when the frame origin is %p (opaque or none), then it refuses',
      (frameOrigin) => {
        loadFixture('classic-login.html');
        expect(planFill(onlyCandidate(), account, context({ frameOrigin }))).toEqual({
          action: 'refuse',
          reason: { code: 'opaque-frame-origin' },
        });
      },
    );
  });

  describe('HTTP pages', () => {
    it('when the page is http: and the application is https:, then it asks', () => {
      loadFixture('classic-login.html');
      const plan = planFill(onlyCandidate(), account, context({ topUrl: 'http://accounts.example.com/login', frameOrigin: 'http://accounts.example.com' }));
      expect(plan).toEqual({ action: 'confirm', reasons: [{ code: 'insecure-page', pageHost: 'accounts.example.com' }] });
    });

    it('when an https: frame sits in an http: top page of an https: application, then it asks about the top page', () => {
      loadFixture('classic-login.html');
      const confirmed = [confirmationKey({ code: 'cross-origin-frame', frameHost: 'accounts.example.com', topHost: 'www.example.com' })];
      const plan = planFill(onlyCandidate(), account, context({ topUrl: 'http://www.example.com/', confirmed }));
      expect(plan).toEqual({ action: 'confirm', reasons: [{ code: 'insecure-page', pageHost: 'www.example.com' }] });
    });

    it('when the application itself is http:, then an http: page needs no confirmation', () => {
      loadHtml('<form><h1>Sign in</h1><input id="u" autocomplete="username"><input id="p" type="password"><button>Sign in</button></form>');
      const application = app('http://intranet.example.com');
      const candidate = { ...onlyCandidate(), action: 'http://intranet.example.com/login' };
      const plan = planFill(candidate, account, context({ application, topUrl: 'http://intranet.example.com/', frameOrigin: 'http://intranet.example.com' }));
      expect(plan.action).toBe('fill');
    });

    it('when an http: page of an https: application posts to another domain, then it asks once, naming both reasons', () => {
      const candidate = loginWithAction('http://collector.evil.example/steal');
      const plan = planFill(candidate, account, context({ topUrl: 'http://accounts.example.com/login', frameOrigin: 'http://accounts.example.com' }));
      expect(plan).toEqual({
        action: 'confirm',
        reasons: [
          { code: 'insecure-page', pageHost: 'accounts.example.com' },
          { code: 'insecure-action', actionHost: 'collector.evil.example' },
          { code: 'cross-domain-action', actionHost: 'collector.evil.example' },
        ],
      });
    });

    it('when the form of an https: application posts to http:, then it asks', () => {
      const candidate = loginWithAction('http://accounts.example.com/session');
      expect(planFill(candidate, account, context())).toEqual({
        action: 'confirm',
        reasons: [{ code: 'insecure-action', actionHost: 'accounts.example.com' }],
      });
    });
  });

  describe('form action', () => {
    it('when the form posts to another registrable domain, then it asks, naming the action host', () => {
      const candidate = loginWithAction('https://collect.evil-analytics.net/login');
      expect(planFill(candidate, account, context())).toEqual({
        action: 'confirm',
        reasons: [{ code: 'cross-domain-action', actionHost: 'collect.evil-analytics.net' }],
      });
    });

    it('when a submit button’s formaction points elsewhere, then it asks about that host', () => {
      loadFixture('formaction-override.html');
      expect(planFill(onlyCandidate(), account, context())).toEqual({
        action: 'confirm',
        reasons: [{ code: 'cross-domain-action', actionHost: 'collector.evil.example' }],
      });
    });

    it('when the form posts to another subdomain of the same registrable domain, then it fills', () => {
      const candidate = loginWithAction('https://login.example.com/session');
      expect(planFill(candidate, account, context()).action).toBe('fill');
    });

    it('when the form posts to a sibling under a public suffix (co.uk), then it asks', () => {
      const candidate = loginWithAction('https://other-bank.co.uk/logon');
      const plan = planFill(candidate, account, context({
        topUrl: 'https://www.examplebank.co.uk/', frameOrigin: 'https://www.examplebank.co.uk',
        application: app('https://examplebank.co.uk'),
      }));
      expect(plan).toEqual({ action: 'confirm', reasons: [{ code: 'cross-domain-action', actionHost: 'other-bank.co.uk' }] });
    });

    it('when the person confirmed the action host, then it fills', () => {
      const candidate = loginWithAction('https://sso.partner-idp.com/login');
      const confirmed = [confirmationKey({ code: 'cross-domain-action', actionHost: 'sso.partner-idp.com' })];
      expect(planFill(candidate, account, context({ confirmed })).action).toBe('fill');
    });

    it('when both the frame and the action need confirming, then it asks once, naming both, frame first', () => {
      const candidate = loginWithAction('https://sso.partner-idp.com/login');
      const frame = context({ topUrl: 'https://shop.partner.net/' });

      const first = planFill(candidate, account, frame);
      expect(first).toEqual({
        action: 'confirm',
        reasons: [
          { code: 'cross-origin-frame', frameHost: 'accounts.example.com', topHost: 'shop.partner.net' },
          { code: 'cross-domain-action', actionHost: 'sso.partner-idp.com' },
        ],
      });
      if (first.action !== 'confirm') throw new Error(`expected a confirmation, got ${first.action}`);
      expect(planFill(candidate, account, { ...frame, confirmed: first.reasons.map(confirmationKey) }).action).toBe('fill');
    });

    it('when the form has a javascript: action, then there is no action to check and it fills', () => {
      const candidate = loginWithAction('javascript:void(0)');
      expect(candidate.action).toBeUndefined();
      expect(planFill(candidate, account, context()).action).toBe('fill');
    });
  });

  describe('invisible and unusable fields', () => {
    it('when the username field was hidden after detection, then it refuses', () => {
      loadFixture('classic-login.html');
      const candidate = onlyCandidate();
      byId('username').style.display = 'none';
      expect(planFill(candidate, account, context())).toEqual({
        action: 'refuse',
        reason: { code: 'field-not-fillable', field: 'username', why: { code: 'not-rendered' } },
      });
    });

    it('when the password field was moved off-screen after detection, then it refuses', () => {
      loadFixture('classic-login.html');
      const candidate = onlyCandidate();
      byId('password').setAttribute('style', 'position:absolute;left:-9999px');
      expect(planFill(candidate, account, context())).toEqual({
        action: 'refuse',
        reason: { code: 'field-not-fillable', field: 'password', why: { code: 'off-screen' } },
      });
    });

    it('when a field is made transparent, then it refuses even with every confirmation given', () => {
      loadFixture('classic-login.html');
      const candidate = onlyCandidate();
      byId('password').style.opacity = '0';
      const confirmed = [confirmationKey({ code: 'cross-origin-frame', frameHost: 'accounts.example.com', topHost: 'shop.partner.net' })];
      expect(planFill(candidate, account, context({ topUrl: 'https://shop.partner.net/', confirmed })).action).toBe('refuse');
    });

    it('when the field is still readonly at fill time, then it refuses', () => {
      loadFixture('readonly-until-focus.html');
      expect(planFill(onlyCandidate(), account, context())).toEqual({
        action: 'refuse',
        reason: { code: 'field-not-fillable', field: 'username', why: { code: 'not-typable' } },
      });
    });

    it.each([
      ['opacity 0.4 on the field', 'opacity:0.4', 0.4],
      ['opacity 0.1 on the field', 'opacity:0.1', 0.1],
      ['filter: opacity(1%) on the field', 'filter:opacity(1%)', 0.01],
    ])('when the password field has %s, then it refuses as transparent', (_name, style, opacity) => {
      loadFixture('classic-login.html');
      const candidate = onlyCandidate();
      byId('password').setAttribute('style', style);
      expect(planFill(candidate, account, context())).toEqual({
        action: 'refuse',
        reason: { code: 'field-not-fillable', field: 'password', why: { code: 'transparent', opacity } },
      });
    });

    it('when two ancestors at opacity 0.7 each multiply to 0.49, then it refuses; one at 0.7 alone fills', () => {
      loadHtml(`<div id="outer"><div id="inner"><form><h1>Sign in</h1><input id="u" autocomplete="username">
        <input id="p" type="password"><button>Sign in</button></form></div></div>`);
      const candidate = onlyCandidate();
      byId('inner').style.opacity = '0.7';
      expect(planFill(candidate, account, context()).action).toBe('fill');
      byId('outer').style.opacity = '0.7';
      expect(planFill(candidate, account, context())).toEqual({
        action: 'refuse',
        reason: { code: 'field-not-fillable', field: 'username', why: { code: 'transparent', opacity: 0.49 } },
      });
    });

    it('when a transparent box is laid over the username field, then it refuses as covered; with pointer-events:none it fills', () => {
      loadFixture('classic-login.html');
      const candidate = onlyCandidate();
      const cover = document.createElement('div');
      const field = fakeFillLayout.getRect(byId('username'));
      cover.setAttribute('style', `position:fixed;left:0px;top:${field.top - 10}px;width:900px;height:40px;opacity:0`);
      document.body.append(cover);
      expect(planFill(candidate, account, context())).toEqual({
        action: 'refuse',
        reason: { code: 'field-not-fillable', field: 'username', why: { code: 'covered' } },
      });
      cover.style.pointerEvents = 'none';
      expect(planFill(candidate, account, context()).action).toBe('fill');
    });

    it('when the field is squashed below 8 px, then it refuses as too small', () => {
      loadFixture('classic-login.html');
      const candidate = onlyCandidate();
      byId('password').setAttribute('style', 'width:200px;height:6px');
      expect(planFill(candidate, account, context())).toEqual({
        action: 'refuse',
        reason: { code: 'field-not-fillable', field: 'password', why: { code: 'too-small' } },
      });
    });

    it('when the form was removed from the page, then it refuses', () => {
      loadFixture('classic-login.html');
      const candidate = onlyCandidate();
      byId('login-form').remove();
      expect(planFill(candidate, account, context()).action).toBe('refuse');
    });
  });

  describe('what is filled', () => {
    it('when the candidate is a password-only step, then only the password is planned', () => {
      loadFixture('password-step.html');
      const plan = planFill(onlyCandidate(), account, context());
      expect(plan).toEqual({ action: 'fill', fields: [{ role: 'password', element: byId('current-pw'), value: account.password }] });
    });

    it('when the candidate is a username-only step, then only the username is planned', () => {
      loadFixture('email-first-step.html');
      const plan = planFill(onlyCandidate(), account, context());
      expect(plan).toEqual({ action: 'fill', fields: [{ role: 'username', element: byId('identifierId'), value: account.username }] });
    });

    it('when the account has no username and the step asks only for one, then it refuses with nothing to fill', () => {
      loadFixture('email-first-step.html');
      expect(planFill(onlyCandidate(), { username: '', password: 'x-secret' }, context())).toEqual({
        action: 'refuse',
        reason: { code: 'nothing-to-fill' },
      });
    });

    it('when a fill plan is applied, then both fields hold their values and focus stays on the password', () => {
      loadFixture('classic-login.html');
      const plan = planFill(onlyCandidate(), account, context());
      if (plan.action !== 'fill') throw new Error(`expected a fill plan, got ${plan.action}`);

      expect(applyFillPlan(plan)).toBe(2);

      expect(byId('username').value).toBe(account.username);
      expect(byId('password').value).toBe(account.password);
      expect(document.activeElement).toBe(byId('password'));
    });
  });
});

describe('registrableDomain (the shared matcher’s, as planFill’s dependency)', () => {
  it.each([
    ['login.accounts.example.co.uk', 'example.co.uk'],
    ['www.example.com.', 'example.com'],
    ['alice.github.io', 'alice.github.io'],
    ['192.168.1.10', null],
    ['localhost', null],
  ])('when the host is %p, then the registrable domain is %p', (host, expected) => {
    expect(registrableDomain(host)).toBe(expected);
  });
});

describe('registrableDomains (the background’s answer to content:registrable-domains)', () => {
  it('when a content script asks for the frame and action hosts, then each maps to its registrable domain', () => {
    expect(registrableDomains(['login.bank.test', 'sso.bank.co.uk', '10.0.0.1'])).toEqual({
      'login.bank.test': 'bank.test',
      'sso.bank.co.uk': 'bank.co.uk',
      '10.0.0.1': null,
    });
    expect(registrableDomains(['a.example.com', 'b.example.com'])).toEqual({ 'a.example.com': 'example.com', 'b.example.com': 'example.com' });
  });

  it.each([
    ['not an array', 'example.com'],
    ['a non-string host', ['example.com', 42]],
    ['an over-long host', ['a'.repeat(300)]],
    ['too many hosts', Array.from({ length: maxRegistrableDomainHosts + 1 }, (_, i) => `h${i}.example.com`)],
  ])('when the request is %s, then it is refused (null)', (_label, hosts) => {
    expect(registrableDomains(hosts)).toBeNull();
  });
});

describe('planFill on forms that set a password (issue 11: sign-up and change-password)', () => {
  const generated = 'Gen3rated-Strong-Passw0rd!';

  function onlyForm() {
    const candidates = detectForms(document, { layout: fakeLayout });
    expect(candidates).toHaveLength(1);
    return candidates[0]!;
  }

  it('when a sign-up gets a generated password, then the new and confirmation fields take it and the new name is left to the person', () => {
    loadHtml(`<form action="/register" method="post"><h1>Create your account</h1>
      <input id="e" type="email" name="email" autocomplete="email">
      <input id="n" type="password" name="password" autocomplete="new-password">
      <input id="c" type="password" name="confirm" autocomplete="new-password">
      <button type="submit">Sign up</button></form>`);
    const candidate = onlyForm();
    expect(candidate.formKind).toBe('sign-up');

    const plan = planFill(candidate, { username: '', password: '', newPassword: generated }, context());

    expect(plan).toEqual({
      action: 'fill',
      fields: [
        { role: 'new-password', element: byId('n'), value: generated },
        { role: 'new-password', element: byId('c'), value: generated },
      ],
    });
    applyFillPlan(plan as Extract<typeof plan, { action: 'fill' }>);
    expect((byId('e') as HTMLInputElement).value).toBe('');
  });

  it('when a change-password form gets an account and a generated password, then the current field takes the saved one and both new fields the generated one', () => {
    loadHtml(`<form action="/settings/password" method="post"><h1>Change your password</h1>
      <input id="cur" type="password" name="current" autocomplete="current-password">
      <input id="new" type="password" name="new" autocomplete="new-password">
      <input id="rep" type="password" name="repeat" autocomplete="new-password">
      <button type="submit">Change password</button></form>`);
    const candidate = onlyForm();
    expect(candidate.formKind).toBe('change-password');

    const plan = planFill(candidate, { ...account, newPassword: generated }, context());

    expect(plan).toEqual({
      action: 'fill',
      fields: [
        { role: 'password', element: byId('cur'), value: account.password },
        { role: 'new-password', element: byId('new'), value: generated },
        { role: 'new-password', element: byId('rep'), value: generated },
      ],
    });
  });

  it('when a sign-up is asked to take a saved login (no generated password), then there is nothing to fill', () => {
    loadHtml(`<form action="/register" method="post"><h1>Create account</h1>
      <input type="email" name="email" autocomplete="email"><input type="password" name="password" autocomplete="new-password">
      <input type="password" name="password2" autocomplete="new-password"><button>Register</button></form>`);
    expect(planFill(onlyForm(), account, context())).toEqual({ action: 'refuse', reason: { code: 'nothing-to-fill' } });
  });

  it('when the application declines access, then a change-password form gets neither the current password nor a new one', () => {
    loadHtml(`<form action="/pw" method="post"><h1>Change password</h1>
      <input type="password" name="current" autocomplete="current-password"><input type="password" name="new" autocomplete="new-password">
      <button>Change password</button></form>`);
    const plan = planFill(onlyForm(), { ...account, newPassword: generated }, context({ application: app('https://example.com', { access: 'declined' }) }));
    expect(plan).toMatchObject({ action: 'refuse', reason: { code: 'access_declined' } });
  });

  it('when a login form is given a generated password, then only the saved login is filled (a login never takes a new password)', () => {
    loadFixture('classic-login.html');
    const plan = planFill(onlyCandidate(), { ...account, newPassword: generated }, context());
    expect(plan.action).toBe('fill');
    expect((plan as Extract<typeof plan, { action: 'fill' }>).fields.map((field) => field.value)).toEqual([account.username, account.password]);
  });
});
