from datetime import date

import pytest

from lindungdesa.enrolment.models import Enrolment
from lindungdesa.imports.services import bpjs_import_file
from lindungdesa.indicators.selectors import region_indicators
from lindungdesa.lib import values as v
from lindungdesa.lib.months import Month
from lindungdesa.officials.models import Office
from tests.factories import make_nik, make_position
from tests.imports.conftest import BPJS_HEADER, to_csv

pytestmark = pytest.mark.django_db

OCT = Month(2026, 10)
NOV = Month(2026, 11)


@pytest.fixture
def kades(desa):
    return make_position(desa, Office.KEPALA_DESA, date(2020, 1, 1), name="Yohanes Ale")


def extract_row(person_nik: str, name: str, *, kpj="12345678901", paid="2026-10", **extra) -> dict:
    row = {
        "nik": person_nik,
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


def test_a_participant_is_matched_to_the_roster_by_nik(kades, desa):
    data = to_csv(BPJS_HEADER, [extract_row(kades.person.nik, "YOHANES ALE")])
    summary = bpjs_import_file(data=data, file_name="bpjs.csv", as_of=OCT)
    assert (summary.accepted, summary.created, summary.rejected) == (1, 1, 0)
    enrolment = Enrolment.objects.get()
    assert enrolment.person == kades.person
    assert (enrolment.paid_through, enrolment.as_of) == (date(2026, 10, 1), date(2026, 10, 1))
    assert enrolment.programme_list == ["JKK", "JKM"]
    assert region_indicators(desa, NOV).total.aparat_protected == 1


def test_an_unknown_nik_is_kept_unmatched(desa):
    stranger = make_nik(desa.district_code, date(1970, 1, 1), "L", 77)
    summary = bpjs_import_file(
        data=to_csv(BPJS_HEADER, [extract_row(stranger, "Orang Luar")]), file_name="b.csv", as_of=OCT
    )
    assert summary.accepted == 1
    assert Enrolment.objects.get().person is None


def test_month_formats_of_branch_extracts(kades, desa):
    others = [make_nik(desa.district_code, date(1970, 1, 1), "L", n) for n in (81, 82)]
    rows = [
        extract_row(kades.person.nik, "Yohanes Ale", paid="10-2026"),
        extract_row(others[0], "Satu", kpj="22222222222", paid="Okt 2026"),
        extract_row(others[1], "Dua", kpj="33333333333", paid="2026-09"),
    ]
    bpjs_import_file(data=to_csv(BPJS_HEADER, rows), file_name="b.csv", as_of=OCT)
    assert sorted(Enrolment.objects.values_list("paid_through", flat=True)) == [
        date(2026, 9, 1),
        date(2026, 10, 1),
        date(2026, 10, 1),
    ]


def test_a_newer_extract_updates_and_an_older_one_never_overwrites(kades):
    nik = kades.person.nik
    bpjs_import_file(
        data=to_csv(BPJS_HEADER, [extract_row(nik, "Yohanes", paid="2026-09")]),
        file_name="sep.csv",
        as_of=Month(2026, 9),
    )
    newer = bpjs_import_file(
        data=to_csv(BPJS_HEADER, [extract_row(nik, "Yohanes", paid="2026-10")]),
        file_name="okt.csv",
        as_of=OCT,
    )
    assert newer.updated == 1
    older = bpjs_import_file(
        data=to_csv(BPJS_HEADER, [extract_row(nik, "Yohanes", paid="2026-08", status="NONAKTIF")]),
        file_name="agu.csv",
        as_of=Month(2026, 8),
    )
    assert (older.accepted, older.unchanged, older.updated) == (1, 1, 0)
    enrolment = Enrolment.objects.get()
    assert (enrolment.paid_through, enrolment.reported_status) == (date(2026, 10, 1), "AKTIF")


def test_bad_rows_are_rejected_with_row_and_field(kades, desa):
    rows = [
        extract_row(kades.person.nik, "Yohanes Ale"),
        extract_row("610301170580001", "NIK Pendek", kpj="44444444444"),
        extract_row(
            make_nik(desa.district_code, date(1970, 1, 1), "L", 91), "Bulan Salah", kpj="5", paid="Okt-ober"
        ),
        extract_row(
            make_nik(desa.district_code, date(1970, 1, 1), "L", 92),
            "Program",
            kpj="66666666666",
            program="JKP",
        ),
        extract_row(
            make_nik(desa.district_code, date(1970, 1, 1), "L", 93),
            "Masa Depan",
            kpj="77777777777",
            paid="2026-12",
        ),
    ]
    summary = bpjs_import_file(data=to_csv(BPJS_HEADER, rows), file_name="b.csv", as_of=OCT)
    assert (summary.accepted, summary.rejected) == (1, 4)
    fields = {(e.row, e.field) for e in summary.errors}
    assert {(3, "nik"), (4, "bulan_iuran_terakhir"), (5, "program"), (6, "bulan_iuran_terakhir")} <= fields


def test_a_kpj_of_unusual_length_is_a_warning_not_a_rejection(kades):
    summary = bpjs_import_file(
        data=to_csv(BPJS_HEADER, [extract_row(kades.person.nik, "Yohanes", kpj="123456789")]),
        file_name="b.csv",
        as_of=OCT,
    )
    assert (summary.accepted, summary.rejected) == (1, 0)
    assert summary.warnings and summary.warnings[0].field == "kpj"


def test_a_us_date_is_read_month_first_with_a_warning_and_an_ambiguous_one_stays_day_first(kades, desa):
    other = make_nik(desa.district_code, date(1970, 1, 1), "L", 83)
    rows = [
        extract_row(kades.person.nik, "Yohanes", tanggal_kepesertaan="12/31/1980"),
        extract_row(other, "Dua", kpj="33333333333", tanggal_kepesertaan="1/2/1981"),
    ]
    summary = bpjs_import_file(data=to_csv(BPJS_HEADER, rows), file_name="b.csv", as_of=OCT)
    assert (summary.accepted, summary.rejected) == (2, 0)
    assert sorted(Enrolment.objects.values_list("start_date", flat=True)) == [
        date(1980, 12, 31),
        date(1981, 2, 1),
    ]
    [warning] = summary.warnings
    assert (warning.row, warning.field) == (2, "tanggal_kepesertaan")
    assert "'12/31/1980' dibaca sebagai bulan/tanggal/tahun (31 Desember 1980)" in warning.message


def test_the_same_participant_twice_in_one_extract_is_rejected_the_second_time(kades):
    row = extract_row(kades.person.nik, "Yohanes")
    summary = bpjs_import_file(data=to_csv(BPJS_HEADER, [row, row]), file_name="b.csv", as_of=OCT)
    assert (summary.accepted, summary.rejected) == (1, 1)


def test_a_kpj_too_long_for_any_is_left_out_and_the_row_kept(kades, desa):
    # The KPJ is optional in an extract: a number longer than the record holds (20 digits) is no KPJ, and
    # the participant is known by NIK and membership date, as with a blank KPJ (docs/imports.md).
    assert v.KPJ_MAX_DIGITS == Enrolment._meta.get_field("kpj").max_length
    other = make_nik(desa.district_code, date(1970, 1, 1), "L", 84)
    rows = [
        extract_row(kades.person.nik, "YOHANES ALE", kpj="1" * 25),
        extract_row(other, "Dua", kpj="2" * 21),
        extract_row(other, "Dua", kpj=""),  # the same participant as the row above
        extract_row(other, "Dua", kpj="KPJ-2", tanggal_kepesertaan="01/03/2021"),  # not digits: refused
    ]
    summary = bpjs_import_file(data=to_csv(BPJS_HEADER, rows), file_name="b.csv", as_of=OCT)
    assert (summary.accepted, summary.rejected, summary.created) == (2, 2, 2)
    assert [(e.row, e.field) for e in summary.warnings] == [(2, "kpj"), (3, "kpj")]
    assert "25 digit" in summary.warnings[0].message and "tidak disimpan" in summary.warnings[0].message
    assert [(e.row, e.field) for e in summary.errors] == [(4, "baris"), (5, "kpj")]
    assert sorted(Enrolment.objects.values_list("nik", "kpj")) == sorted(
        [(kades.person.nik, ""), (other, "")]
    )
    assert Enrolment.objects.get(nik=kades.person.nik).person == kades.person


def test_a_newer_extract_without_the_kpj_keeps_the_kpj_known(kades):
    """A blank KPJ, or one left out as unreadable, is not known in that file: it never takes away the KPJ an
    earlier extract gave (nothing lost to a worse file)."""
    nik = kades.person.nik
    bpjs_import_file(data=to_csv(BPJS_HEADER, [extract_row(nik, "Yohanes")]), file_name="okt.csv", as_of=OCT)
    for kpj in ("", "9" * 25):
        newer = bpjs_import_file(
            data=to_csv(BPJS_HEADER, [extract_row(nik, "Yohanes", kpj=kpj, paid="2026-11")]),
            file_name="nov.csv",
            as_of=NOV,
        )
        assert newer.accepted == 1
    enrolment = Enrolment.objects.get()
    assert (enrolment.kpj, enrolment.paid_through) == ("12345678901", date(2026, 11, 1))


def with_signature_block(rows: list[list]) -> list[list]:
    """Rows as an operator types a signature under the table in Excel: a blank row, the place and day on
    the right, "Mengetahui," on the left, offices, room for the signatures, names, NIP."""
    return rows + [
        [],
        [None, None, None, None, None, None, None, "Sukamaju, 5 Desember 2026"],
        [None, "Mengetahui,", None, None, None, None, None, "Dibuat oleh,"],
        [None, "Kepala Desa Sukamaju", None, None, None, None, None, "Operator Desa"],
        [None, "ttd", None, None, None, None, None, "ttd"],
        [None, "YOHANES ALE", None, None, None, None, None, "SITI AMINAH"],
        [None, "NIP. 19750101 200501 1 001"],
    ]


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_signature_block_under_the_table_is_neither_imported_nor_rejected(kades, desa, kind):
    import csv
    import io

    from openpyxl import Workbook

    other = make_nik(desa.district_code, date(1970, 1, 1), "L", 84)
    data_rows = [
        [row[name] for name in BPJS_HEADER]
        for row in (extract_row(kades.person.nik, "Yohanes"), extract_row(other, "Dua", kpj="33333333333"))
    ]
    rows = with_signature_block([BPJS_HEADER, *data_rows])
    out = io.BytesIO() if kind == "xlsx" else io.StringIO()
    if kind == "xlsx":
        book = Workbook()
        for row in rows:
            book.active.append(row)
        book.active.merge_cells("B9:D9")  # "Mengetahui," centred over three columns
        book.save(out)
        data = out.getvalue()
    else:
        csv.writer(out).writerows(rows)
        data = out.getvalue().encode()
    summary = bpjs_import_file(data=data, file_name=f"b.{kind}", as_of=OCT)
    assert (summary.accepted, summary.rejected, summary.errors) == (2, 0, [])
    assert Enrolment.objects.count() == 2
