// Every text field a client sends goes through the contract's one `text()` builder, which refuses
// lone UTF-16 surrogates (they have no UTF-8 form: MariaDB refuses them, drivers mangle them).
import { apiRoutes, routeJsonSchemas, text, wellFormedUnicodeSource, type JsonSchema } from '@secureaccess/shared/contract';

function stringFieldsOf(node: unknown, where: string, found: { where: string; node: JsonSchema }[]): void {
  if (!node || typeof node !== 'object') return;
  const schema = node as JsonSchema;
  if (schema.type === 'string') found.push({ where, node: schema });
  for (const [key, child] of Object.entries(schema)) {
    if (child && typeof child === 'object') stringFieldsOf(child, `${where}.${key}`, found);
  }
}

function patternsOf(node: JsonSchema): string[] {
  const all = [node.pattern, ...((node.allOf as JsonSchema[] | undefined) ?? []).map((part) => part.pattern)];
  return all.filter((pattern): pattern is string => typeof pattern === 'string');
}

describe('text fields of the contract', () => {
  test('when any route takes a string (body, query, params, headers), then it is built with text() or is an enum or a timestamp', () => {
    const fields: { where: string; node: JsonSchema }[] = [];
    for (const route of apiRoutes) {
      for (const [part, schema] of Object.entries(routeJsonSchemas(route).request)) {
        stringFieldsOf(schema, `${route.method.toUpperCase()} ${route.path} ${part}`, fields);
      }
    }
    const offenders = fields
      .filter(({ node }) => node.enum === undefined && node.const === undefined && node.format !== 'date-time')
      .filter(({ node }) => !patternsOf(node).includes(wellFormedUnicodeSource))
      .map(({ where }) => where);

    expect(fields.length).toBeGreaterThan(50);
    expect(offenders).toEqual([]);
  });

  test.each([
    ['a lone high surrogate', 'a\ud800b', false],
    ['a lone low surrogate', '\udc00', false],
    ['a reversed pair', '\udc00\ud800', false],
    ['a surrogate pair (emoji)', 'ok \ud83d\ude00', true],
    ['plain text with accents and CJK', 'Zoë 漢字', true],
  ])('when text() is given %s, then it answers %s', (_label, value, ok) => {
    expect(text().safeParse(value).success).toBe(ok);
  });
});
