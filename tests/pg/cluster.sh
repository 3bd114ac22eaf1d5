#!/usr/bin/env bash
# Throw-away PostgreSQL 15 cluster (primary + streaming replica) for integration tests.
#
#   cluster.sh start DIR   build TLS material, primary on 127.0.0.2, replica on 127.0.0.3,
#                          both on one free port; writes DIR/env (sourceable KEY=VALUE)
#   cluster.sh stop DIR    stop both servers; safe to repeat
#
# Servers listen only on loopback addresses and on sockets inside DIR, so a system
# cluster (e.g. 15/main on 5432) is never touched.
set -Eeuo pipefail

PGBIN=/usr/lib/postgresql/15/bin
PRIMARY_HOST=127.0.0.2
REPLICA_HOST=127.0.0.3
FIRST_PORT=55432
DATABASE=db_ekm
SCHEMA=ekm
PW_USER=pgstore_pw
PASSWORD=pgstore-test-pw
CERT_USER=pgstore_cert

# Inherited PG* variables (PGHOST, PGSSLMODE, PGSERVICE...) would silently redirect or
# alter our own psql/pg_basebackup calls.
while read -r var; do unset "$var"; done < <(compgen -e | grep '^PG' || true)

usage() {
    echo "usage: $0 start|stop DIR" >&2
    exit 2
}

step() { printf '==> %s\n' "$*"; }

# The server refuses to run as root; cd / because runuser keeps our cwd, which
# postgres may not be allowed to enter.
as_pg() { (cd / && runuser -u postgres -- "$@"); }

# Stop one data directory; never fails.
stop_one() {
    local data=$1
    [[ -f $data/postmaster.pid ]] || return 0
    id postgres >/dev/null 2>&1 || return 0
    if ! as_pg "$PGBIN/pg_ctl" -D "$data" -m fast -w -t 30 stop >/dev/null 2>&1; then
        # A stuck fast shutdown must not leave a server behind a finished test run.
        as_pg "$PGBIN/pg_ctl" -D "$data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
    fi
}

cmd_stop() {
    local dir=$1
    [[ -d $dir ]] || return 0
    # Replica first, so the primary's shutdown does not wait on a connected walsender.
    stop_one "$dir/replica"
    stop_one "$dir/primary"
    return 0
}

# True if anything listens on TCP port $1 on any address.
port_busy() {
    local port=$1 host
    if command -v ss >/dev/null 2>&1; then
        [[ -n $(ss -Hltn "sport = :$port" 2>/dev/null) ]]
        return
    fi
    for host in "$PRIMARY_HOST" "$REPLICA_HOST"; do
        if timeout 1 bash -c "exec 3<>/dev/tcp/$host/$port" 2>/dev/null; then
            return 0
        fi
    done
    return 1
}

# First free port at or after $1.
free_port() {
    local port=$1
    while port_busy "$port"; do
        port=$((port + 1))
        ((port < 65000)) || { echo "no free TCP port found" >&2; return 1; }
    done
    echo "$port"
}

install_missing() {
    [[ -x $PGBIN/initdb && -x $PGBIN/pg_basebackup ]] && command -v openssl >/dev/null &&
        return 0
    step "installing postgresql and openssl with apt-get"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql openssl >/dev/null
}

# postgres must be able to reach DIR; mktemp -d gives 0700 and parents may be closed too.
open_path() {
    local dir=$1 d
    chmod 0755 "$dir"
    d=$dir
    while [[ $d != / ]]; do
        d=$(dirname "$d")
        if ! runuser -u postgres -- test -x "$d"; then
            step "allowing postgres to traverse $d (chmod o+x)"
            chmod o+x "$d"
        fi
    done
}

make_tls() {
    local tls=$1
    mkdir -p "$tls"
    chmod 0755 "$tls"
    # Own config so the result does not depend on the distribution's openssl.cnf.
    cat >"$tls/openssl.cnf" <<CNF
[req]
distinguished_name = dn
prompt = no
[dn]
CN = placeholder
[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server_ext]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = IP:$PRIMARY_HOST, IP:$REPLICA_HOST, DNS:localhost
[client_ext]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF
    local ssl=(openssl)
    (
        umask 077
        cd "$tls"
        "${ssl[@]}" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out ca.key \
            2>/dev/null
        "${ssl[@]}" req -config openssl.cnf -new -x509 -sha256 -days 3650 -key ca.key \
            -subj "/CN=pgstore test CA" -extensions ca_ext -out ca.crt

        "${ssl[@]}" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out server.key \
            2>/dev/null
        "${ssl[@]}" req -config openssl.cnf -new -sha256 -key server.key \
            -subj "/CN=$PRIMARY_HOST" -out server.csr
        "${ssl[@]}" x509 -req -sha256 -days 3650 -in server.csr -CA ca.crt -CAkey ca.key \
            -CAcreateserial -CAserial ca.srl -extfile openssl.cnf -extensions server_ext \
            -out server.crt 2>/dev/null

        "${ssl[@]}" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out client.key \
            2>/dev/null
        "${ssl[@]}" req -config openssl.cnf -new -sha256 -key client.key \
            -subj "/CN=$CERT_USER" -out client.csr
        "${ssl[@]}" x509 -req -sha256 -days 3650 -in client.csr -CA ca.crt -CAkey ca.key \
            -CAserial ca.srl -extfile openssl.cnf -extensions client_ext \
            -out client.crt 2>/dev/null
        "${ssl[@]}" pkcs8 -topk8 -outform DER -nocrypt -in client.key -out client.pk8
        rm -f server.csr client.csr
    )
    # Certificates are public; keys stay 0600 (libpq and the server both insist).
    chmod 0644 "$tls"/{ca,server,client}.crt
    chmod 0600 "$tls"/{ca,server,client}.key "$tls/client.pk8"
    chown postgres: "$tls/server.key" "$tls/server.crt"
    openssl verify -CAfile "$tls/ca.crt" "$tls/server.crt" "$tls/client.crt" >/dev/null
}

# Settings shared by both servers; the replica inherits them through pg_basebackup.
write_primary_conf() {
    local dir=$1 port=$2 tls=$1/tls
    cat >>"$dir/primary/postgresql.conf" <<CONF

# --- pgstore test cluster ---
listen_addresses = '$PRIMARY_HOST'
port = $port
unix_socket_directories = '$dir/sock-primary'
ssl = on
ssl_cert_file = '$tls/server.crt'
ssl_key_file = '$tls/server.key'
ssl_ca_file = '$tls/ca.crt'
password_encryption = 'scram-sha-256'
wal_level = replica
max_wal_senders = 5
hot_standby = on
max_connections = 100
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
    cat >"$dir/primary/pg_hba.conf" <<HBA
# TYPE   DATABASE     USER          ADDRESS       METHOD
local    all          all                         trust
hostssl  all          $CERT_USER  127.0.0.0/8   cert
host     all          $PW_USER    127.0.0.0/8   scram-sha-256
host     replication  replicator    127.0.0.0/8   trust
host     all          postgres      127.0.0.0/8   trust
HBA
}

# Start the primary, moving to the next free port when another run took ours between
# the scan and the bind (parallel test runs).
start_primary() {
    local dir=$1 port=$2 try size
    for try in 1 2 3 4 5; do
        size=$(stat -c %s "$dir/primary.log")
        if as_pg "$PGBIN/pg_ctl" -D "$dir/primary" -l "$dir/primary.log" -w -t 30 \
            start >/dev/null; then
            PORT=$port
            return 0
        fi
        # Only this attempt's part of the log decides whether a retry can help.
        grep -q 'could not bind\|Address already in use' \
            < <(tail -c +$((size + 1)) "$dir/primary.log") || return 1
        port=$(free_port $((port + 1)))
        step "port taken meanwhile, retrying on $port (attempt $((try + 1)))"
        sed -i "s/^port = .*/port = $port/" "$dir/primary/postgresql.conf"
    done
    return 1
}

psql_primary() {
    "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$DIR/sock-primary" -p "$PORT" -U postgres "$@"
}

create_objects() {
    psql_primary -d postgres -f - >/dev/null <<SQL
CREATE ROLE replicator WITH REPLICATION LOGIN;
CREATE ROLE $PW_USER LOGIN PASSWORD '$PASSWORD';
CREATE ROLE $CERT_USER LOGIN;
CREATE DATABASE $DATABASE OWNER postgres;
\connect $DATABASE
CREATE SCHEMA $SCHEMA;
GRANT USAGE, CREATE ON SCHEMA $SCHEMA TO $PW_USER, $CERT_USER;
GRANT CONNECT ON DATABASE $DATABASE TO $PW_USER, $CERT_USER;
ALTER ROLE $PW_USER SET search_path TO $SCHEMA;
ALTER ROLE $CERT_USER SET search_path TO $SCHEMA;
CREATE TABLE $SCHEMA.probe (id int PRIMARY KEY, note text);
INSERT INTO $SCHEMA.probe VALUES (1, 'written on the primary');
GRANT SELECT ON $SCHEMA.probe TO $PW_USER, $CERT_USER;
SQL
}

# Poll the replica over TCP (proves it listens on its address) until it is in recovery
# and has replayed the probe row.
wait_replica() {
    local out
    for _ in $(seq 1 100); do
        out=$("$PGBIN/psql" -X -At \
            "host=$REPLICA_HOST port=$PORT dbname=$DATABASE user=postgres connect_timeout=2" \
            -c "SELECT pg_is_in_recovery(), (SELECT count(*) FROM $SCHEMA.probe)" \
            2>/dev/null) || out=
        [[ $out == 't|1' ]] && return 0
        sleep 0.1
    done
    echo "replica not ready after 10 s (last answer: '${out:-none}')" >&2
    return 1
}

write_env() {
    local dir=$1 tls=$1/tls f=$1/env
    {
        printf '%s=%q\n' \
            PGSTORE_PG_DIR "$dir" \
            PGSTORE_PG_PORT "$PORT" \
            PGSTORE_PG_PRIMARY "$PRIMARY_HOST" \
            PGSTORE_PG_REPLICA "$REPLICA_HOST" \
            PGSTORE_PG_DATABASE "$DATABASE" \
            PGSTORE_PG_SCHEMA "$SCHEMA" \
            PGSTORE_PG_PW_USER "$PW_USER" \
            PGSTORE_PG_PASSWORD "$PASSWORD" \
            PGSTORE_PG_CERT_USER "$CERT_USER" \
            PGSTORE_PG_CA "$tls/ca.crt" \
            PGSTORE_PG_CLIENT_CERT "$tls/client.crt" \
            PGSTORE_PG_CLIENT_KEY_PEM "$tls/client.key" \
            PGSTORE_PG_CLIENT_KEY_DER "$tls/client.pk8" \
            PGSTORE_PG_SUPERUSER postgres \
            PGSTORE_PG_BIN "$PGBIN" \
            PGSTORE_PG_PRIMARY_SOCKET "$dir/sock-primary" \
            PGSTORE_PG_REPLICA_SOCKET "$dir/sock-replica"
    } >"$f.tmp"
    # Rename so a reader never sees a half-written file.
    mv "$f.tmp" "$f"
}

on_start_exit() {
    local rc=$?
    ((rc == 0)) && [[ ${STARTED_OK:-0} == 1 ]] && return 0
    ((rc != 0)) || rc=1
    echo "cluster.sh: start failed (exit $rc)" >&2
    # Before the checks pass DIR may belong to someone else's running cluster.
    [[ ${OWNS_DIR:-0} == 1 ]] || exit "$rc"
    local log
    for log in "$DIR/primary.log" "$DIR/replica.log"; do
        if [[ -s $log ]]; then
            echo "---- last lines of $log ----" >&2
            tail -n 30 "$log" >&2
        fi
    done
    cmd_stop "$DIR" || true
    exit "$rc"
}

cmd_start() {
    DIR=$1
    STARTED_OK=0
    OWNS_DIR=0
    PORT=
    trap on_start_exit EXIT
    local t0
    t0=$(date +%s%N)

    install_missing
    id postgres >/dev/null 2>&1 || { echo "no 'postgres' OS user" >&2; return 1; }

    mkdir -p "$DIR"
    DIR=$(cd "$DIR" && pwd -P)
    if [[ -e $DIR/primary || -e $DIR/replica ]]; then
        echo "$DIR already holds a cluster; use a fresh folder" >&2
        return 1
    fi
    # Unix socket paths are limited to 107 bytes ("/sock-replica/.s.PGSQL.NNNNN" is 28).
    if (( ${#DIR} > 79 )); then
        echo "$DIR is too long for a unix socket path; use a shorter folder" >&2
        return 1
    fi

    OWNS_DIR=1
    step "preparing $DIR for the postgres user"
    open_path "$DIR"
    local sub
    # Everything the server writes lives in postgres-owned entries; DIR stays root's.
    for sub in primary replica sock-primary sock-replica; do
        install -d -o postgres -g postgres -m 0700 "$DIR/$sub"
    done
    chmod 0755 "$DIR/sock-primary" "$DIR/sock-replica"
    install -o postgres -g postgres -m 0644 /dev/null "$DIR/primary.log"
    install -o postgres -g postgres -m 0644 /dev/null "$DIR/replica.log"

    step "generating CA, server and client certificates in $DIR/tls"
    make_tls "$DIR/tls"

    step "initdb primary in $DIR/primary"
    as_pg "$PGBIN/initdb" -D "$DIR/primary" -U postgres --auth-local=trust \
        --auth-host=reject -E UTF8 --locale=C --no-sync >"$DIR/initdb.log" 2>&1 ||
        { tail -n 30 "$DIR/initdb.log" >&2; return 1; }

    local port
    port=$(free_port "$FIRST_PORT")
    write_primary_conf "$DIR" "$port"

    step "starting primary on $PRIMARY_HOST:$port"
    start_primary "$DIR" "$port"

    step "creating roles, database $DATABASE, schema $SCHEMA and probe table"
    create_objects

    step "pg_basebackup replica into $DIR/replica"
    as_pg "$PGBIN/pg_basebackup" -h "$PRIMARY_HOST" -p "$PORT" -U replicator \
        -D "$DIR/replica" -R -X stream -c fast --no-sync
    cat >>"$DIR/replica/postgresql.conf" <<CONF

# --- pgstore test replica ---
listen_addresses = '$REPLICA_HOST'
unix_socket_directories = '$DIR/sock-replica'
CONF

    step "starting replica on $REPLICA_HOST:$PORT"
    as_pg "$PGBIN/pg_ctl" -D "$DIR/replica" -l "$DIR/replica.log" -w -t 30 start >/dev/null

    step "waiting for the replica to replay the probe row"
    wait_replica

    write_env "$DIR"
    STARTED_OK=1
    local ms=$((($(date +%s%N) - t0) / 1000000))
    step "cluster ready in $((ms / 1000)).$(printf %03d $((ms % 1000))) s; env in $DIR/env"
}

[[ $# -eq 2 ]] || usage
[[ $(id -u) -eq 0 ]] || { echo "$0: run as root (it uses runuser/apt-get)" >&2; exit 2; }
case $1 in
    start) cmd_start "$2" ;;
    stop) cmd_stop "$2" ;;
    *) usage ;;
esac
