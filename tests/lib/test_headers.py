import pytest
from hypothesis import given
from hypothesis import strategies as st

from lindungdesa.imports.template import ROSTER_COLUMNS
from lindungdesa.lib.headers import (
    BPJS_FIELDS,
    ROSTER_FIELDS,
    _canonical,
    header_score,
    match_headers,
    normalise_header,
)

TEMPLATE = [name for name, _help, _width in ROSTER_COLUMNS]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("No. KTP", "no ktp"),
        ("  NIK  KTP ", "nik ktp"),
        ("kode_desa", "kode desa"),
        ("Tempat, Tanggal Lahir", "tempat tanggal lahir"),
        ("L/P", "l p"),
        ("Kaur TU & Umum", "kaur tu dan umum"),
        ("Kécamatan", "kecamatan"),
        ("NIK *", "nik"),
    ],
)
def test_it_normalises_headers(text, expected):
    assert normalise_header(text) == expected


def test_the_canonical_template_maps_one_to_one():
    match = match_headers(TEMPLATE, ROSTER_FIELDS)
    assert match.mapping == dict(enumerate(TEMPLATE))
    assert (match.unknown, match.missing, match.duplicates, match.ignored) == ([], [], [], [])


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Nama Lengkap", "nama"),
        ("No. KTP", "nik"),
        ("NIK KTP", "nik"),
        ("Nomor Induk Kependudukan", "nik"),
        ("NIK (16 digit)", "nik"),
        ("Jabatan", "jabatan"),
        ("Kode Desa", "kode_desa"),
        ("Kode Kemendagri", "kode_desa"),
        ("Tgl Lahir", "tanggal_lahir"),
        ("Tgl. Lahir", "tanggal_lahir"),
        ("TglLahir", None),  # glued abbreviations are a step too far
        ("Tanggal Lahir (HH/BB/TTTT)", "tanggal_lahir"),
        ("L/P", "jenis_kelamin"),
        ("JK", "jenis_kelamin"),
        ("Gaji", "penghasilan_bulanan"),
        ("Siltap", "penghasilan_bulanan"),
        ("Upah", "penghasilan_bulanan"),
        ("Penghasilan Bulanan (Rp)", "penghasilan_bulanan"),
        ("TMT", "mulai_menjabat"),
        ("TMT Jabatan", "mulai_menjabat"),
        ("No SK", "nomor_sk"),
        ("Nomor SK Pengangkatan", "nomor_sk"),
        ("Tanggal SK Pengangkatan", "tanggal_sk"),
        ("Akhir Masa Jabatan", "akhir_menjabat"),
        ("No. HP/WA", "no_hp"),
        ("No HP", "no_hp"),
        ("Unsur", "kelompok"),
        ("Nama Dusun", "nama_dusun"),
        ("Status Jabatan", "status_jabatan"),
        # OpenSID's downloads
        ("Tempat/Tanggal Lahir", "tempat_tanggal_lahir"),
        ("Tempat / Tanggal Lahir", "tempat_tanggal_lahir"),
        ("TEMPAT TANGGAL LAHIR", "tempat_tanggal_lahir"),
        ("Masa Jabatan", "masa_jabatan"),
        ("Masa/Periode Jabatan", "masa_jabatan"),
        ("Masa Jabatan (Usia/Periode)", "masa_jabatan"),
        ("KETERANGAN (Periode/Masa Jabatan)", "masa_jabatan"),
        ("NOMOR DAN TANGGAL KEPUTUSAN PENGANGKATAN", "nomor_tanggal_sk"),
        ("Status", "status_aktif"),
    ],
)
def test_roster_synonyms(header, field):
    mapping = match_headers([header], ROSTER_FIELDS).mapping
    assert mapping == ({0: field} if field else {})


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("No KPJ", "kpj"),
        ("Nomor KPJ", "kpj"),
        ("Nomor Peserta", "kpj"),
        ("No. Kartu", "kpj"),
        ("Nama Peserta", "nama"),
        ("Tgl Kepesertaan", "tanggal_kepesertaan"),
        ("TMT Kepesertaan", "tanggal_kepesertaan"),
        ("Bulan Iuran Terakhir", "bulan_iuran_terakhir"),
        ("Iuran Terakhir", "bulan_iuran_terakhir"),
        ("Periode Iuran", "bulan_iuran_terakhir"),
        ("BLTH Iuran Terakhir", "bulan_iuran_terakhir"),
        ("Status Kepesertaan", "status"),
        ("Segmen", "kategori"),
        ("PU/BPU", "kategori"),
        ("Upah", "upah"),
        ("Program", "program"),
        ("Kode Desa", "kode_desa"),
    ],
)
def test_bpjs_synonyms(header, field):
    assert match_headers([header], BPJS_FIELDS).mapping == {0: field}


def test_columns_exports_carry_and_no_import_needs_are_ignored_not_unknown():
    match = match_headers(["No", "Nama", "Agama", "Foto", "Alamat", "Hobi"], ROSTER_FIELDS)
    assert match.mapping == {1: "nama"}
    assert match.ignored == [(0, "No"), (2, "Agama"), (3, "Foto"), (4, "Alamat")]
    assert match.unknown == [(5, "Hobi")]


def test_it_lists_missing_required_fields_and_duplicates():
    match = match_headers(["NIK", "No KTP", "Nama", ""], ROSTER_FIELDS)
    assert match.mapping == {0: "nik", 2: "nama"}  # the first column wins
    assert match.duplicates == ["nik"]
    assert match.missing == ["kode_desa", "jabatan"]
    assert match.unknown == []  # an empty header is no question for the user


def test_the_users_choice_overrides_the_headers():
    match = match_headers(["Kolom A", "NIK", "Nama", "Catatan"], ROSTER_FIELDS, overrides={0: "nik", 3: ""})
    assert match.mapping == {0: "nik", 2: "nama"}
    assert match.ignored == [(1, "NIK"), (3, "Catatan")]
    assert match.duplicates == []


def test_an_override_naming_no_field_is_a_programming_error():
    with pytest.raises(ValueError, match="Unknown field"):
        match_headers(["A"], ROSTER_FIELDS, overrides={0: "gaji_ke_13"})


def test_header_score_counts_distinct_fields():
    assert header_score(TEMPLATE, ROSTER_FIELDS) == len(TEMPLATE)
    assert header_score(["NIK", "No KTP", "Nama"], ROSTER_FIELDS) == 2
    assert header_score(["DAFTAR APARAT DESA PENYELADI", "", ""], ROSTER_FIELDS) == 0
    assert header_score(["6103014507890001", "Maria Goreti", "Sekretaris Desa"], ROSTER_FIELDS) == 0


@pytest.mark.parametrize("fields", [ROSTER_FIELDS, BPJS_FIELDS], ids=["roster", "bpjs"])
def test_no_header_names_two_fields(fields):
    seen: dict[str, str] = {}
    for field in fields:
        for text in {field.name, field.label, *field.synonyms}:
            key = _canonical(text)
            assert seen.setdefault(key, field.name) == field.name, (
                f"{text!r} names {seen[key]} and {field.name}"
            )


def spelled(words: list[str], data) -> str:
    """The same words as someone else would type them: case, separators and decoration vary."""
    separators = st.sampled_from([" ", "  ", "_", "-", ". ", " / ", "/", " - "])
    text = words[0]
    for word in words[1:]:
        text += data.draw(separators) + word
    text = "".join(ch.upper() if data.draw(st.booleans()) else ch.lower() for ch in text)
    return (
        data.draw(st.sampled_from(["", " ", "\t"]))
        + text
        + data.draw(st.sampled_from(["", " ", " *", ":", "."]))
    )


ALL_NAMES = [
    (fields, field.name, text)
    for fields in (ROSTER_FIELDS, BPJS_FIELDS)
    for field in fields
    for text in (field.name, field.label, *field.synonyms)
]


@given(case=st.sampled_from(ALL_NAMES), data=st.data())
def test_matching_ignores_case_spacing_and_punctuation(case, data):
    fields, name, text = case
    words = normalise_header(text).split()
    assert match_headers([spelled(words, data)], fields).mapping == {0: name}
