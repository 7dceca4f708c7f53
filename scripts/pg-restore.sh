#!/usr/bin/env bash
# Restore a backup made by scripts/pg-backup.sh into a database, in one transaction.
#
#   scripts/pg-restore.sh FILE DATABASE_URL [--replace]
#
# Query parameters in the URL must be libpq's (`?sslmode=require`), not asyncpg's (`?ssl=`).
# Checks FILE against FILE.sha256 first. The database named in DATABASE_URL is created (UTF8,
# from template0) when it does not exist. When it exists the restore refuses, unless
# --replace is given: then it is dropped (its connections ended) and created anew. Stop the
# service (or scale it to 0) before a --replace. The role in DATABASE_URL needs CREATEDB.
# After a restore, run the service's `python -m voorportaal_<service> audit-verify` against
# it with the anchor file kept outside the database (docs/operations/backup-restore.md).
set -euo pipefail

die() { echo "pg-restore: $*" >&2; exit 2; }

[[ $# -ge 2 && $# -le 3 ]] || die "usage: scripts/pg-restore.sh FILE DATABASE_URL [--replace]"
file="$1"
url="$2"
replace=false
if [[ $# -eq 3 ]]; then
    [[ "$3" == "--replace" ]] || die "unknown option $3 (only --replace)"
    replace=true
fi
case "$url" in
    postgresql://* | postgres://*) ;;
    postgresql+*://*) url="postgresql://${url#postgresql+*://}" ;;
    *) die "DATABASE_URL must be a PostgreSQL URL (postgresql[+driver]://...)" ;;
esac
command -v pg_restore >/dev/null || die "pg_restore is not installed (Debian: postgresql-client)"
[[ -f "$file" ]] || die "FILE: $file does not exist"
[[ -f "$file.sha256" ]] || die "FILE: $file.sha256 is missing; refusing a copy that cannot be checked"
(cd "$(dirname "$file")" && sha256sum --check --quiet "$(basename "$file").sha256") \
    || die "FILE: $file does not match its SHA-256; the copy is damaged"

# The database's name is the URL's path (before any ?query); the server's maintenance
# database (PG_MAINTENANCE_DB, default postgres) is where it is created and dropped.
rest="${url#*://}"
path="${rest#*/}"
[[ "$path" != "$rest" ]] || die "DATABASE_URL names no database"
dbname="${path%%\?*}"
[[ "$dbname" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "DATABASE_URL: database name must be letters, digits and _"
query=""
[[ "$path" == *\?* ]] && query="?${path#*\?}"
admin_url="${url%%/"$path"}/${PG_MAINTENANCE_DB:-postgres}$query"

psql_admin() { psql --no-psqlrc --quiet --set ON_ERROR_STOP=1 --tuples-only --no-align --dbname "$admin_url" "$@"; }

exists=$(psql_admin --command "SELECT 1 FROM pg_database WHERE datname = '$dbname'")
if [[ "$exists" == "1" ]]; then
    $replace || die "database $dbname exists; stop its service and give --replace to drop it"
    echo "pg-restore: dropping $dbname"
    psql_admin --command "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '$dbname' AND pid <> pg_backend_pid()" >/dev/null
    psql_admin --command "DROP DATABASE \"$dbname\""
fi
psql_admin --command "CREATE DATABASE \"$dbname\" TEMPLATE template0 ENCODING 'UTF8'"
# One transaction: a restore that fails halfway leaves an empty database, never half a one.
pg_restore --exit-on-error --single-transaction --no-owner --no-privileges --dbname "$url" "$file"
echo "pg-restore: restored $dbname from $file"
