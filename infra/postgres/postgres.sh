#!/usr/bin/env bash
# Local PostgreSQL for development and tests: Debian's `postgresql` package, no Docker.
#
#   infra/postgres/postgres.sh start    install if absent, start, create role + databases
#   infra/postgres/postgres.sh stop     stop the cluster
#   infra/postgres/postgres.sh status   exit 0 if it accepts connections on 127.0.0.1, 3 if not
#   infra/postgres/postgres.sh env      print export lines for the services' database URLs
#
# Uses the Debian cluster that is configured for port $PGPORT (default 5432; normally the
# "main" cluster the package creates) and creates one if there is none. The server runs as
# the `postgres` user; this script must run as root (or with sudo available).
# It creates (idempotently, via init.sql) the login role voorportaal/voorportaal and the
# databases voorportaal_{intake,routing,dossier,notify} owned by it.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
INIT_SQL="$SCRIPT_DIR/init.sql"

HOST=127.0.0.1
PORT="${PGPORT:-5432}"
START_TIMEOUT="${PG_START_TIMEOUT:-60}"
DB_USER=voorportaal
DB_PASSWORD=voorportaal
SERVICES=(intake routing dossier notify)

log() { echo "postgres.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

# Run a command as root / as the postgres OS user (peer authentication over the socket).
as_root() {
    if [[ $EUID -eq 0 ]]; then "$@"; else sudo -n -- "$@"; fi
}
as_postgres() {
    # cd /: the postgres user may not be allowed into the caller's working directory.
    if [[ $EUID -eq 0 ]]; then
        (cd / && runuser -u postgres -- "$@")
    else
        (cd / && sudo -n -u postgres -- "$@")
    fi
}

# --- installation ---------------------------------------------------------------------------

# Newest installed server major version (e.g. 15), or nothing.
server_version() {
    local bin
    for bin in /usr/lib/postgresql/*/bin/postgres; do
        [[ -x "$bin" ]] && basename "$(dirname "$(dirname "$bin")")"
    done | sort -n | tail -n 1
}

ensure_installed() {
    if [[ -n "$(server_version)" ]] && command -v pg_ctlcluster >/dev/null \
        && command -v psql >/dev/null; then
        return
    fi
    command -v apt-get >/dev/null || die "PostgreSQL is not installed and this is not a Debian-like system"
    log "installing PostgreSQL with apt-get (takes a minute)"
    export DEBIAN_FRONTEND=noninteractive
    # Package lists may be missing or stale on a fresh machine / container image.
    as_root apt-get update -q >/dev/null
    # The package's postinst creates the "main" cluster; starting it may fail in containers
    # without an init system, which is fine: we start it ourselves below.
    as_root apt-get install -y -q postgresql >/dev/null
    [[ -n "$(server_version)" ]] || die "apt-get installed postgresql but no server binaries were found"
}

# --- cluster --------------------------------------------------------------------------------

# Sets VERSION and CLUSTER to the Debian cluster configured for $PORT, creating one if needed.
VERSION=""
CLUSTER=""
find_cluster() {
    local line
    # pg_lsclusters -h: "<version> <name> <port> <status> <owner> <datadir> <logfile>"
    line="$(pg_lsclusters -h 2>/dev/null | awk -v port="$PORT" '$3 == port { print; exit }')"
    if [[ -n "$line" ]]; then
        read -r VERSION CLUSTER _ <<<"$line"
        return
    fi
    VERSION="$(server_version)"
    # The package normally creates "main" on 5432; another port gets a cluster of its own.
    if pg_lsclusters -h 2>/dev/null | awk -v v="$VERSION" '$1 == v && $2 == "main" { f = 1 } END { exit !f }'; then
        CLUSTER="voorportaal$PORT"
    else
        CLUSTER=main
    fi
    log "creating PostgreSQL $VERSION cluster '$CLUSTER' on port $PORT"
    # Explicit UTF-8 locale: with LANG unset (common in containers) initdb picks SQL_ASCII.
    as_root pg_createcluster --port "$PORT" --start-conf auto --locale C.UTF-8 --encoding UTF8 \
        "$VERSION" "$CLUSTER" >/dev/null
}

cluster_running() { as_root pg_ctlcluster "$VERSION" "$CLUSTER" status >/dev/null 2>&1; }

accepting() { pg_isready -q -h "$HOST" -p "$PORT" -t 1; }

# Password logins over TCP from 127.0.0.1 must be allowed. Debian's default pg_hba.conf has
# "host all all 127.0.0.1/32 scram-sha-256"; if someone removed that, add a rule for our role.
ensure_hba() {
    local hba
    hba="$(as_postgres psql -p "$PORT" -XtAc 'SHOW hba_file')"
    if ! as_root grep -Eq "^[[:space:]]*host[[:space:]]+all[[:space:]]+(all|$DB_USER)[[:space:]]+127\.0\.0\.1/32[[:space:]]+(scram-sha-256|md5|password)" "$hba"; then
        log "adding a password rule for $DB_USER on 127.0.0.1 to $hba"
        as_root sed -i "1i host all $DB_USER 127.0.0.1/32 scram-sha-256  # added by voorportaal postgres.sh" "$hba"
        as_postgres psql -p "$PORT" -XtAqc 'SELECT pg_reload_conf()' >/dev/null
    fi
}

url() { echo "postgresql+asyncpg://$DB_USER:$DB_PASSWORD@$HOST:$PORT/voorportaal_$1"; }

# --- commands -------------------------------------------------------------------------------

cmd_start() {
    ensure_installed
    find_cluster
    local started=$SECONDS
    if cluster_running; then
        log "PostgreSQL $VERSION/$CLUSTER already running on port $PORT"
    else
        log "starting PostgreSQL $VERSION/$CLUSTER on port $PORT"
        as_root pg_ctlcluster "$VERSION" "$CLUSTER" start
    fi
    until accepting; do
        (( SECONDS - started < START_TIMEOUT )) || {
            log "error: PostgreSQL does not accept connections on $HOST:$PORT after ${START_TIMEOUT}s"
            as_root tail -n 30 "/var/log/postgresql/postgresql-$VERSION-$CLUSTER.log" >&2 || true
            exit 1
        }
        sleep 0.5
    done

    # Role and databases (idempotent). Fed on stdin: the postgres user may not be able to
    # read files inside the repo.
    as_postgres psql -p "$PORT" -X -q -v ON_ERROR_STOP=1 -d postgres -f - <"$INIT_SQL" >/dev/null
    ensure_hba

    # Prove what the services will do: a password login over TCP.
    PGPASSWORD="$DB_PASSWORD" psql -h "$HOST" -p "$PORT" -U "$DB_USER" -d voorportaal_intake \
        -XtAqc 'SELECT 1' >/dev/null \
        || die "password login as $DB_USER over TCP on $HOST:$PORT failed"

    echo "postgres ready on $HOST:$PORT (PostgreSQL $VERSION/$CLUSTER, took $(( SECONDS - started ))s)"
    echo "database URLs (VOORPORTAAL_<SERVICE>_DATABASE_URL):"
    local s
    for s in "${SERVICES[@]}"; do
        echo "  $s: $(url "$s")"
    done
}

cmd_stop() {
    if [[ -z "$(server_version)" ]] || ! command -v pg_lsclusters >/dev/null; then
        echo "postgres not installed"
        return
    fi
    find_cluster_quiet || { echo "postgres: no cluster on port $PORT"; return; }
    if cluster_running; then
        as_root pg_ctlcluster "$VERSION" "$CLUSTER" stop
        echo "postgres stopped ($VERSION/$CLUSTER)"
    else
        echo "postgres not running ($VERSION/$CLUSTER)"
    fi
}

# Like find_cluster, but never creates one.
find_cluster_quiet() {
    local line
    line="$(pg_lsclusters -h 2>/dev/null | awk -v port="$PORT" '$3 == port { print; exit }')"
    [[ -n "$line" ]] || return 1
    read -r VERSION CLUSTER _ <<<"$line"
}

cmd_status() {
    if command -v pg_isready >/dev/null && accepting; then
        if command -v pg_lsclusters >/dev/null && find_cluster_quiet; then
            echo "postgres running on $HOST:$PORT ($VERSION/$CLUSTER)"
        else
            echo "postgres running on $HOST:$PORT"
        fi
        return 0
    fi
    echo "postgres not running on $HOST:$PORT"
    return 3
}

cmd_env() {
    local s
    for s in "${SERVICES[@]}"; do
        echo "export VOORPORTAAL_${s^^}_DATABASE_URL=$(url "$s")"
    done
}

case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    env) cmd_env ;;
    *)
        sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2
        exit 2
        ;;
esac
