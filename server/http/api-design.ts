import type { Context, MiddlewareHandler } from 'hono';
import { problemResponse, toProblem } from './errors.ts';

/**
 * The NL API Design Rules (Logius, v2) that hold for every operation, applied in one place:
 * - API-57: the full version in an `API-Version` header on every response (and documented);
 * - problem details (RFC 9457) with type, title, status, detail, instance (+ our `code`) as the one error schema;
 * - a 400 on every operation with input; 405 with `Allow` for a wrong method on a known path;
 * - `Cache-Control: no-store` unless a route says otherwise (personal data is never cached);
 * - contact and licence in the document, an operationId and a description on every operation, formats on
 *   dates and times.
 * `tests/integrations/api-design-rules.test.ts` checks the served document and the responses against them.
 */
export const API_VERSION = '1.0.0';

/** Sets `API-Version` and, when the route set no caching policy, `Cache-Control: no-store`. */
export function apiResponseHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    c.res.headers.set('API-Version', API_VERSION);
    if (!c.res.headers.has('cache-control')) c.res.headers.set('cache-control', 'no-store');
  };
}

type Json = Record<string, unknown>;
type Operation = {
  operationId?: string;
  summary?: string;
  description?: string;
  parameters?: { name: string; in: string; schema?: Json }[];
  requestBody?: unknown;
  responses?: Record<string, Json>;
};

const methods = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

/** `GET /locations/{id}/available-days` → `getLocationsIdAvailableDays` (only when a route gave none). */
export function operationIdFor(method: string, path: string): string {
  const words = path
    .split('/')
    .filter(Boolean)
    .map((seg) => seg.replace(/[{}]/g, ''))
    .flatMap((seg) => seg.split(/[^A-Za-z0-9]+/))
    .filter(Boolean);
  return method.toLowerCase() + words.map((w) => w[0]?.toUpperCase() + w.slice(1)).join('');
}

export const problemSchema = {
  type: 'object',
  description: 'RFC 9457 problem details, with the machine-readable `code` every client can switch on.',
  required: ['type', 'title', 'status', 'code'],
  properties: {
    type: { type: 'string', format: 'uri', description: 'A URI naming the kind of problem' },
    title: { type: 'string', description: 'Short human-readable summary of the kind of problem' },
    status: { type: 'integer', format: 'int32', minimum: 100, maximum: 599, description: 'The HTTP status' },
    detail: { type: 'string', description: 'What went wrong in this occurrence' },
    instance: { type: 'string', format: 'uri-reference', description: 'The request path this occurred at' },
    code: { type: 'string', description: 'Error code (e.g. validation-failed, slot-unavailable, rate-limited)' },
  },
} as const;

const DATE_PATTERN_SOURCES = new Set(['^\\d{4}-\\d{2}-\\d{2}$', '^(\\d{4})-(\\d{2})-(\\d{2})$']);
/**
 * Members that hold a local calendar date (`YYYY-MM-DD`) wherever they occur. `from`, `to` and `day` are
 * not here: in some schemas they are wall-clock times or e-mail addresses; those need the format on the
 * schema itself.
 */
const DATE_NAMES = /^(date|serviceDate|earliestDate|startsOn|endsOn|weekStart|worstDay)$/;
/** Members that hold an instant (ISO 8601 with offset): `*At` and appointment bounds. */
const INSTANT_NAMES = /^(start|end|timestamp|[a-z]+At)$/;

/**
 * Adds `format` to string schemas that hold dates or instants and have none: by an explicit date pattern,
 * or by name (`date`, `from`, …: `date`; `*At`, `start`, `end`: `date-time`). A string with any other
 * pattern (wall-clock `HH:MM` fields such as `opensAt`) is left alone.
 */
function addFormats(schema: unknown, name?: string): void {
  if (!schema || typeof schema !== 'object') return;
  const s = schema as Json;
  if (s.type === 'string' && s.format === undefined && name !== undefined) {
    const pattern = typeof s.pattern === 'string' ? s.pattern : undefined;
    if (pattern && DATE_PATTERN_SOURCES.has(pattern)) s.format = 'date';
    else if (!pattern && s.enum === undefined && DATE_NAMES.test(name)) s.format = 'date';
    else if (!pattern && s.enum === undefined && INSTANT_NAMES.test(name)) s.format = 'date-time';
  }
  if (
    s.type === 'string' &&
    s.format === undefined &&
    typeof s.pattern === 'string' &&
    DATE_PATTERN_SOURCES.has(s.pattern)
  )
    s.format = 'date';
  if (s.properties && typeof s.properties === 'object')
    for (const [k, v] of Object.entries(s.properties as Json)) addFormats(v, k);
  if (s.items) addFormats(s.items, name);
  // A tuple (JSON Schema 2020-12 `prefixItems`) has exactly its members: `maxItems` says there are no more,
  // and `items` (which then constrains nothing) names the member types for tools that need an `items`.
  if (Array.isArray(s.prefixItems)) {
    for (const x of s.prefixItems as unknown[]) addFormats(x, name);
    if (s.type === 'array' && (s.items === undefined || s.items === false)) {
      s.items = { anyOf: s.prefixItems };
      s.maxItems ??= s.prefixItems.length;
    }
  }
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const)
    if (Array.isArray(s[key])) for (const x of s[key] as unknown[]) addFormats(x, name);
  if (s.additionalProperties && typeof s.additionalProperties === 'object') addFormats(s.additionalProperties);
}

/**
 * Rewrites the generated OpenAPI document so every operation follows the design rules above. Route
 * definitions keep what they state (their own operationId, description, responses); this fills in the
 * rules that are the same everywhere.
 */
export function applyDesignRules<T extends object>(document: T): T {
  const doc = document as unknown as Json & {
    info: Json;
    paths: Record<string, Record<string, Operation>>;
    components?: Json & { schemas?: Json; headers?: Json };
  };
  doc.info = {
    ...doc.info,
    version: API_VERSION,
    contact: {
      name: 'Loket maintainers',
      url: 'https://github.com/loket-nl/loket',
      email: 'loket@example.org',
      ...((doc.info.contact as Json | undefined) ?? {}),
    },
    license: { name: 'EUPL-1.2', identifier: 'EUPL-1.2' },
  };
  doc.components = doc.components ?? {};
  doc.components.schemas = { ...(doc.components.schemas ?? {}), Problem: problemSchema };
  doc.components.headers = {
    ...(doc.components.headers ?? {}),
    'API-Version': {
      description: 'The full version of the API (semver) that answered (NL API Design Rules, API-57)',
      schema: { type: 'string', example: API_VERSION },
    },
  };
  // Every tag an operation uses is declared, with the description a route gave or its name.
  const declared = new Map(((doc.tags as Json[] | undefined) ?? []).map((t) => [String(t.name), t]));
  for (const item of Object.values(doc.paths))
    for (const method of methods)
      for (const tag of (item[method] as { tags?: string[] } | undefined)?.tags ?? [])
        if (!declared.has(tag)) declared.set(tag, { name: tag, description: `Operations on ${tag}` });
  doc.tags = [...declared.values()];
  const problemContent = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };
  for (const schema of Object.values(doc.components.schemas as Json)) addFormats(schema);
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of methods) {
      const op = item[method];
      if (!op) continue;
      op.operationId ??= operationIdFor(method, path);
      op.description ??= op.summary;
      op.responses ??= {};
      const responses = op.responses;
      const hasInput = (op.parameters?.length ?? 0) > 0 || op.requestBody !== undefined;
      if (hasInput && !responses['400']) responses['400'] = { description: 'The request is not valid' };
      for (const [status, response] of Object.entries(responses)) {
        if (Number(status) >= 400) response.content = problemContent;
        response.headers = {
          ...((response.headers as Json | undefined) ?? {}),
          'API-Version': { $ref: '#/components/headers/API-Version' },
        };
        for (const media of Object.values((response.content as Json | undefined) ?? {}))
          addFormats((media as Json).schema);
      }
      for (const p of op.parameters ?? []) addFormats(p.schema, p.name);
      const body = op.requestBody as { content?: Json } | undefined;
      for (const media of Object.values(body?.content ?? {})) addFormats((media as Json).schema);
    }
  }
  return document;
}

/** Path patterns (under /api/v1) with their methods, from the document: the basis of 405 answers. */
export function methodsByPath(document: { paths?: Record<string, object> }): { re: RegExp; methods: string[] }[] {
  return Object.entries(document.paths ?? {}).map(([path, item]) => ({
    re: new RegExp(`^${path.replace(/\./g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}/?$`),
    methods: Object.keys(item)
      .filter((m) => (methods as readonly string[]).includes(m))
      .map((m) => m.toUpperCase()),
  }));
}

/** 404 for an unknown path; 405 with `Allow` when the path exists for other methods. */
export function notFoundOrMethodNotAllowed(
  routes: () => { re: RegExp; methods: string[] }[],
): (c: Context) => Response {
  return (c) => {
    const instance = c.req.path;
    if (instance.startsWith('/api/v1/')) {
      const path = instance.slice('/api/v1'.length);
      const allowed = routes().find((r) => r.re.test(path))?.methods;
      if (allowed && allowed.length > 0 && !allowed.includes(c.req.method)) {
        const allow = [...new Set([...allowed, ...(allowed.includes('GET') ? ['HEAD'] : []), 'OPTIONS'])].join(', ');
        return withVersion(
          problemResponse(
            toProblem('method-not-allowed', `${c.req.method} is not allowed here; use ${allow}`, { instance }),
            {
              allow,
            },
          ),
        );
      }
    }
    return withVersion(
      problemResponse(toProblem('not-found', `No route for ${c.req.method} ${instance}`, { instance })),
    );
  };
}

function withVersion(res: Response): Response {
  res.headers.set('API-Version', API_VERSION);
  res.headers.set('cache-control', 'no-store');
  return res;
}
