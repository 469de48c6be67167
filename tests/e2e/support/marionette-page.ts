// Extension documents in Firefox (popup, options page, inline menu frame), driven over Marionette
// because Firefox's WebDriver BiDi does not expose moz-extension:// documents (see
// firefox-launcher.cjs). The page objects and tests are written against Playwright's Page/Locator;
// this is the subset of that API they use, with the same meaning: locators are lazy, actions wait
// for one visible element and refuse an ambiguous one (strict mode), clicks and typing are real
// input events (WebDriver Element Click / Send Keys). Anything else throws, naming the method.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';

/** A Marionette command over the launcher's loopback relay. */
export class MarionetteClient {
  private queue: Promise<unknown> = Promise.resolve();
  private current: string | null = null;

  constructor(private readonly port: number) {}

  async raw<T = unknown>(command: string, params: Record<string, unknown> = {}): Promise<T> {
    const response = await fetch(`http://127.0.0.1:${this.port}/`, {
      method: 'POST',
      body: JSON.stringify({ command, params }),
    });
    const answer = (await response.json()) as { error: { error: string; message: string } | null; result: T };
    if (answer.error) throw new Error(`${command}: ${answer.error.error}: ${answer.error.message}`);
    return answer.result;
  }

  /** Runs `work` alone: Marionette's current window/frame is one per session. */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  async switchTo(handle: string, focus = false): Promise<void> {
    if (this.current === handle && !focus) {
      await this.raw('WebDriver:SwitchToFrame', {});
      return;
    }
    await this.raw('WebDriver:SwitchToWindow', { handle, focus });
    this.current = handle;
  }

  /** Makes sure Marionette has a live current window (Playwright may have closed it). */
  async ensureWindow(): Promise<void> {
    const all = await this.raw<string[]>('WebDriver:GetWindowHandles');
    if (this.current && all.includes(this.current)) return;
    if (!all[0]) throw new Error('Firefox has no window left');
    await this.raw('WebDriver:SwitchToWindow', { handle: all[0], focus: false });
    this.current = all[0];
  }

  forget(handle: string): void {
    if (this.current === handle) this.current = null;
  }
}

type TextMatch = string | { source: string; flags: string };
type Step =
  | { kind: 'css'; selector: string }
  | { kind: 'testid'; id: string }
  | { kind: 'role'; role: string; name?: TextMatch; exact?: boolean }
  | { kind: 'text'; text: TextMatch; exact?: boolean }
  | { kind: 'label'; text: TextMatch; exact?: boolean }
  | { kind: 'nth'; index: number }
  | { kind: 'filter'; hasText?: TextMatch; has?: Step[] }
  | { kind: 'or'; either: Step[]; or: Step[] }
  | { kind: 'and'; also: Step[] };

const elementKey = 'element-6066-11e4-a52e-4f735466cecf';
type ElementRef = { [elementKey]: string };

function textMatch(value: string | RegExp): TextMatch {
  return value instanceof RegExp ? { source: value.source, flags: value.flags } : value;
}

// Runs in the extension document: resolves the steps to elements (Playwright's rules, simplified to
// what the suite uses: text is whitespace-normalised, case-insensitive substring unless exact; roles
// and text skip hidden elements; the accessible name is aria-labelledby, aria-label, the label, the
// text, then title).
const resolverLib = String.raw`
const steps = arguments[0];
const norm = (s) => (s || '').replace(/\s+/g, ' ').trim();
const matches = (actual, want, exact) => {
  if (typeof want === 'object') return new RegExp(want.source, want.flags).test(actual);
  return exact ? norm(actual) === norm(want) : norm(actual).toLowerCase().includes(norm(want).toLowerCase());
};
const visible = (el) => {
  if (!el.isConnected) return false;
  if (el.checkVisibility && !el.checkVisibility({ visibilityProperty: true })) return false;
  const r = el.getBoundingClientRect();
  return r.width > 0 && r.height > 0;
};
const roles = {
  button: 'button, input[type=button], input[type=submit], input[type=reset], input[type=image], [role=button]',
  checkbox: 'input[type=checkbox], [role=checkbox]',
  radio: 'input[type=radio], [role=radio]',
  textbox: 'input:not([type]), input[type=text], input[type=email], input[type=tel], input[type=url], input[type=search], textarea, [role=textbox]',
  link: 'a[href], [role=link]',
  heading: 'h1, h2, h3, h4, h5, h6, [role=heading]',
  combobox: 'select, [role=combobox]',
  dialog: 'dialog, [role=dialog], [role=alertdialog]',
  list: 'ul, ol, [role=list]', listitem: 'li, [role=listitem]',
  switch: '[role=switch], input[type=checkbox][role=switch]',
  spinbutton: 'input[type=number], [role=spinbutton]',
  slider: 'input[type=range], [role=slider]',
  tab: '[role=tab]', tablist: '[role=tablist]', tabpanel: '[role=tabpanel]',
  menu: '[role=menu]', menuitem: '[role=menuitem]',
  listbox: '[role=listbox], select[multiple]', option: '[role=option], option',
  alert: '[role=alert]', status: '[role=status], output',
  table: 'table, [role=table], [role=grid]', row: 'tr, [role=row]', cell: 'td, [role=cell], [role=gridcell]',
  columnheader: 'th, [role=columnheader]', group: 'fieldset, details, [role=group]', navigation: 'nav, [role=navigation]',
  searchbox: 'input[type=search], [role=searchbox]',
};
// An element's text as assistive technology reads it: aria-hidden parts (a sort arrow) left out.
// A block-level child is its own run of text (a space either side), as in Playwright's name.
const spoken = (node) => {
  if (node.nodeType === 3) return node.data;
  if (node.nodeType !== 1 || node.getAttribute('aria-hidden') === 'true') return '';
  const text = [...node.childNodes].map(spoken).join('');
  const display = node.ownerDocument.defaultView.getComputedStyle(node).display;
  return display === 'inline' || display === 'contents' ? text : ' ' + text + ' ';
};
const nameOf = (el) => {
  const doc = el.ownerDocument;
  const by = el.getAttribute('aria-labelledby');
  if (by) return norm(by.split(/\s+/).map((id) => doc.getElementById(id)?.textContent || '').join(' '));
  if (el.getAttribute('aria-label')) return norm(el.getAttribute('aria-label'));
  if (el.labels && el.labels.length) return norm([...el.labels].map((l) => l.textContent).join(' '));
  if (el.tagName === 'INPUT' && ['button', 'submit', 'reset'].includes(el.type)) return norm(el.value);
  const text = norm(spoken(el));
  if (text && !['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName)) return text;
  return norm(el.getAttribute('title') || el.getAttribute('placeholder') || '');
};
const all = (scope, selector) => [...(scope.querySelectorAll ? scope.querySelectorAll(selector) : [])];
const run = (list, scopes) => {
  let current = scopes;
  for (const step of list) {
    let next = [];
    if (step.kind === 'css') for (const s of current) next.push(...all(s, step.selector));
    else if (step.kind === 'testid') for (const s of current) next.push(...all(s, '[data-testid="' + step.id + '"]'));
    else if (step.kind === 'label') {
      // Playwright's getByLabel: a control whose <label> text (or aria-label / aria-labelledby) matches.
      for (const s of current) next.push(...all(s, 'input, textarea, select, [role=textbox], [role=checkbox], [role=combobox]').filter((el) =>
        [...(el.labels || [])].some((label) => matches(label.textContent, step.text, step.exact))
        || (el.getAttribute('aria-label') !== null && matches(el.getAttribute('aria-label'), step.text, step.exact))
        || (el.getAttribute('aria-labelledby') !== null && matches(nameOf(el), step.text, step.exact))));
    }
    else if (step.kind === 'role') {
      for (const s of current) next.push(...all(s, roles[step.role] || '[role=' + step.role + ']').filter((el) =>
        visible(el) && (step.name === undefined || matches(nameOf(el), step.name, step.exact))));
    } else if (step.kind === 'text') {
      for (const s of current) {
        // Like Playwright's text engine, the scope element itself can be the match.
        const hits = [...(s.nodeType === 1 ? [s] : []), ...all(s, '*')].filter((el) => !['SCRIPT', 'STYLE', 'HEAD', 'TITLE'].includes(el.tagName)
          && matches(el.textContent, step.text, step.exact) && visible(el));
        next.push(...hits.filter((el) => !hits.some((other) => other !== el && el.contains(other))));
      }
    } else if (step.kind === 'nth') {
      const i = step.index < 0 ? current.length + step.index : step.index;
      next = current[i] ? [current[i]] : [];
    } else if (step.kind === 'or') {
      // Either locator, from the document, in document order (Playwright's locator.or).
      const union = new Set([...run(step.either, [document]), ...run(step.or, [document])]);
      next = [...union].sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
    } else if (step.kind === 'and') {
      // Both locators (Playwright's locator.and): this one's matches that the other, from the document, also has.
      const also = new Set(run(step.also, [document]));
      next = current.filter((el) => also.has(el));
    } else if (step.kind === 'filter') {
      next = current.filter((el) => (step.hasText === undefined || matches(el.textContent, step.hasText, false))
        && (step.has === undefined || run(step.has, [el]).length > 0));
    }
    current = [...new Set(next)];
  }
  return current;
};
const found = run(steps, [document]);
`;
// One round trip: how many match and, when exactly one does, whether it can take input.
const prober = `${resolverLib}
const el = found.length === 1 ? found[0] : null;
const r = el ? el.getBoundingClientRect() : null;
const shown = !!el && el.isConnected && r.width > 0 && r.height > 0 && (!el.checkVisibility || el.checkVisibility({ visibilityProperty: true }));
return { count: found.length, element: el, visible: shown, enabled: shown && !el.disabled };`;
type Probe = { count: number; element: ElementRef | null; visible: boolean; enabled: boolean };
const isStale = (error: unknown) => /stale element|no such element|detached/i.test(String(error));

export interface DocumentTarget {
  client: MarionetteClient;
  /** Switches Marionette to this document (window, then frame). */
  select(): Promise<void>;
  /** Makes this document's tab the active one (a top-level extension page only). */
  focus?(): Promise<void>;
}

const defaultTimeoutMs = 30_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** WebDriver's code point for a key Playwright names. */
function webDriverKey(key: string): string {
  const keys: Record<string, string> = { Enter: '\uE007', Escape: '\uE00C', Tab: '\uE004', ArrowDown: '\uE015', ArrowUp: '\uE013', Backspace: '\uE003' };
  return keys[key] ?? (key.length === 1 ? key : unsupported(`press(${key})`));
}

function unsupported(what: string): never {
  throw new Error(`the Firefox extension-page adapter does not implement ${what} (tests/e2e/support/marionette-page.ts)`);
}

/** Only the listed members exist; any other one throws with its name instead of being undefined. */
function strict<T extends object>(target: T, what: string): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      if (property in object || typeof property === 'symbol' || property === 'then') return Reflect.get(object, property, receiver);
      return unsupported(`${what}.${String(property)}`);
    },
  });
}

class MarionetteLocator {
  constructor(private readonly doc: DocumentTarget, private readonly steps: Step[], private readonly description: string) {}

  private chain(step: Step, text: string): Locator {
    return newLocator(this.doc, [...this.steps, step], `${this.description}.${text}`);
  }

  locator(selector: string): Locator {
    return this.chain({ kind: 'css', selector }, `locator(${selector})`);
  }
  getByTestId(id: string): Locator {
    return this.chain({ kind: 'testid', id }, `getByTestId(${id})`);
  }
  getByLabel(text: string | RegExp, options: { exact?: boolean } = {}): Locator {
    return this.chain({ kind: 'label', text: textMatch(text), exact: options.exact }, `getByLabel(${String(text)})`);
  }
  getByRole(role: string, options: { name?: string | RegExp; exact?: boolean } = {}): Locator {
    return this.chain({ kind: 'role', role, name: options.name === undefined ? undefined : textMatch(options.name), exact: options.exact }, `getByRole(${role}, ${String(options.name)})`);
  }
  getByText(text: string | RegExp, options: { exact?: boolean } = {}): Locator {
    return this.chain({ kind: 'text', text: textMatch(text), exact: options.exact }, `getByText(${String(text)})`);
  }
  first(): Locator {
    return this.chain({ kind: 'nth', index: 0 }, 'first()');
  }
  last(): Locator {
    return this.chain({ kind: 'nth', index: -1 }, 'last()');
  }
  nth(index: number): Locator {
    return this.chain({ kind: 'nth', index }, `nth(${index})`);
  }
  or(other: Locator): Locator {
    const either = this.steps;
    const alternative = (other as unknown as MarionetteLocator).steps;
    return newLocator(this.doc, [{ kind: 'or', either, or: alternative }], `${this.description}.or(…)`);
  }
  filter(options: { hasText?: string | RegExp; has?: Locator }): Locator {
    const has = options.has ? (options.has as unknown as MarionetteLocator).steps : undefined;
    return this.chain({ kind: 'filter', hasText: options.hasText === undefined ? undefined : textMatch(options.hasText), has }, 'filter()');
  }

  /** Runs `script` (arguments[0] is the element) on the one element, once it is there. */
  private onElement<T>(script: string, args: unknown[] = [], timeoutMs = defaultTimeoutMs, mustBeVisible = false): Promise<T> {
    return this.withElement(timeoutMs, mustBeVisible, async (element) => {
      const result = await this.doc.client.raw<{ value: T }>('WebDriver:ExecuteScript', { script, args: [element, ...args] });
      return result.value;
    });
  }

  private probe(): Promise<Probe> {
    return this.doc.client.exclusive(async () => {
      await this.doc.select();
      const result = await this.doc.client.raw<{ value: Probe }>('WebDriver:ExecuteScript', { script: prober, args: [this.steps] });
      return result.value;
    });
  }

  private async one(timeoutMs: number, mustBeVisible: boolean): Promise<ElementRef> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = await this.probe();
      if (found.count > 1) throw new Error(`strict mode violation: ${this.description} resolved to ${found.count} elements`);
      if (found.element && (!mustBeVisible || found.enabled)) return found.element;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${this.description}`);
      await sleep(100);
    }
  }

  /** `act` on the one element; a re-render between finding it and acting on it finds it again. */
  private async withElement<T>(timeoutMs: number, mustBeVisible: boolean, act: (element: ElementRef) => Promise<T>): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const element = await this.one(Math.max(deadline - Date.now(), 0), mustBeVisible);
      try {
        return await this.doc.client.exclusive(async () => {
          await this.doc.select();
          return act(element);
        });
      } catch (error) {
        if (!isStale(error) || Date.now() > deadline) throw error;
      }
    }
  }

  async count(): Promise<number> {
    return (await this.probe()).count;
  }
  /** Every match at once, as Playwright's all* and evaluateAll do (no waiting). */
  private everyMatch<T>(body: string, args: unknown[] = []): Promise<T> {
    return this.doc.client.exclusive(async () => {
      await this.doc.select();
      const result = await this.doc.client.raw<{ value: T }>('WebDriver:ExecuteScript', {
        script: `${resolverLib}\nconst rest = arguments[1];\n${body}`,
        args: [this.steps, args],
      });
      return result.value;
    });
  }
  allTextContents(): Promise<string[]> {
    return this.everyMatch('return found.map((el) => el.textContent ?? "");');
  }
  allInnerTexts(): Promise<string[]> {
    return this.everyMatch('return found.map((el) => el.innerText);');
  }
  async evaluateAll<R, A>(fn: (elements: Element[], arg: A) => R, arg?: A): Promise<R> {
    return this.everyMatch<R>(`return (${fn.toString()})(found, rest[0]);`, [arg]);
  }
  async waitFor(options: { state?: 'attached' | 'visible' | 'detached' | 'hidden'; timeout?: number } = {}): Promise<void> {
    const state = options.state ?? 'visible';
    const timeoutMs = options.timeout ?? defaultTimeoutMs;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = await this.probe();
      if (found.count > 1 && (state === 'attached' || state === 'visible')) {
        throw new Error(`strict mode violation: ${this.description} resolved to ${found.count} elements`);
      }
      const done = state === 'attached' ? found.count === 1
        : state === 'visible' ? found.visible
        : state === 'detached' ? found.count === 0
        : !found.visible;
      if (done) return;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${this.description} to be ${state}`);
      await sleep(100);
    }
  }
  and(other: Locator): Locator {
    return this.chain({ kind: 'and', also: (other as unknown as MarionetteLocator).steps }, 'and(…)');
  }
  async isVisible(): Promise<boolean> {
    return (await this.probe()).visible;
  }
  async isEnabled(): Promise<boolean> {
    return !(await this.isDisabled());
  }
  async scrollIntoViewIfNeeded(): Promise<void> {
    await this.onElement('arguments[0].scrollIntoView({ block: "nearest", inline: "nearest" });', [], defaultTimeoutMs, true);
  }
  textContent(options: { timeout?: number } = {}): Promise<string | null> {
    return this.onElement('return arguments[0].textContent;', [], options.timeout);
  }
  innerText(options: { timeout?: number } = {}): Promise<string> {
    return this.onElement('return arguments[0].innerText;', [], options.timeout);
  }
  getAttribute(name: string, options: { timeout?: number } = {}): Promise<string | null> {
    return this.onElement('return arguments[0].getAttribute(arguments[1]);', [name], options.timeout);
  }
  inputValue(options: { timeout?: number } = {}): Promise<string> {
    return this.onElement('return arguments[0].value;', [], options.timeout);
  }
  isChecked(): Promise<boolean> {
    return this.onElement('return arguments[0].checked === true || arguments[0].getAttribute("aria-checked") === "true";');
  }
  isDisabled(): Promise<boolean> {
    return this.onElement('return arguments[0].disabled === true;');
  }
  async click(options: { timeout?: number } = {}): Promise<void> {
    await this.withElement(options.timeout ?? defaultTimeoutMs, true, (element) =>
      this.doc.client.raw('WebDriver:ElementClick', { id: element[elementKey] }));
  }
  async fill(value: string, options: { timeout?: number } = {}): Promise<void> {
    await this.withElement(options.timeout ?? defaultTimeoutMs, true, async (element) => {
      await this.doc.client.raw('WebDriver:ElementClear', { id: element[elementKey] });
      if (value !== '') await this.doc.client.raw('WebDriver:ElementSendKeys', { id: element[elementKey], text: value });
    });
  }
  async press(key: string): Promise<void> {
    const code = webDriverKey(key);
    await this.withElement(defaultTimeoutMs, true, (element) =>
      this.doc.client.raw('WebDriver:ElementSendKeys', { id: element[elementKey], text: code }));
  }
  async focus(): Promise<void> {
    await this.onElement('arguments[0].focus();', [], defaultTimeoutMs, true);
  }
  /**
   * A file input: Marionette sends the file's path as the keys of an `<input type="file">`; a file
   * given as contents (Playwright's `{ name, mimeType, buffer }`) is written to a temporary folder first.
   */
  async setInputFiles(file: string | { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
    let filePath: string;
    if (typeof file === 'string') filePath = file;
    else {
      filePath = path.join(mkdtempSync(path.join(tmpdir(), 'sa-e2e-upload-')), file.name);
      writeFileSync(filePath, file.buffer);
    }
    await this.withElement(defaultTimeoutMs, false, (element) =>
      this.doc.client.raw('WebDriver:ElementSendKeys', { id: element[elementKey], text: filePath }));
  }
  async check(): Promise<void> {
    if (!(await this.isChecked())) await this.click();
  }
  async uncheck(): Promise<void> {
    if (await this.isChecked()) await this.click();
  }
  /** Playwright's forms: a value or label string, or `{ value }` / `{ label }`. */
  async selectOption(option: string | { value?: string; label?: string }): Promise<string[]> {
    const wanted = typeof option === 'string' ? { either: option } : option;
    return this.onElement<string[]>(
      'const el = arguments[0]; const w = arguments[1]; const o = [...el.options].find((x) => w.either !== undefined ? (x.value === w.either || x.label === w.either) : (w.value === undefined || x.value === w.value) && (w.label === undefined || x.label === w.label)); if (!o) throw new Error("no option " + JSON.stringify(w)); el.value = o.value; el.dispatchEvent(new Event("input", { bubbles: true })); el.dispatchEvent(new Event("change", { bubbles: true })); return [o.value];',
      [wanted],
      defaultTimeoutMs,
      true,
    );
  }
  async evaluate<R, A>(fn: (element: Element, arg: A) => R, arg?: A): Promise<R> {
    return this.onElement<R>(`return (${fn.toString()})(arguments[0], arguments[1]);`, [arg]);
  }
}

function newLocator(doc: DocumentTarget, steps: Step[], description: string): Locator {
  return strict(new MarionetteLocator(doc, steps, description), 'locator') as unknown as Locator;
}

/** An extension document in Firefox, shaped like the part of Playwright's Page/Frame the suite uses. */
class MarionetteDocument {
  private closed = false;
  constructor(
    protected readonly doc: DocumentTarget,
    private readonly closeDocument: () => Promise<void>,
    private address: string,
  ) {}

  /** Another address of the extension (a section's #hash, usually); Marionette waits for the load. */
  async goto(url: string): Promise<null> {
    await this.doc.client.exclusive(async () => {
      await this.doc.select();
      await this.doc.client.raw('WebDriver:Navigate', { url });
    });
    this.address = url;
    return null;
  }

  locator(selector: string): Locator {
    return newLocator(this.doc, [{ kind: 'css', selector }], `locator(${selector})`);
  }
  getByTestId(id: string): Locator {
    return newLocator(this.doc, [{ kind: 'testid', id }], `getByTestId(${id})`);
  }
  getByLabel(text: string | RegExp, options: { exact?: boolean } = {}): Locator {
    return newLocator(this.doc, [{ kind: 'label', text: textMatch(text), exact: options.exact }], `getByLabel(${String(text)})`);
  }
  getByRole(role: string, options: { name?: string | RegExp; exact?: boolean } = {}): Locator {
    return newLocator(this.doc, [{ kind: 'role', role, name: options.name === undefined ? undefined : textMatch(options.name), exact: options.exact }], `getByRole(${role}, ${String(options.name)})`);
  }
  getByText(text: string | RegExp, options: { exact?: boolean } = {}): Locator {
    return newLocator(this.doc, [{ kind: 'text', text: textMatch(text), exact: options.exact }], `getByText(${String(text)})`);
  }
  async waitForTimeout(ms: number): Promise<void> {
    await sleep(ms);
  }
  async bringToFront(): Promise<void> {
    const focus = this.doc.focus ?? unsupported('bringToFront of a frame');
    await this.doc.client.exclusive(() => focus());
  }
  /** Keys pressed at whatever has focus in this document (WebDriver actions, real key events). */
  get keyboard(): { press(key: string): Promise<void> } {
    const doc = this.doc;
    return {
      press: (key: string) =>
        doc.client.exclusive(async () => {
          await doc.select();
          const value = webDriverKey(key);
          await doc.client.raw('WebDriver:PerformActions', {
            actions: [{ type: 'key', id: 'keyboard', actions: [{ type: 'keyDown', value }, { type: 'keyUp', value }] }],
          });
          await doc.client.raw('WebDriver:ReleaseActions', {});
        }),
    };
  }
  async waitForLoadState(): Promise<void> {
    await this.doc.client.exclusive(async () => {
      await this.doc.select();
      await this.doc.client.raw('WebDriver:ExecuteAsyncScript', {
        script: 'const done = arguments[arguments.length - 1]; if (document.readyState !== "loading") done(); else document.addEventListener("DOMContentLoaded", () => done());',
        args: [],
      });
    });
  }
  async evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R> {
    return this.evaluateSource<R, A>(fn.toString(), arg);
  }
  /** evaluate for a function given as source text (a caller that wraps the function it was given). */
  async evaluateSource<R, A>(source: string, arg?: A): Promise<R> {
    return this.doc.client.exclusive(async () => {
      await this.doc.select();
      const result = await this.doc.client.raw<{ value: { ok?: R; error?: string } }>('WebDriver:ExecuteAsyncScript', {
        script: `const done = arguments[arguments.length - 1];
          Promise.resolve().then(() => (${source})(arguments[0])).then((ok) => done({ ok }), (e) => done({ error: String(e && e.stack || e) }));`,
        args: [arg],
      });
      if (result.value.error !== undefined) throw new Error(`evaluate in the extension page: ${result.value.error}`);
      return result.value.ok as R;
    });
  }
  async waitForFunction<R, A>(fn: (arg: A) => R | Promise<R>, arg?: A, options: { timeout?: number } = {}): Promise<R> {
    const timeoutMs = options.timeout ?? defaultTimeoutMs;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await this.evaluate(fn, arg);
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`waitForFunction: timed out after ${timeoutMs} ms`);
      await sleep(100);
    }
  }
  /** Reloads the document and waits until it has loaded again (a marker set before must be gone). */
  async reload(): Promise<null> {
    await this.evaluate(() => {
      (window as unknown as { __saBeforeReload?: boolean }).__saBeforeReload = true;
      setTimeout(() => location.reload(), 0);
      return true;
    });
    const deadline = Date.now() + defaultTimeoutMs;
    for (;;) {
      // Scripts run while the document unloads fail: that is the reload happening.
      const loaded = await this.evaluate(
        () => !(window as unknown as { __saBeforeReload?: boolean }).__saBeforeReload && document.readyState === 'complete',
      ).catch(() => false);
      if (loaded) return null;
      if (Date.now() > deadline) throw new Error('reload: the page did not load again');
      await sleep(100);
    }
  }
  /** The address it was opened at (the popup and frames do not navigate away). */
  url(): string {
    return this.address;
  }
  async screenshot(options: { path?: string } = {}): Promise<Buffer> {
    const png = await this.doc.client.exclusive(async () => {
      await this.doc.select();
      const result = await this.doc.client.raw<{ value: string }>('WebDriver:TakeScreenshot', { full: false });
      return Buffer.from(result.value, 'base64');
    });
    if (options.path) writeFileSync(options.path, png);
    return png;
  }
  async setViewportSize(): Promise<void> {
    // A tab's viewport is the window's; the popup lays itself out in any width (screenshots only).
  }
  isClosed(): boolean {
    return this.closed;
  }
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.closeDocument();
  }
}

export function marionettePage(doc: DocumentTarget, close: () => Promise<void>, url: string): Page {
  return strict(new MarionetteDocument(doc, close, url), 'page') as unknown as Page;
}

export function marionetteFrame(doc: DocumentTarget, url: string): Frame {
  return strict(new MarionetteDocument(doc, async () => undefined, url), 'frame') as unknown as Frame;
}
