#!/usr/bin/env bash
# A real streaming replica of the local PostgreSQL cluster, on another loopback port, for the tests of the
# database router (lindungdesa/dbrouter.py). Used by .ci/run; idempotent; root (as CI is) or postgres.
#
#   scripts/pg-replica.sh start [PORT]     (default 5433) prints nothing on success
#   scripts/pg-replica.sh stop
#
# `start` lets replication connections from 127.0.0.1 into the primary's pg_hba.conf when they are not
# (trust, as the rest of this CI cluster), reloads it, copies the running cluster with
# `pg_basebackup -R` into a temporary folder, and starts it there as a hot standby. `stop` stops it and
# removes the folder.
set -euo pipefail
action="${1:?start or stop}"
port="${2:-5433}"
dir="${PG_REPLICA_DIR:-/tmp/lindungdesa-pg-replica}"
version="$(ls /etc/postgresql | sort -V | tail -1)"
bin="/usr/lib/postgresql/$version/bin"
hba="/etc/postgresql/$version/main/pg_hba.conf"

as_postgres() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$action" in
start)
    if as_postgres "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
        exit 0
    fi
    [ "$(psql -h 127.0.0.1 -U postgres -Atc 'SHOW wal_level')" != minimal ] || {
        echo "wal_level is minimal on the primary: set it to replica and restart PostgreSQL." >&2
        exit 1
    }
    if ! grep -Eq '^host[[:space:]]+replication[[:space:]]+all[[:space:]]+127\.0\.0\.1/32' "$hba"; then
        echo "host replication all 127.0.0.1/32 trust" >>"$hba"
        psql -h 127.0.0.1 -U postgres -qAtc 'SELECT pg_reload_conf()' >/dev/null
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    chown postgres: "$dir" 2>/dev/null || true
    chmod 700 "$dir"
    as_postgres "$bin/pg_basebackup" -h 127.0.0.1 -p 5432 -U postgres -D "$dir" -R -X stream -c fast
    # Debian keeps the configuration outside the data folder: the standby gets its own, small one.
    as_postgres tee "$dir/postgresql.conf" >/dev/null <<EOF
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
hot_standby = on
max_connections = 100
fsync = off
EOF
    as_postgres tee "$dir/pg_hba.conf" >/dev/null <<EOF
local all all trust
host all all 127.0.0.1/32 trust
EOF
    as_postgres touch "$dir/pg_ident.conf"
    as_postgres "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 start >/dev/null
    for _ in $(seq 1 60); do
        [ "$(psql -h 127.0.0.1 -p "$port" -U postgres -Atc 'SELECT pg_is_in_recovery()' 2>/dev/null)" = t ] && exit 0
        sleep 1
    done
    echo "The replica on port $port did not come up; see $dir/server.log" >&2
    exit 1
    ;;
stop)
    if [ -d "$dir" ]; then
        as_postgres "$bin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null 2>&1 || true
        rm -rf "$dir"
    fi
    ;;
*)
    echo "usage: $0 start [PORT] | stop" >&2
    exit 2
    ;;
esac
