// Every audit action the server writes reads as a sentence in the Activity and Audit sections
// (issue 9, issue 10): this scan fails when a server source file names an audit action that
// extension/utils/audit-actions.ts has no message for (the i18n meta-test then checks the key in
// both languages). The fallback "Event <action>" is for a newer server, not for this one.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

/** Dotted names whose first part is a component that audits: `'auth.login'`, `` `mfa.verify` ``. */
const actionLiteral = /['`]((?:auth|mfa|session|user|account|application|admin|settings)\.[a-z_]+)['`]/g;

function serverActions(): Set<string> {
  const found = new Set<string>();
  for (const file of sourceFiles(path.join(repoRoot, 'server/src'))) {
    for (const match of readFileSync(file, 'utf8').matchAll(actionLiteral)) found.add(match[1]!);
  }
  return found;
}

function sentenceActions(): Map<string, string> {
  const source = readFileSync(path.join(repoRoot, 'extension/utils/audit-actions.ts'), 'utf8');
  return new Map([...source.matchAll(/^\s*'([a-z_.]+)': '(people\.actions\.[a-z_]+)',$/gm)].map((m) => [m[1]!, m[2]!]));
}

test('when the server source is scanned, then it writes the actions this scan expects (the scan finds them)', () => {
  const actions = serverActions();
  // Positive controls: actions known to be written by three different components.
  for (const known of ['auth.login', 'account.create', 'admin.user_update', 'settings.update']) expect(actions.has(known)).toBe(true);
});

test('when every action the server writes is looked up, then each has a sentence', () => {
  const sentences = sentenceActions();
  const missing = [...serverActions()].filter((action) => !sentences.has(action)).sort();
  expect(missing).toEqual([]);
});

test('when the sentences are listed, then each key is the action with its first dot as an underscore', () => {
  for (const [action, key] of sentenceActions()) expect(key).toBe(`people.actions.${action.replace('.', '_')}`);
});
