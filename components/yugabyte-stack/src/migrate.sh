#!/usr/bin/env bash
# Creates the application role and database and applies the schema migrations. Idempotent:
# every step checks before it creates, and each migration file is itself idempotent.
# Environment: PGHOST, PGPORT, PGSSLMODE, ADMIN_PASSWORD, DATABASE, APP_USER, APP_PASSWORD,
# MIGRATIONS_DIR (default /migrations, where the Job mounts the ConfigMap) and WAIT_SECONDS
# (default 600: how long to wait for YSQL before failing, so the Job retries).
set -euo pipefail
migrations_dir="${MIGRATIONS_DIR:-/migrations}"
sql() { ysqlsh -X -q -v ON_ERROR_STOP=1 "$@"; }

echo "waiting for YSQL at ${PGHOST}:${PGPORT}"
deadline=$((SECONDS + ${WAIT_SECONDS:-600}))
until PGPASSWORD="$ADMIN_PASSWORD" sql -U yugabyte -d yugabyte -c 'SELECT 1' >/dev/null 2>&1 \
   || PGPASSWORD=yugabyte sql -U yugabyte -d yugabyte -c 'SELECT 1' >/dev/null 2>&1; do
  if ((SECONDS >= deadline)); then
    echo "YSQL did not answer within ${WAIT_SECONDS:-600} s; the Job will retry" >&2
    exit 1
  fi
  sleep 5
done

# First run only: replace the superuser's well-known default password.
if ! PGPASSWORD="$ADMIN_PASSWORD" sql -U yugabyte -d yugabyte -c 'SELECT 1' >/dev/null 2>&1; then
  PGPASSWORD=yugabyte sql -U yugabyte -d yugabyte -v pw="$ADMIN_PASSWORD" <<'SQL'
ALTER ROLE yugabyte WITH PASSWORD :'pw';
SQL
fi
export PGPASSWORD="$ADMIN_PASSWORD"

sql -U yugabyte -d yugabyte -v db="$DATABASE" -v app="$APP_USER" -v apppw="$APP_PASSWORD" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'app')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'app') \gexec
ALTER ROLE :"app" WITH LOGIN PASSWORD :'apppw';
SELECT format('CREATE DATABASE %I', :'db')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') \gexec
SQL

for migration in "$migrations_dir"/[0-9]*.sql; do
  echo "applying ${migration##*/}"
  sql -U yugabyte -d "$DATABASE" -f "$migration"
done

sql -U yugabyte -d "$DATABASE" -v app="$APP_USER" <<'SQL'
GRANT USAGE ON SCHEMA public TO :"app";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app";
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app";
SQL
echo "database ${DATABASE} is up to date"
