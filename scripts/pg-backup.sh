#!/usr/bin/env bash
# Back up one service's PostgreSQL database to a file (pg_dump's custom format) with a SHA-256
# beside it, so a restore can tell a damaged or truncated copy before it drops anything.
#
#   scripts/pg-backup.sh DATABASE_URL FILE
#
# Query parameters in the URL must be libpq's (`?sslmode=require`), not asyncpg's (`?ssl=`).
# DATABASE_URL is the service's own setting (postgresql+asyncpg://user:pass@host:5432/name;
# a plain postgresql:// URL works too). The password may instead come from PGPASSWORD or
# ~/.pgpass. FILE is written atomically (FILE.partial, then renamed) with FILE.sha256.
# The URL is never printed (it may carry a password). Restore with scripts/pg-restore.sh;
# docs/operations/backup-restore.md is the run book (which databases, how often, and the
# audit anchor files that must be kept with them).
set -euo pipefail

die() { echo "pg-backup: $*" >&2; exit 2; }

[[ $# -eq 2 ]] || die "usage: scripts/pg-backup.sh DATABASE_URL FILE"
url="$1"
out="$2"
case "$url" in
    postgresql://* | postgres://*) ;;
    postgresql+*://*) url="postgresql://${url#postgresql+*://}" ;;
    *) die "DATABASE_URL must be a PostgreSQL URL (postgresql[+driver]://...)" ;;
esac
command -v pg_dump >/dev/null || die "pg_dump is not installed (Debian: postgresql-client)"
[[ -d "$(dirname "$out")" ]] || die "FILE: directory $(dirname "$out") does not exist"

partial="$out.partial"
trap 'rm -f "$partial"' EXIT
# --format=custom: compressed, and pg_restore can list and restore it selectively.
# --no-owner/--no-privileges: the restore target may have another role name (a new cluster).
pg_dump --format=custom --no-owner --no-privileges --file "$partial" --dbname "$url"
mv "$partial" "$out"
(cd "$(dirname "$out")" && sha256sum "$(basename "$out")" >"$(basename "$out").sha256")
echo "pg-backup: wrote $out ($(stat -c %s "$out") bytes) and $out.sha256"
