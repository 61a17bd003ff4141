#!/bin/sh
# bench/paired.sh on PostgreSQL: two commits' imports timed in turn (A B A B ...), each on a new copy
# (CREATE DATABASE ... TEMPLATE) of a database made once per commit by its own migrations and
# load-regions. Databases are named ${PREFIX:-bench}_*, on the server of $PG (postgres@127.0.0.1:5432).
#
#   bench/paired_pg.sh A_COMMIT B_COMMIT [roster|bpjs] FILE [ROUNDS]
#   SERVER=1 bench/paired_pg.sh ...   # with the server's part (bench/paired_pg_server.sh)
set -eu
a=$1 b=$2 kind=$3 file=$(realpath "$4") rounds=${5:-2}
pg=${PG:-postgres://postgres@127.0.0.1:5432} prefix=${PREFIX:-bench}
root=$(pwd) python="$(pwd)/.venv/bin/python" work=$(mktemp -d)
sql() { psql -q "$pg/postgres" -c "$1" 2> /dev/null; }
trap 'rm -rf "$work"; for d in run sidea sideb; do sql "DROP DATABASE IF EXISTS ${prefix}_$d"; done' EXIT
# Each commit exported (git archive), not checked out as a worktree: nothing is written into the
# repository, which other people's worktrees share (as bench/paired.sh).
mkdir -p "$work/A" "$work/B"
git -C "$root" archive "$a" | tar -x -C "$work/A"
git -C "$root" archive "$b" | tar -x -C "$work/B"
for side in A B; do  # each side's own schema, in case the two commits' migrations differ
    sql "DROP DATABASE IF EXISTS ${prefix}_side$(echo $side | tr AB ab)" && sql "CREATE DATABASE ${prefix}_side$(echo $side | tr AB ab)"
    (cd "$work/$side" && DATABASE_URL="$pg/${prefix}_side$(echo $side | tr AB ab)" "$python" -m lindungdesa migrate -v0 &&
        DATABASE_URL="$pg/${prefix}_side$(echo $side | tr AB ab)" "$python" -m lindungdesa load-regions --all > /dev/null)
done
i=0
while [ $i -lt "$rounds" ]; do
    for side in A B; do
        sql "DROP DATABASE IF EXISTS ${prefix}_run" && sql "CREATE DATABASE ${prefix}_run TEMPLATE ${prefix}_side$(echo $side | tr AB ab)"
        started=$(date +%H:%M:%S) load=$(cut -d" " -f1 /proc/loadavg)
        if [ -z "${SERVER:-}" ]; then
            result=$(cd "$work/$side" && DATABASE_URL="$pg/${prefix}_run" "$python" bench/import_rate.py "$kind" "$file" | tail -2 | tr '\n' ' ')
            echo "$side $started load $load-$(cut -d" " -f1 /proc/loadavg) $result"
        else  # this tree's bench/pg_statements.py on the side's code
            result=$(cd "$work/$side" && TREE="$work/$side" DATABASE_URL="$pg/${prefix}_run" \
                "$python" "$root/bench/pg_statements.py" "$kind" "$file")
            echo "$side $started load $load-$(cut -d" " -f1 /proc/loadavg) $(echo "$result" | sed -n 2p)"
            echo "$result" | sed -n 3p | sed "s/^/    /"
            echo "$result" | awk 'NR > 4 && $(NF) >= 0.1 { print "    " $0 }'
        fi
    done
    i=$((i + 1))
done
