#!/bin/sh
# bench/paired_pg.sh with the server's part: each run is bench/pg_statements.py (of this tree) on the code of
# commit A or B in turn, printing wall time, this process's CPU, the backend's CPU and the WAL written, then
# the statements that took the backend more than a tenth of a second. Databases ${PREFIX:-bench}_*.
#
#   bench/paired_pg_server.sh A_COMMIT B_COMMIT [roster|bpjs] FILE [ROUNDS]
SERVER=1 exec "$(dirname "$0")/paired_pg.sh" "$@"
