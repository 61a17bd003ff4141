"""A long file's chunks are read by a second process (`engine._readings`): it reads every row as this one
would, runs no query, and its failure leaves the database as it was."""

import pickle
from multiprocessing import parent_process

import pytest
from django.core.exceptions import ImproperlyConfigured

from lindungdesa.imports import engine
from lindungdesa.imports.bpjs import BpjsRows
from lindungdesa.imports.roster import RosterRows
from lindungdesa.lib.months import Month
from lindungdesa.regions.models import Region
from tests.imports.conftest import BPJS_HEADER, ROSTER_HEADER, bpjs_row, to_csv
from tests.imports.test_bulk_chunks import MESSY_HEADER, db_state, messy_roster  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def count_regions() -> int:  # run in the reading process
    return Region.objects.count()


def test_no_query_runs_in_the_reading_process(people):
    handler = RosterRows(scope_code="", default_desa=None)
    data = to_csv(ROSTER_HEADER, [people.row("Yohanes Ale", "Kepala Desa", serial=1)])
    prepared = engine.prepare(data, "r.csv", handler, None)
    reader = engine.reading_process()
    try:
        reader.submit(engine._start_reading, pickle.dumps((handler, prepared))).result()
        # Its desa known there from what this process sent, named by its code.
        assert reader.submit(engine._read, prepared.table.rows).result()[0].row["desa"] == people.desa.code
        with pytest.raises(ImproperlyConfigured):
            reader.submit(count_regions).result()
    finally:
        reader.shutdown()


def read(handler, data: bytes) -> list:
    """Every row's reading in chunks of two, its values as text (as bench/read_same.py compares them)."""
    prepared = engine.prepare(data, "f.csv", handler, None)
    if hasattr(handler, "begin"):
        handler.begin(data, prepared)
    return [
        (None if r.row is None else sorted((k, repr(v)) for k, v in r.row.items()), *r[1:])
        for _start, chunk in engine._readings(handler, prepared, 2)
        for r in chunk
    ]


@pytest.mark.parametrize("kind", ["roster", "bpjs"])
def test_the_reading_process_reads_every_row_as_this_one(kind, people, request):
    if kind == "roster":
        unknown = dict(people.row("Tak Dikenal", "Kaur Umum", serial=20), kode_desa="61.03.99.2999")
        misnamed = dict(people.row("Salah Nama", "Kaur Umum", serial=21), nama_desa="Desa Lain")
        messy = request.getfixturevalue("messy_roster")
        data = to_csv(MESSY_HEADER, [*messy, unknown, misnamed, {"nama": "Tanpa NIK"}])
        handler = lambda: RosterRows(scope_code="61.03", default_desa=None)  # noqa: E731
    else:
        niks = [people.row("A", "Kaur Umum", serial=n)["nik"] for n in (1, 2, 3)]
        rows = [bpjs_row(nik, "", people.desa.code, kpj=f"1111111111{n}") for n, nik in enumerate(niks)]
        data = to_csv(BPJS_HEADER, [*rows, rows[0], dict(rows[1], upah="x"), dict(rows[2], nik="123")])
        handler = lambda: BpjsRows(as_of=Month(2026, 10), scope_code="61.03", batch_id=None)  # noqa: E731
    here = read(handler(), data)
    request.getfixturevalue("read_elsewhere")
    assert read(handler(), data) == here
    assert any(r[0] is None for r in here) and any(r[0] is not None for r in here)


class FailsElsewhere(BpjsRows):
    def read_rows(self, chunk, prepared):
        if parent_process() is not None:
            raise RuntimeError("the reading process failed")
        return super().read_rows(chunk, prepared)


def test_a_failure_in_the_reading_process_leaves_the_database_unchanged(read_elsewhere, people):
    niks = [people.row("A", "Kaur Umum", serial=n)["nik"] for n in range(1, 6)]
    data = to_csv(BPJS_HEADER, [bpjs_row(nik, "", "", kpj=f"1234567890{n}") for n, nik in enumerate(niks)])
    handler = FailsElsewhere(as_of=Month(2026, 10), scope_code="", batch_id=None)
    with pytest.raises(RuntimeError, match="the reading process failed"):
        engine.run_import(
            handler=handler, data=data, file_name="b.csv", batch=None, dry_run=False, chunk_rows=2
        )
    assert db_state() == ([], [], [])
