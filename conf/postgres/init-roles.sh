#!/usr/bin/env bash
# Runs once, when the postgres service of docker-compose.yml initialises its volume: the least-privilege
# roles of the marts (docs/postgres-access.md). Passwords come from the container's environment, never
# from this file.
#
# lakehouse_exporter  the export's login. It owns schema marts (the stable views dashboards read) and
#                     schema marts_data (the versioned tables behind them) and has no right outside them:
#                     no CREATE on the database, so it never runs CREATE SCHEMA (PostgreSQL checks that
#                     privilege before IF NOT EXISTS looks at the schema); both schemas exist from here.
# lakehouse_reader    NOLOGIN, granted to people and tools that read: USAGE on marts and SELECT on what
#                     the exporter creates there. The views run with their owner's rights, so readers
#                     need nothing in marts_data and cannot depend on a version's table name.
# lakehouse_bi        a login for BI tools: a lakehouse_reader member whose sessions default to read-only
#                     transactions. What it may do is set by the grants; the default guards against an
#                     accidental write.
set -euo pipefail
: "${LAKEHOUSE_POSTGRES_PASSWORD:?set LAKEHOUSE_POSTGRES_PASSWORD for the exporter role}"
: "${LAKEHOUSE_BI_PASSWORD:?set LAKEHOUSE_BI_PASSWORD for the read-only BI login}"

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v database="$POSTGRES_DB" \
  -v exporter_password="$LAKEHOUSE_POSTGRES_PASSWORD" \
  -v bi_password="$LAKEHOUSE_BI_PASSWORD" <<'SQL'
CREATE ROLE lakehouse_exporter LOGIN PASSWORD :'exporter_password';
CREATE ROLE lakehouse_reader NOLOGIN;
CREATE ROLE lakehouse_bi LOGIN PASSWORD :'bi_password';
GRANT lakehouse_reader TO lakehouse_bi;
ALTER ROLE lakehouse_bi SET default_transaction_read_only = on;

-- Explicit, so that the roles keep working where CONNECT was revoked from PUBLIC.
GRANT CONNECT ON DATABASE :"database" TO lakehouse_exporter, lakehouse_reader;
CREATE SCHEMA marts AUTHORIZATION lakehouse_exporter;
CREATE SCHEMA marts_data AUTHORIZATION lakehouse_exporter;

GRANT USAGE ON SCHEMA marts TO lakehouse_reader;
ALTER DEFAULT PRIVILEGES FOR ROLE lakehouse_exporter IN SCHEMA marts GRANT SELECT ON TABLES TO lakehouse_reader;
SQL
