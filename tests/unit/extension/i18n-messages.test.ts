// Meta-test of the i18n convention (issue 9): every visible string of a .tsx file is a message key
// (t('…')), and English and Spanish have the same keys with the same {named} substitutions.
// The messages are parsed by @wxt-dev/i18n's own build parser, i.e. exactly what the build ships.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const root = path.join(__dirname, '..', '..', '..');
const extensionDir = path.join(root, 'extension');
const localesDir = path.join(extensionDir, 'locales');
type ParsedMessage = { key: string[]; message?: string; plurals?: Record<string, string>; namedSubstitutions: string[] };

/** @wxt-dev/i18n's build parser is ESM-only: run it in a plain Node process, as the build does. */
function parseMessagesFile(file: string): ParsedMessage[] {
  const script = `import(process.argv[1]).then((b) => b.parseMessagesFile(process.argv[2])).then((m) => process.stdout.write(JSON.stringify(m)))`;
  const buildModule = path.join(extensionDir, 'node_modules/@wxt-dev/i18n/dist/build.mjs');
  return JSON.parse(execFileSync(process.execPath, ['-e', script, buildModule, file], { encoding: 'utf8' })) as ParsedMessage[];
}

/** Attributes a person reads or hears (screen readers): their text must be translated. */
const visibleAttributes = new Set(['title', 'aria-label', 'aria-description', 'aria-valuetext', 'placeholder', 'alt', 'label']);
/** Attributes and calls whose strings are code, not text. */
const codeAttributes = new Set(['className', 'data-testid', 'name', 'type', 'role', 'autoComplete', 'inputMode', 'id', 'htmlFor', 'key', 'rel', 'target', 'href', 'download', 'accept', 'lang', 'dir']);
const letters = /\p{L}/u;
/**
 * A string that reads as prose: a capitalised phrase ("Two-step verification"), a capitalised
 * word ending a sentence ("Saved."), or three lowercase words in a row ("moved to the trash").
 */
const prose = /^\s*\p{Lu}[\p{L}'’-]*[\s,.:;!?…]+\p{L}|^\s*\p{Lu}\p{Ll}+[.!?…]\s*$|\p{Ll}+\s+\p{Ll}+\s+\p{Ll}+/u;

export interface Violation {
  file: string;
  line: number;
  text: string;
}

function isCallTo(node: ts.Node, names: string[]): boolean {
  if (!ts.isCallExpression(node)) return false;
  const callee = node.expression;
  if (ts.isIdentifier(callee)) return names.includes(callee.text);
  if (ts.isPropertyAccessExpression(callee)) return names.includes(callee.name.text) || (ts.isIdentifier(callee.expression) && callee.expression.text === 'console');
  return false;
}

/** Visible strings of one .tsx source that do not go through t(). */
export function findUntranslated(file: string, source: string): Violation[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found: Violation[] = [];
  const report = (node: ts.Node, text: string) =>
    found.push({ file: path.relative(root, file), line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, text: text.trim() });

  const visit = (node: ts.Node, inCode: boolean): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node) || ts.isTypeNode(node)) return;
    if (isCallTo(node, ['t', 'askBackground', 'getURL', 'addEventListener', 'matchMedia', 'querySelector', 'getElementById', 'createElement', 'postMessage', 'error', 'warn', 'log'])) {
      return;
    }
    if (ts.isJsxText(node)) {
      if (letters.test(node.text)) report(node, node.text);
      return;
    }
    if (ts.isJsxAttribute(node)) {
      const name = node.name.getText(sf);
      const init = node.initializer;
      if (init && ts.isStringLiteral(init)) {
        if (visibleAttributes.has(name) && letters.test(init.text)) report(init, `${name}="${init.text}"`);
        return;
      }
      if (codeAttributes.has(name) || name.startsWith('data-') || name === 'style') return;
      if (init) visit(init, inCode);
      return;
    }
    // Property names, switch cases and comparisons hold identifiers, not text.
    if (ts.isPropertyAssignment(node)) {
      visit(node.initializer, inCode);
      return;
    }
    if (ts.isCaseClause(node)) {
      node.statements.forEach((statement) => visit(statement, inCode));
      return;
    }
    if (ts.isBinaryExpression(node) && [ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken].includes(node.operatorToken.kind)) return;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      if (!inCode && prose.test(node.text)) report(node, node.text);
      return;
    }
    if (ts.isTemplateExpression(node)) {
      const parts = [node.head.text, ...node.templateSpans.map((span) => span.literal.text)].join(' ');
      if (!inCode && prose.test(parts)) report(node, parts);
      node.templateSpans.forEach((span) => visit(span.expression, inCode));
      return;
    }
    ts.forEachChild(node, (child) => visit(child, inCode));
  };
  visit(sf, false);
  return found;
}

function tsxFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) return [];
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return tsxFiles(full);
    return entry.name.endsWith('.tsx') ? [full] : [];
  });
}

type Catalogue = Map<string, { text: string; named: string[] }>;

async function loadCatalogue(language: string): Promise<Catalogue> {
  const messages = parseMessagesFile(path.join(localesDir, `${language}.yml`));
  return new Map(
    messages
      .filter((message) => !message.key[0]!.startsWith('@@'))
      .map((message) => [
        message.key.join('.'),
        { text: message.message ?? Object.values(message.plurals ?? {}).join(' | '), named: [...message.namedSubstitutions].sort() },
      ]),
  );
}

describe('i18n: every visible string is a message key', () => {
  const files = tsxFiles(extensionDir);

  test('when the extension is scanned, then it has .tsx files to check', () => {
    expect(files.length).toBeGreaterThan(5);
  });

  test('when a .tsx file is read, then no visible text bypasses t()', () => {
    const violations = files.flatMap((file) => findUntranslated(file, fs.readFileSync(file, 'utf8')));
    expect(violations).toEqual([]);
  });

  test.each([
    ['JSX text', '<p>No accounts yet</p>'],
    ['a title attribute', '<button title="Lock the vault" />'],
    ['an aria-label', '<span aria-label="Loading" />'],
    ['a placeholder', '<input placeholder="Search all accounts" />'],
    ['a string in an expression', "<h2>{mfa ? 'Two-step verification' : t('auth.login.title')}</h2>"],
    ['a message set in state', "setMessage({ kind: 'ok', text: 'Saved.' })"],
    ['a template literal', 'setMessage({ text: `${name} moved to the trash.` })'],
  ])('when a file contains %s, then the scanner reports it', (_name, snippet) => {
    expect(findUntranslated('/x/Example.tsx', `export const X = () => ${snippet.startsWith('<') ? snippet : `{ ${snippet} }`};`)).not.toEqual([]);
  });

  test.each([
    ['a message key', "<p>{t('vault.empty')}</p>"],
    ['code strings', '<input className="sa-input" name="email" type="email" data-testid="x" />'],
    ['a comparison', "<p>{mode === 'characters' ? t('generator.password') : null}</p>"],
  ])('when a file contains only %s, then the scanner accepts it', (_name, snippet) => {
    expect(findUntranslated('/x/Example.tsx', `export const X = () => ${snippet};`)).toEqual([]);
  });
});

describe('i18n: English and Spanish are complete', () => {
  test('when both catalogues are parsed, then they have the same keys, none empty, with the same substitutions', async () => {
    const en = await loadCatalogue('en');
    const es = await loadCatalogue('es');

    expect(en.size).toBeGreaterThan(100);
    expect([...es.keys()].filter((key) => !en.has(key))).toEqual([]);
    expect([...en.keys()].filter((key) => !es.has(key))).toEqual([]);
    for (const [key, message] of en) {
      expect({ key, empty: message.text.trim() === '' }).toEqual({ key, empty: false });
      expect({ key, named: es.get(key)!.named }).toEqual({ key, named: message.named });
    }
  });

  test('when the extension source uses t() with a literal key, then that key exists', async () => {
    const en = await loadCatalogue('en');
    const used = new Set<string>();
    const sources = [...tsxFiles(extensionDir), ...fs.readdirSync(path.join(extensionDir, 'utils'), { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.ts'))
      .map((name) => path.join(extensionDir, 'utils', name))];
    for (const file of sources) {
      for (const match of fs.readFileSync(file, 'utf8').matchAll(/\bt\('([\w.]+)'/g)) used.add(match[1]!);
    }
    expect(used.size).toBeGreaterThan(50);
    expect([...used].filter((key) => !en.has(key))).toEqual([]);
  });
});
