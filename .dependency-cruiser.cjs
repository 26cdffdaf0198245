/**
 * The dependency rule (ARCHITECTURE.md#dependency-rule), checked by `npm run deps:check` and in `.ci/run`.
 * Front-ends are checked by Biome (`noRestrictedImports` in biome.json): dependency-cruiser cannot parse TSX
 * while the project compiles with TypeScript 7, which has no JavaScript API.
 *
 * Domain folders are layered: a domain may import the domains BELOW it in `DOMAIN_LAYERS`, never one above,
 * so the domain graph is a directed graph without cycles by construction. Adding a domain means placing it
 * in this list. `tests/architecture/dependency-rule.test.ts` also proves that a domain cycle fails.
 */

/** Top to bottom. Each domain may depend only on domains further down the list. */
const DOMAIN_LAYERS = [
  'integrations',
  'open-data',
  'forecast',
  'stats',
  'scheduling',
  'queue',
  'notify',
  'display',
  'auth',
];

/** Domain-neutral modules every domain may use; they import no domain. */
const BASE =
  '^server/(contracts/|random\\.ts$|rate-limiter\\.ts$|idempotency\\.ts$|errors\\.ts$|clock\\.ts$|config\\.ts$|logger\\.ts$|events\\.ts$|deps\\.ts$|storage\\.ts$)';
const DOMAINS = `^server/(${DOMAIN_LAYERS.join('|')})/`;
/** HTTP adapters: one `*.routes.ts` per domain may use the HTTP layer (hono, router, guards). */
const ROUTES = '\\.routes\\.ts$';

const layerRules = DOMAIN_LAYERS.slice(1).map((domain, i) => ({
  name: `layer-${domain}`,
  comment: `${domain} is below ${DOMAIN_LAYERS.slice(0, i + 1).join(', ')}: importing upwards would make a domain cycle`,
  severity: 'error',
  from: { path: `^server/${domain}/` },
  to: { path: `^server/(${DOMAIN_LAYERS.slice(0, i + 1).join('|')})/` },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Modules may not import each other in a circle.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...layerRules,
    {
      name: 'domain-not-http',
      comment: 'Domain code throws AppError (server/errors.ts); only the *.routes.ts adapters use the HTTP layer.',
      severity: 'error',
      from: { path: DOMAINS, pathNot: ROUTES },
      to: { path: '^server/http/' },
    },
    {
      name: 'domain-not-hono',
      comment: 'Only *.routes.ts and auth/middleware.ts speak HTTP.',
      severity: 'error',
      from: { path: DOMAINS, pathNot: `${ROUTES}|^server/auth/middleware\\.ts$` },
      to: { dependencyTypes: ['npm'], path: '^node_modules/(hono|@hono)/' },
    },
    {
      name: 'domain-not-socket-io',
      comment: 'Domains publish facts on server/events.ts; only server/hub talks socket.io.',
      severity: 'error',
      from: { pathNot: '^server/hub/' },
      to: { path: '^node_modules/socket\\.io(-client)?/' },
    },
    {
      name: 'domain-not-shell',
      comment: 'Domains never import the shell: hub, jobs, app, main.',
      severity: 'error',
      from: { path: `${DOMAINS}|${BASE}|^db/` },
      to: { path: '^server/(hub/|jobs/|http/static|app\\.ts$|main\\.ts$)' },
    },
    {
      name: 'base-imports-no-domain',
      comment: 'The domain-neutral modules sit below every domain.',
      severity: 'error',
      from: { path: BASE, pathNot: '^server/storage\\.ts$' },
      to: { path: `${DOMAINS}|^server/(hub|jobs|http)/` },
    },
    {
      name: 'storage-names-repositories',
      comment:
        'server/storage.ts only gathers the repository interfaces the domains declare in their *-store.ts files.',
      severity: 'error',
      from: { path: '^server/storage\\.ts$' },
      to: { path: '^server/', pathNot: `${BASE}|^server/[^/]+/[^/]+-store\\.ts$` },
    },
    {
      name: 'contracts-isomorphic',
      comment: 'server/contracts is imported by the browsers: zod and other contracts only.',
      severity: 'error',
      from: { path: '^server/contracts/' },
      to: { pathNot: '^server/contracts/|^node_modules/zod/|^node_modules/@hono/zod-openapi/' },
    },
    {
      name: 'server-through-the-seam',
      comment:
        'Server code reaches its data only through deps.storage (server/storage.ts): only the composition root, ' +
        'server/main.ts, opens an engine from db/ (ARCHITECTURE.md#storage-seam).',
      severity: 'error',
      from: { path: '^server/', pathNot: '^server/main\\.ts$' },
      to: { path: '^db/' },
    },
    {
      name: 'storage-owns-drivers',
      comment:
        'Only the storage layer (db/) imports drizzle or a database driver; domains use repository interfaces. ' +
        'Existing exceptions are listed in .dependency-cruiser-known-violations.json and shrink domain by domain.',
      severity: 'error',
      from: { pathNot: '^db/' },
      to: { path: '^node_modules/(drizzle-orm|better-sqlite3|pg|postgres)/' },
    },
  ],
  options: {
    // TypeScript 7 has no JavaScript API; swc parses the (non-JSX) server code.
    parser: 'swc',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
