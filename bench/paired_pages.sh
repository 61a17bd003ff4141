#!/bin/sh
# bench/pages.py for two commits in turn (A B A B ...) on the same database (DATABASE_URL /
# LINDUNGDESA_VAR_DIR as for bench/pages.py): on a machine whose speed moves from one quarter of an hour
# to the next, only runs side by side can be compared. Compare the p95 / floor p50 column.
#
#   bench/paired_pages.sh A_COMMIT B_COMMIT [ROUNDS] [bench/pages.py arguments]
#   bench/paired_pages.sh fa3db8a 5668e1e 2 --repeat 15 --url /rekonsiliasi/
#
# Both sides run with this checkout's .venv; PYTHONPATH puts each side's code before the editable install.
set -eu
a=$1 b=$2 rounds=${3:-2}
shift 2; [ $# -gt 0 ] && shift
root=$(pwd) python="$(pwd)/.venv/bin/python" work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Each commit exported (git archive), not checked out as a worktree: nothing is written into the
# repository, which other people's worktrees share.
mkdir -p "$work/A" "$work/B"
git -C "$root" archive "$a" | tar -x -C "$work/A"
git -C "$root" archive "$b" | tar -x -C "$work/B"
i=0
while [ $i -lt "$rounds" ]; do
    for side in A B; do
        echo "== $side $(date +%H:%M:%S), load average $(cut -d' ' -f1-3 /proc/loadavg)"
        (cd "$work/$side" && PYTHONPATH="$work/$side" "$python" bench/pages.py "$@" 2>&1 | grep '^|.*`\|^floor')
    done
    i=$((i + 1))
done
