// One rule, one place (issue 10): only @secureaccess/shared/access decides whether an
// application's credentials may be used. This scan fails when any server or extension source
// file reads an application's `access` or `isActive` to decide for itself — comparing `access`
// with granted/declined, or branching on an application's `isActive` — instead of calling
// decideAccess and reading its decision's `allowed`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const scanned = ['server/src', 'extension/utils', 'extension/entrypoints', 'extension/components', 'extension/hooks'];

function sourceFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'node_modules' || name.startsWith('.') ? [] : sourceFiles(full);
    return /\.(ts|tsx)$/.test(name) ? [full] : [];
  });
}

/** Line comments and block comments blanked out, so prose about the rule is not flagged. */
function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, (block) => block.replace(/[^\n]/g, ' ')).replace(/(^|[^:])\/\/.*$/gm, '$1');
}

/** The ways code decides access on its own. */
const forbidden: { name: string; pattern: RegExp }[] = [
  { name: 'compares an access state', pattern: /\.access\s*(===|!==|==|!=)|(===|!==|==|!=)\s*\w+(\.\w+)*\.access\b(?!\w)/ },
  { name: 'compares with a granted/declined literal', pattern: /(===|!==|==|!=)\s*['"`](granted|declined)['"`]|['"`](granted|declined)['"`]\s*(===|!==|==|!=)/ },
  {
    name: "branches on an application's isActive",
    pattern: /\b\w*(app|App|application|Application)\w*\??\.(isActive|access)\b\s*(&&|\|\||\?(?!\.)|\)|;|$)|!\s*\w*(app|App|application|Application)\w*\??\.(isActive|access)\b/m,
  },
];

export function findAccessDecisions(source: string): { line: number; rule: string; text: string }[] {
  const hits: { line: number; rule: string; text: string }[] = [];
  stripComments(source)
    .split('\n')
    .forEach((text, index) => {
      for (const rule of forbidden) if (rule.pattern.test(text)) hits.push({ line: index + 1, rule: rule.name, text: text.trim() });
    });
  return hits;
}

describe('the access rule lives only in shared/', () => {
  test('when the scanner sees code that decides access itself, then it flags it (the scan can fail)', () => {
    const samples = [
      "if (application.access === 'granted') release();",
      'const ok = app.isActive && granted;',
      'if (!match.application.isActive) throw refused;',
      "const allowed = row.access !== 'declined';",
      "return state === 'granted' ? a : b;",
    ];
    for (const sample of samples) expect(findAccessDecisions(sample)).not.toEqual([]);
    // Reading the shared decision, copying fields, or another kind of isActive is fine.
    const fine = [
      'if (!decision.allowed) throw accessDeclinedError(decision);',
      'isActive: body.isActive ?? before.isActive,',
      'return session.isActive && sessionEndsAt(session) > now;',
      '// if (application.access === "granted") — prose in a comment',
      'const access = accessOf(match.application);',
    ];
    for (const sample of fine) expect(findAccessDecisions(sample)).toEqual([]);
  });

  test('when server and extension sources are scanned, then none decides access outside @secureaccess/shared/access', () => {
    const files = scanned.flatMap((dir) => sourceFiles(path.join(repoRoot, dir)));
    expect(files.length).toBeGreaterThan(20);
    const offenders = files.flatMap((file) =>
      findAccessDecisions(readFileSync(file, 'utf8')).map((hit) => `${path.relative(repoRoot, file)}:${hit.line} ${hit.rule}: ${hit.text}`),
    );
    expect(offenders).toEqual([]);
  });
});
