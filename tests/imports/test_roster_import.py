import re
from datetime import date
from decimal import Decimal

import pytest

from lindungdesa.accounts.models import User
from lindungdesa.imports.models import BatchChange, ImportBatch, RejectedRow
from lindungdesa.imports.services import UndoRefused, batch_undo, change_count, roster_import_file
from lindungdesa.imports.summary import ImportFailed
from lindungdesa.officials.models import Office, Person, Position
from lindungdesa.officials.services import position_end
from tests.imports.conftest import ROSTER_HEADER, to_csv

pytestmark = pytest.mark.django_db


def db_state() -> tuple:
    return (
        list(Person.objects.order_by("id").values_list("id", "nik", "name", "phone")),
        list(
            Position.objects.order_by("id").values_list("id", "person_id", "office", "term_start", "term_end")
        ),
    )


@pytest.fixture
def good_rows(people):
    return [
        people.row("Yohanes Ale", "Kepala Desa", serial=1, akhir_menjabat="02/01/2030"),
        people.row("Maria Ulfa", "Sekretaris Desa", sex="P", born=date(1988, 2, 9), serial=2),
        people.row("Antonius", "Kadus Sungai Ayak", serial=3),
        people.row(
            "Siti Rahma", "Ketua BPD", sex="P", born=date(1975, 11, 30), serial=4, akhir_menjabat="02/01/2030"
        ),
    ]


def test_it_creates_people_and_positions(good_rows, desa):
    summary = roster_import_file(data=to_csv(ROSTER_HEADER, good_rows), file_name="roster.csv")
    assert (summary.total_rows, summary.accepted, summary.rejected) == (4, 4, 0)
    assert (summary.created, summary.updated, summary.unchanged) == (4, 0, 0)
    assert summary.batch is not None
    kadus = Position.objects.get(office=Office.KEPALA_DUSUN)
    assert kadus.unit_name == "Sungai Ayak" and kadus.desa == desa
    kades = Position.objects.get(office=Office.KEPALA_DESA)
    assert kades.monthly_income == Decimal("2426640")
    assert kades.term_start == date(2022, 1, 3) and kades.term_end == date(2030, 1, 2)
    batch = ImportBatch.objects.get(pk=summary.batch)
    assert (batch.state, batch.created, batch.file_name) == ("done", 4, "roster.csv")
    assert change_count(batch.changes.filter(action=BatchChange.Action.CREATE)) == 8  # 4 people, 4 positions
    # Made with consecutive keys, the people are one run and the positions another.
    assert batch.changes.count() == 2


def test_importing_the_same_file_twice_changes_nothing(good_rows):
    data = to_csv(ROSTER_HEADER, good_rows)
    roster_import_file(data=data, file_name="roster.csv")
    before = db_state()
    summary = roster_import_file(data=data, file_name="roster.csv")
    assert (summary.accepted, summary.created, summary.updated, summary.unchanged) == (4, 0, 0, 4)
    assert db_state() == before


def test_a_dry_run_reports_the_same_counts_and_writes_nothing(good_rows, people):
    rows = [*good_rows, people.row("Salah", "Camat", serial=9)]
    data = to_csv(ROSTER_HEADER, rows)
    batches = ImportBatch.objects.count()
    dry = roster_import_file(data=data, file_name="roster.csv", dry_run=True)
    assert dry.batch is None
    assert db_state() == ([], [])
    assert ImportBatch.objects.count() == batches
    real = roster_import_file(data=data, file_name="roster.csv")
    assert dry.as_dict() | {"batch": None} == real.as_dict() | {"batch": None}


def test_rejected_rows_name_the_row_and_the_field_and_the_rest_is_kept(good_rows, people):
    rows = [
        good_rows[0],
        people.row("Tanggal Salah", "Kaur Keuangan", serial=5, mulai_menjabat="31/02/2022"),
        people.row("NIK Rusak", "Kasi Pelayanan", serial=6, nik="6.10301E+15"),
        people.row("Jabatan Asing", "Camat", serial=7),
        people.row("Desa Asing", "Kasi Pemerintahan", serial=8, kode_desa="61.99.99.2999"),
    ]
    summary = roster_import_file(data=to_csv(ROSTER_HEADER, rows), file_name="roster.csv")
    assert (summary.total_rows, summary.accepted, summary.rejected) == (5, 1, 4)
    by_row = {(e.row, e.field) for e in summary.errors}
    # The header is row 1, so the first data row is row 2.
    assert {(3, "mulai_menjabat"), (4, "nik"), (5, "jabatan"), (6, "kode_desa")} <= by_row
    assert all(e.message for e in summary.errors)
    assert Person.objects.count() == 1
    kept = RejectedRow.objects.filter(batch_id=summary.batch)
    assert sorted(set(kept.values_list("row_number", flat=True))) == [3, 4, 5, 6]
    assert kept.get(row_number=4).data["nama"] == "NIK Rusak"


def test_a_failure_in_the_middle_leaves_the_database_unchanged(good_rows, monkeypatch):
    from lindungdesa.imports import engine

    calls = {"n": 0}
    real_take = engine._take

    def failing_take(*args, **kwargs):  # the third row's decision fails, after two were decided
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full")
        return real_take(*args, **kwargs)

    monkeypatch.setattr(engine, "_take", failing_take)
    with pytest.raises(RuntimeError):
        roster_import_file(data=to_csv(ROSTER_HEADER, good_rows), file_name="roster.csv")
    assert db_state() == ([], [])
    assert ImportBatch.objects.get().state == ImportBatch.State.FAILED


def test_duplicate_rows_inside_the_file_are_rejected(good_rows):
    summary = roster_import_file(data=to_csv(ROSTER_HEADER, [good_rows[0], good_rows[0]]), file_name="r.csv")
    assert (summary.accepted, summary.rejected) == (1, 1)
    assert summary.errors[0].row == 3 and "baris 2" in summary.errors[0].message


def test_a_nik_already_held_under_another_name_is_a_conflict(good_rows):
    roster_import_file(data=to_csv(ROSTER_HEADER, good_rows[:1]), file_name="a.csv")
    changed = dict(good_rows[0], nama="Orang Lain Sama Sekali")
    summary = roster_import_file(data=to_csv(ROSTER_HEADER, [changed]), file_name="b.csv")
    assert summary.rejected == 1
    # The message quotes what the file says, never the name on record: the NIK may be mistyped.
    assert summary.errors[0].field == "nama" and "Orang Lain Sama Sekali" in summary.errors[0].message
    assert "Yohanes Ale" not in summary.errors[0].message


def test_a_titled_name_is_the_same_person(good_rows):
    roster_import_file(data=to_csv(ROSTER_HEADER, good_rows[:1]), file_name="a.csv")
    titled = dict(good_rows[0], nama="YOHANES ALE, S.Pd.")
    summary = roster_import_file(data=to_csv(ROSTER_HEADER, [titled]), file_name="b.csv")
    assert (summary.accepted, summary.unchanged) == (1, 1)


def test_a_new_kepala_desa_ends_the_term_of_the_previous_one(good_rows, people):
    roster_import_file(data=to_csv(ROSTER_HEADER, good_rows[:1]), file_name="a.csv")
    successor = people.row("Kades Baru", "Kepala Desa", serial=11, mulai_menjabat="01/06/2026", tanggal_sk="")
    summary = roster_import_file(data=to_csv(ROSTER_HEADER, [successor]), file_name="b.csv")
    assert (summary.accepted, summary.created) == (1, 1)
    old, new = Position.objects.filter(office=Office.KEPALA_DESA).order_by("term_start")
    assert old.term_end == date(2026, 5, 31) and old.end_reason == Position.EndReason.REPLACED
    assert new.person.name == "Kades Baru" and new.term_end is None


def test_a_new_holder_leaves_a_term_ended_with_a_reason_as_it_was(good_rows, people):
    """A kepala desa who resigned from 31-12-2026 is not "Diganti" earlier by a roster: a successor from
    before that day is refused with the first day the seat is free (as the add page refuses it), one
    from that day on is taken and the resignation stays as it was recorded."""
    roster_import_file(data=to_csv(ROSTER_HEADER, good_rows[:1]), file_name="a.csv")
    held = Position.objects.get(office=Office.KEPALA_DESA)
    position_end(region=None, position=held, last_day=date(2026, 12, 31), reason=Position.EndReason.RESIGNED)
    early = people.row("Kades Baru", "Kepala Desa", serial=11, mulai_menjabat="01/12/2026", tanggal_sk="")
    summary = roster_import_file(data=to_csv(ROSTER_HEADER, [early]), file_name="b.csv")
    assert (summary.accepted, summary.rejected) == (0, 1)
    assert summary.errors[0].field == "jabatan"
    assert "mengundurkan diri" in summary.errors[0].message
    assert "Pejabat baru dapat mulai paling cepat 01-01-2027" in summary.errors[0].message
    held.refresh_from_db()
    assert (held.term_end, held.end_reason) == (date(2026, 12, 31), Position.EndReason.RESIGNED)
    on_time = dict(early, mulai_menjabat="01/01/2027")
    summary = roster_import_file(data=to_csv(ROSTER_HEADER, [on_time]), file_name="c.csv")
    assert (summary.accepted, summary.created, summary.warnings) == (1, 1, [])
    held.refresh_from_db()
    assert (held.term_end, held.end_reason) == (date(2026, 12, 31), Position.EndReason.RESIGNED)


def test_a_changed_income_updates_the_position(good_rows):
    roster_import_file(data=to_csv(ROSTER_HEADER, good_rows[:1]), file_name="a.csv")
    raised = dict(good_rows[0], penghasilan_bulanan="3.000.000,00")
    summary = roster_import_file(data=to_csv(ROSTER_HEADER, [raised]), file_name="b.csv")
    assert (summary.updated, summary.unchanged) == (1, 0)
    assert Position.objects.get().monthly_income == Decimal("3000000")


def test_a_regency_operator_cannot_import_into_another_regency(good_rows, other_regency_desa, people):
    operator = User.objects.create(username="sanggau", role=User.Role.REGENCY_OPERATOR, region_id="61.03")
    outside = dict(good_rows[1], kode_desa=other_regency_desa.code, nama_desa="")
    summary = roster_import_file(
        data=to_csv(ROSTER_HEADER, [good_rows[0], outside]), file_name="r.csv", user=operator
    )
    assert (summary.accepted, summary.rejected) == (1, 1)
    assert summary.errors[0].field == "kode_desa" and "di luar wilayah" in summary.errors[0].message
    assert ImportBatch.objects.get(pk=summary.batch).uploaded_by == operator


def test_the_desa_name_is_checked_against_the_code(good_rows):
    wrong = dict(good_rows[0], nama_desa="Desa Entah Dimana")
    summary = roster_import_file(data=to_csv(ROSTER_HEADER, [wrong]), file_name="r.csv")
    assert summary.errors[0].field == "nama_desa"


def test_a_file_without_required_columns_fails_whole_and_changes_nothing():
    with pytest.raises(ImportFailed, match="Kolom wajib"):
        roster_import_file(data=b"nama,alamat\nBudi,Jalan Mawar\n", file_name="r.csv")
    assert ImportBatch.objects.get().state == ImportBatch.State.FAILED
    assert db_state() == ([], [])


def test_an_unreadable_file_fails_whole():
    with pytest.raises(ImportFailed):
        roster_import_file(data=b"\x00\x01\x02PK\x03\x04garbage", file_name="r.xlsx")


def test_the_last_batch_can_be_undone(good_rows, people):
    first = roster_import_file(data=to_csv(ROSTER_HEADER, good_rows[:2]), file_name="a.csv")
    state_after_first = db_state()
    successor = people.row("Kades Baru", "Kepala Desa", serial=11, mulai_menjabat="01/06/2026")
    raised = dict(good_rows[1], penghasilan_bulanan="3000000")
    second = roster_import_file(data=to_csv(ROSTER_HEADER, [successor, raised]), file_name="b.csv")
    assert (second.created, second.updated) == (1, 1)

    with pytest.raises(UndoRefused, match="terakhir"):
        batch_undo(batch=ImportBatch.objects.get(pk=first.batch))
    batch_undo(batch=ImportBatch.objects.get(pk=second.batch))
    assert db_state() == state_after_first
    assert Position.objects.get(office=Office.KEPALA_DESA).term_end == date(2030, 1, 2)
    assert Position.objects.get(office=Office.SEKRETARIS_DESA).monthly_income == Decimal("2426640")
    assert ImportBatch.objects.get(pk=second.batch).state == ImportBatch.State.UNDONE
    batch_undo(batch=ImportBatch.objects.get(pk=first.batch))
    assert db_state() == ([], [])


def test_undo_is_refused_when_a_row_was_changed_by_hand_since(good_rows):
    summary = roster_import_file(data=to_csv(ROSTER_HEADER, good_rows[:1]), file_name="a.csv")
    position = Position.objects.get()
    position.sk_number = "diubah manual"
    position.save()
    with pytest.raises(UndoRefused, match="sudah diubah"):
        batch_undo(batch=ImportBatch.objects.get(pk=summary.batch))
    assert Position.objects.get().sk_number == "diubah manual"


def test_the_refusal_names_the_row_and_office_changed_since_with_the_nik_masked(good_rows, desa):
    from lindungdesa.imports.services import undo_refusal
    from lindungdesa.lib.pii import mask

    summary = roster_import_file(data=to_csv(ROSTER_HEADER, good_rows), file_name="a.csv")
    batch = ImportBatch.objects.get(pk=summary.batch)
    assert undo_refusal(batch) is None
    position = Position.objects.get(office=Office.SEKRETARIS_DESA)  # row 3 of the file
    position.sk_number = "diubah manual"
    position.save()
    named = (
        f"Baris 3 (Sekretaris Desa {desa.name}, NIK {mask('nik', good_rows[1]['nik'])}) dari impor ini "
        "sudah diubah sesudahnya"
    )
    assert undo_refusal(batch).startswith(named)
    with pytest.raises(UndoRefused) as refused:
        batch_undo(batch=batch)
    assert str(refused.value).startswith(named) and good_rows[1]["nik"] not in str(refused.value)


def test_the_refusal_names_the_row_of_a_person_whose_details_were_changed_since(good_rows, desa):
    from lindungdesa.lib.pii import mask

    summary = roster_import_file(data=to_csv(ROSTER_HEADER, good_rows), file_name="a.csv")
    kadus = Person.objects.get(name="Antonius")  # row 4
    kadus.phone = "081299998888"
    kadus.save()
    with pytest.raises(
        UndoRefused,
        match=re.escape(
            f"Baris 4 (Kepala Dusun Sungai Ayak, NIK {mask('nik', good_rows[2]['nik'])}) dari impor ini"
        ),
    ):
        batch_undo(batch=ImportBatch.objects.get(pk=summary.batch))


def test_undo_is_refused_when_a_row_inside_a_run_of_created_ones_was_changed_since(good_rows):
    summary = roster_import_file(data=to_csv(ROSTER_HEADER, good_rows), file_name="a.csv")
    batch = ImportBatch.objects.get(pk=summary.batch)
    runs = batch.changes.get(model="officials.Position")
    middle = Position.objects.filter(pk__gt=runs.object_id, pk__lt=runs.last_object_id).first()
    assert middle is not None  # the positions were recorded as one run, and this one is inside it
    middle.sk_number = "diubah manual"
    middle.save()
    with pytest.raises(UndoRefused, match="sudah diubah"):
        batch_undo(batch=batch)
    assert Position.objects.count() == len(good_rows)


def test_opensid_pamong_export_is_read_for_the_chosen_desa(desa, people):
    from tests.factories import make_nik

    nik = make_nik(desa.district_code, date(1979, 8, 17), "L", 41)
    html = f"""<html><body><table border=1>
    <tr><th>No</th><th>Nama</th><th>NIK</th><th>Tempat/Tanggal Lahir</th><th>Jenis Kelamin</th>
    <th>Jabatan</th><th>Nomor SK</th><th>Tanggal SK</th><th>Masa Jabatan</th><th>Status</th></tr>
    <tr><td>1</td><td>H. Abdul Rahman</td><td>{nik}</td><td>Sanggau, 17-08-1979</td><td>Laki-laki</td>
    <td>Kepala Desa</td><td>141/05/2019</td><td>12-03-2019</td><td>2019 s/d 2027</td><td>Aktif</td></tr>
    </table></body></html>""".encode()
    summary = roster_import_file(data=html, file_name="pamong.xls", default_desa=desa)
    assert (summary.accepted, summary.rejected, summary.created) == (1, 0, 1), summary.errors
    position = Position.objects.get()
    assert position.desa == desa and position.office == Office.KEPALA_DESA
    assert position.person.name == "H. Abdul Rahman" and position.term_start == date(2019, 3, 12)
    assert position.term_end == date(2027, 3, 11)  # "2019 s/d 2027": the legal 8-year term from the SK date
