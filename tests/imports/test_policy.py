"""The import policy of docs/imports.md ("What is refused and what is warned"): a row is refused only when it
cannot become a correct record; what is incomplete is kept with a warning naming row, field and what to
complete. Golden file: `roster_kadus_tanpa_dusun_nik.csv`, a roster as a village types it in Excel and saves
it as CSV (Windows-1252, semicolons, title rows, "Tempat, dd-mm-yyyy", kepala dusun rows written every way
a village writes them, three officials without a NIK and one with neither NIK nor birth date)."""

from datetime import date
from pathlib import Path

import pytest

from lindungdesa.enrolment.models import Enrolment, MatchProposal
from lindungdesa.enrolment.reconcile import match_confirm
from lindungdesa.imports.models import ImportBatch
from lindungdesa.imports.services import bpjs_import_file, roster_import_file
from lindungdesa.lib.months import Month
from lindungdesa.officials.models import Office, Person, Position
from lindungdesa.officials.services import person_register, position_start
from lindungdesa.regions.models import Region
from tests.imports.conftest import BPJS_HEADER, ROSTER_HEADER, to_csv

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"
GOLDEN = "roster_kadus_tanpa_dusun_nik.csv"
PENYELADI = "61.03.01.2007"


def import_golden(**kwargs):
    data = (FIXTURES / GOLDEN).read_bytes()
    desa = Region.objects.get(code=PENYELADI)
    return roster_import_file(data=data, file_name=GOLDEN, default_desa=desa, **kwargs)


def test_the_golden_roster_loses_only_the_row_without_any_identity():
    summary = import_golden()
    # Before this policy: 6 of 12 accepted (2 plain kepala dusun and 4 rows without NIK refused).
    assert (summary.total_rows, summary.accepted, summary.rejected) == (12, 11, 1)
    assert [(e.row, e.field) for e in summary.errors] == [(16, "nik")]
    assert "nama dan tanggal lahir" in summary.errors[0].message
    warned = sorted((w.row, w.field) for w in summary.warnings)
    assert warned == [
        (7, "nik"),  # Kaur Keuangan without NIK
        (8, "nama_dusun"),  # "Kepala Dusun"
        (9, "nama_dusun"),  # "Kadus"
        (11, "nik"),  # "Kadus III" without NIK: its dusun is III
        (15, "nama_dusun"),  # "Kadus" without NIK
        (15, "nik"),
        (15, "no_hp"),  # an unreadable phone is left out, the row kept
    ]
    assert all(w.row and w.field and w.message for w in summary.warnings)
    dusun = dict(Position.objects.filter(office=Office.KEPALA_DUSUN).values_list("person__name", "unit_name"))
    assert dusun == {
        "Paulus Ajon": "",
        "Stefanus Alek": "",
        "Benediktus Lumbu": "II",
        "Yakobus Ningkan": "III",
        "Fransiska Inai": "Sungai Ringin",
        "Markus Dedi": "Tanjung",
        "Kristina Nyai": "Pasir Putih",
        "Mikael Juan": "",
    }
    # Three unnamed kepala dusun of one desa are three people, all serving.
    day = date(2026, 11, 30)
    assert (
        Position.objects.filter(desa_id=PENYELADI, term_start__lte=day, term_end__isnull=True).count() == 11
    )
    assert sorted(Person.objects.filter(nik__isnull=True).values_list("name", flat=True)) == [
        "Agustinus Jemadu",
        "Mikael Juan",
        "Yakobus Ningkan",
    ]
    batch = ImportBatch.objects.get(pk=summary.batch)
    assert len(batch.warnings) == 7 and all({"row", "field", "message"} <= w.keys() for w in batch.warnings)


def test_the_same_file_again_changes_nothing():
    import_golden()
    again = import_golden()
    assert (again.accepted, again.created, again.updated, again.unchanged) == (11, 0, 0, 11)
    assert Person.objects.count() == 11


def test_a_dry_run_decides_as_the_import():
    preview = import_golden(dry_run=True)
    assert not Person.objects.exists()
    summary = import_golden()
    assert (preview.accepted, preview.rejected, len(preview.warnings)) == (11, 1, 7)
    assert (summary.accepted, summary.rejected, len(summary.warnings)) == (11, 1, 7)


def _row(**cells) -> dict:
    row = dict.fromkeys(ROSTER_HEADER, "")
    row.update(kode_desa=PENYELADI, tanggal_sk="02/08/2021", penghasilan_bulanan="2022200")
    row.update(cells)
    return row


def test_a_later_row_with_the_nik_completes_the_same_person():
    import_golden()
    agustinus = Person.objects.get(name="Agustinus Jemadu")
    nik = "6103012109830008"
    row = _row(nik=nik, nama="Agustinus Jemadu", tanggal_lahir="21/09/1983", jabatan="Kaur Keuangan")
    summary = roster_import_file(data=to_csv(ROSTER_HEADER, [row]), file_name="r.csv")
    assert (summary.accepted, summary.created, summary.updated) == (1, 0, 1)
    agustinus.refresh_from_db()
    assert (agustinus.nik, agustinus.sex) == (nik, "L")
    assert Person.objects.filter(name="Agustinus Jemadu").count() == 1
    # The undo gives back the person without a NIK.
    from lindungdesa.imports.services import batch_undo

    batch_undo(batch=ImportBatch.objects.get(pk=summary.batch))
    agustinus.refresh_from_db()
    assert agustinus.nik is None


def test_a_nik_that_contradicts_the_person_held_is_refused():
    import_golden()
    # Agustinus was born 21-09-1983: a NIK saying 22-09-1983 is not his.
    row = _row(nik="6103012209830008", nama="Agustinus Jemadu", tanggal_lahir="", jabatan="Kaur Keuangan")
    summary = roster_import_file(data=to_csv(ROSTER_HEADER, [row]), file_name="r.csv")
    # Without a birth date the row names a new person by the NIK; the seat is taken by Agustinus.
    assert summary.rejected == 1
    assert Person.objects.get(name="Agustinus Jemadu").nik is None


def test_two_unnamed_kepala_dusun_in_one_file_and_a_named_dusun_stays_one_seat():
    rows = [
        _row(nama="Kadus Satu", tanggal_lahir="01/01/1980", jenis_kelamin="L", jabatan="Kepala Dusun"),
        _row(nama="Kadus Dua", tanggal_lahir="02/01/1980", jenis_kelamin="L", jabatan="Kadus"),
        _row(nama="Kadus Tiga", tanggal_lahir="03/01/1980", jabatan="Kadus", nama_dusun="Tanjung"),
        _row(nama="Kadus Empat", tanggal_lahir="04/01/1980", jabatan="Kepala Dusun Tanjung"),
    ]
    summary = roster_import_file(data=to_csv(ROSTER_HEADER, rows), file_name="r.csv")
    assert (summary.accepted, summary.rejected) == (3, 1)
    assert summary.accepted + summary.rejected == summary.total_rows
    assert [(e.row, e.field) for e in summary.errors] == [(5, "jabatan")]
    assert "masih dijabat Kadus Tiga" in summary.errors[0].message


def test_reconciliation_proposes_the_participant_and_confirming_gives_the_nik():
    import_golden()
    nik = "6103012109830008"
    extract = {
        "nik": nik,
        "nama": "AGUSTINUS JEMADU",
        "kpj": "12345678901",
        "tanggal_lahir": "21/09/1983",
        "program": "JKK,JKM",
        "kategori": "PU",
        "upah": "2022200",
        "tanggal_kepesertaan": "01/01/2025",
        "bulan_iuran_terakhir": "10/2026",
        "status": "AKTIF",
        "kode_desa": PENYELADI,
    }
    bpjs_import_file(data=to_csv(BPJS_HEADER, [extract]), file_name="b.csv", as_of=Month(2026, 11))
    agustinus = Person.objects.get(name="Agustinus Jemadu")
    proposal = MatchProposal.objects.get(person=agustinus)
    assert proposal.reason == "nama dan tanggal lahir sama"
    match_confirm(proposal=proposal, region=None)
    agustinus.refresh_from_db()
    assert agustinus.nik == nik
    assert Enrolment.objects.get(kpj="12345678901").person_id == agustinus.pk


@pytest.mark.parametrize("cell", ["-", "belum ada", " Tidak  ada "])
def test_a_nik_cell_saying_there_is_none_reads_as_no_nik(cell):
    row = _row(nik=cell, nama="Tanpa NIK", tanggal_lahir="01/01/1980", jenis_kelamin="L", jabatan="Kaur Umum")
    summary = roster_import_file(data=to_csv(ROSTER_HEADER, [row]), file_name="r.csv")
    assert (summary.accepted, [(w.row, w.field) for w in summary.warnings]) == (1, [(2, "nik")])
    assert Person.objects.get().nik is None


def test_a_damaged_nik_is_still_refused():
    row = _row(nik="6,10301E+15", nama="Rusak", tanggal_lahir="01/01/1980", jabatan="Kaur Umum")
    summary = roster_import_file(data=to_csv(ROSTER_HEADER, [row]), file_name="r.csv")
    assert summary.rejected == 1 and summary.errors[0].field == "nik"


# A hand-worked desa --------------------------------------------------------------------------------------


def test_a_hand_worked_desa_with_unnamed_kepala_dusun_and_an_official_without_nik():
    """Four aparat of one desa, imported: a kepala desa (enrolled, JKK + JKM), two kepala dusun whose dusun
    the roster does not name, and a kaur keuangan without a NIK. Worked by hand from docs/budget.md.

    Indicators, November 2026: 4 aparat serving (the two unnamed kepala dusun are two people, the kaur
    without NIK counts too), 1 protected (the kepala desa, paid through October): 1 / 4 = 25.00 %.

    Budget of next year, everyone serving: all four are aparat, budgeted PU with JKK group I (0.24 %) and
    JKM (0.30 %) = 0.54 % of the monthly income, 12 months each, a month rounded half up:
      kepala desa   2,426,640 × 0.54 % = 13,103.856 → 13,104 × 12 = 157,248
      kepala dusun  2,022,200 × 0.54 % = 10,919.880 → 10,920 × 12 = 131,040
      kepala dusun  2,022,200 × 0.54 % = 10,919.880 → 10,920 × 12 = 131,040
      kaur keuangan 2,022,200 × 0.54 % = 10,919.880 → 10,920 × 12 = 131,040
      total                                                          550,368
    Current participants only: the kepala desa, 157,248 (the gap: 393,120). Had the kaur without NIK
    been dropped, as a NIK-less row was before, the desa would budget 419,328.
    """
    from lindungdesa.budget.compute import ALL_SERVING, CURRENT, Scenario
    from lindungdesa.budget.selectors import region_budget
    from lindungdesa.indicators.selectors import region_indicators, serving_without_nik
    from tests.factories import enrol

    desa = Region.objects.get(code=PENYELADI)
    start = {"tanggal_sk": "03/01/2022", "mulai_menjabat": "03/01/2022"}
    rows = [
        _row(
            nik="6103011203750003",
            nama="Kades",
            jabatan="Kepala Desa",
            penghasilan_bulanan="2.426.640",
            **start,
        ),
        _row(nik="6103010102700004", nama="Kadus Satu", jabatan="Kepala Dusun", **start),
        _row(nik="6103013011780007", nama="Kadus Dua", jabatan="Kadus", **start),
        _row(nama="Kaur Tanpa NIK", tanggal_lahir="21/09/1983", jabatan="Kaur Keuangan", **start),
    ]
    summary = roster_import_file(data=to_csv(ROSTER_HEADER, rows), file_name="r.csv")
    assert (summary.accepted, summary.rejected) == (4, 0)
    assert sorted((w.row, w.field) for w in summary.warnings) == [
        (3, "nama_dusun"),
        (4, "nama_dusun"),
        (5, "nik"),
    ]
    kades = Person.objects.get(name="Kades")
    enrol(kades, date(2023, 1, 1), date(2026, 10, 1))  # JKK + JKM on Rp 2,426,640, paid through October

    figures = region_indicators(desa, Month(2026, 11)).as_dict()
    assert (figures["aparat_serving"], figures["aparat_protected"], figures["aparat_coverage_pct"]) == (
        4,
        1,
        25.0,
    )
    assert (figures["villages_registered"], figures["villages_fully_covered"]) == (1, 0)
    assert serving_without_nik(desa.code, Month(2026, 11)) == 1
    assert serving_without_nik("61", Month(2026, 11)) == 1

    year = 2027
    everyone = region_budget(desa, year, Scenario.parse(ALL_SERVING), reference=Month(2026, 11))
    assert (everyone.total.persons, everyone.total.total) == (4, 550_368)
    assert everyone.total.by_programme["JKK"] + everyone.total.by_programme["JKM"] == 550_368
    assert everyone.without_nik == 1
    by_name = {p.name: sum(line.monthly * 12 for line in p.lines) for p in everyone.budget.persons}
    assert by_name == {
        "Kades": 157_248,
        "Kadus Satu": 131_040,
        "Kadus Dua": 131_040,
        "Kaur Tanpa NIK": 131_040,
    }
    current = region_budget(desa, year, Scenario.parse(CURRENT), reference=Month(2026, 11))
    assert (current.total.persons, current.total.total) == (1, 157_248)


def test_a_mistyped_year_refuses_its_row_and_keeps_the_others():
    """A term starting in 2062 or a member born in 0001 cannot become a correct record: refused with its row
    and field, the other rows kept."""
    rows = [
        _row(
            nama="Tahun Salah",
            tanggal_lahir="01/01/1980",
            jenis_kelamin="L",
            jabatan="Kaur Umum",
            mulai_menjabat="01/02/2062",
        ),
        _row(
            nama="Lahir Salah",
            tanggal_lahir="01/01/0001",
            jenis_kelamin="P",
            jabatan="Kaur Perencanaan",
            mulai_menjabat="01/02/2021",
        ),
        _row(
            nama="Benar Saja",
            tanggal_lahir="01/01/1980",
            jenis_kelamin="L",
            jabatan="Kasi Pelayanan",
            mulai_menjabat="01/02/2021",
        ),
    ]
    summary = roster_import_file(data=to_csv(ROSTER_HEADER, rows), file_name="r.csv")
    assert (summary.accepted, summary.rejected) == (1, 2)
    refused = {e.row: (e.field, e.message) for e in summary.errors}
    assert refused[2][1] == "Mulai menjabat 01-02-2062 tidak mungkin: periksa tahunnya."
    assert refused[3][0] == "tanggal_lahir"
    assert list(Person.objects.values_list("name", flat=True)) == ["Benar Saja"]


def test_the_dusun_completed_as_the_warning_asks_updates_the_kepala_dusun():
    """ "Nama dusun belum diisi: lengkapi ... (kolom nama_dusun)": importing the same row again with the dusun
    completes the held position, it is not a second office of the same person."""
    row = _row(
        nama="Kadus Satu",
        tanggal_lahir="01/01/1980",
        jenis_kelamin="L",
        jabatan="Kepala Dusun",
        mulai_menjabat="01/02/2021",
    )
    first = roster_import_file(data=to_csv(ROSTER_HEADER, [row]), file_name="r.csv")
    assert sorted(w.field for w in first.warnings) == ["nama_dusun", "nik"]  # no NIK yet either
    again = roster_import_file(
        data=to_csv(ROSTER_HEADER, [{**row, "nama_dusun": "Tanjung"}]), file_name="r.csv"
    )
    assert (again.accepted, again.rejected, again.created, again.updated) == (1, 0, 0, 1), again.errors
    assert list(Position.objects.values_list("person__name", "unit_name")) == [("Kadus Satu", "Tanjung")]
    from lindungdesa.imports.services import batch_undo

    batch_undo(batch=ImportBatch.objects.get(pk=again.batch))
    assert list(Position.objects.values_list("unit_name", flat=True)) == [""]


def test_the_preview_says_whose_term_a_new_holder_ends():
    """A new holder of a one-person seat ends the term of the holder before: the row says so, in the dry run
    as in the import, so the operator sees it before saving."""
    first = _row(
        nama="Carub Pratama",
        tanggal_lahir="01/01/1980",
        jenis_kelamin="L",
        jabatan="Kaur Perencanaan",
        mulai_menjabat="01/02/2021",
    )
    roster_import_file(data=to_csv(ROSTER_HEADER, [first]), file_name="r.csv")
    new = _row(
        nama="Dara Puspita",
        tanggal_lahir="02/02/1990",
        jenis_kelamin="P",
        jabatan="Kaur Perencanaan",
        mulai_menjabat="01/03/2026",
    )
    data = to_csv(ROSTER_HEADER, [new])
    expected = [
        (
            2,
            "jabatan",
            "Menggantikan Carub Pratama (Kaur Perencanaan): masa jabatannya diakhiri 28-02-2026 (Diganti).",
        )
    ]
    preview = roster_import_file(data=data, file_name="r.csv", dry_run=True)
    assert [(w.row, w.field, w.message) for w in preview.warnings if w.field == "jabatan"] == expected
    summary = roster_import_file(data=data, file_name="r.csv")
    assert [(w.row, w.field, w.message) for w in summary.warnings if w.field == "jabatan"] == expected
    assert Position.objects.get(person__name="Carub Pratama").end_reason == Position.EndReason.REPLACED


def test_a_sex_given_for_a_person_held_without_one_is_taken_not_refused():
    """A person added by hand without a NIK and without a sex (both "boleh kosong" on the desa page), then
    listed by the desa's OpenSID book with "Laki-laki": the row was refused, "Jenis kelamin Laki-laki tidak
    sama dengan yang tercatat untuk NIK ini", though nothing was on record (audit helper)."""
    row = _row(nama="Rudi Hartono", tanggal_lahir="03/02/1990", jabatan="Kepala Dusun Pasir Lestari")
    first = roster_import_file(data=to_csv(ROSTER_HEADER, [row]), file_name="r.csv")
    assert (first.accepted, first.rejected) == (1, 0), first.errors
    assert Person.objects.get(name="Rudi Hartono").sex == ""

    again = roster_import_file(
        data=to_csv(ROSTER_HEADER, [{**row, "jenis_kelamin": "Laki-laki"}]), file_name="r.csv"
    )
    assert (again.accepted, again.rejected, again.updated) == (1, 0, 1), again.errors
    assert Person.objects.get(name="Rudi Hartono").sex == "L"
    from lindungdesa.imports.services import batch_undo

    batch_undo(batch=ImportBatch.objects.get(pk=again.batch))
    assert Person.objects.get(name="Rudi Hartono").sex == ""


def test_an_official_kept_by_hand_is_found_again_in_the_desas_opensid_book():
    """The desa keeps its roster on the page (the term starts at the inauguration, after the SK), then uploads
    OpenSID's Buku Aparat, which has no start of term: the start is read from the SK date. Each official
    already held was refused twice ("orang ini sudah Kepala Desa di Penyeladi", "masih dijabat Among
    Pradana": themselves). The same person in the same office under the same SK is the position held
    (audit helper, the village operator's OpenSID upload)."""
    desa = Region.objects.get(code=PENYELADI)
    person = person_register(
        region=None, nik="6103012503840001", name="Among Pradana", birth_date=date(1984, 3, 25)
    )
    held = position_start(
        region=None,
        person=person,
        desa=desa,
        office=Office.KEPALA_DESA,
        term_start=date(2020, 2, 22),
        term_end=date(2028, 2, 21),
        sk_number="188.45/366/HK/2020",
        sk_date=date(2020, 2, 8),
    )
    book = ["nama", "jenis_kelamin", "tempat_tanggal_lahir", "jabatan", "nomor_tanggal_sk", "masa_jabatan"]
    row = {
        "nama": "Among Pradana",
        "jenis_kelamin": "Laki-laki",
        "tempat_tanggal_lahir": "Sanggau, 25-03-1984",
        "jabatan": "Kepala Desa",
        "nomor_tanggal_sk": "188.45/366/HK/2020, 08-02-2020",
        "masa_jabatan": "2020 s/d 2028",
    }
    summary = roster_import_file(data=to_csv(book, [row]), file_name="wilayah.csv", default_desa=desa)
    assert (summary.accepted, summary.rejected, summary.created, summary.unchanged) == (1, 0, 0, 1), (
        summary.errors
    )
    # Among Pradana is held with his NIK: the book has none, but there is no NIK to complete.
    assert summary.warnings == []
    # Held as it was: the start of the inauguration, and the end not replaced by one read from "2028".
    assert list(Position.objects.values_list("pk", "term_start", "term_end")) == [
        (held.pk, date(2020, 2, 22), date(2028, 2, 21))
    ]

    # The book lists the SK pemberhentian of the same appointment: its date ends the term held.
    stopped = {**row, "nomor_tanggal_henti": "188.45/40/HK/2026, 30-11-2026"}
    book_stopped = [*book, "nomor_tanggal_henti"]
    ended = roster_import_file(
        data=to_csv(book_stopped, [stopped]), file_name="wilayah.csv", default_desa=desa
    )
    assert (ended.accepted, ended.updated, ended.created) == (1, 1, 0), ended.errors
    assert Position.objects.get().term_end == date(2026, 11, 30)
    Position.objects.filter(pk=held.pk).update(term_end=date(2028, 2, 21))

    # Another SK for the same office is another appointment: still refused while the first one runs.
    other = {**row, "nomor_tanggal_sk": "188.45/12/HK/2024, 08-02-2024", "masa_jabatan": "2024 s/d 2032"}
    refused = roster_import_file(data=to_csv(book, [other]), file_name="wilayah.csv", default_desa=desa)
    assert (refused.accepted, refused.rejected) == (0, 1)


def test_a_replacement_added_on_the_page_without_an_sk_takes_the_sk_of_the_desas_opensid_book():
    """Ganti on the phone gives the new kepala dusun no SK (boleh kosong); the book then lists them with the
    SK, dated the day before the term began. Nothing tells two appointments apart: it is the position held,
    which takes the SK, not a second office of the same person (audit helper)."""
    desa = Region.objects.get(code=PENYELADI)
    person = person_register(
        region=None, nik=None, name="Rudi Hartono", birth_date=date(1990, 2, 3), desa=PENYELADI
    )
    held = position_start(
        region=None,
        person=person,
        desa=desa,
        office=Office.KEPALA_DUSUN,
        unit_name="Pasir Lestari",
        term_start=date(2026, 12, 1),
    )
    book = ["nama", "tempat_tanggal_lahir", "jabatan", "nomor_tanggal_sk"]
    row = {
        "nama": "Rudi Hartono",
        "tempat_tanggal_lahir": "Sanggau, 03-02-1990",
        "jabatan": "Kepala Dusun Pasir Lestari",
        "nomor_tanggal_sk": "141/41/PEM/2026, 30-11-2026",
    }
    summary = roster_import_file(data=to_csv(book, [row]), file_name="wilayah.csv", default_desa=desa)
    assert (summary.accepted, summary.rejected, summary.updated) == (1, 0, 1), summary.errors
    assert list(Position.objects.values_list("pk", "term_start", "sk_number", "sk_date")) == [
        (held.pk, date(2026, 12, 1), "141/41/PEM/2026", date(2026, 11, 30))
    ]
