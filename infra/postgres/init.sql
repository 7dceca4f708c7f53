-- Role and databases for Voorportaal, one database per service.
--
-- Used twice, so it must stay idempotent (safe to run again on every start):
--   * infra/postgres/postgres.sh runs it as the postgres superuser on each start;
--   * infra/compose.yaml mounts it into /docker-entrypoint-initdb.d/ of the postgres image,
--     which runs it once, with psql, when the data volume is first initialised.
-- It relies on psql's \gexec (CREATE DATABASE cannot run inside a DO block or a transaction).
--
-- The password is for local development and tests only; production credentials come from the
-- deployment's secret store, never from this file.
\set ON_ERROR_STOP on

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'voorportaal') THEN
        CREATE ROLE voorportaal LOGIN CREATEDB PASSWORD 'voorportaal';
    ELSE
        -- Re-assert the attributes, so a hand-edited role is repaired by the next start.
        ALTER ROLE voorportaal LOGIN CREATEDB PASSWORD 'voorportaal';
    END IF;
END
$$;

-- template0 + UTF8: a cluster created without a locale (LANG unset in a container) defaults
-- to SQL_ASCII, which would accept and mangle non-ASCII text.
SELECT format('CREATE DATABASE %I OWNER voorportaal TEMPLATE template0 ENCODING %L', d, 'UTF8')
FROM unnest(ARRAY[
    'voorportaal_intake',
    'voorportaal_routing',
    'voorportaal_dossier',
    'voorportaal_notify'
]) AS d
WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_database WHERE datname = d)
\gexec

-- Existing databases: make sure voorportaal owns them (e.g. created earlier by hand).
SELECT format('ALTER DATABASE %I OWNER TO voorportaal', datname)
FROM pg_catalog.pg_database
WHERE datname IN ('voorportaal_intake', 'voorportaal_routing',
                  'voorportaal_dossier', 'voorportaal_notify')
  AND datdba <> (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = 'voorportaal')
\gexec
