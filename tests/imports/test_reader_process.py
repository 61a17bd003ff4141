"""A large file is read in a second process: what it decides must be what one process decides, to the byte."""

from pathlib import Path

import pytest
from django.db import connection, transaction

from lindungdesa.enrolment.models import Enrolment
from lindungdesa.imports import engine
from lindungdesa.imports.models import BatchChange, ImportBatch, RejectedRow
from lindungdesa.imports.roster import RosterRows
from lindungdesa.imports.services import bpjs_import_file, roster_import_file
from lindungdesa.imports.summary import ImportFailed
from lindungdesa.lib.months import Month
from lindungdesa.officials.models import Person, Position
from tests.imports.conftest import BPJS_HEADER, to_csv
from tests.imports.test_bulk_chunks import MESSY_HEADER, db_state, messy_roster  # noqa: F401

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"
ROSTER_FILES = sorted(p.name for p in FIXTURES.iterdir() if p.name.startswith(("roster_", "opensid_")))
BPJS_FILES = sorted(p.name for p in FIXTURES.iterdir() if p.name.startswith("bpjs_"))


def kept() -> tuple:
    """Everything an import leaves: the data, the undo log and the rejected rows. Keys are counted from each
    table's first one: PostgreSQL's sequences do not go back when a savepoint is rolled back."""
    base = {
        label: (model.objects.order_by("id").values_list("id", flat=True).first() or 0)
        for label, model in (
            ("officials.Person", Person),
            ("officials.Position", Position),
            ("enrolment.Enrolment", Enrolment),
        )
    }
    people, positions, enrolments = db_state()
    people = [(pk - base["officials.Person"], *rest) for pk, *rest in people]
    positions = [
        (pk - base["officials.Position"], person - base["officials.Person"], *rest)
        for pk, person, *rest in positions
    ]
    enrolments = [
        (
            pk - base["enrolment.Enrolment"],
            None if person is None else person - base["officials.Person"],
            *rest,
        )
        for pk, person, *rest in enrolments
    ]
    changes = [
        (
            model,
            object_id - base.get(model, 0),
            None if last is None else last - base.get(model, 0),
            action,
            before,
        )
        for model, object_id, last, action, before in BatchChange.objects.order_by("id").values_list(
            "model", "object_id", "last_object_id", "action", "before"
        )
    ]
    return (
        (people, positions, enrolments),
        changes,
        list(RejectedRow.objects.order_by("id").values_list("row_number", "field", "message", "data")),
        list(
            ImportBatch.objects.order_by("id").values_list("total_rows", "accepted", "rejected", "warnings")
        ),
    )


def both_ways(monkeypatch, run) -> tuple:
    """`run()` in one process, then again (on the database as it was) with the reader in a second one:
    what each returned or the file's failure, and what each left."""
    monkeypatch.setattr(engine, "CHUNK_ROWS", 3)
    results = []
    for threshold in (None, 1):
        monkeypatch.setattr(engine, "READER_PROCESS_ROWS", threshold)
        savepoint = transaction.savepoint()
        try:
            outcome = run().as_dict() | {"batch": None}
        except ImportFailed as exc:
            outcome = {"failed": str(exc)}
        results.append((outcome, kept()))
        transaction.savepoint_rollback(savepoint)
    return tuple(results)


def forks(monkeypatch) -> list[int]:
    """Counts the reader processes started."""
    started: list[int] = []
    real_enter = engine._ReaderProcess.__enter__

    def enter(self):
        out = real_enter(self)
        started.append(self.pid)
        return out

    monkeypatch.setattr(engine._ReaderProcess, "__enter__", enter)
    return started


@pytest.mark.parametrize("name", ROSTER_FILES)
def test_every_roster_fixture_is_decided_the_same_when_read_in_a_second_process(name, desa, monkeypatch):
    data = (FIXTURES / name).read_bytes()
    started = forks(monkeypatch)
    in_process, forked = both_ways(
        monkeypatch,
        lambda: roster_import_file(data=data, file_name=name, default_desa=desa),
    )
    assert forked == in_process
    # Files that can be read at all did use a reader process the second time.
    assert len(started) == (0 if "failed" in in_process[0] else 1)


@pytest.mark.parametrize("name", BPJS_FILES)
def test_every_extract_fixture_is_decided_the_same_when_read_in_a_second_process(name, monkeypatch):
    data = (FIXTURES / name).read_bytes()
    started = forks(monkeypatch)
    in_process, forked = both_ways(
        monkeypatch,
        lambda: bpjs_import_file(data=data, file_name=name, as_of=Month(2026, 10)),
    )
    assert forked == in_process and in_process[0]["total_rows"] > 0
    assert len(started) == 1


def test_rows_that_depend_on_one_another_across_chunks_are_decided_the_same(
    messy_roster,  # noqa: F811
    monkeypatch,
):
    data = to_csv(MESSY_HEADER, messy_roster)
    in_process, forked = both_ways(monkeypatch, lambda: roster_import_file(data=data, file_name="r.csv"))
    assert forked == in_process
    summary, _ = forked
    assert (summary["accepted"], summary["rejected"], summary["created"], summary["updated"]) == (6, 7, 5, 1)


def test_an_extract_after_a_roster_is_linked_the_same(messy_roster, monkeypatch):  # noqa: F811
    roster_import_file(data=to_csv(MESSY_HEADER, messy_roster), file_name="r.csv")
    person = Person.objects.order_by("id").first()
    rows = [
        {"nik": person.nik, "nama": person.name.upper(), "kpj": "10000000001", "program": "JKK,JKM",
         "tanggal_kepesertaan": "2024-01-10", "bulan_iuran_terakhir": "2026-09", "status": "AKTIF"},
        {"nik": person.nik, "nama": person.name, "kpj": "10000000001", "program": "JKK,JKM",
         "tanggal_kepesertaan": "2024-01-10"},  # the same KPJ again
        {"nik": "123", "nama": "Rusak", "program": "JKK", "tanggal_kepesertaan": "kemarin"},
    ]  # fmt: skip
    data = to_csv(BPJS_HEADER, rows)
    in_process, forked = both_ways(
        monkeypatch,
        lambda: bpjs_import_file(data=data, file_name="b.csv", as_of=Month(2026, 10)),
    )
    assert forked == in_process
    assert (forked[0]["accepted"], forked[0]["rejected"]) == (1, 2)


def test_a_small_file_is_read_in_this_process(messy_roster, monkeypatch):  # noqa: F811
    started = forks(monkeypatch)
    roster_import_file(data=to_csv(MESSY_HEADER, messy_roster), file_name="r.csv")
    assert started == [] and engine.READER_PROCESS_ROWS > len(messy_roster)


def test_a_reader_that_fails_fails_the_import_and_changes_nothing(messy_roster, monkeypatch):  # noqa: F811
    monkeypatch.setattr(engine, "READER_PROCESS_ROWS", 1)
    monkeypatch.setattr(engine, "CHUNK_ROWS", 2)
    real_read = RosterRows.read

    def read(self, values):
        if values.get("nama") == "Antonius":
            raise KeyError(values["nik"])  # a bug in a parser, quoting a cell
        return real_read(self, values)

    monkeypatch.setattr(RosterRows, "read", read)
    with pytest.raises(engine.ReaderFailed, match="KeyError") as failed:
        roster_import_file(data=to_csv(MESSY_HEADER, messy_roster), file_name="r.csv")
    # Where it failed, not the exception's message: that may quote a cell, and the text is logged.
    antonius = next(row["nik"] for row in messy_roster if row["nama"] == "Antonius")
    assert "in read" in str(failed.value) and antonius not in str(failed.value)
    assert db_state() == ([], [], [])
    batch = ImportBatch.objects.get()
    assert batch.state == ImportBatch.State.FAILED and not batch.changes.exists()
    assert "tidak ada data yang diubah" in batch.message


def test_the_reader_process_cannot_query_the_database(messy_roster, monkeypatch):  # noqa: F811
    monkeypatch.setattr(engine, "READER_PROCESS_ROWS", 1)
    real_read = RosterRows.read

    def read(self, values):
        Position.objects.count()  # what a careless parser might do
        return real_read(self, values)

    monkeypatch.setattr(RosterRows, "read", read)
    with pytest.raises(engine.ReaderFailed, match="in _no_queries"):
        roster_import_file(data=to_csv(MESSY_HEADER, messy_roster), file_name="r.csv")
    assert db_state() == ([], [], [])
    assert connection.is_usable()  # this process's connection is untouched by the child's exit
