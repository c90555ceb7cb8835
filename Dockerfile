# syntax=docker/dockerfile:1
# One image recipe for the five services: `docker build --build-arg APP=orders .` (compose passes APP).
# Stages: prune the monorepo to the app and the workspaces it uses, install and build that, keep only
# production dependencies, run as the unprivileged `node` user. packages/compose-check executes these
# steps natively in CI (see infra/README.md), so keep every RUN step runnable from its WORKDIR.

ARG NODE_IMAGE=node:20-slim

FROM ${NODE_IMAGE} AS base
# openssl: Prisma's schema engine (migrations at container start) links against it.
RUN apt-get update \
  && apt-get install -y --no-install-recommends openssl ca-certificates \
  && rm -rf /var/lib/apt/lists/*
ENV TURBO_TELEMETRY_DISABLED=1 \
    CHECKPOINT_DISABLE=1 \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false
WORKDIR /app

# The app's package.json files and lockfile (out/json) apart from its sources (out/full), so the
# dependency layer is reused while only sources change.
FROM base AS prune
ARG APP
ARG TURBO_VERSION=2.11.11
COPY . .
RUN test -n "${APP}" || { echo "build with --build-arg APP=<orders|inventory|payments|logistics|notifications>" >&2; exit 1; }
RUN npx --yes "turbo@${TURBO_VERSION}" prune "@loja/${APP}" --docker --out-dir=out

FROM base AS build
ARG APP
COPY --from=prune /app/out/json/ ./
RUN npm ci
COPY --from=prune /app/out/full/ ./
# `generate` (prisma generate, run by turbo before build) also fetches Prisma's schema engine into
# node_modules/@prisma/engines, where `prisma migrate deploy` finds it at run time.
RUN npx --no-install turbo run build --filter="@loja/${APP}" --output-logs=errors-only
RUN npm prune --omit=dev

FROM base AS runtime
ARG APP
ENV NODE_ENV=production \
    APP=${APP}
WORKDIR /app
# Root-owned and read-only for the service: it runs as `node` and writes nothing here.
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/packages ./packages
COPY --from=build /app/apps ./apps
COPY infra/docker/healthcheck.js ./healthcheck.js
USER node
WORKDIR /app/apps/${APP}
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 CMD ["node", "/app/healthcheck.js"]
# Migrations first (a no-op when up to date; safe with replicas: Prisma takes an advisory lock), then
# the service. exec: node gets SIGTERM from `docker stop` and shuts down gracefully.
CMD ["sh", "-c", "npx --no-install prisma migrate deploy && exec node dist/main.js"]
