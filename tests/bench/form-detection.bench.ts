// detectLoginForms on a heavy generated page (~5 300 elements, 1 500 inputs in nested tables and
// forms, a shadow root, one real login form) and on a normal login page, each against a floor
// measured in the same run on the same document: `querySelectorAll('input')` plus reading every
// input's attributes, the least any detector must do. Prints ops/s and ratios; asserts nothing on
// time, only that detection finds the one login form.
// Run: server/node_modules/.bin/tsx tests/bench/form-detection.bench.ts
import { createRequire } from 'node:module';
import { detectLoginForms } from '../../extension/utils/forms/detect';
import { fakeLayout, readFixture } from '../unit/extension/helpers/dom';

// jsdom is a root devDependency without bundled types (and @types/jsdom is not hoisted): this is
// the one constructor the bench uses.
type JsdomConstructor = new (html: string, options?: { url?: string }) => { window: Window & typeof globalThis };
const { JSDOM } = createRequire(__filename)('jsdom') as { JSDOM: JsdomConstructor };

const heavyElementCount = 5_000;
const heavyInputCount = 1_500;

// A deterministic generator (mulberry32) so every run measures the same page.
function createRandom(seed: number) {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = createRandom(7);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/**
 * An admin back-office grid: forms of nested tables whose cells hold text, number, date, search
 * and checkbox inputs with ordinary names, plus filler markup, until `heavyElementCount` elements
 * and `heavyInputCount` inputs (the login form's and the shadow root's included).
 */
function heavyPageHtml(): { html: string; shadowHtml: string } {
  const inputTypes = ['text', 'text', 'number', 'date', 'search', 'checkbox', 'email', 'tel'];
  const names = ['qty', 'price', 'sku', 'note', 'filter', 'comment', 'ref', 'code', 'label', 'city'];
  const loginForm =
    '<form id="login" action="/session" method="post"><label for="user">Email</label>' +
    '<input id="user" name="email" type="email" autocomplete="username">' +
    '<label for="pass">Password</label><input id="pass" name="password" type="password" autocomplete="current-password">' +
    '<button type="submit">Sign in</button></form>'; // 7 elements, 2 inputs
  const shadowInputs = 20;
  const shadowHtml = Array.from({ length: shadowInputs }, (_, i) => `<div><input name="shadow-${i}" type="text"></div>`).join('');
  let elements = 7 + 1 + shadowInputs * 2; // login form, shadow host, shadow content
  let inputs = 2 + shadowInputs;
  const parts: string[] = ['<header><nav><a href="/">Home</a><a href="/orders">Orders</a></nav></header>', '<div id="shadow-host"></div>'];
  elements += 4;
  let formIndex = 0;
  while (inputs < heavyInputCount) {
    // one form: a table of rows, each row a few cells, some cells a nested table
    const rows: string[] = [];
    for (let r = 0; r < 10 && inputs < heavyInputCount; r++) {
      const cells: string[] = [];
      for (let c = 0; c < 5 && inputs < heavyInputCount; c++) {
        const input = `<input type="${pick(inputTypes)}" name="${pick(names)}-${formIndex}-${r}-${c}" placeholder="${pick(names)}">`;
        inputs++;
        if (random() < 0.2) {
          cells.push(`<td><table><tbody><tr><td><span>${pick(names)}</span></td><td>${input}</td></tr></tbody></table></td>`);
          elements += 8;
        } else {
          cells.push(`<td>${input}</td>`);
          elements += 2;
        }
      }
      rows.push(`<tr>${cells.join('')}</tr>`);
      elements += 1;
    }
    parts.push(`<form action="/grid/${formIndex}"><table><tbody>${rows.join('')}</tbody></table><button>Save</button></form>`);
    elements += 4;
    formIndex++;
  }
  parts.splice(Math.floor(parts.length / 2), 0, loginForm);
  while (elements < heavyElementCount) {
    parts.push('<div class="row"><span>Row</span><p>filler</p></div>');
    elements += 3;
  }
  return { html: `<!doctype html><html><head><title>Back office</title></head><body>${parts.join('')}</body></html>`, shadowHtml };
}

function createHeavyDocument(): Document {
  const { html, shadowHtml } = heavyPageHtml();
  const { document } = new JSDOM(html, { url: 'https://admin.example.com/orders' }).window;
  document.getElementById('shadow-host')!.attachShadow({ mode: 'open' }).innerHTML = shadowHtml;
  return document;
}

function createLoginDocument(): Document {
  return new JSDOM(`<!doctype html><html><body>${readFixture('classic-login.html')}</body></html>`, {
    url: 'https://www.example.com/login',
  }).window.document;
}

/** The floor: find every input and read what any detector reads first. */
function readInputAttributes(doc: Document): number {
  let seen = 0;
  const inputs = doc.querySelectorAll('input');
  for (let i = 0; i < inputs.length; i++) {
    const input = inputs[i]!;
    for (const attribute of ['type', 'name', 'id', 'autocomplete', 'placeholder']) {
      if (input.getAttribute(attribute) !== null) seen++;
    }
  }
  return seen;
}

function opsPerSecond(run: () => void, minimumMs: number, minimumRuns: number): number {
  let runs = 0;
  const started = performance.now();
  while (runs < minimumRuns || performance.now() - started < minimumMs) {
    run();
    runs++;
  }
  return (runs * 1000) / (performance.now() - started);
}

function measure(label: string, doc: Document): void {
  const elementCount = doc.getElementsByTagName('*').length;
  const inputCount = doc.getElementsByTagName('input').length;
  const candidates = detectLoginForms(doc, { layout: fakeLayout });
  const found = candidates.map((c) => `${c.kind}(${c.usernameField?.name ?? '-'}, ${c.passwordField?.name ?? '-'})`).join(', ');
  // Speeds mean nothing unless detection is right: one login form, both fields.
  if (candidates.length !== 1 || !candidates[0]!.passwordField || !candidates[0]!.usernameField) {
    throw new Error(`${label}: expected one login form with both fields, got [${found}]`);
  }
  // Warm up both, then measure each for at least a second.
  for (let i = 0; i < 3; i++) {
    detectLoginForms(doc, { layout: fakeLayout });
    readInputAttributes(doc);
  }
  const floor = opsPerSecond(() => readInputAttributes(doc), 1_000, 20);
  const detect = opsPerSecond(() => detectLoginForms(doc, { layout: fakeLayout }), 1_000, 5);
  console.log(`form detection: ${label} (${elementCount.toLocaleString('en')} elements in the light DOM, ${inputCount.toLocaleString('en')} inputs)`);
  console.log(`  found              ${found}`);
  console.log(`  detectLoginForms   ${detect.toFixed(1)} ops/s (${(1000 / detect).toFixed(2)} ms per scan)`);
  console.log(`  floor              ${floor.toFixed(1)} ops/s (querySelectorAll('input') + 5 attributes each)`);
  console.log(`  ratio              ${(floor / detect).toFixed(1)}× the floor's time`);
}

measure('heavy generated page', createHeavyDocument());
measure('normal login page (classic-login.html)', createLoginDocument());
console.log('  (jsdom, with the unit tests\' fake layout: its getComputedStyle is far slower than a browser\'s, so ratios, not ms, carry over)');
