"""The same file imported twice at once (issue 21, item 7): on PostgreSQL the later import failed with a
UniqueViolation ("kesalahan sistem") and the CLI printed a traceback. Imports now run one at a time: the
later one waits for the first and finds its rows unchanged."""

import json
import subprocess

import pytest

from tests.workers.procs import CLI, ROOT, SKIP_CHECKS, province_roster

# One test process runs the tests of the side database (tests/workers/conftest.py), so it is migrated once.
pytestmark = pytest.mark.xdist_group("side-database")

ROWS = 6_000


def test_the_same_file_imported_twice_at_once_is_created_once_and_then_unchanged(side_db, tmp_path):
    roster = tmp_path / "bersamaan.csv"
    roster.write_bytes(province_roster(ROWS, desa_from=1000, serial_from=5000))
    processes = [
        subprocess.Popen(
            [CLI, "import", *SKIP_CHECKS, "roster", str(roster), "--json"],
            env=side_db.env(),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=300) for process in processes]
    for process, (_out, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err
        assert "Traceback" not in err
    summaries = [json.loads(out) for out, _ in outputs]
    counts = sorted((s["created"], s["unchanged"], s["rejected"]) for s in summaries)
    assert counts == [(0, ROWS, 0), (ROWS, 0, 0)]
    states = side_db.query(
        "SELECT state FROM imports_importbatch WHERE id IN (%s, %s)", tuple(s["batch"] for s in summaries)
    )
    assert sorted(state for (state,) in states) == ["done", "done"]
