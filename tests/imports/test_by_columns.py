"""Rows decided by columns (`Reading.made`, then `prefetch`) come out as the same rows decided one by one
would: the same database, counts, messages, warnings, preview and undo log, with keys in the file's order."""

from datetime import date

import pytest
from django.db import transaction

from lindungdesa.enrolment.models import Enrolment
from lindungdesa.imports import bpjs, roster
from lindungdesa.imports.models import BatchChange
from lindungdesa.imports.services import bpjs_import_file, roster_import_file
from lindungdesa.lib.months import Month
from lindungdesa.officials.models import Person, Position
from tests.factories import make_nik
from tests.imports.conftest import BPJS_HEADER, ROSTER_HEADER, to_csv

pytestmark = pytest.mark.django_db
PREFETCH = {handler: handler.prefetch for handler in (roster.RosterRows, bpjs.BpjsRows)}


def outcome(monkeypatch, handler, by_columns: bool, run) -> tuple:
    """What an import leaves (rolled back afterwards), and how many rows it decided by columns."""
    real = PREFETCH[handler]
    decided = []

    def spy(self, readings):
        made = real(self, readings if by_columns else [r._replace(made=None) for r in readings])
        decided.append(len(made))
        return made

    monkeypatch.setattr(handler, "prefetch", spy)
    with transaction.atomic():
        summary = run()
        people = Person.objects.order_by("id").values_list("nik", "name", "sex", "birth_date", "phone")
        positions = Position.objects.order_by("id").values_list(
            "person__nik", "person__name", "desa_id", "office", "group", "acting", "unit_name", "term_start",
            "term_end", "planned_term_end", "end_reason", "sk_number", "sk_date", "monthly_income",
        )  # fmt: skip
        enrolments = Enrolment.objects.order_by("id").values_list(
            "person__nik", "kpj", "nik", "bpjs_name", "bpjs_birth_date", "programmes", "category", "wage",
            "start_date", "paid_through", "reported_status", "kode_desa", "as_of", "source",
        )  # fmt: skip
        changes = [
            (c.model, c.action, (c.last_object_id or c.object_id) - c.object_id)
            for c in BatchChange.objects.order_by("id")
        ]
        state = (list(people), list(positions), list(enrolments), changes)
        kept = (summary.total_rows, summary.accepted, summary.rejected, summary.created, summary.updated)
        messages = [(e.row, e.field, e.message) for e in summary.errors]
        warnings = [(w.row, w.field, w.message) for w in summary.warnings]
        transaction.set_rollback(True)
    return (kept, messages, warnings, summary.people, state), sum(decided)


def test_a_roster_decided_by_columns_is_the_roster_decided_row_by_row(people, desa, monkeypatch):
    rows = [
        people.row("Yohanes Ale", "Kepala Desa", serial=1, akhir_menjabat="02/01/2030"),
        people.row("Maria Ulfa", "Sekretaris Desa", sex="P", born=date(1988, 2, 9), serial=2),
        people.row("Antonius", "Anggota BPD", serial=3, akhir_menjabat="02/01/2028"),
        people.row("Siti Rahma", "Anggota BPD", sex="P", born=date(1975, 11, 30), serial=4),
        people.row("Paulus", "Kadus Sungai Ayak", serial=5),
        people.row("Petrus", "Kadus Sungai Ayak", serial=6),  # the same seat as the row before
        people.row("Antonius", "Ketua BPD", serial=3),  # named by a row before
        people.row("Lukas", "Anggota BPD", serial=7, akhir_menjabat="02/01/2040"),  # a term too long
        people.row("Markus", "Kepala Dusun", serial=8),  # no dusun named: a seat of its own
        people.row("Yosef", "Kaur Keuangan", serial=9, nik=""),  # no NIK: by name and birth date
    ]
    data = to_csv(ROSTER_HEADER, rows)
    for scope in ("", desa.regency_code):

        def run(scope=scope):
            return roster_import_file(data=data, file_name="r.csv", scope_code=scope)

        by_columns, decided = outcome(monkeypatch, roster.RosterRows, True, run)
        row_by_row, none = outcome(monkeypatch, roster.RosterRows, False, run)
        assert by_columns == row_by_row
        assert (decided, none) == (5, 0)
        assert by_columns[0][:3] == (10, 7, 3)


def test_an_extract_decided_by_columns_is_the_extract_decided_row_by_row(desa, monkeypatch):
    def row(serial: int, kpj: str, **extra) -> dict:
        nik = make_nik(desa.district_code, date(1980, 5, 17), "L", serial)
        cells = {
            "nik": nik,
            "nama": f"PESERTA {serial}",
            "kpj": kpj,
            "tanggal_lahir": "",
            "program": "JKK,JKM",
        }
        cells |= {"kategori": "PU", "upah": "2426640", "tanggal_kepesertaan": "01/02/2021"}
        cells |= {"bulan_iuran_terakhir": "2026-10", "status": "AKTIF", "kode_desa": desa.code}
        return cells | extra

    rows = [
        row(1, "11111111111"),
        row(2, "22222222222"),
        row(3, "33333333333", kode_desa=""),  # placed by its NIK's kecamatan
        row(4, "11111111111"),  # the KPJ of the first row
        row(5, "5" * 25),  # longer than any KPJ: left out, the row kept
        row(6, "", tanggal_kepesertaan="05/06/2022"),
        row(6, "", tanggal_kepesertaan="05/06/2022", nama="PESERTA ENAM"),  # the same NIK and date
        row(7, "77777777777", upah="1.500.000"),
    ]
    data = to_csv(BPJS_HEADER, rows)
    for scope in (None, desa.regency_code):

        def run(scope=scope):
            return bpjs_import_file(data=data, file_name="b.csv", as_of=Month(2026, 10), scope_code=scope)

        by_columns, decided = outcome(monkeypatch, bpjs.BpjsRows, True, run)
        row_by_row, none = outcome(monkeypatch, bpjs.BpjsRows, False, run)
        assert by_columns == row_by_row
        assert (decided, none) == (4, 0)
        assert by_columns[0][:3] == (8, 6, 2)
