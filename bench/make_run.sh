#!/bin/sh
# `make run` timed as a newcomer meets it: a fresh clone (pip's cache as this machine has it), then a second
# `make run` in the same clone. Each run is timed from the command until the login page answers on
# 127.0.0.1:PORT, then stopped; with the CPU time its processes used by then, which moves less than the
# wall time on a busy machine. Loopback only, each run bounded by LIMIT seconds.
#
#   bench/make_run.sh [REPOSITORY] [COMMIT] [PORT] [RUNS]
#   bench/make_run.sh . HEAD 8731 2
set -eu
repo=$(realpath "${1:-.}") commit=${2:-HEAD} port=${3:-8731} runs=${4:-2} limit=${LIMIT:-600}
work=$(mktemp -d)
group=
stop() {
    # make, the worker and the server share one process group, led by the `sh` that setsid starts.
    [ -n "$group" ] || return 0
    kill -TERM "-$group" 2>/dev/null || true
    n=0
    while kill -0 "-$group" 2>/dev/null; do
        n=$((n + 1))
        [ "$n" -eq 100 ] && kill -KILL "-$group" 2>/dev/null
        sleep 0.2
    done
    group=
}
trap 'stop; rm -rf "$work"' EXIT INT TERM
group_cpu() {
    # CPU seconds (user + system) of the process group so far: its processes' own, and that of the
    # processes they waited for (pip, the set-up, collectstatic).
    python3 -c '
import os, sys
ticks, total = os.sysconf("SC_CLK_TCK"), 0
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        continue
    if fields[2] == sys.argv[1]:
        total += sum(int(value) for value in fields[11:15])
print(round(total / ticks, 1))' "$1"
}
if curl -s -o /dev/null "http://127.0.0.1:$port/"; then echo "port $port is taken"; exit 1; fi
git clone -q "$repo" "$work/clone"
git -C "$work/clone" checkout -q "$(git -C "$repo" rev-parse "$commit")"
unset LINDUNGDESA_VAR_DIR DATABASE_URL STATIC_ROOT MEDIA_ROOT
echo "commit $(git -C "$work/clone" rev-parse --short HEAD), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
i=1
while [ "$i" -le "$runs" ]; do
    start=$(date +%s.%N)
    rm -f "$work/group"
    (cd "$work/clone" && setsid sh -c 'echo $$ > "$1"; exec make run PORT="$2"' sh "$work/group" "$port" \
        > "$work/run$i.log" 2>&1 &)
    while [ ! -s "$work/group" ]; do sleep 0.05; done
    group=$(cat "$work/group")
    answered=
    while [ "$(echo "$(date +%s.%N) - $start < $limit" | bc)" = 1 ]; do
        if curl -sf -o /dev/null "http://127.0.0.1:$port/masuk/"; then
            answered=$(echo "$(date +%s.%N) - $start" | bc)
            break
        fi
        sleep 0.2
    done
    cpu=$(group_cpu "$group")
    stop
    if [ -z "$answered" ]; then
        echo "run $i: no answer within $limit s; its log:"
        cat "$work/run$i.log"
        exit 1
    fi
    printf 'run %s: %.1f s to the login page, %s s of CPU (load %s)\n' "$i" "$answered" "$cpu" \
        "$(cut -d' ' -f1-3 /proc/loadavg)"
    i=$((i + 1))
done
