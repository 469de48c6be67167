/**
 * @jest-environment jsdom
 * @jest-environment-options {"url": "https://accounts.example.com/login"}
 */
// Every autofill safety rule of planFill, one behaviour per test.
import { detectLoginForms, type LoginCandidate } from '@ext/utils/forms/detect';
import { applyFillPlan, confirmationKey, planFill, type FillContext } from '@ext/utils/forms/plan-fill';
import { maxRegistrableDomainHosts, registrableDomain, registrableDomains } from '@ext/utils/forms/registrable-domain';
import { byId, fakeLayout, loadFixture, loadHtml } from './helpers/dom';

const account = { username: 'jane@example.com', password: 'correct horse battery staple' };

function context(overrides: Partial<FillContext> = {}): FillContext {
  return {
    userGesture: true,
    topUrl: 'https://accounts.example.com/login',
    frameOrigin: 'https://accounts.example.com',
    application: { url: 'https://example.com', isActive: true, accessGranted: true, accessValue: 'granted' },
    registrableDomain,
    layout: fakeLayout,
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
      const application = { url: 'https://example.com', isActive: false, accessGranted: true, accessValue: 'granted' };
      expect(planFill(onlyCandidate(), account, context({ application }))).toEqual({
        action: 'refuse',
        reason: { code: 'application-inactive' },
      });
    });

    it('when access to the application is declined, then it refuses with the declined value', () => {
      loadFixture('classic-login.html');
      const application = { url: 'https://example.com', isActive: true, accessGranted: false, accessValue: 'Blocked by IT (ticket 42)' };
      expect(planFill(onlyCandidate(), account, context({ application }))).toEqual({
        action: 'refuse',
        reason: { code: 'access-declined', declinedValue: 'Blocked by IT (ticket 42)' },
      });
    });

    it('when access is declined, then a confirmation the person gave earlier does not unlock the fill', () => {
      loadFixture('classic-login.html');
      const application = { url: 'https://example.com', isActive: true, accessGranted: false, accessValue: 'declined' };
      const confirmed = [confirmationKey({ code: 'cross-origin-frame', frameHost: 'accounts.example.com' })];
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
      expect(plan).toEqual({ action: 'confirm', reason: { code: 'cross-origin-frame', frameHost: 'accounts.example.com' } });
    });

    it('when the top page is only a different port of the same host, then it still asks (origins differ)', () => {
      loadFixture('classic-login.html');
      const plan = planFill(onlyCandidate(), account, context({ topUrl: 'https://accounts.example.com:8443/' }));
      expect(plan).toEqual({ action: 'confirm', reason: { code: 'cross-origin-frame', frameHost: 'accounts.example.com' } });
    });

    it('when the person confirmed that frame host, then it fills', () => {
      loadFixture('classic-login.html');
      const confirmed = [confirmationKey({ code: 'cross-origin-frame', frameHost: 'accounts.example.com' })];
      const plan = planFill(onlyCandidate(), account, context({ topUrl: otherTop, confirmed }));
      expect(plan.action).toBe('fill');
    });

    it('when the person confirmed a different frame host, then it asks again', () => {
      loadFixture('classic-login.html');
      const confirmed = [confirmationKey({ code: 'cross-origin-frame', frameHost: 'login-widget.partner.net' })];
      const plan = planFill(onlyCandidate(), account, context({ topUrl: otherTop, confirmed }));
      expect(plan).toEqual({ action: 'confirm', reason: { code: 'cross-origin-frame', frameHost: 'accounts.example.com' } });
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
      expect(plan).toEqual({ action: 'confirm', reason: { code: 'insecure-page', pageHost: 'accounts.example.com' } });
    });

    it('when an https: frame sits in an http: top page of an https: application, then it asks about the top page', () => {
      loadFixture('classic-login.html');
      const confirmed = [confirmationKey({ code: 'cross-origin-frame', frameHost: 'accounts.example.com' })];
      const plan = planFill(onlyCandidate(), account, context({ topUrl: 'http://www.example.com/', confirmed }));
      expect(plan).toEqual({ action: 'confirm', reason: { code: 'insecure-page', pageHost: 'www.example.com' } });
    });

    it('when the application itself is http:, then an http: page needs no confirmation', () => {
      loadHtml('<form><h1>Sign in</h1><input id="u" autocomplete="username"><input id="p" type="password"><button>Sign in</button></form>');
      const application = { url: 'http://intranet.example.com', isActive: true, accessGranted: true, accessValue: 'granted' };
      const candidate = { ...onlyCandidate(), action: 'http://intranet.example.com/login' };
      const plan = planFill(candidate, account, context({ application, topUrl: 'http://intranet.example.com/', frameOrigin: 'http://intranet.example.com' }));
      expect(plan.action).toBe('fill');
    });

    it('when the form of an https: application posts to http:, then it asks', () => {
      const candidate = loginWithAction('http://accounts.example.com/session');
      expect(planFill(candidate, account, context())).toEqual({
        action: 'confirm',
        reason: { code: 'insecure-action', actionHost: 'accounts.example.com' },
      });
    });
  });

  describe('form action', () => {
    it('when the form posts to another registrable domain, then it asks, naming the action host', () => {
      const candidate = loginWithAction('https://collect.evil-analytics.net/login');
      expect(planFill(candidate, account, context())).toEqual({
        action: 'confirm',
        reason: { code: 'cross-domain-action', actionHost: 'collect.evil-analytics.net' },
      });
    });

    it('when a submit button’s formaction points elsewhere, then it asks about that host', () => {
      loadFixture('formaction-override.html');
      expect(planFill(onlyCandidate(), account, context())).toEqual({
        action: 'confirm',
        reason: { code: 'cross-domain-action', actionHost: 'collector.evil.example' },
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
        application: { url: 'https://examplebank.co.uk', isActive: true, accessGranted: true, accessValue: 'granted' },
      }));
      expect(plan).toEqual({ action: 'confirm', reason: { code: 'cross-domain-action', actionHost: 'other-bank.co.uk' } });
    });

    it('when the person confirmed the action host, then it fills', () => {
      const candidate = loginWithAction('https://sso.partner-idp.com/login');
      const confirmed = [confirmationKey({ code: 'cross-domain-action', actionHost: 'sso.partner-idp.com' })];
      expect(planFill(candidate, account, context({ confirmed })).action).toBe('fill');
    });

    it('when both the frame and the action need confirming, then it asks one at a time, frame first', () => {
      const candidate = loginWithAction('https://sso.partner-idp.com/login');
      const frame = context({ topUrl: 'https://shop.partner.net/' });

      const first = planFill(candidate, account, frame);
      expect(first).toEqual({ action: 'confirm', reason: { code: 'cross-origin-frame', frameHost: 'accounts.example.com' } });
      if (first.action !== 'confirm') throw new Error(`expected a confirmation, got ${first.action}`);
      const second = planFill(candidate, account, { ...frame, confirmed: [confirmationKey(first.reason)] });
      expect(second).toEqual({ action: 'confirm', reason: { code: 'cross-domain-action', actionHost: 'sso.partner-idp.com' } });
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
        reason: { code: 'field-not-fillable', field: 'username' },
      });
    });

    it('when the password field was moved off-screen after detection, then it refuses', () => {
      loadFixture('classic-login.html');
      const candidate = onlyCandidate();
      byId('password').setAttribute('style', 'position:absolute;left:-9999px');
      expect(planFill(candidate, account, context())).toEqual({
        action: 'refuse',
        reason: { code: 'field-not-fillable', field: 'password' },
      });
    });

    it('when a field is made transparent, then it refuses even with every confirmation given', () => {
      loadFixture('classic-login.html');
      const candidate = onlyCandidate();
      byId('password').style.opacity = '0';
      const confirmed = [confirmationKey({ code: 'cross-origin-frame', frameHost: 'accounts.example.com' })];
      expect(planFill(candidate, account, context({ topUrl: 'https://shop.partner.net/', confirmed })).action).toBe('refuse');
    });

    it('when the field is still readonly at fill time, then it refuses', () => {
      loadFixture('readonly-until-focus.html');
      expect(planFill(onlyCandidate(), account, context())).toEqual({
        action: 'refuse',
        reason: { code: 'field-not-fillable', field: 'username' },
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
