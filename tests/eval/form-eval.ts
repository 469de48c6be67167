// Form-detection accuracy over the labelled evaluation pages (tests/fixtures/form-eval/pages):
// precision, recall and F1 per field kind, and the count of sign-up / change-password forms
// taken for a login. Labels ride on the fields as `data-eval="<form kind>/<role>"`, an attribute
// the detector never reads. Pages are loaded into jsdom with the unit tests' fake layout.
// Run: npm run eval:forms   (the unit test tests/unit/extension/detect-eval.test.ts asserts the goals)
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { detectForms, fieldRolesOf, type FieldRole, type FormKind } from '../../extension/utils/forms/detect';
import { attachDeclarativeShadowRoots, fakeLayout } from '../unit/extension/helpers/dom';

type JsdomConstructor = new (html: string, options?: { url?: string }) => { window: Window & typeof globalThis };
const { JSDOM } = createRequire(__filename)('jsdom') as { JSDOM: JsdomConstructor };

export const evalPagesDir = join(__dirname, '..', 'fixtures', 'form-eval', 'pages');

/** A field kind: the form kind and the field's role in it, "login/username". */
export type FieldKind = `${FormKind}/${FieldRole}`;

export interface DetectedForm {
  formKind: FormKind;
  fields: { field: HTMLInputElement; role: FieldRole }[];
}
export type Detector = (doc: Document) => DetectedForm[];

export const currentDetector: Detector = (doc) =>
  detectForms(doc, { layout: fakeLayout }).map((c) => ({ formKind: c.formKind, fields: fieldRolesOf(c) }));

export interface Score {
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface EvalReport {
  pages: number;
  labelledFields: number;
  /** Per field kind ("login/username") and per role whatever the form ("username"). */
  scores: Record<string, Score>;
  /** Detected logins that hold a field labelled as part of a sign-up or change-password form. */
  newPasswordFormsTakenForLogin: { page: string; fields: string[] }[];
  /** Pages where the detector's answer differs from the labels, with what differed. */
  misses: { page: string; expected: string[]; got: string[] }[];
}

function loadPage(html: string): Document {
  const { document } = new JSDOM(`<!doctype html><html><head></head><body>${html}</body></html>`, {
    url: 'https://www.example.com/account',
  }).window;
  // <title> inside the body snippet: move it where document.title reads it.
  const title = document.body.querySelector('title');
  if (title) document.head.append(title);
  attachDeclarativeShadowRoots(document);
  return document;
}

function allInputs(root: Document | ShadowRoot): HTMLInputElement[] {
  const found: HTMLInputElement[] = [];
  const walk = (scope: Document | ShadowRoot) => {
    for (const el of Array.from(scope.querySelectorAll('*'))) {
      if (el.localName === 'input') found.push(el as HTMLInputElement);
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  };
  walk(root);
  return found;
}

function score(tp: number, fp: number, fn: number): Score {
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { tp, fp, fn, precision, recall, f1 };
}

const describe = (el: HTMLInputElement, kind: string) => `${kind}:${el.id || el.name}`;

export function evaluate(detector: Detector, pagesDir = evalPagesDir): EvalReport {
  const counts = new Map<string, { tp: number; fp: number; fn: number }>();
  const bump = (key: string, what: 'tp' | 'fp' | 'fn') => {
    const entry = counts.get(key) ?? { tp: 0, fp: 0, fn: 0 };
    entry[what]++;
    counts.set(key, entry);
  };
  const report: EvalReport = { pages: 0, labelledFields: 0, scores: {}, newPasswordFormsTakenForLogin: [], misses: [] };
  const pages = readdirSync(pagesDir).filter((name) => name.endsWith('.html')).sort();
  for (const page of pages) {
    const doc = loadPage(readFileSync(join(pagesDir, page), 'utf8'));
    report.pages++;
    const truth = new Map<HTMLInputElement, FieldKind>();
    for (const input of allInputs(doc)) {
      const label = input.getAttribute('data-eval');
      if (label) truth.set(input, label as FieldKind);
    }
    report.labelledFields += truth.size;
    const predicted = new Map<HTMLInputElement, FieldKind>();
    for (const form of detector(doc)) {
      const takenFields: string[] = [];
      for (const { field, role } of form.fields) {
        predicted.set(field, `${form.formKind}/${role}`);
        const labelled = truth.get(field);
        if (form.formKind === 'login' && labelled && !labelled.startsWith('login/')) takenFields.push(describe(field, labelled));
      }
      if (takenFields.length > 0) report.newPasswordFormsTakenForLogin.push({ page, fields: takenFields });
    }
    const elements = new Set([...truth.keys(), ...predicted.keys()]);
    let differs = false;
    for (const el of elements) {
      const want = truth.get(el);
      const got = predicted.get(el);
      if (want !== got) differs = true;
      const wantRole = want?.split('/')[1];
      const gotRole = got?.split('/')[1];
      // Exact field kinds, then roles whatever the form kind.
      for (const [w, g] of [[want, got], [wantRole, gotRole]] as const) {
        if (w && w === g) bump(w, 'tp');
        else {
          if (w) bump(w, 'fn');
          if (g) bump(g, 'fp');
        }
      }
    }
    if (differs) {
      report.misses.push({
        page,
        expected: [...truth].map(([el, kind]) => describe(el, kind)),
        got: [...predicted].map(([el, kind]) => describe(el, kind)),
      });
    }
  }
  for (const [key, { tp, fp, fn }] of counts) report.scores[key] = score(tp, fp, fn);
  return report;
}

export const reportedKinds = [
  'username', 'current-password', 'new-password', 'confirm-password',
  'login/username', 'login/current-password',
  'sign-up/username', 'sign-up/new-password', 'sign-up/confirm-password',
  'change-password/current-password', 'change-password/new-password', 'change-password/confirm-password',
];

export function formatReport(report: EvalReport, title: string): string {
  const lines = [`${title}: ${report.pages} pages, ${report.labelledFields} labelled fields`];
  lines.push(`  ${'field kind'.padEnd(36)} ${'P'.padStart(6)} ${'R'.padStart(6)} ${'F1'.padStart(6)}   tp/fp/fn`);
  for (const kind of reportedKinds) {
    const s = report.scores[kind] ?? score(0, 0, 0);
    lines.push(`  ${kind.padEnd(36)} ${s.precision.toFixed(3).padStart(6)} ${s.recall.toFixed(3).padStart(6)} ${s.f1.toFixed(3).padStart(6)}   ${s.tp}/${s.fp}/${s.fn}`);
  }
  lines.push(`  sign-up / change-password forms taken for a login: ${report.newPasswordFormsTakenForLogin.length}`);
  lines.push(`  pages with any difference from the labels: ${report.misses.length}`);
  return lines.join('\n');
}

if (require.main === module) {
  const report = evaluate(currentDetector);
  console.log(formatReport(report, 'detectForms'));
  if (process.argv.includes('--misses')) for (const miss of report.misses) console.log(JSON.stringify(miss));
}
