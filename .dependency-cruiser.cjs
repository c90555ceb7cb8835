// The architecture's rules, checked on every import: `npm run lint` and `npm test` fail on a broken one.
// Each rule has a fixture that breaks it, in packages/architecture (its test runs these rules there).
//
// Paths are relative to the repository root. Workspace imports (`@loja/contracts`) resolve through their
// symlink to `packages/<name>/dist/...`, so `@loja/orders` imported by a package lands in `apps/orders/`.
// Third-party code is matched by its folder in any node_modules (hoisted or nested).

/** A third-party package by name, with its @types twin: `import type { Pool } from 'pg'` resolves there. */
const npm = (...names) => names.map((name) => `(^|/)node_modules/(@types/)?${name}/`);

/** The service's own source. */
const APP_SOURCE = '^apps/[^/]+/src/';

/**
 * Domain files hold a service's rules in plain TypeScript (status rules, plans, pure functions): every
 * file in a module folder of `apps/<service>/src/` whose name carries no framework role. A file that
 * needs Nest, Prisma, pg or RabbitMQ says so by its role suffix (`place-order.service.ts`,
 * `order.repository.ts`, `pagamento-aprovado.handler.ts`, `list-orders.http.controller.ts`,
 * `orders.module.ts`, `shipment-due.listener.ts`, `orders.config.ts`); everything else is domain:
 * `order.ts`, `stock-plan.ts`, `tracking-code.ts`, `render-notice.ts`, views and request schemas
 * (`order.view.ts`, `place-order.request.ts`). Files at the top of `src/` (main.ts, app.module.ts,
 * errors.ts, openapi.ts) are the service's wiring, not a module.
 */
const DOMAIN_FILE = `${APP_SOURCE}(?!generated/|prisma/)[^/]+/.+\\.ts$`;
const ROLE_FILE = '\\.(service|handler|http\\.controller|repository|module|listener|config|spec)\\.ts$';

/** Where Prisma may be used: repositories (the SQL) and each service's PrismaService. */
const PRISMA_HOME = ['\\.repository\\.ts$', `${APP_SOURCE}prisma/`, '^apps/[^/]+/prisma\\.config\\.ts$'];
const PRISMA = [...npm('@prisma/[^/]+', 'prisma'), `${APP_SOURCE}generated/prisma/`];

/**
 * amqplib is messaging's: services publish and consume only through it. Three broker tools talk AMQP
 * themselves because the broker is what they are about: the DLQ tool reads and replays dead letters by
 * hand, the bench measures the bare broker's ceiling, compose-check's test connects as each service's
 * user to prove its permissions.
 */
const AMQP_TOOLS = [
  '^packages/messaging/',
  '^packages/dlq-tool/',
  '^packages/bench/src/broker-ceiling\\.ts$',
  '^packages/compose-check/src/broker-definitions\\.int\\.spec\\.ts$',
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'app-imports-another-app',
      comment: 'Services talk only through @loja/contracts events; what two apps share goes in a package.',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'app-imports-outside-apps',
      comment:
        'An app reaches shared code as a workspace (`@loja/contracts`), never by a relative path out of its folder (`../../packages/...`).',
      severity: 'error',
      from: { path: '^apps/' },
      to: { pathNot: '^apps/', dependencyTypes: ['local'], dependencyTypesNot: ['aliased-workspace'] },
    },
    {
      name: 'domain-imports-infrastructure',
      comment:
        'Domain files (no role suffix, see DOMAIN_FILE) are plain TypeScript: no Prisma, Nest, pg or RabbitMQ. Give a file that needs them a role suffix, or move the rule out of it.',
      severity: 'error',
      from: { path: DOMAIN_FILE, pathNot: ROLE_FILE },
      to: {
        path: [...PRISMA, ...npm('@nestjs/[^/]+', 'pg', 'amqplib', 'amqp-connection-manager', '@golevelup/[^/]+')],
      },
    },
    {
      name: 'prisma-outside-repositories',
      comment: "Prisma's client and generated types stay in repositories: the rest of an app sees its own types.",
      severity: 'error',
      from: { path: '^apps/', pathNot: PRISMA_HOME },
      to: { path: PRISMA },
    },
    {
      name: 'amqp-outside-messaging',
      comment:
        'Only @loja/messaging talks AMQP (see AMQP_TOOLS for the broker tools); services use its outbox and handlers.',
      severity: 'error',
      from: { pathNot: AMQP_TOOLS },
      to: { path: npm('amqplib', 'amqp-connection-manager', '@golevelup/[^/]+') },
    },
    {
      name: 'package-imports-app',
      comment: 'Packages (and the cross-service e2e tests) know no app: apps depend on packages, not the other way.',
      severity: 'error',
      from: { path: '^(packages|e2e)/' },
      to: { path: '^apps/' },
    },
    {
      name: 'no-circular',
      comment: 'Nothing imports in a circle.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    // Only our own sources are cruised; what they import from these folders is recorded, not followed.
    doNotFollow: { path: ['node_modules', '/dist/', '/generated/'] },
    // The rules' own fixtures break them on purpose.
    exclude: { path: '^packages/architecture/fixtures/' },
    // `import type` counts: a type is a dependency too.
    tsPreCompilationDeps: true,
    combinedDependencies: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.d.ts', '.js', '.mjs', '.cjs', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
