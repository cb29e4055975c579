#!/bin/sh
# The app's own PostgreSQL role: it owns the database and everything in it, and is no
# superuser (docker-compose.yml's web, worker, worker-long, beat and migrate connect as it).
#
# The db service runs this script once, when it creates its data directory (mounted in
# /docker-entrypoint-initdb.d). Run it again, as often as needed, to set the role's
# password after a change of DB_PASSWORD in .env, or to hand an existing database over to
# the role (a deployment first started with the app connecting as the superuser: every
# table, view and sequence then changes owner); docs/operations.md:
#
#   docker compose exec db sh /docker-entrypoint-initdb.d/10-cogwg-app-role.sh
#
# It connects as POSTGRES_USER (the superuser) to POSTGRES_DB, and names the role DB_USER
# with the password DB_PASSWORD (passed to psql as variables: any character is safe). The
# migrations create the `unaccent` extension as the role: a trusted extension, which the
# database's owner may create since PostgreSQL 13.
#
# Sourced by the image's entrypoint when not executable: no `exit`, no `set -u`.
set -e

: "${POSTGRES_USER:?}" "${POSTGRES_DB:?}" "${DB_USER:?set DB_USER}" "${DB_PASSWORD:?set DB_PASSWORD in .env}"

psql --no-psqlrc --quiet -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    --set app_user="$DB_USER" --set app_password="$DB_PASSWORD" --set app_database="$POSTGRES_DB" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'app_user')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app_user')
\gexec
ALTER ROLE :"app_user" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
    PASSWORD :'app_password';
ALTER DATABASE :"app_database" OWNER TO :"app_user";
-- What another role made in the database (the app's tables when it connected as the
-- superuser): the role's from now on. A table takes its indexes and the sequences of its
-- columns with it; REASSIGN OWNED cannot serve, the superuser of the image owning the
-- system's own objects too.
SELECT format(
    'ALTER %s %I.%I OWNER TO %I',
    CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE'
        WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END,
    n.nspname, c.relname, :'app_user'
)
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public'
  AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
  AND c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = :'app_user')
  -- a sequence of a column (serial, identity) follows its table
  AND NOT (c.relkind = 'S' AND EXISTS (
      SELECT FROM pg_depend d
      WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i')
  ))
ORDER BY c.relkind = 'S', c.relname
\gexec
SQL
