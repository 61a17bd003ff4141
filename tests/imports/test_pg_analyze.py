"""PostgreSQL: the import's own ANALYZE (the planner's statistics of rows not yet committed) gathers the
indexed columns, which the chunks' look-ups filter on, and no other."""

import pytest
from django.db import connection

from lindungdesa.imports.services import roster_import_file
from tests.imports.conftest import ROSTER_HEADER, to_csv

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner statistics"),
]


def analyzed(table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT attname FROM pg_stats WHERE tablename = %s", [table])
        return {name for (name,) in cursor.fetchall()}


def test_the_import_analyzes_the_indexed_columns(people):
    # 2,000 rows done call for the first ANALYZE: one new official, then the same row again and again.
    row = people.row("Yohanes Ale", "Kepala Desa", serial=1)
    summary = roster_import_file(data=to_csv(ROSTER_HEADER, [row] * 2000), file_name="r.csv")
    assert (summary.created, summary.rejected) == (1, 1999)
    assert analyzed("officials_person") == {"id", "nik"}
    assert analyzed("officials_position") == {"id", "person_id", "desa_id", "term_start", "term_end"}
