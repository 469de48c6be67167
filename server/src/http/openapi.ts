// The API's own OpenAPI 3.1 document (DESIGN §7), generated from the shared contract so it cannot
// drift from what the server validates. JSON Schema 2020-12 (zod's default) is OpenAPI 3.1's dialect.
import { errorBodySchema, routeJsonSchemas, type JsonSchema, type RouteContract } from '@secureaccess/shared/contract';
import { toJSONSchema } from 'zod';
import { fullPath } from './route';

function withoutDialect(schema: JsonSchema): JsonSchema {
  const { $schema: _dialect, ...rest } = schema;
  return rest;
}

/** `/accounts/:uuid` → `/accounts/{uuid}` */
function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function parametersFrom(schema: JsonSchema | undefined, location: 'path' | 'query' | 'header'): unknown[] {
  if (!schema) return [];
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || required.has(name),
    schema: property,
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
  }));
}

const statusDescriptions: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  503: 'Service Unavailable',
};

export function buildOpenApiDocument(routes: readonly RouteContract[], info: { version: string }): Record<string, unknown> {
  const errorSchema = withoutDialect(toJSONSchema(errorBodySchema) as JsonSchema);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const schemas = routeJsonSchemas(route);
    const responses: Record<string, unknown> = {};
    for (const [status, schema] of Object.entries(schemas.responses)) {
      responses[status] = {
        description: statusDescriptions[Number(status)] ?? `Status ${status}`,
        ...(schema ? { content: { 'application/json': { schema: withoutDialect(schema) } } } : {}),
      };
    }
    responses.default = {
      description: 'Error',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
    const operation = {
      operationId: `${route.method}${route.path.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`,
      summary: route.summary,
      ...(route.auth === 'bearer' ? { security: [{ bearerAuth: [] }] } : { security: [] }),
      ...(route.roles ? { 'x-roles': route.roles } : {}),
      parameters: [
        ...parametersFrom(schemas.request.params, 'path'),
        ...parametersFrom(schemas.request.query, 'query'),
        ...parametersFrom(schemas.request.headers, 'header'),
      ],
      ...(schemas.request.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: withoutDialect(schemas.request.body) } },
            },
          }
        : {}),
      responses,
    };
    const path = openApiPath(fullPath(route));
    paths[path] = { ...paths[path], [route.method]: operation };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'SecureAccess API',
      version: info.version,
      description: 'Zero-knowledge password manager API. Errors are {"error":{"code","message","requestId"}}.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
    components: {
      schemas: { Error: errorSchema },
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  };
}
