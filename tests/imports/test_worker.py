"""A long file's chunks are read by a worker process (`engine._readings`): the import reads, decides, rejects
and writes every row as it does with the chunks read here, and the worker runs no query."""

from concurrent.futures import ProcessPoolExecutor
from multiprocessing import parent_process

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from lindungdesa.imports import engine
from lindungdesa.imports.bpjs import BpjsRows
from lindungdesa.imports.engine import batch_create
from lindungdesa.imports.models import ImportBatch, RejectedRow
from lindungdesa.imports.roster import RosterRows
from lindungdesa.imports.services import batch_process
from lindungdesa.lib.months import Month
from lindungdesa.regions.models import Region
from tests.imports.conftest import BPJS_HEADER, bpjs_row, to_csv
from tests.imports.test_bulk_chunks import MESSY_HEADER, db_state, messy_roster  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


class Started(ProcessPoolExecutor):
    """The worker waited for once it is asked to start, so that it reads every chunk of a short file."""

    def submit(self, fn, /, *args):
        future = super().submit(fn, *args)
        if fn is engine._worker:
            future.result()
        return future


@pytest.fixture
def chunks_of_two(monkeypatch):
    monkeypatch.setattr(engine, "CHUNK_ROWS", 2)


@pytest.fixture
def in_worker(chunks_of_two, monkeypatch):
    monkeypatch.setattr(engine, "WORKER_BYTES", 0)
    monkeypatch.setattr(engine, "ProcessPoolExecutor", Started)
    read = []  # the chunks read in this process (the worker's classes are its own, unchanged)
    for handler in (RosterRows, BpjsRows):
        real = handler.read_rows
        monkeypatch.setattr(handler, "read_rows", lambda *args, real=real: read.append(1) or real(*args))
    return read


def outcome(kind: str, data: bytes, dry_run: bool, **options) -> tuple:
    """What an import of the file leaves (rolled back afterwards): its summary, its rejected rows and the
    database."""
    with transaction.atomic():
        batch = batch_create(kind=kind, data=data, file_name="f.csv", dry_run=dry_run, **options)
        summary = batch_process(batch, data=data).as_dict()
        rejects = RejectedRow.objects.filter(batch=batch).order_by("id")
        kept = list(rejects.values_list("row_number", "field", "message", "data"))
        people, positions, enrolments = db_state()
        transaction.set_rollback(True)
    # Keys as counted from the first (PostgreSQL's sequences go on after a rollback).
    first, first_position = (rows[0][0] if rows else 0 for rows in (people, positions))
    people = [(key - first, *rest) for key, *rest in people]
    positions = [(key - first_position, person - first, *rest) for key, person, *rest in positions]
    return {**summary, "batch": None}, kept, (people, positions, enrolments)


def test_a_roster_read_by_the_worker_is_imported_as_one_read_here(people, request):
    unknown = dict(people.row("Tak Dikenal", "Kaur Umum", serial=20), kode_desa="61.03.99.2999")
    misnamed = dict(people.row("Salah Nama", "Kaur Umum", serial=21), nama_desa="Desa Lain")
    messy = request.getfixturevalue("messy_roster")
    data = to_csv(MESSY_HEADER, [*messy, unknown, misnamed, {"nama": "Tanpa NIK"}])
    scope = {"scope_code": people.desa.regency_code}
    request.getfixturevalue("chunks_of_two")
    here = outcome(ImportBatch.Kind.ROSTER, data, False, **scope)
    read_here = request.getfixturevalue("in_worker")
    assert outcome(ImportBatch.Kind.ROSTER, data, False, **scope) == here
    assert read_here == []
    assert here[0]["created"] and here[0]["rejected"] and here[1]


def test_an_extract_read_by_the_worker_is_imported_as_one_read_here(people, request):
    niks = [people.row("A", "Kaur Umum", serial=n)["nik"] for n in (1, 2, 3)]
    rows = [bpjs_row(nik, "", people.desa.code, kpj=f"1111111111{n}") for n, nik in enumerate(niks)]
    data = to_csv(BPJS_HEADER, [*rows, rows[0], dict(rows[1], upah="x"), dict(rows[2], nik="123")])
    options = {"as_of": Month(2026, 10).first_day, "scope_code": people.desa.regency_code}
    request.getfixturevalue("chunks_of_two")
    here = outcome(ImportBatch.Kind.BPJS, data, True, **options)
    read_here = request.getfixturevalue("in_worker")
    assert outcome(ImportBatch.Kind.BPJS, data, True, **options) == here
    assert read_here == []
    assert here[0]["accepted"] == 3 and here[0]["rejected"] == 3


class QueriesElsewhere(BpjsRows):
    def read_rows(self, chunk, prepared):
        if parent_process() is not None:
            Region.objects.count()
        return super().read_rows(chunk, prepared)


def test_a_query_in_the_worker_fails_the_import_and_leaves_the_database_unchanged(in_worker, people):
    niks = [people.row("A", "Kaur Umum", serial=n)["nik"] for n in range(1, 6)]
    data = to_csv(BPJS_HEADER, [bpjs_row(nik, "", "", kpj=f"1234567890{n}") for n, nik in enumerate(niks)])
    handler = QueriesElsewhere(as_of=Month(2026, 10), scope_code="", batch_id=None)
    with pytest.raises(ImproperlyConfigured):
        engine.run_import(handler=handler, data=data, file_name="b.csv", batch=None, dry_run=False)
    assert db_state() == ([], [], [])
