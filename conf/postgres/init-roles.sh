#!/usr/bin/env bash
# Runs once, when the postgres service of docker-compose.yml initialises its volume: the least-privilege
# roles of README "Export to PostgreSQL". Passwords come from the container's environment.
set -euo pipefail
: "${LAKEHOUSE_POSTGRES_PASSWORD:?set LAKEHOUSE_POSTGRES_PASSWORD for the exporter role}"

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v exporter_password="$LAKEHOUSE_POSTGRES_PASSWORD" <<'SQL'
CREATE ROLE lakehouse_exporter LOGIN PASSWORD :'exporter_password';
CREATE ROLE lakehouse_reader NOLOGIN;
CREATE SCHEMA marts AUTHORIZATION lakehouse_exporter;
GRANT USAGE ON SCHEMA marts TO lakehouse_reader;
ALTER DEFAULT PRIVILEGES FOR ROLE lakehouse_exporter IN SCHEMA marts GRANT SELECT ON TABLES TO lakehouse_reader;
SQL
