#!/usr/bin/env bash
# `npm run store`: the whole store natively against your PostgreSQL and RabbitMQ. Installs dependencies
# when needed, builds, checks that both servers answer, then hands over to the launcher (Ctrl-C stops it).
# Settings come from the environment: see packages/store-runner/README.md. `npm run store -- --reset`
# drops the store's data first.
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1

step() { printf '==> %s\n' "$*"; }
die() { printf '\nERROR: %s\n' "$*" >&2; exit 1; }

command -v node >/dev/null || die "node is not installed (Node.js 20.19+ is required)"
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
  || die "Node.js 20.19+ is required, found $(node --version)"

POSTGRES_URL=${POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/postgres}
RABBITMQ_URL=${RABBITMQ_URL:-amqp://guest:guest@127.0.0.1:5672}
RABBITMQ_MANAGEMENT_URL=${RABBITMQ_MANAGEMENT_URL:-http://guest:guest@127.0.0.1:15672}
export POSTGRES_URL RABBITMQ_URL RABBITMQ_MANAGEMENT_URL

# host and port of a URL, without printing its password
url_part() { node -e 'const u=new URL(process.argv[1]); console.log(process.argv[2]==="host" ? u.hostname.replace(/^\[|\]$/g,"") : (u.port || process.argv[3]))' "$1" "$2" "${3:-}"; }
without_credentials() { node -e 'const u=new URL(process.argv[1]); u.username=""; u.password=""; console.log(u.toString().replace(/\/$/,""))' "$1"; }
LOCAL_HINT="To start the local Debian-packaged servers (PostgreSQL, RabbitMQ with its management plugin): bash scripts/ensure-servers.sh"

step "PostgreSQL and RabbitMQ"
pg_host=$(url_part "$POSTGRES_URL" host)
pg_port=$(url_part "$POSTGRES_URL" port 5432)
if command -v pg_isready >/dev/null; then
  pg_isready -q -h "$pg_host" -p "$pg_port" -t 5 \
    || die "PostgreSQL does not answer on $pg_host:$pg_port (POSTGRES_URL=$(without_credentials "$POSTGRES_URL")).
Start it, or point POSTGRES_URL at a server and a role that may create databases and roles.
$LOCAL_HINT"
else
  node -e 'const s=require("net").connect(+process.argv[2],process.argv[1]);s.setTimeout(5000,()=>process.exit(1));s.on("connect",()=>process.exit(0));s.on("error",()=>process.exit(1))' "$pg_host" "$pg_port" \
    || die "nothing listens on $pg_host:$pg_port for PostgreSQL (POSTGRES_URL=$(without_credentials "$POSTGRES_URL")).
$LOCAL_HINT"
fi
echo "PostgreSQL: $pg_host:$pg_port answers"

management=$(without_credentials "$RABBITMQ_MANAGEMENT_URL")
status=$(node -e '
  const u = new URL(process.argv[1]);
  const auth = Buffer.from(`${decodeURIComponent(u.username || "guest")}:${decodeURIComponent(u.password || "guest")}`).toString("base64");
  u.username = ""; u.password = "";
  fetch(new URL("api/overview", u.toString().replace(/\/?$/, "/")), { headers: { authorization: `Basic ${auth}` }, signal: AbortSignal.timeout(5000) })
    .then((r) => console.log(r.status), () => console.log("unreachable"));' "$RABBITMQ_MANAGEMENT_URL")
case "$status" in
  200) echo "RabbitMQ: management API at $management answers" ;;
  401|403) die "RabbitMQ's management API at $management refused the credentials of RABBITMQ_MANAGEMENT_URL (HTTP $status).
The user needs the 'administrator' tag to create the store's vhost (guest/guest works on a local RabbitMQ)." ;;
  unreachable) die "RabbitMQ's management API does not answer at $management (RABBITMQ_MANAGEMENT_URL).
Is RabbitMQ running with the management plugin? (rabbitmq-plugins enable rabbitmq_management)
$LOCAL_HINT" ;;
  *) die "RabbitMQ's management API at $management answered HTTP $status" ;;
esac

step "dependencies"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
else
  echo "node_modules up to date"
fi

step "build"
npx turbo run build --output-logs=errors-only

step "store"
exec node packages/store-runner/dist/cli.js "$@"
