#!/usr/bin/env bash
# Local single-node Apache Kafka for development and tests: the real broker (KRaft mode,
# combined broker + controller), its jars taken from Maven Central with mvn, no Docker.
#
#   infra/kafka/kafka.sh fetch     download the jars into the cache (once)
#   infra/kafka/kafka.sh start     fetch if needed, format storage once, start, wait until ready
#   infra/kafka/kafka.sh stop      SIGTERM via the pid file, SIGKILL after 30 s
#   infra/kafka/kafka.sh status    exit 0 if running, 3 if not
#   infra/kafka/kafka.sh reset     stop and delete all broker state (topics, offsets, logs)
#   infra/kafka/kafka.sh topics ARGS...        TopicCommand against the local broker
#   infra/kafka/kafka.sh tool CLASS ARGS...    any Kafka CLI main class, e.g.
#                                              org.apache.kafka.tools.ConsumerGroupCommand
#   infra/kafka/kafka.sh start --brokers 3     a three-node KRaft cluster of its own (ports
#                                              19092/19192/19292, state in var/kafka-cluster);
#                                              stop/kill/status/reset/bootstrap take --brokers
#                                              too, and --node ID for one node (cluster.sh)
#
#   start|stop|status|reset --secure   a second, separate broker as production runs it: a
#       SASL_SSL listener (SCRAM-SHA-512) on $KAFKA_SECURE_PORT, a local CA and broker
#       certificate made with the JDK's keytool, the StandardAuthorizer with
#       allow.everyone.if.no.acl.found=false and only the operator as super user, a SCRAM user
#       for every service (voorportaal-<service>) and agency (agency-<code>) with a generated
#       password (0600, under its state dir), the ACLs of `voorportaal acls`, and for every
#       principal a librdkafka config ($KAFKA_CLIENTS_DIR/<principal>.conf, for `kcat -F`).
#       Its state is $VOORPORTAAL_STATE/kafka-secure; it needs a JDK (javac) and the repo's
#       Python environment (.venv, for the principals and ACLs).
#
# Environment:
#   KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9094; a state dir formatted earlier keeps the
#   port its server.properties names, e.g. 9093), KAFKA_HEAP_OPTS ("-Xms256m -Xmx768m"),
#   KAFKA_START_TIMEOUT (90 seconds), JAVA_HOME,
#   KAFKA_SECURE_PORT (9093), KAFKA_SECURE_CONTROLLER_PORT (9095),
#   KAFKA_CLIENTS_DIR ($VOORPORTAAL_STATE/kafka/clients), VOORPORTAAL_PYTHON (<repo>/.venv/bin/python),
#   VOORPORTAAL_CACHE (~/.cache/voorportaal; jars, shared by all clones),
#   VOORPORTAAL_STATE (<repo>/var; the broker's data and logs go to $VOORPORTAAL_STATE/kafka).
set -euo pipefail

KAFKA_VERSION=4.1.1
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
POM="$SCRIPT_DIR/pom.xml"

CACHE_DIR="${VOORPORTAAL_CACHE:-$HOME/.cache/voorportaal}/kafka-$KAFKA_VERSION"
LIBS_DIR="$CACHE_DIR/libs"
FETCH_MARKER="$LIBS_DIR/.fetched"

STATE_ROOT="${VOORPORTAAL_STATE:-$REPO_ROOT/var}"
[[ "$STATE_ROOT" = /* ]] || STATE_ROOT="$PWD/$STATE_ROOT"
STATE_DIR="$STATE_ROOT/kafka"
CONFIG="$STATE_DIR/server.properties"
DATA_DIR="$STATE_DIR/data"
LOG_DIR="$STATE_DIR/logs"
PID_FILE="$STATE_DIR/kafka.pid"
CLUSTER_ID_FILE="$STATE_DIR/cluster.id"

HOST=127.0.0.1
PORT="${KAFKA_PORT:-9092}"
# The controller's default moved from 9093 (now the secured broker's port) to 9094; a state
# dir formatted before keeps the port its server.properties names.
configured_controller_port() {
    [[ -f "$1" ]] || return 0
    sed -nE 's/^controller\.quorum\.voters=1@[^:]+:([0-9]+)$/\1/p' "$1"
}
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$(configured_controller_port "$CONFIG")}"
CONTROLLER_PORT="${CONTROLLER_PORT:-9094}"
SECURE=0
PRINCIPALS=()
START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
STOP_TIMEOUT=30
read -r -a HEAP_OPTS <<<"${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m}"

log() { echo "kafka.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

# --- prerequisites --------------------------------------------------------------------------

# On a fresh Debian machine, install a missing tool with apt (only when we are root).
apt_install() {
    local pkg=$1
    if ! command -v apt-get >/dev/null || [[ $EUID -ne 0 ]]; then
        die "$pkg is missing; install it (Debian: apt-get install $pkg)"
    fi
    log "installing $pkg with apt-get"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$pkg" >/dev/null; then
        apt-get update -q >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$pkg" >/dev/null
    fi
}

JAVA=""
find_java() {
    [[ -n "$JAVA" ]] && return
    if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
        JAVA="$JAVA_HOME/bin/java"
    else
        command -v java >/dev/null || apt_install openjdk-17-jre-headless
        JAVA="$(command -v java)"
    fi
    # Kafka 4.x brokers need Java 17 or newer.
    local major
    major="$("$JAVA" -version 2>&1 | sed -nE '1s/.*version "([0-9]+).*/\1/p')"
    [[ -n "$major" && "$major" -ge 17 ]] || die "$JAVA is Java ${major:-?}; Kafka $KAFKA_VERSION needs 17+"
}

# --- fetch ----------------------------------------------------------------------------------

# The marker holds a hash of pom.xml, so editing the POM (e.g. a new dependency) re-fetches.
fetch_stamp() { echo "kafka $KAFKA_VERSION pom-sha256 $(sha256sum "$POM" | cut -d' ' -f1)"; }

fetched() { [[ -f "$FETCH_MARKER" && "$(cat "$FETCH_MARKER")" == "$(fetch_stamp)" ]]; }

ensure_fetched() { fetched || cmd_fetch; }

FETCH_TMP=""
cmd_fetch() {
    if fetched; then
        echo "kafka $KAFKA_VERSION jars already fetched in $LIBS_DIR"
        return
    fi
    find_java
    command -v mvn >/dev/null || apt_install maven
    log "fetching Kafka $KAFKA_VERSION jars from Maven Central into $LIBS_DIR"
    mkdir -p "$CACHE_DIR"
    # Copy into a temporary folder and swap it in only when complete, so an interrupted fetch
    # never leaves a half-filled libs/ that looks usable.
    FETCH_TMP="$(mktemp -d "$CACHE_DIR/libs.tmp.XXXXXX")"
    trap 'rm -rf "$FETCH_TMP"' EXIT
    # Output goes to a log shown only on failure (even -q prints stray ANSI resets).
    if ! mvn -q -B -f "$POM" dependency:copy-dependencies \
        -DincludeScope=runtime -DoutputDirectory="$FETCH_TMP" >"$CACHE_DIR/mvn.log" 2>&1; then
        cat "$CACHE_DIR/mvn.log" >&2
        die "mvn could not fetch the Kafka jars (is Maven Central reachable?)"
    fi
    [[ -f "$FETCH_TMP/kafka_2.13-$KAFKA_VERSION.jar" ]] || die "mvn did not produce the Kafka jar"
    fetch_stamp >"$FETCH_TMP/.fetched"
    rm -rf "$LIBS_DIR"
    mv "$FETCH_TMP" "$LIBS_DIR"
    trap - EXIT
    log "fetched $(find "$LIBS_DIR" -name '*.jar' | wc -l) jars ($(du -sh "$LIBS_DIR" | cut -f1))"
}

# --- probes ---------------------------------------------------------------------------------

# True if something accepts TCP connections on 127.0.0.1:$1.
port_open() ( exec 2>/dev/null 3<>"/dev/tcp/$HOST/$1" )

# True if a Kafka broker on $HOST:$PORT is up, serving requests and unfenced. Speaks the
# Kafka protocol through bash's /dev/tcp (no JVM, no Python venv needed): a Metadata v0
# request for all topics; the reply must echo our correlation id and list >= 1 broker
# (a fenced or still-starting broker is not listed, or does not answer yet).
kafka_ready() (
    if (( SECURE )); then secure_ready; exit; fi
    exec 2>/dev/null 3<>"/dev/tcp/$HOST/$PORT" || exit 1
    # size=16 | api_key=3 (Metadata) | api_version=0 | correlation_id=7 | client_id="vp" | topics=[]
    printf '\x00\x00\x00\x10\x00\x03\x00\x00\x00\x00\x00\x07\x00\x02vp\x00\x00\x00\x00' >&3
    reply="$(timeout 3 head -c 12 <&3 | od -An -v -tx1 | tr -d ' \n')" || exit 1
    # reply: size (4 bytes) | correlation_id (4) | number of brokers (4)
    [[ ${#reply} -eq 24 && "${reply:8:8}" == 00000007 && "${reply:16:8}" != 00000000 ]]
)

# Pid of the broker this script started, if it is still alive (and still that broker: a stale
# pid file whose pid was reused by another process does not count).
running_pid() {
    [[ -f "$PID_FILE" ]] || return 1
    local pid
    pid="$(cat "$PID_FILE")"
    [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null \
        && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'kafka\.Kafka' \
        && echo "$pid"
}

# --- the secured broker (--secure) ---------------------------------------------------------

use_secure() {
    SECURE=1
    STATE_DIR="$STATE_ROOT/kafka-secure"
    CONFIG="$STATE_DIR/server.properties"
    DATA_DIR="$STATE_DIR/data"
    LOG_DIR="$STATE_DIR/logs"
    PID_FILE="$STATE_DIR/kafka.pid"
    CLUSTER_ID_FILE="$STATE_DIR/cluster.id"
    TLS_DIR="$STATE_DIR/tls"
    SECRETS_DIR="$STATE_DIR/secrets"
    CLIENTS_DIR="${KAFKA_CLIENTS_DIR:-$STATE_ROOT/kafka/clients}"
    PORT="${KAFKA_SECURE_PORT:-9093}"
    CONTROLLER_PORT="${KAFKA_SECURE_CONTROLLER_PORT:-$(configured_controller_port "$CONFIG")}"
    CONTROLLER_PORT="${CONTROLLER_PORT:-9095}"
    PYTHON="${VOORPORTAAL_PYTHON:-$REPO_ROOT/.venv/bin/python}"
}

# The password of a principal, generated once into $SECRETS_DIR (readable by this user only).
secret() {
    local file="$SECRETS_DIR/$1.password"
    if [[ ! -s "$file" ]]; then
        mkdir -p "$SECRETS_DIR"
        chmod 700 "$SECRETS_DIR"
        (umask 077 && od -An -tx1 -N24 /dev/urandom | tr -d ' \n' >"$file")
    fi
    cat "$file"
}

# A local CA and a broker certificate for 127.0.0.1/localhost signed by it, with the JDK's
# keytool (made once; the clients trust $TLS_DIR/ca.pem).
make_tls() {
    [[ -s "$TLS_DIR/ca.pem" && -s "$TLS_DIR/broker.p12" && -s "$TLS_DIR/truststore.p12" ]] && return
    local keytool pass
    keytool="$(dirname "$(readlink -f "$JAVA")")/keytool"
    [[ -x "$keytool" ]] || keytool="$(command -v keytool)" || die "keytool (the JDK's) is missing"
    secret keystore >/dev/null
    pass="$SECRETS_DIR/keystore.password"
    rm -rf "$TLS_DIR"
    mkdir -p "$TLS_DIR"
    chmod 700 "$TLS_DIR"
    log "making a local CA and the broker's certificate in $TLS_DIR (keytool)"
    local kt=("$keytool" -noprompt -storetype PKCS12 -storepass:file "$pass")
    {
        "${kt[@]}" -genkeypair -alias ca -dname "CN=Voorportaal local CA" -ext bc:c \
            -keyalg RSA -keysize 2048 -validity 3650 -keystore "$TLS_DIR/ca.p12" -keypass:file "$pass"
        "${kt[@]}" -exportcert -rfc -alias ca -keystore "$TLS_DIR/ca.p12" -file "$TLS_DIR/ca.pem"
        "${kt[@]}" -genkeypair -alias broker -dname "CN=localhost" -keyalg RSA -keysize 2048 \
            -validity 825 -keystore "$TLS_DIR/broker.p12" -keypass:file "$pass"
        "${kt[@]}" -certreq -alias broker -keystore "$TLS_DIR/broker.p12" -file "$TLS_DIR/broker.csr"
        "${kt[@]}" -gencert -rfc -alias ca -keystore "$TLS_DIR/ca.p12" -validity 825 \
            -ext "SAN=ip:$HOST,dns:localhost" -ext KU=digitalSignature,keyEncipherment \
            -ext EKU=serverAuth,clientAuth -infile "$TLS_DIR/broker.csr" -outfile "$TLS_DIR/broker.pem"
        "${kt[@]}" -importcert -alias ca -file "$TLS_DIR/ca.pem" -keystore "$TLS_DIR/broker.p12"
        "${kt[@]}" -importcert -alias broker -file "$TLS_DIR/broker.pem" -keystore "$TLS_DIR/broker.p12"
        "${kt[@]}" -importcert -alias ca -file "$TLS_DIR/ca.pem" -keystore "$TLS_DIR/truststore.p12"
    } >"$TLS_DIR/keytool.log" 2>&1 || { cat "$TLS_DIR/keytool.log" >&2; die "keytool failed"; }
    chmod 644 "$TLS_DIR/ca.pem"
}

write_secure_config() {
    local operator keystore
    operator="$(secret operator)"
    keystore="$(secret keystore)"
    (umask 077 && cat >"$CONFIG" <<EOF
# Generated by infra/kafka/kafka.sh start --secure on every start; edits here are overwritten.
# Holds passwords: readable by this user only.
# Single node, KRaft mode, secured as production: clients log in with SCRAM-SHA-512 over TLS,
# every request is checked against the ACLs, and only the operator is a super user.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$CONTROLLER_PORT
controller.listener.names=CONTROLLER
listeners=SASL_SSL://$HOST:$PORT,CONTROLLER://$HOST:$CONTROLLER_PORT
advertised.listeners=SASL_SSL://$HOST:$PORT
inter.broker.listener.name=SASL_SSL
listener.security.protocol.map=CONTROLLER:SASL_PLAINTEXT,SASL_SSL:SASL_SSL

sasl.enabled.mechanisms=SCRAM-SHA-512,PLAIN
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="operator" password="$operator";
# PLAIN (over TLS only) with the same principals and passwords, for librdkafka clients older
# than 2.6.1 (Debian 12's kcat has 2.0.2), whose SCRAM Kafka 4 rejects (librdkafka#4895).
listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required$(plain_users);
# The controller cannot check SCRAM (its credentials live in the metadata it serves), so the
# broker logs in to it with PLAIN as the operator: the only principal on that listener.
listener.name.controller.sasl.enabled.mechanisms=PLAIN
sasl.mechanism.controller.protocol=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="operator" password="$operator" user_operator="$operator";

ssl.keystore.type=PKCS12
ssl.keystore.location=$TLS_DIR/broker.p12
ssl.keystore.password=$keystore
ssl.key.password=$keystore
ssl.truststore.type=PKCS12
ssl.truststore.location=$TLS_DIR/truststore.p12
ssl.truststore.password=$keystore

authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:operator

log.dirs=$DATA_DIR
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
default.replication.factor=1
min.insync.replicas=1
auto.create.topics.enable=false
num.partitions=3
group.initial.rebalance.delay.ms=0
num.network.threads=3
num.io.threads=8
log.retention.hours=168
EOF
    )
}

# The operator's Java client properties (for SecureSetup and Kafka's CLI tools).
write_operator_properties() {
    (umask 077 && cat >"$STATE_DIR/operator.properties" <<EOF
bootstrap.servers=$HOST:$PORT
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="operator" password="$(secret operator)";
ssl.truststore.type=PEM
ssl.truststore.location=$TLS_DIR/ca.pem
EOF
    )
}

# Every principal of `voorportaal acls` (one per line), with its password made: they must be
# known before the broker starts (its PLAIN logins are configured, not stored).
load_principals() {
    [[ -x "$PYTHON" ]] || die "$PYTHON is missing: run uv sync (the principals come from voorportaal acls)"
    "$PYTHON" -m voorportaal acls --format tsv >"$STATE_DIR/acls.tsv" || die "voorportaal acls failed"
    PRINCIPALS=(operator $(cut -f1 "$STATE_DIR/acls.tsv" | sed 's/^User://' | sort -u))
    local principal
    for principal in "${PRINCIPALS[@]}"; do secret "$principal" >/dev/null; done
}

plain_users() {
    local principal
    for principal in "${PRINCIPALS[@]}"; do
        printf ' user_%s="%s"' "$principal" "$(secret "$principal")"
    done
}

# librdkafka before 2.6.1 cannot log in to Kafka 4 with SCRAM: give its clients PLAIN (over TLS).
client_mechanism() {
    if [[ -n "${KAFKA_CLIENTS_SASL_MECHANISM:-}" ]]; then
        echo "$KAFKA_CLIENTS_SASL_MECHANISM"
        return
    fi
    local version
    version="$(kcat -V 2>/dev/null | sed -nE 's/.*librdkafka ([0-9]+\.[0-9]+\.[0-9]+).*/\1/p')" || true
    if [[ -n "$version" ]] && [[ "$(printf '%s\n2.6.1\n' "$version" | sort -V | head -n1)" != 2.6.1 ]]; then
        echo PLAIN
    else
        echo SCRAM-SHA-512
    fi
}

# What kcat -F (librdkafka) reads for one principal.
write_client_config() {
    (umask 077 && cat >"$CLIENTS_DIR/$1.conf" <<EOF
# $1 on the secured local broker (infra/kafka/kafka.sh start --secure)
bootstrap.servers=$HOST:$PORT
security.protocol=SASL_SSL
sasl.mechanisms=$CLIENT_MECHANISM
sasl.username=$1
sasl.password=$(secret "$1")
ssl.ca.location=$TLS_DIR/ca.pem
EOF
    )
}

# A broker that listens on the TLS port and has logged that it started (this start's log).
secure_ready() {
    port_open "$PORT" || return 1
    [[ -f "$LOG_DIR/server.log" ]] || return 1
    # grep -c reads to the end: with -q, tail's SIGPIPE would fail the pipeline (pipefail).
    tail -c +"$(( SERVER_LOG_OFFSET + 1 ))" "$LOG_DIR/server.log" \
        | grep -c 'Kafka Server started' >/dev/null
}

# SCRAM users for every principal of `voorportaal acls`, their ACLs, and their client configs:
# one JVM (SecureSetup.java, compiled once) through the operator's login. Idempotent, so each
# start brings a new agency of the directory in.
apply_principals() {
    local javac classes acls users started=$SECONDS
    javac="$(dirname "$(readlink -f "$JAVA")")/javac"
    if [[ ! -x "$javac" ]]; then
        command -v javac >/dev/null || apt_install openjdk-17-jdk-headless
        javac="$(command -v javac)"
    fi
    classes="$STATE_DIR/classes"
    if [[ ! "$classes/SecureSetup.class" -nt "$SCRIPT_DIR/SecureSetup.java" ]]; then
        mkdir -p "$classes"
        "$javac" -nowarn -cp "$LIBS_DIR/*" -d "$classes" "$SCRIPT_DIR/SecureSetup.java" \
            || die "compiling SecureSetup.java failed"
    fi
    acls="$STATE_DIR/acls.tsv"
    users="$STATE_DIR/users.tsv"
    [[ ${#PRINCIPALS[@]} -gt 0 ]] || load_principals
    mkdir -p "$CLIENTS_DIR"
    CLIENT_MECHANISM="$(client_mechanism)"
    : >"$users"
    local principal
    for principal in "${PRINCIPALS[@]}"; do
        # The operator's SCRAM login was made when the storage was formatted.
        [[ "$principal" == operator ]] \
            || printf '%s\t%s\n' "$principal" "$SECRETS_DIR/$principal.password" >>"$users"
        write_client_config "$principal"
    done
    write_operator_properties
    "$JAVA" -Xmx256m -Dlog4j2.configurationFile="$SCRIPT_DIR/log4j2-tools.xml" \
        -cp "$classes:$LIBS_DIR/*" SecureSetup "$STATE_DIR/operator.properties" "$users" "$acls" \
        >"$LOG_DIR/setup.log" 2>&1 || { cat "$LOG_DIR/setup.log" >&2; die "applying users and ACLs failed"; }
    log "$(tail -n 1 "$LOG_DIR/setup.log") (took $(( SECONDS - started ))s); client configs in $CLIENTS_DIR"
}

# --- start ----------------------------------------------------------------------------------

write_config() {
    cat >"$CONFIG" <<EOF
# Generated by infra/kafka/kafka.sh on every start; edits here are overwritten.
# Single node, KRaft mode: this process is both the broker and the (only) controller.
process.roles=broker,controller
node.id=1
# Static quorum of one voter. (The alternative, a dynamic quorum formatted with --standalone,
# records the controller's address in the metadata log, so a later KAFKA_CONTROLLER_PORT change
# would need a reset; a static voter list is re-read from this file on each start.)
controller.quorum.voters=1@$HOST:$CONTROLLER_PORT
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://$HOST:$PORT,CONTROLLER://$HOST:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$PORT
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT

log.dirs=$DATA_DIR

# One broker: every internal topic must have replication factor 1 or it cannot be created.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
default.replication.factor=1
min.insync.replicas=1

# Topics are created explicitly by the services (a typo must not silently create a topic).
auto.create.topics.enable=false
num.partitions=3
# Consumers in tests join at once; do not wait 3 s for more members before the first rebalance.
group.initial.rebalance.delay.ms=0

num.network.threads=3
num.io.threads=8
log.retention.hours=168
log.segment.bytes=1073741824
EOF
}

format_storage_once() {
    # meta.properties is written by the formatter; its presence means "already formatted".
    if [[ -f "$DATA_DIR/meta.properties" ]]; then
        return
    fi
    local cluster_id
    if [[ -s "$CLUSTER_ID_FILE" ]]; then
        cluster_id="$(cat "$CLUSTER_ID_FILE")"
    else
        cluster_id="$("$JAVA" -cp "$LIBS_DIR/*" -Dlog4j2.configurationFile="$SCRIPT_DIR/log4j2-tools.xml" \
            kafka.tools.StorageTool random-uuid)"
        echo "$cluster_id" >"$CLUSTER_ID_FILE"
    fi
    log "formatting KRaft storage in $DATA_DIR (cluster id $cluster_id)"
    # The secured broker's operator must exist before the broker can check anyone's login.
    local scram=()
    if (( SECURE )); then
        scram=(--add-scram "SCRAM-SHA-512=[name=operator,password=$(secret operator)]")
    fi
    if ! "$JAVA" -cp "$LIBS_DIR/*" -Dlog4j2.configurationFile="$SCRIPT_DIR/log4j2-tools.xml" \
        kafka.tools.StorageTool format --config "$CONFIG" --cluster-id "$cluster_id" \
        "${scram[@]}" >"$LOG_DIR/format.log" 2>&1; then
        cat "$LOG_DIR/format.log" >&2
        die "formatting the KRaft storage failed"
    fi
}

# Size of server.log when this start began: on failure we show only what this start logged.
SERVER_LOG_OFFSET=0

fail_start() {
    log "error: $1"
    if [[ -s "$LOG_DIR/kafka.out" ]]; then
        echo "----- $LOG_DIR/kafka.out -----" >&2
        tail -n 40 "$LOG_DIR/kafka.out" >&2
    fi
    if [[ -s "$LOG_DIR/server.log" ]]; then
        echo "----- last lines of $LOG_DIR/server.log -----" >&2
        tail -c +"$(( SERVER_LOG_OFFSET + 1 ))" "$LOG_DIR/server.log" | tail -n 40 >&2
    fi
    exit 1
}

cmd_start() {
    local begun=$SECONDS
    if kafka_ready; then
        if (( SECURE )) && ! running_pid >/dev/null; then
            # Its passwords are not ours: nothing here could log in to it.
            die "a broker not started from $STATE_DIR answers on $HOST:$PORT; stop it or set KAFKA_SECURE_PORT"
        fi
        echo "kafka already running: a broker answers on $HOST:$PORT"
        if (( SECURE )); then ensure_fetched; find_java; apply_principals; fi
        return
    fi
    local pid
    if pid="$(running_pid)"; then
        log "broker (pid $pid) is already starting; waiting for it"
    else
        for p in "$PORT" "$CONTROLLER_PORT"; do
            ! port_open "$p" \
                || die "port $p on $HOST is in use by something that is not a ready Kafka broker"
        done
        ensure_fetched
        find_java
        mkdir -p "$DATA_DIR" "$LOG_DIR"
        if (( SECURE )); then
            chmod 700 "$STATE_DIR"
            make_tls
            load_principals
            write_secure_config
        else
            write_config
        fi
        format_storage_once
        : >"$LOG_DIR/kafka.out"
        SERVER_LOG_OFFSET="$(stat -c %s "$LOG_DIR/server.log" 2>/dev/null || echo 0)"
        # setsid: own session, so the broker outlives this shell and a Ctrl-C in the terminal.
        # The inner bash writes its own pid, then execs java, so the pid file holds the JVM's.
        # shellcheck disable=SC2016  # $$ and $@ are for the inner bash
        setsid bash -c 'echo $$ >"$0"; exec "$@"' "$PID_FILE" \
            "$JAVA" "${HEAP_OPTS[@]}" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
            -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
            -Dkafka.logs.dir="$LOG_DIR" -Dlog4j2.configurationFile="$SCRIPT_DIR/log4j2.xml" \
            -cp "$LIBS_DIR/*" kafka.Kafka "$CONFIG" \
            </dev/null >>"$LOG_DIR/kafka.out" 2>&1 &
        # Wait (briefly) for the pid file written by the child.
        for _ in $(seq 50); do [[ -s "$PID_FILE" ]] && break; sleep 0.1; done
        pid="$(cat "$PID_FILE")"
        log "broker started (pid $pid), logs in $LOG_DIR; waiting up to ${START_TIMEOUT}s"
    fi

    local started=$SECONDS
    until kafka_ready; do
        kill -0 "$pid" 2>/dev/null || fail_start "the broker exited during start-up"
        if (( SECONDS - started >= START_TIMEOUT )); then
            cmd_stop >/dev/null 2>&1 || true
            fail_start "no ready broker on $HOST:$PORT after ${START_TIMEOUT}s (stopped it)"
        fi
        sleep 0.5
    done
    if (( SECURE )); then
        apply_principals
        echo "kafka (SASL_SSL) ready on $HOST:$PORT (took $(( SECONDS - begun ))s)"
        return
    fi
    echo "kafka ready on $HOST:$PORT (took $(( SECONDS - started ))s)"
}

# --- stop / status / reset ------------------------------------------------------------------

cmd_stop() {
    local pid
    if ! pid="$(running_pid)"; then
        rm -f "$PID_FILE"
        if kafka_ready; then
            log "a broker answers on $HOST:$PORT but was not started from $STATE_DIR; not touching it"
        fi
        echo "kafka not running"
        return
    fi
    # SIGTERM makes the broker shut down cleanly (flushes logs, so the next start needs no
    # recovery). Combined broker+controller usually takes a few seconds.
    kill -TERM "$pid"
    local waited=0
    while kill -0 "$pid" 2>/dev/null && (( waited < STOP_TIMEOUT * 10 )); do
        sleep 0.1
        waited=$(( waited + 1 ))
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "broker (pid $pid) still alive after ${STOP_TIMEOUT}s; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    fi
    rm -f "$PID_FILE"
    echo "kafka stopped (pid $pid)"
}

cmd_status() {
    local pid
    if pid="$(running_pid)"; then
        if kafka_ready; then
            echo "kafka running (pid $pid), ready on $HOST:$PORT"
        else
            echo "kafka running (pid $pid), not ready yet on $HOST:$PORT"
        fi
        return 0
    fi
    if kafka_ready; then
        echo "kafka running on $HOST:$PORT (not started from $STATE_DIR)"
        return 0
    fi
    echo "kafka not running"
    return 3
}

cmd_reset() {
    cmd_stop
    # Guard against a surprising VOORPORTAAL_STATE: only ever delete a folder named "kafka".
    [[ "$(basename "$STATE_DIR")" =~ ^kafka(-secure)?$ && "$STATE_DIR" != /kafka* ]] \
        || die "refusing to delete $STATE_DIR"
    rm -rf "$STATE_DIR"
    echo "kafka state deleted ($STATE_DIR)"
}

# --- CLI tools ------------------------------------------------------------------------------

cmd_tool() {
    [[ $# -ge 1 ]] || die "usage: kafka.sh tool MAIN_CLASS [ARGS...]"
    ensure_fetched >&2
    find_java
    exec "$JAVA" -Xmx256m -Dlog4j2.configurationFile="$SCRIPT_DIR/log4j2-tools.xml" \
        -cp "$LIBS_DIR/*" "$@"
}

main() {
    local cmd="${1:-}"
    shift || true
    if [[ " $* " == *" --brokers "* && " $* " != *" --brokers 1 "* ]]; then
        # shellcheck source=infra/kafka/cluster.sh
        source "$SCRIPT_DIR/cluster.sh"
        cluster_main "$cmd" "$@"
        return
    fi
    if [[ "${1:-}" == --secure ]]; then
        case "$cmd" in
            start | stop | status | reset) use_secure; shift ;;
            *) die "--secure goes with start, stop, status or reset" ;;
        esac
    fi
    case "$cmd" in
        fetch) cmd_fetch ;;
        start) cmd_start ;;
        stop) cmd_stop ;;
        status) cmd_status ;;
        reset) cmd_reset ;;
        topics) cmd_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$HOST:$PORT" "$@" ;;
        tool) cmd_tool "$@" ;;
        *)
            sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2
            exit 2
            ;;
    esac
}

# Sourced (by the tests) it only defines; run, it acts.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    main "$@"
fi
