#!/usr/bin/env bash
# Makes sure the local PostgreSQL and RabbitMQ (with its management plugin) are up, starting them with
# the Debian packages' own commands if they are installed but stopped. Fails loudly otherwise.
set -euo pipefail

die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }
wait_until() { # wait_until SECONDS DESCRIPTION COMMAND...
  local deadline=$(( $(date +%s) + $1 )) what=$2; shift 2
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || die "$what did not come up within the deadline"
    sleep 1
  done
}

PG_HOST=${PGHOST:-127.0.0.1}
if ! pg_isready -q -h "$PG_HOST" 2>/dev/null; then
  command -v pg_ctlcluster >/dev/null || die "PostgreSQL is not running on $PG_HOST:5432 and not installed (apt-get install postgresql)"
  echo "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start
  wait_until 60 "PostgreSQL" pg_isready -q -h "$PG_HOST"
fi
echo "PostgreSQL: up"

if ! rabbitmq-diagnostics -q check_running >/dev/null 2>&1; then
  command -v rabbitmq-server >/dev/null || die "RabbitMQ is not running and not installed (apt-get install rabbitmq-server)"
  echo "starting RabbitMQ"
  rabbitmq-server -detached
  wait_until 120 "RabbitMQ" rabbitmq-diagnostics -q check_running
fi
if ! rabbitmq-plugins list -e -m 2>/dev/null | grep -qx rabbitmq_management; then
  echo "enabling the RabbitMQ management plugin"
  rabbitmq-plugins enable rabbitmq_management >/dev/null
fi
# Its Prometheus endpoint (:15692) is what the observability profile scrapes, and what the dashboard
# check in packages/compose-check reads the broker's metric names from.
if ! rabbitmq-plugins list -e -m 2>/dev/null | grep -qx rabbitmq_prometheus; then
  echo "enabling the RabbitMQ Prometheus plugin"
  rabbitmq-plugins enable rabbitmq_prometheus >/dev/null
fi
wait_until 60 "RabbitMQ management API" curl -fsS -u "${RABBITMQ_MANAGEMENT_USER:-guest}:${RABBITMQ_MANAGEMENT_PASSWORD:-guest}" http://127.0.0.1:15672/api/overview
echo "RabbitMQ: up, management API on :15672, Prometheus metrics on :15692"
