#!/bin/sh
# Two commits' imports timed in turn (A B A B ...), each on a new copy of a database with the regions
# loaded (each commit's own migrations). On a machine whose speed moves from one quarter of an hour to
# the next, only runs side by side can be compared. SQLite only (PostgreSQL: bench/paired_pg.sh).
#
#   bench/paired.sh A_COMMIT B_COMMIT [roster|bpjs] [FILE] [ROUNDS]
#   bench/paired.sh ebe0c31 HEAD roster bench/data/roster.csv 2
#
# An extract (bpjs) is imported into a database that holds no roster: every participant is unlinked.
set -eu
a=$1 b=$2 kind=${3:-roster} file=$(realpath "${4:-bench/data/roster.csv}") rounds=${5:-2}
root=$(pwd) python="$(pwd)/.venv/bin/python" work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Each commit exported (git archive), not checked out as a worktree: nothing is written into the
# repository, which other people's worktrees share.
mkdir -p "$work/A" "$work/B"
git -C "$root" archive "$a" | tar -x -C "$work/A"
git -C "$root" archive "$b" | tar -x -C "$work/B"
for side in A B; do  # each side's own schema, in case the two commits' migrations differ
    mkdir -p "$work/clean$side"
    (cd "$work/$side" && LINDUNGDESA_VAR_DIR="$work/clean$side" "$python" -m lindungdesa migrate -v0 &&
        LINDUNGDESA_VAR_DIR="$work/clean$side" "$python" -m lindungdesa load-regions --all > /dev/null)
done
i=0
while [ $i -lt "$rounds" ]; do
    for side in A B; do
        rm -rf "$work/var" && cp -r "$work/clean$side" "$work/var"
        started=$(date +%H:%M:%S) load=$(cut -d" " -f1 /proc/loadavg)
        result=$(cd "$work/$side" && LINDUNGDESA_VAR_DIR="$work/var" "$python" bench/import_rate.py "$kind" "$file" | tail -2 | tr '\n' ' ')
        echo "$side $started load $load-$(cut -d" " -f1 /proc/loadavg) $result"
    done
    i=$((i + 1))
done
