#!/usr/bin/env bash
# Schemathesis against the OpenAPI schema, on a live server on 127.0.0.1 with the demo province.
#
#   scripts/api-fuzz.sh [SECONDS_PER_USER]     (default 120)
#
# A throw-away SQLite database in a temporary folder gets `setup --demo`; the server is Django's own,
# on a free loopback port, stopped on exit. Schemathesis runs once per demo user (a regency operator and
# the province administrator: the most endpoints open to them), with that user's API token, and fails
# on any server error (5xx). Bounded by time, loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-120}"
root="$(pwd)"
bin=.venv/bin

work="$(mktemp -d "${TMPDIR:-/tmp}/api-fuzz.XXXXXX")"
server=""
cleanup() {
    if [[ -n "$server" ]]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

export LINDUNGDESA_VAR_DIR="$work" DATABASE_URL="sqlite:///$work/db.sqlite3" TASKS_IMMEDIATE=1 DEBUG=0
unset LINDUNGDESA_PRODUCTION

echo "Demo data and users in $work"
"$bin/lindungdesa" setup --province 61 --demo --verbosity 0 >"$work/setup.log"
# As `make run` does: pages (a 404, say) use the manifest of collected static files outside DEBUG.
"$bin/lindungdesa" collectstatic --noinput --verbosity 0
"$bin/lindungdesa" spectacular --format openapi-json --file "$work/schema.json" --fail-on-warn

port="$("$bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$bin/lindungdesa" runserver "127.0.0.1:$port" --noreload --skip-checks >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 60); do
    if "$bin/python" -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null; then break; fi
    sleep 0.5
done

status=0
for user in operator.kab admin; do
    token="$("$bin/lindungdesa" api-token "$user" --name schemathesis)"
    echo "=== Schemathesis as $user (${seconds}s)"
    # From the temporary folder, so that Schemathesis' own cache stays out of the repository.
    (cd "$work" && "$root/$bin/schemathesis" run "$work/schema.json" \
        --url "http://127.0.0.1:$port" \
        --header "Authorization: Token $token" \
        --checks not_a_server_error \
        --max-time "$seconds" \
        --max-examples 40 \
        --workers 1 \
        --seed 1 \
        --request-timeout 30 \
        --generation-database none \
        --no-color) || status=$?
done
if (( status != 0 )); then
    echo "Server log (last 60 lines):"
    tail -60 "$work/server.log"
fi
exit "$status"
