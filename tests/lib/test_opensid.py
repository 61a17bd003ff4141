"""OpenSID's downloads from file to clean values, with the lib alone (the importer adds the desa)."""

import datetime
from functools import partial
from pathlib import Path

from lindungdesa.lib import values as v
from lindungdesa.lib.headers import ROSTER_FIELDS, header_score, match_headers
from lindungdesa.lib.opensid import default_group, is_members_list
from lindungdesa.lib.tabular import Table, read_table
from lindungdesa.lib.values import OfficeValue

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"
D = datetime.date


def read(name: str) -> Table:
    return read_table(
        (FIXTURES / name).read_bytes(), name, header_hint=partial(header_score, fields=ROSTER_FIELDS)
    )


def fields_of(table: Table) -> list[dict]:
    mapping = match_headers(table.headers, ROSTER_FIELDS).mapping
    return [{name: cells[i] for i, name in mapping.items()} for _, cells in table.rows]


def test_the_officials_download_maps_onto_the_roster_fields():
    table = read("opensid_pamong.xls")
    match = match_headers(table.headers, ROSTER_FIELDS)
    assert set(match.mapping.values()) == {
        "nik",
        "nama",
        "tempat_tanggal_lahir",
        "jenis_kelamin",
        "jabatan",
        "nomor_sk",
        "tanggal_sk",
        "masa_jabatan",
        "status_aktif",
    }
    assert match.unknown == [] and match.missing == ["kode_desa"]  # the desa comes from the operator
    assert not is_members_list(table) and default_group(table) is None


def test_officials_rows_parse_into_clean_values():
    rows = fields_of(read("opensid_pamong.xls"))
    parsed = [
        (
            v.parse_nik_cell(row["nik"]),
            v.parse_place_and_date(row["tempat_tanggal_lahir"]),
            v.parse_sex(row["jenis_kelamin"]),
            v.parse_office(row["jabatan"], default_group(read("opensid_pamong.xls"))),
            v.parse_date(row["tanggal_sk"]),
            v.parse_term_text(row["masa_jabatan"]),
            v.parse_active(row["status_aktif"]),
        )
        for row in rows
    ]
    assert parsed == [
        (
            "6103011203750003",
            D(1975, 3, 12),
            "L",
            OfficeValue("kepala_desa", "", ""),
            D(2019, 3, 12),
            (D(2019, 1, 1), D(2027, 12, 31)),
            True,
        ),
        (
            "6103014507890001",
            D(1989, 7, 5),
            "P",
            OfficeValue("sekretaris_desa", "", ""),
            D(2020, 1, 6),
            (None, None),
            True,
        ),
        (
            "6103010102700004",
            D(1970, 2, 1),
            "L",
            OfficeValue("kepala_dusun", "", "Sungai Ayak"),
            D(2021, 8, 2),
            (D(2021, 8, 2), D(2027, 8, 2)),
            True,
        ),
        (
            "6103011508650008",
            D(1965, 8, 15),
            "L",
            OfficeValue("kaur_keuangan", "", ""),
            D(2013, 4, 1),
            (D(2013, 1, 1), D(2019, 12, 31)),
            False,
        ),
    ]


def test_a_lembaga_members_list_is_the_bpd():
    table = read("opensid_bpd.xls")
    assert is_members_list(table) and default_group(table) == "BPD"
    rows = fields_of(table)
    offices = [v.parse_office(row["jabatan"], default_group(table)).office for row in rows]
    assert offices == ["bpd_ketua", "bpd_wakil_ketua", "bpd_sekretaris", "bpd_anggota"]
    assert [v.parse_place_and_date(row["tempat_tanggal_lahir"]) for row in rows] == [
        D(1980, 8, 17),
        D(1985, 12, 1),
        D(1992, 6, 25),
        D(1990, 9, 9),
    ]
    assert {v.parse_sk_number_and_date(row["nomor_tanggal_sk"]) for row in rows} == {
        ("188.4/12/2021", D(2021, 5, 10))
    }
    assert [v.parse_nik_cell(row["nik"]) for row in rows][0] == "6103015708800005"


def test_the_buku_aparat_has_no_nik_column():
    table = read("opensid_buku_aparat.xls")
    match = match_headers(table.headers, ROSTER_FIELDS)
    assert match.missing == ["kode_desa", "nik"]
    row = fields_of(table)[0]
    assert v.parse_sk_number_and_date(row["nomor_tanggal_sk"]) == ("141/01/PEM/2019", D(2019, 3, 12))
    assert v.parse_term_text(row["masa_jabatan"]) == (D(2019, 1, 1), D(2027, 12, 31))


def test_a_narrow_table_keeps_rows_that_only_look_like_a_place_and_day():
    from lindungdesa.lib.opensid import without_signature_block

    text = 'nik,nama,tempat_tanggal_lahir\n6103014507890001,Maria,"Sanggau, 5 Juli 1989"\n'
    text += '6103014507890002,Petrus,"Sosok, 15-08-1965"\n,,\n"Sanggau, 5 Desember 2026",,\nMengetahui,,\n'
    text += "ttd,,\nYOHANES,,\n"
    table = read_table(text.encode(), "a.csv", header_hint=partial(header_score, fields=ROSTER_FIELDS))
    kept = without_signature_block(table)
    assert [cells[1] for _, cells in kept.rows] == ["Maria", "Petrus"]
