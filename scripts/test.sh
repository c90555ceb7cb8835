#!/usr/bin/env bash
# Runs every test of the store against the local PostgreSQL and RabbitMQ: `npm test`.
# Installs dependencies, starts the servers if they are down, builds, then runs unit, integration and
# end-to-end tests (each test file in databases and a vhost of its own). Ends with `N passed, N failed`.
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1 NEXT_TELEMETRY_DISABLED=1

step() { printf '\n==> %s\n' "$*"; }
die() { printf '\nERROR: %s\n' "$*" >&2; exit 1; }

step "prerequisites"
command -v node >/dev/null || die "node is not installed (Node.js 20.19+ is required)"
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
  || die "Node.js 20.19+ is required, found $(node --version)"
bash scripts/ensure-servers.sh

step "browser"
# The flow page's browser test drives Debian's chromium through playwright-core (Playwright's own
# browser download is not reachable everywhere); install it when it is missing.
if [ ! -x /usr/bin/chromium ]; then
  echo "installing chromium (apt-get)"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
    || die "could not install chromium (apt-get install -y chromium): the browser test needs /usr/bin/chromium"
  [ -x /usr/bin/chromium ] || die "apt-get installed chromium but /usr/bin/chromium is missing"
fi
echo "chromium: /usr/bin/chromium"

step "dependencies"
node scripts/complete-lockfile.mjs --check
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
else
  echo "node_modules up to date"
fi

step "build, typecheck, lint"
npx turbo run build typecheck --output-logs=errors-only
npm run --silent lint
# The compatibility gate: fails, naming the event and the field, on a change that breaks a published version.
npm run --silent contracts:check

step "RabbitMQ file handles"
# Integration tests run two files at once, each with a vhost (a store's queues) of its own.
node scripts/check-broker.mjs 2

step "tests"
rm -rf .test-results
set +e
npx vitest run "$@"
status=$?
set -e
node scripts/test-summary.mjs .test-results/vitest.json || status=1
exit $status
