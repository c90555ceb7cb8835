#!/usr/bin/env bash
# One database and one role per service, run by the postgres image on its first start (empty data
# volume) from /docker-entrypoint-initdb.d. Each role owns its database and can connect to it alone:
# CONNECT (and everything else) is revoked from PUBLIC, so another service's role is refused at login.
# Passwords come from the environment (POSTGRES_<SERVICE>_PASSWORD, set in .env).
set -euo pipefail

SERVICES=(orders inventory payments logistics notifications)

missing=()
for service in "${SERVICES[@]}"; do
  variable="POSTGRES_${service^^}_PASSWORD"
  [ -n "${!variable:-}" ] || missing+=("$variable")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "10-service-databases: set ${missing[*]} (see .env.example)" >&2
  exit 1
fi

psql_admin() {
  psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname "${POSTGRES_DB:-$POSTGRES_USER}" "$@"
}

# Nobody but the superuser and a database's own role connects anywhere: not even to `postgres`.
psql_admin <<'SQL'
SELECT format('REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM PUBLIC', datname) FROM pg_database WHERE datallowconn \gexec
SQL

for service in "${SERVICES[@]}"; do
  variable="POSTGRES_${service^^}_PASSWORD"
  # psql variables (:'name', :'password') are quoted by psql itself; format() quotes the identifiers.
  psql_admin --set=name="$service" --set=password="${!variable}" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'name', :'password') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'name', :'name') \gexec
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'name') \gexec
SELECT format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I', :'name', :'name') \gexec
SQL
  echo "10-service-databases: database and role ${service}"
done
