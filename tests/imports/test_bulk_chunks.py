"""Rows are decided a chunk at a time: what a row did must be seen by every later row, in its chunk or not."""

from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction

from lindungdesa.enrolment.models import Enrolment
from lindungdesa.imports import engine
from lindungdesa.imports.models import BatchChange, ImportBatch, RejectedRow
from lindungdesa.imports.services import batch_undo, bpjs_import_file, roster_import_file
from lindungdesa.lib.months import Month
from lindungdesa.officials.models import Office, Person, Position
from lindungdesa.regions.models import Region
from tests.factories import make_nik
from tests.imports.conftest import BPJS_HEADER, ROSTER_HEADER, to_csv

pytestmark = pytest.mark.django_db

OCT = Month(2026, 10)


@pytest.fixture
def chunks_of_two(monkeypatch):
    monkeypatch.setattr(engine, "CHUNK_ROWS", 2)


def db_state() -> tuple:
    return (
        list(Person.objects.order_by("id").values_list("id", "nik", "name", "phone")),
        list(
            Position.objects.order_by("id").values_list(
                "id",
                "person_id",
                "desa_id",
                "office",
                "unit_name",
                "term_start",
                "term_end",
                "end_reason",
                "monthly_income",
                "sk_number",
            )  # fmt: skip
        ),
        list(
            Enrolment.objects.order_by("id").values_list(
                "id", "person_id", "kpj", "nik", "paid_through", "reported_status", "as_of"
            )
        ),
    )


MESSY_HEADER = [*ROSTER_HEADER, "nama_dusun"]


@pytest.fixture
def messy_roster(people) -> list[dict]:
    """Rows that depend on one another, in an order that puts each pair in different chunks of two."""
    kades = people.row("Yohanes Ale", "Kepala Desa", serial=1, akhir_menjabat="02/01/2030")
    maria = people.row("Maria Ulfa", "Sekretaris Desa", sex="P", born=date(1988, 2, 9), serial=2)
    return [
        kades,  # 2
        maria,  # 3
        people.row("Antonius", "Kadus Sungai Ayak", serial=3),  # 4
        dict(kades),  # 5: row 2 again
        people.row("Kades Baru", "Kepala Desa", serial=11, mulai_menjabat="01/06/2026", tanggal_sk=""),  # 6
        dict(kades, nama="Orang Lain Sekali", jabatan="Kaur Keuangan"),  # 7: row 2's NIK, another name
        # 8: started before Antonius (row 4), so it does not succeed him: the seat is taken.
        people.row("Kadus Lain", "Kepala Dusun sungai ayak", serial=12, mulai_menjabat="01/01/2021"),
        people.row("Antonius", "Kaur Umum", serial=3, mulai_menjabat="01/01/2024"),  # 9: row 4's person
        dict(maria, jabatan="Anggota BPD", kelompok="BPD"),  # 10: the sekretaris desa of row 3
        people.row("Salah", "Camat", serial=13),  # 11
        dict(maria, no_hp=""),  # 12: row 3 again
        people.row("Dusun Satu", "Kepala Dusun", serial=14, nama_dusun="Tanjung"),  # 13
        # 14: the same position (its dusun named in the office cell, so not the same row): updated.
        people.row("Dusun Satu", "Kepala Dusun Tanjung", serial=14, penghasilan_bulanan="3000000"),
    ]


def test_chunks_of_two_decide_exactly_as_one_chunk(messy_roster, monkeypatch):
    data = to_csv(MESSY_HEADER, messy_roster)
    whole = roster_import_file(data=data, file_name="r.csv", dry_run=True)
    monkeypatch.setattr(engine, "CHUNK_ROWS", 2)
    chunked = roster_import_file(data=data, file_name="r.csv")
    assert chunked.as_dict() | {"batch": None} == whole.as_dict()
    assert (chunked.total_rows, chunked.accepted, chunked.rejected) == (13, 6, 7)
    assert (chunked.created, chunked.updated, chunked.unchanged) == (5, 1, 0)
    rejected = {e.row: (e.field, e.message) for e in chunked.errors}
    assert rejected[5] == ("baris", "Baris ini sama dengan baris 2 di berkas ini.")
    assert rejected[7][0] == "nama" and "“Orang Lain Sekali”" in rejected[7][1]
    assert "Yohanes Ale" not in rejected[7][1]  # what is held is not told: the NIK may be mistyped
    assert rejected[8][0] == "jabatan" and "masih dijabat Antonius" in rejected[8][1]
    assert rejected[9][0] == "jabatan" and "satu jabatan perangkat" in rejected[9][1]
    assert rejected[10][0] == "jabatan" and "merangkap" in rejected[10][1]
    assert rejected[11][0] == "jabatan"
    assert rejected[12] == ("baris", "Baris ini sama dengan baris 3 di berkas ini.")
    kadus = Position.objects.get(person__name="Dusun Satu")
    assert (kadus.unit_name, kadus.monthly_income) == ("Tanjung", 3000000)
    old = Position.objects.get(person__name="Yohanes Ale")
    assert (old.term_end, old.end_reason) == (date(2026, 5, 31), Position.EndReason.REPLACED)


def test_a_successor_in_a_later_chunk_ends_the_predecessors_term(chunks_of_two, people):
    rows = [
        people.row("Yohanes Ale", "Kepala Desa", serial=1, akhir_menjabat="02/01/2030"),
        people.row("Maria Ulfa", "Sekretaris Desa", sex="P", born=date(1988, 2, 9), serial=2),
        people.row("Kades Baru", "Kepala Desa", serial=11, mulai_menjabat="01/06/2026", tanggal_sk=""),
        people.row("Kades Ketiga", "Kepala Desa", serial=12, mulai_menjabat="01/06/2027", tanggal_sk=""),
    ]
    summary = roster_import_file(data=to_csv(ROSTER_HEADER, rows), file_name="r.csv")
    assert (summary.accepted, summary.created, summary.rejected) == (4, 4, 0)
    first, second, third = Position.objects.filter(office=Office.KEPALA_DESA).order_by("term_start")
    assert (first.term_end, first.end_reason) == (date(2026, 5, 31), Position.EndReason.REPLACED)
    assert (second.term_end, second.end_reason) == (date(2027, 5, 31), Position.EndReason.REPLACED)
    assert third.term_end is None
    # Undo restores both predecessors' terms, then removes everything the batch made.
    batch_undo(batch=ImportBatch.objects.get(pk=summary.batch))
    assert db_state() == ([], [], [])


def test_a_successor_in_the_same_chunk_ends_the_term_of_a_holder_made_just_before(people, monkeypatch):
    monkeypatch.setattr(engine, "CHUNK_ROWS", 10)
    rows = [
        people.row("Yohanes Ale", "Kepala Desa", serial=1),
        people.row("Kades Baru", "Kepala Desa", serial=11, mulai_menjabat="01/06/2026", tanggal_sk=""),
    ]
    summary = roster_import_file(data=to_csv(ROSTER_HEADER, rows), file_name="r.csv")
    assert (summary.created, summary.rejected) == (2, 0)
    old = Position.objects.get(person__name="Yohanes Ale")
    assert (old.term_end, old.end_reason) == (date(2026, 5, 31), Position.EndReason.REPLACED)
    made = [Person.objects.get(name=name).pk for name in ("Yohanes Ale", "Kades Baru")]
    positions = [old.pk, Position.objects.get(person__name="Kades Baru").pk]
    changes = list(
        BatchChange.objects.filter(batch_id=summary.batch).values_list(
            "model", "action", "object_id", "last_object_id"
        )
    )
    # The two people and the two positions were each made with consecutive keys: one row per run, in
    # the place of its first object; the change to the first position keeps its own row.
    assert made[1] == made[0] + 1 and positions[1] == positions[0] + 1
    assert changes == [
        ("officials.Person", "create", made[0], made[1]),
        ("officials.Position", "create", positions[0], positions[1]),
        ("officials.Position", "update", positions[0], None),
    ]


def test_a_rejected_row_leaves_no_trace_in_its_chunk(people, monkeypatch):
    monkeypatch.setattr(engine, "CHUNK_ROWS", 10)
    rows = [
        people.row("Yohanes Ale", "Kepala Desa", serial=1),
        # A new person whose office is taken: neither the person nor the phone change is kept.
        people.row("Kades Kedua", "Kepala Desa", serial=11),
        dict(people.row("Yohanes Ale", "Anggota BPD", serial=1), no_hp="081299998888"),
        people.row("Kades Kedua", "Kaur Keuangan", serial=11),
    ]
    summary = roster_import_file(data=to_csv(ROSTER_HEADER, rows), file_name="r.csv")
    assert (summary.accepted, summary.rejected) == (2, 2)
    assert [e.row for e in summary.errors] == [3, 4]
    assert Person.objects.get(name="Yohanes Ale").phone == "081234567890"
    assert Position.objects.get(person__name="Kades Kedua").office == Office.KAUR_KEUANGAN


def test_a_failure_while_writing_a_later_chunk_leaves_the_database_unchanged(
    chunks_of_two, people, monkeypatch
):
    rows = [people.row(f"Orang {n}", office, serial=n) for n, office in enumerate(
        ["Kepala Desa", "Sekretaris Desa", "Kaur Keuangan", "Kasi Pelayanan", "Kaur Perencanaan"], start=1
    )]  # fmt: skip
    real_insert = engine.insert
    calls = {"positions": 0}

    def failing_insert(model, objs):
        if model is Position:
            calls["positions"] += 1
            if calls["positions"] == 2:
                raise RuntimeError("disk full")
        return real_insert(model, objs)

    monkeypatch.setattr("lindungdesa.imports.engine.insert", failing_insert)
    with pytest.raises(RuntimeError):
        roster_import_file(data=to_csv(ROSTER_HEADER, rows), file_name="r.csv")
    assert db_state() == ([], [], [])
    batch = ImportBatch.objects.get()
    assert batch.state == ImportBatch.State.FAILED and not batch.changes.exists()


def test_a_dry_run_with_a_saved_batch_keeps_its_rejects_and_nothing_else(chunks_of_two, messy_roster):
    from lindungdesa.imports.engine import batch_create
    from lindungdesa.imports.services import batch_process

    data = to_csv(MESSY_HEADER, messy_roster)
    batch = batch_create(kind=ImportBatch.Kind.ROSTER, data=data, file_name="r.csv", dry_run=True)
    preview = batch_process(batch, data=data)
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.PREVIEWED and batch.rejected == preview.rejected == 7
    kept = RejectedRow.objects.filter(batch=batch)
    assert sorted(set(kept.values_list("row_number", flat=True))) == [5, 7, 8, 9, 10, 11, 12]
    assert kept.count() == len(preview.errors)
    assert db_state() == ([], [], []) and not batch.changes.exists()
    assert batch.headers == MESSY_HEADER


def test_progress_is_reported_after_every_chunk(chunks_of_two, messy_roster):
    seen = []
    data = to_csv(MESSY_HEADER, messy_roster)
    roster_import_file(data=data, file_name="r.csv", progress=lambda done, total: seen.append((done, total)))
    assert seen == [(2, 13), (4, 13), (6, 13), (8, 13), (10, 13), (12, 13), (13, 13)]


def test_a_blank_desa_code_without_a_chosen_desa_is_rejected(people):
    summary = roster_import_file(
        data=to_csv(ROSTER_HEADER, [people.row("Budi", "Kepala Desa", serial=1, kode_desa="", nama_desa="")]),
        file_name="r.csv",
    )
    assert (summary.rejected, summary.errors[0].field, summary.errors[0].message) == (
        1,
        "kode_desa",
        "Wajib diisi.",
    )


# BPJS extracts -------------------------------------------------------------------------------------------


def participant(nik: str, name: str, *, kpj="12345678901", paid="2026-10", **extra) -> dict:
    row = {
        "nik": nik,
        "nama": name,
        "kpj": kpj,
        "tanggal_lahir": "",
        "program": "JKK,JKM",
        "kategori": "PU",
        "upah": "2426640",
        "tanggal_kepesertaan": "01/02/2021",
        "bulan_iuran_terakhir": paid,
        "status": "AKTIF",
        "kode_desa": "",
    }
    row.update(extra)
    return row


def test_bpjs_rows_see_earlier_chunks(chunks_of_two, desa):
    niks = [make_nik(desa.district_code, date(1970, 1, 1), "L", n) for n in range(1, 6)]
    rows = [
        participant(niks[0], "Satu", kpj="11111111111"),  # 2
        participant(niks[1], "Dua", kpj=""),  # 3: no KPJ, known by NIK and membership date
        participant(niks[2], "Tiga", kpj="123"),  # 4: a warning, taken
        participant(niks[0], "Satu Lagi", kpj="11111111111"),  # 5: row 2 again
        participant(niks[1], "Dua Lagi", kpj=""),  # 6: row 3 again
        participant(niks[3], "Empat", kpj="44444444444", paid="2026-12"),  # 7: paid beyond the extract
        participant(niks[3], "Empat", kpj="44444444444"),  # 8: not a duplicate of a rejected row
    ]
    whole = bpjs_import_file(data=to_csv(BPJS_HEADER, rows), file_name="b.csv", as_of=OCT, dry_run=True)
    summary = bpjs_import_file(data=to_csv(BPJS_HEADER, rows), file_name="b.csv", as_of=OCT)
    assert summary.as_dict() | {"batch": None} == whole.as_dict()
    assert (summary.accepted, summary.rejected, summary.created) == (4, 3, 4)
    assert [(e.row, e.field) for e in summary.errors] == [
        (5, "baris"),
        (6, "baris"),
        (7, "bulan_iuran_terakhir"),
    ]
    assert "baris 2" in summary.errors[0].message and "baris 3" in summary.errors[1].message
    assert [(w.row, w.field) for w in summary.warnings] == [(4, "kpj")]
    assert ImportBatch.objects.get(pk=summary.batch).warnings[0]["row"] == 4


def test_a_newer_extract_updates_across_chunks_and_links_people_it_finds(chunks_of_two, desa, people):
    niks = [make_nik(desa.district_code, date(1970, 1, 1), "L", n) for n in range(1, 4)]
    rows = [
        participant(nik, f"Orang {n}", kpj=f"1000000000{n}", paid="2026-08") for n, nik in enumerate(niks)
    ]
    bpjs_import_file(data=to_csv(BPJS_HEADER, rows), file_name="agu.csv", as_of=Month(2026, 8))
    assert Enrolment.objects.filter(person__isnull=False).count() == 0
    roster = [people.row("Orang 0", "Kepala Desa", serial=1, born=date(1970, 1, 1))]
    roster_import_file(data=to_csv(ROSTER_HEADER, roster), file_name="r.csv")  # links by NIK afterwards
    newer = [dict(r, bulan_iuran_terakhir="2026-10") for r in rows]
    summary = bpjs_import_file(data=to_csv(BPJS_HEADER, newer), file_name="okt.csv", as_of=OCT)
    assert (summary.updated, summary.unchanged) == (3, 0)
    assert set(Enrolment.objects.values_list("paid_through", flat=True)) == {date(2026, 10, 1)}
    assert Enrolment.objects.get(nik=niks[0]).person.name == "Orang 0"
    batch_undo(batch=ImportBatch.objects.get(pk=summary.batch))
    assert set(Enrolment.objects.values_list("paid_through", flat=True)) == {date(2026, 8, 1)}


# Undo, set by set ----------------------------------------------------------------------------------------


def test_undo_restores_the_oldest_values_of_an_object_changed_twice(chunks_of_two, people):
    first = [people.row("Yohanes Ale", "Kepala Desa", serial=1, akhir_menjabat="02/01/2030")]
    roster_import_file(data=to_csv(ROSTER_HEADER, first), file_name="a.csv")
    before = db_state()
    rows = [
        dict(first[0], penghasilan_bulanan="3000000"),  # changes the kepala desa's income
        people.row("Maria Ulfa", "Sekretaris Desa", sex="P", born=date(1988, 2, 9), serial=2),
        people.row("Kades Baru", "Kepala Desa", serial=11, mulai_menjabat="01/06/2026", tanggal_sk=""),
    ]
    second = roster_import_file(data=to_csv(ROSTER_HEADER, rows), file_name="b.csv")
    assert (second.updated, second.created) == (1, 2)
    old = Position.objects.get(person__name="Yohanes Ale")
    assert (old.monthly_income, old.term_end) == (3000000, date(2026, 5, 31))
    assert batch_undo(batch=ImportBatch.objects.get(pk=second.batch)) == 6
    assert db_state() == before
    old.refresh_from_db()
    assert (old.end_reason, old.planned_term_end) == ("", date(2030, 1, 2))


def test_undo_of_an_extract_removes_what_it_made_and_restores_what_it_changed(desa):
    niks = [make_nik(desa.district_code, date(1970, 1, 1), "L", n) for n in range(1, 4)]
    first = [participant(niks[0], "Satu", kpj="11111111111", paid="2026-09")]
    bpjs_import_file(data=to_csv(BPJS_HEADER, first), file_name="sep.csv", as_of=Month(2026, 9))
    before = db_state()
    rows = [participant(nik, f"Orang {n}", kpj=f"1111111111{n + 1}") for n, nik in enumerate(niks)]
    summary = bpjs_import_file(data=to_csv(BPJS_HEADER, rows), file_name="okt.csv", as_of=OCT)
    assert (summary.updated, summary.created) == (1, 2)
    batch_undo(batch=ImportBatch.objects.get(pk=summary.batch))
    assert db_state() == before
    assert Enrolment.objects.get().bpjs_name == "Satu"


def test_undo_is_refused_when_a_person_it_made_holds_an_office_added_since(people):
    from lindungdesa.imports.services import UndoRefused
    from lindungdesa.officials.services import position_start

    summary = roster_import_file(
        data=to_csv(ROSTER_HEADER, [people.row("Yohanes Ale", "Kepala Desa", serial=1)]), file_name="a.csv"
    )
    person = Person.objects.get()
    position_start(region=None, person=person, desa=people.desa, office=Office.BPD_ANGGOTA,
                   term_start=date(2010, 1, 1), term_end=date(2015, 1, 1))  # fmt: skip
    with pytest.raises(UndoRefused, match="sudah dipakai"):
        batch_undo(batch=ImportBatch.objects.get(pk=summary.batch))
    assert Position.objects.count() == 2 and ImportBatch.objects.get(pk=summary.batch).state == "done"


def test_a_row_finds_a_participant_by_what_an_earlier_row_of_its_chunk_changed(desa):
    old_nik, new_nik = (make_nik(desa.district_code, date(1970, 1, 1), "L", n) for n in (1, 2))
    first = [participant(old_nik, "Satu", kpj="11111111111", paid="2026-09")]
    bpjs_import_file(data=to_csv(BPJS_HEADER, first), file_name="sep.csv", as_of=Month(2026, 9))
    rows = [
        # The branch corrected the NIK of KPJ 11111111111 ...
        participant(new_nik, "Satu", kpj="11111111111", tanggal_kepesertaan="01/03/2021"),
        # ... and a row without KPJ names the participant by the corrected NIK and membership date.
        participant(new_nik, "Satu", kpj="", tanggal_kepesertaan="01/03/2021", status="NONAKTIF"),
    ]
    summary = bpjs_import_file(data=to_csv(BPJS_HEADER, rows), file_name="okt.csv", as_of=OCT)
    assert (summary.accepted, summary.created, summary.updated) == (2, 0, 2)
    enrolment = Enrolment.objects.get()
    # The row without a KPJ keeps the KPJ known (a blank is not known, not taken away).
    assert (enrolment.nik, enrolment.kpj, enrolment.reported_status) == (new_nik, "11111111111", "NONAKTIF")


def test_foreign_keys_are_deferred_again_after_an_import_in_the_same_transaction(people):
    """On PostgreSQL an import checks foreign keys per statement (not all at COMMIT); the transaction it
    runs in gets Django's deferred checking back, so a later statement may still break a key until the
    keys are checked, as everywhere else."""
    data = to_csv(ROSTER_HEADER, [people.row("Yohanes Ale", "Kepala Desa", serial=1)])
    passed = False
    with pytest.raises(IntegrityError), transaction.atomic():
        roster_import_file(data=data, file_name="a.csv")
        position = Position.objects.get()
        # Deferred: this statement passes, and only the check of the keys refuses it.
        Position.objects.filter(pk=position.pk).update(person_id=position.person_id + 1000)
        passed = True
        connection.check_constraints()
    assert passed
    assert not Position.objects.exists()


# A row sees what the chunks before it wrote --------------------------------------------------------------


def state_without_keys() -> tuple:
    persons, positions, enrolments = db_state()
    names = {pk: nik for pk, nik, *_ in persons}
    return (
        sorted(row[1:] for row in persons),
        sorted((names[row[1]], *row[2:]) for row in positions),
        sorted((row[1] is not None, *row[2:]) for row in enrolments),
    )


def whole_then_chunked(monkeypatch, import_file, size: int):
    """The file imported as one chunk, undone, then imported in chunks of `size`: both summaries, and the
    database after each."""
    whole = import_file()
    after_whole = state_without_keys()
    batch_undo(batch=ImportBatch.objects.get(pk=whole.batch))
    monkeypatch.setattr(engine, "CHUNK_ROWS", size)
    chunked = import_file()
    return whole, chunked, after_whole, state_without_keys()


@pytest.mark.parametrize("size", [1, 2, 3])
def test_a_row_sees_what_the_chunk_before_changed_of_a_position_it_reaches_by_another_way(
    people, monkeypatch, size
):
    # The BPD of the next desa: its seats are not among what the chunk before looked up.
    other = Region.objects.filter(regency_code="61.03", kind=Region.Kind.DESA).order_by("code")[1]

    def bpd(row: dict, start: str) -> dict:
        return dict(
            row,
            kode_desa=other.code,
            nama_desa=other.name,
            jabatan="Anggota BPD",
            kelompok="BPD",
            mulai_menjabat=start,
            akhir_menjabat="",
            tanggal_sk="",
        )

    yohanes = people.row("Yohanes Ale", "Kepala Desa", serial=1, akhir_menjabat="02/01/2030")
    baru = people.row("Kades Baru", "Kepala Desa", serial=11, mulai_menjabat="01/06/2026", tanggal_sk="")
    rows = [
        yohanes,  # 2
        baru,  # 3: ends the term of row 2's position, reached through the seat
        # 4: Yohanes, by his NIK, joins a BPD after his term: as row 3 left it, not as the database has it.
        bpd(yohanes, "01/07/2026"),
        people.row("Kades Ketiga", "Kepala Desa", serial=12, mulai_menjabat="01/06/2027", tanggal_sk=""),  # 5
        bpd(baru, "01/07/2027"),  # 6: the same for row 3's position, which the chunks before made and ended
    ]
    data = to_csv(ROSTER_HEADER, rows)
    whole, chunked, after_whole, after_chunked = whole_then_chunked(
        monkeypatch, lambda: roster_import_file(data=data, file_name="r.csv"), size
    )
    assert chunked.as_dict() | {"batch": None} == whole.as_dict() | {"batch": None}
    assert after_chunked == after_whole
    assert (whole.created, whole.rejected) == (5, 0), whole.errors
    held = sorted(Position.objects.values_list("person__name", "office", "term_end"))
    assert held == [
        ("Kades Baru", Office.BPD_ANGGOTA, None),
        ("Kades Baru", Office.KEPALA_DESA, date(2027, 5, 31)),
        ("Kades Ketiga", Office.KEPALA_DESA, None),
        ("Yohanes Ale", Office.BPD_ANGGOTA, None),
        ("Yohanes Ale", Office.KEPALA_DESA, date(2026, 5, 31)),
    ]


@pytest.mark.parametrize("size", [1, 2])
def test_a_participant_changed_by_the_chunk_before_is_not_found_by_the_nik_it_had(desa, monkeypatch, size):
    old_nik, new_nik = (make_nik(desa.district_code, date(1970, 1, 1), "L", n) for n in (1, 2))
    first = [participant(old_nik, "Satu", kpj="11111111111", paid="2026-09")]
    bpjs_import_file(data=to_csv(BPJS_HEADER, first), file_name="sep.csv", as_of=Month(2026, 9))
    rows = [
        participant(new_nik, "Satu", kpj="11111111111"),  # 2: the branch corrected the NIK of this KPJ
        # 3: the old NIK without a KPJ: the participant of row 2 no longer has it, so this one is new.
        participant(old_nik, "Satu Lama", kpj=""),
        participant(new_nik, "Satu", kpj="", status="NONAKTIF"),  # 4: row 2's participant, by its new NIK
    ]
    data = to_csv(BPJS_HEADER, rows)
    whole, chunked, after_whole, after_chunked = whole_then_chunked(
        monkeypatch, lambda: bpjs_import_file(data=data, file_name="okt.csv", as_of=OCT), size
    )
    assert chunked.as_dict() | {"batch": None} == whole.as_dict() | {"batch": None}
    assert after_chunked == after_whole
    assert (whole.created, whole.updated, whole.rejected) == (1, 2, 0)
    assert sorted(Enrolment.objects.values_list("nik", "kpj", "reported_status")) == sorted(
        [(new_nik, "11111111111", "NONAKTIF"), (old_nik, "", "AKTIF")]  # row 4's blank KPJ takes none away
    )


def test_a_database_error_while_writing_a_chunk_fails_the_import_and_changes_nothing(people, monkeypatch):
    rows = [people.row(f"Orang {n}", office, serial=n) for n, office in enumerate(
        ["Kepala Desa", "Sekretaris Desa", "Kaur Keuangan", "Kasi Pelayanan", "Kaur Perencanaan"], start=1
    )]  # fmt: skip
    monkeypatch.setattr(engine, "CHUNK_ROWS", 2)
    real_insert = engine.insert
    calls = {"positions": 0}

    def damaging_insert(model, objs):
        if model is Position and objs:
            calls["positions"] += 1
            if calls["positions"] == 2:
                objs[0].__dict__["office"] = None  # the column is NOT NULL: the database refuses the row
        return real_insert(model, objs)

    monkeypatch.setattr("lindungdesa.imports.engine.insert", damaging_insert)
    with pytest.raises(IntegrityError):
        roster_import_file(data=to_csv(ROSTER_HEADER, rows), file_name="r.csv")
    assert db_state() == ([], [], [])
    batch = ImportBatch.objects.get()
    assert batch.state == ImportBatch.State.FAILED and not batch.changes.exists()


def test_a_deleted_batch_leaves_the_enrolments_it_wrote_pointing_at_nothing(desa):
    """The reference to the batch has no constraint in the database: Django keeps it (SET_NULL)."""
    nik = make_nik(desa.district_code, date(1970, 1, 1), "L", 1)
    rows = [participant(nik, "Satu", kpj="11111111111")]
    summary = bpjs_import_file(data=to_csv(BPJS_HEADER, rows), file_name="okt.csv", as_of=OCT)
    assert Enrolment.objects.get().batch_id == summary.batch
    ImportBatch.objects.filter(pk=summary.batch).delete()
    enrolment = Enrolment.objects.get()
    assert (enrolment.batch_id, enrolment.kpj) == (None, "11111111111")
