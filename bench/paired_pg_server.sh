#!/bin/sh
# bench/paired_pg.sh with the server's part: each run is bench/pg_statements.py (of this tree) on the code of
# commit A or B in turn, printing wall time, this process's CPU, the backend's CPU and the WAL written, then
# the statements that took the backend more than a tenth of a second. Databases ${PREFIX:-bench}_*.
#
#   bench/paired_pg_server.sh A_COMMIT B_COMMIT [roster|bpjs] FILE [ROUNDS]
set -eu
a=$1 b=$2 kind=$3 file=$(realpath "$4") rounds=${5:-2}
pg=${PG:-postgres://postgres@127.0.0.1:5432} prefix=${PREFIX:-bench}
root=$(pwd) python="$(pwd)/.venv/bin/python" work=$(mktemp -d)
sql() { psql -q "$pg/postgres" -c "$1" 2> /dev/null; }
trap 'rm -rf "$work"; for d in run sidea sideb; do sql "DROP DATABASE IF EXISTS ${prefix}_$d"; done' EXIT
mkdir -p "$work/A" "$work/B"
git -C "$root" archive "$a" | tar -x -C "$work/A"
git -C "$root" archive "$b" | tar -x -C "$work/B"
for side in a b; do
    db=${prefix}_side$side tree="$work/$(echo $side | tr ab AB)"
    sql "DROP DATABASE IF EXISTS $db" && sql "CREATE DATABASE $db"
    (cd "$tree" && DATABASE_URL="$pg/$db" "$python" -m lindungdesa migrate -v0 &&
        DATABASE_URL="$pg/$db" "$python" -m lindungdesa load-regions --all > /dev/null)
done
i=0
while [ $i -lt "$rounds" ]; do
    for side in A B; do
        sql "DROP DATABASE IF EXISTS ${prefix}_run" &&
            sql "CREATE DATABASE ${prefix}_run TEMPLATE ${prefix}_side$(echo $side | tr AB ab)"
        started=$(date +%H:%M:%S) load=$(cut -d" " -f1 /proc/loadavg)
        result=$(cd "$work/$side" && TREE="$work/$side" DATABASE_URL="$pg/${prefix}_run" \
            "$python" "$root/bench/pg_statements.py" "$kind" "$file")
        echo "$side $started load $load-$(cut -d" " -f1 /proc/loadavg) $(echo "$result" | sed -n 2p)"
        echo "$result" | sed -n 3p | sed "s/^/    /"
        echo "$result" | awk 'NR > 4 && $(NF) >= 0.1 { print "    " $0 }'
    done
    i=$((i + 1))
done
