#!/bin/sh
# A PostgreSQL database holding the whole country AND the demo province's users, monev round, cases,
# budget and snapshots, for measuring every role's pages (bench/pages.py) at national scale (issue 20
# item 5).
#
#     .venv/bin/python bench/national_data.py --out /tmp/nat/data         # ~40-70 s
#     createdb -h 127.0.0.1 -U postgres nat_db
#     export DATABASE_URL=postgres://postgres@127.0.0.1:5432/nat_db LINDUNGDESA_VAR_DIR=/tmp/nat/var
#     sh bench/national_pages.sh /tmp/nat/data
#
# Every region of the country is loaded; the national files are imported through the real CLI for every
# province but the demo one (61), whose rows are left out of both files; then `setup --province 61 --demo`
# fills province 61 as `make run` does (officials, BPJS memberships, users, UCJ, targets, snapshots), and
# the month's national snapshot is taken. The result: 75,266 desa, 1,502,871 positions (73,220 desa from
# the national file, 20 each, and the demo province's 2,046 desa) and 1,202,323 BPJS memberships, the
# demo logins and a national administrator. Then start a task worker (`lindungdesa db_worker --queue-name
# '*' --no-reload`) for the budget warming the imports and setup queued, and run bench/pages.py.
#
# Timed on 6 December 2026 at load average 8-14 (others' tests on the same 2 cores): roster import 310 s,
# BPJS 230 s, setup 924 s (of which 24 national monthly snapshots for the demo's trend, about 28 s each),
# snapshot 66 s; 26 minutes in all.
set -eu
DATA=${1:?usage: national_pages.sh DATA_DIR (from bench/national_data.py)}
BIN=$(dirname "$0")/../.venv/bin
: "${DATABASE_URL:?set DATABASE_URL to an empty PostgreSQL database}"
PERIOD=$(date -u +%Y-%m)
LAST=$(date -u -d "$(date -u +%Y-%m-01) -1 day" +%Y-%m)

# Province 61's rows out of both files (its desa codes begin "61.", its people's NIKs "61").
awk -F, 'NR == 1 || substr($1, 1, 3) != "61."' "$DATA/roster.csv" > "$DATA/roster-without-61.csv"
awk -F, 'NR == 1 || substr($1, 1, 2) != "61"' "$DATA/bpjs.csv" > "$DATA/bpjs-without-61.csv"

t() { start=$(date +%s); "$@"; echo "  ($(($(date +%s) - start)) s: $*)" >&2; }
t "$BIN/lindungdesa" migrate -v0
t "$BIN/lindungdesa" load-regions --all
t "$BIN/lindungdesa" import roster "$DATA/roster-without-61.csv" --json > /dev/null
t "$BIN/lindungdesa" import bpjs "$DATA/bpjs-without-61.csv" --as-of "$LAST" --json > /dev/null
t "$BIN/lindungdesa" setup --province 61 --demo
t "$BIN/lindungdesa" snapshot --period "$PERIOD"
# A national deployment's administrator (no region), for the national home (bench/roles.py).
"$BIN/lindungdesa" shell -c "
from lindungdesa.accounts.models import User
from lindungdesa.accounts.services import user_ensure
user_ensure(username='admin.nasional', role=User.Role.ADMIN, region=None, first_name='Administrator nasional')
"
t "$BIN/lindungdesa" collectstatic --noinput -v0
