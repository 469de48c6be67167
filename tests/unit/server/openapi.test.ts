import { apiRoutes } from '@secureaccess/shared/contract';
import { buildOpenApiDocument } from '@secureaccess/server';

describe('OpenAPI document', () => {
  const document = buildOpenApiDocument(apiRoutes, { version: '0.0.0-test' }) as {
    openapi: string;
    paths: Record<string, Record<string, { parameters: { name: string; in: string }[]; security: unknown[]; requestBody?: unknown }>>;
  };

  test('when built from the contract, then every route appears once with Express params as OpenAPI params', () => {
    const operations = Object.values(document.paths).flatMap((methods) => Object.keys(methods));

    expect(document.openapi).toBe('3.1.0');
    expect(operations).toHaveLength(apiRoutes.length);
    for (const [path, methods] of Object.entries(document.paths)) {
      expect(path).not.toContain(':');
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const operation of Object.values(methods)) {
        const pathParams = operation.parameters.filter((p) => p.in === 'path').map((p) => p.name);
        expect(pathParams.sort()).toEqual(templated.sort());
      }
    }
  });

  test('when a route needs a Bearer token, then its operation requires bearerAuth', () => {
    for (const route of apiRoutes) {
      const path = (route.root ? route.path : `/api/v1${route.path}`).replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      const operation = document.paths[path]![route.method]!;
      expect(operation.security).toEqual(route.auth === 'bearer' ? [{ bearerAuth: [] }] : []);
      expect(Boolean(operation.requestBody)).toBe(Boolean(route.request?.body));
    }
  });
});
