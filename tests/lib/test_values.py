import datetime
import math
from decimal import Decimal

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from lindungdesa.lib import values as v
from lindungdesa.lib.months import Month
from lindungdesa.lib.values import CellError, OfficeValue

D = datetime.date

# ---------------------------------------------------------------------------------------------------------
# Strategies

cells = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.sampled_from(["", " ", "'", "Rp", "2026-13", "31/02/2024", "6.10301E+15", "Pj", "JKP", "\u200b", "0"]),
)
days = st.dates(min_value=D(1900, 1, 1), max_value=D(2100, 12, 31))
# Real kecamatan of Kalimantan Barat for generated NIKs.
DISTRICTS = ["610301", "610302", "610307", "610701", "611201", "610101"]


@st.composite
def niks(draw) -> str:
    district = draw(st.sampled_from(DISTRICTS))
    born = draw(st.dates(min_value=D(1950, 1, 1), max_value=D(2005, 12, 31)))
    female = draw(st.booleans())
    serial = draw(st.integers(min_value=1, max_value=9999))
    day = born.day + (40 if female else 0)
    return f"{district}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"


PARSERS = [
    v.parse_date,
    v.parse_optional_date,
    v.parse_amount,
    v.parse_optional_amount,
    v.parse_month,
    v.parse_nik_cell,
    v.parse_kpj,
    v.parse_desa_code,
    v.parse_phone,
    v.parse_sex,
    v.parse_group,
    v.parse_acting,
    v.parse_office,
    lambda c: v.parse_office(c, "BPD"),
    lambda c: v.parse_office(c, "APARAT"),
    v.parse_programmes,
    v.parse_category,
    v.parse_bpjs_status,
    v.parse_active,
    v.parse_place_and_date,
    v.parse_optional_place_and_date,
    v.parse_term_text,
    v.parse_sk_number_and_date,
    lambda c: v.parse_text(c, max_length=20),
    lambda c: v.parse_text(c, max_length=20, required=True),
]


@settings(max_examples=300)
@given(cell=cells, parser=st.sampled_from(PARSERS))
def test_parsers_raise_only_cell_errors_with_a_message(cell, parser):
    try:
        parser(cell)
    except CellError as exc:
        assert str(exc).strip()


# ---------------------------------------------------------------------------------------------------------
# Dates


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2024-01-15", D(2024, 1, 15)),
        ("2024/01/15", D(2024, 1, 15)),
        ("2024-01-15 00:00:00", D(2024, 1, 15)),
        ("2024-01-15T08:30:00Z", D(2024, 1, 15)),
        ("15/01/2024", D(2024, 1, 15)),
        ("5/1/2024", D(2024, 1, 5)),  # day first, never month first
        ("15-01-2024", D(2024, 1, 15)),
        ("15.01.2024", D(2024, 1, 15)),
        ("15/01/2024 00:00", D(2024, 1, 15)),
        ("5 Juli 1989", D(1989, 7, 5)),
        ("05 Jul 1989", D(1989, 7, 5)),
        ("5-Agu-2020", D(2020, 8, 5)),
        ("5 Ags 2020", D(2020, 8, 5)),
        ("17 AGUSTUS 1980", D(1980, 8, 17)),
        ("1 Peb 1990", D(1990, 2, 1)),
        ("3 Nop 2019", D(2019, 11, 3)),
        ("3 Okt. 2019", D(2019, 10, 3)),
        ("25 Des 2025", D(2025, 12, 25)),
        ("Senin, 5 Juli 1989", D(1989, 7, 5)),
        ("July 5, 1989", D(1989, 7, 5)),
        ("5 October 2020", D(2020, 10, 5)),
        ("20240115", D(2024, 1, 15)),
        ("'15/01/2024", D(2024, 1, 15)),
        (" 15/01/2024 ", D(2024, 1, 15)),
        ("32698", D(1989, 7, 9)),  # an Excel serial written out as text
        (32698, D(1989, 7, 9)),
        (32698.75, D(1989, 7, 9)),
        (59, D(1900, 2, 28)),  # before Excel's phantom 29 February 1900
        (61, D(1900, 3, 1)),
        (20240115, D(2024, 1, 15)),
        (D(2020, 2, 29), D(2020, 2, 29)),
        (datetime.datetime(2020, 2, 29, 13, 5), D(2020, 2, 29)),
    ],
)
def test_it_reads_dates(cell, expected):
    assert v.parse_date(cell) == expected


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("31/02/2024", "Tanggal tidak dikenali: '31/02/2024'. Gunakan TTTT-BB-HH atau HH/BB/TTTT."),
        ("13/13/2024", "Tanggal tidak dikenali"),
        ("2024-02-30", "Tanggal tidak dikenali"),
        ("05/07/89", "Tahun harus ditulis 4 angka"),
        ("5 Juli 89", "Tahun harus ditulis 4 angka"),
        ("1989", "hanya tahun"),
        ("kemarin", "Tanggal tidak dikenali"),
        ("5 Juno 1989", "Tanggal tidak dikenali"),
        ("01/01/1899", "Tanggal tidak dikenali"),
        ("", "Tanggal kosong"),
        (None, "Tanggal kosong"),
        (1989, "bukan tanggal"),  # a year typed in a date column would be a day in 1905
        (60, "bukan tanggal"),  # 29 February 1900 never was
        (-3, "bukan tanggal"),
        (float("nan"), "bukan tanggal"),
        (True, "Tanggal tidak dikenali"),
    ],
)
def test_it_rejects_dates_it_cannot_read_for_sure(cell, message):
    with pytest.raises(CellError, match=message):
        v.parse_date(cell)


MONTHS_ID = ["Januari", "Februari", "Maret", "April", "Mei", "Juni"]
MONTHS_ID += ["Juli", "Agustus", "September", "Oktober", "November", "Desember"]
MONTHS_ID_SHORT = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]
MONTHS_EN = ["January", "February", "March", "April", "May", "June"]
MONTHS_EN += ["July", "August", "September", "October", "November", "December"]
MONTHS_EN_SHORT = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def excel_serial(day: D) -> int:
    if day < D(1900, 3, 1):
        return (day - D(1899, 12, 31)).days
    return (day - D(1899, 12, 30)).days


DATE_FORMATS = [
    lambda d: d.isoformat(),
    lambda d: f"{d.day:02d}/{d.month:02d}/{d.year}",
    lambda d: f"{d.day}/{d.month}/{d.year}",
    lambda d: f"{d.day:02d}-{d.month:02d}-{d.year}",
    lambda d: f"{d.day:02d}.{d.month:02d}.{d.year}",
    lambda d: f"{d.day} {MONTHS_ID[d.month - 1]} {d.year}",
    lambda d: f"{d.day:02d} {MONTHS_ID_SHORT[d.month - 1]} {d.year}",
    lambda d: f"{d.day}-{MONTHS_ID_SHORT[d.month - 1]}-{d.year}",
    lambda d: f"{d.day} {MONTHS_EN[d.month - 1].upper()} {d.year}",
    lambda d: f"{d.day:02d}-{MONTHS_EN_SHORT[d.month - 1]}-{d.year}",
    lambda d: f"{MONTHS_EN[d.month - 1]} {d.day}, {d.year}",
    lambda d: d.strftime("%Y%m%d"),
    lambda d: excel_serial(d),
    lambda d: float(excel_serial(d)),
    lambda d: d,
    lambda d: datetime.datetime.combine(d, datetime.time(9, 30)),
]


@given(day=days, fmt=st.sampled_from(DATE_FORMATS))
def test_every_accepted_date_format_round_trips(day, fmt):
    cell = fmt(day)
    # Serials 1900-2100 read as years (a year typed in a date column), not as days of 1905.
    assume(not (isinstance(cell, int | float) and 1900 <= cell <= 2100))
    assert v.parse_date(cell) == day


def test_a_date_that_cannot_be_day_first_is_read_month_first_and_noted():
    assert v.parse_date("12/31/1980") == D(1980, 12, 31)
    noted = v.parse_row_date("12/31/1980")
    assert noted.value == D(1980, 12, 31)
    assert noted.note.startswith("Tanggal '12/31/1980' dibaca sebagai bulan/tanggal/tahun (31 Desember 1980)")
    # Ambiguous: day first, as Indonesians write it, and nothing to note.
    assert v.parse_row_date("1/2/1981") == D(1981, 2, 1)
    assert v.parse_row_date("31/12/1980") == D(1980, 12, 31)
    with pytest.raises(CellError, match="Tanggal tidak dikenali"):
        v.parse_row_date("13/31/1980")  # neither way round


def test_optional_dates_may_be_empty():
    assert v.parse_optional_date("  ") is None
    assert v.parse_optional_date(None) is None
    assert v.parse_optional_date("1 Mei 2021") == D(2021, 5, 1)


# ---------------------------------------------------------------------------------------------------------
# Amounts


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Rp 2.426.640", Decimal("2426640")),
        ("Rp2.426.640,00", Decimal("2426640")),
        ("Rp. 2.426.640,-", Decimal("2426640")),
        ("IDR 2.426.640", Decimal("2426640")),
        ("2.426.640,00", Decimal("2426640")),
        ("2.426.640,5", Decimal("2426640.5")),
        ("2426640", Decimal("2426640")),
        ("2426640,50", Decimal("2426640.50")),
        ("2426640.50", Decimal("2426640.50")),
        ("2,426,640.00", Decimal("2426640")),
        ("2,426,640", Decimal("2426640")),
        ("2,426.50", Decimal("2426.50")),
        ("2.426", Decimal("2426")),  # Indonesian thousands
        ("2 426 640", Decimal("2426640")),
        ("0", Decimal("0")),
        (2426640, Decimal("2426640")),
        (2426640.0, Decimal("2426640")),
        (13103.86, Decimal("13103.86")),
        (2426640.0000000005, Decimal("2426640")),  # spreadsheet arithmetic noise
    ],
)
def test_it_reads_amounts(cell, expected):
    amount = v.parse_amount(cell)
    assert amount == expected and isinstance(amount, Decimal)


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("2,426", "Pemisah ribuan tidak jelas"),  # 2426 or 2.426?
        ("dua juta", "Jumlah tidak dikenali: 'dua juta'"),
        ("-2.000", "negatif"),
        ("Rp -2.000", "negatif"),
        ("(2.000)", "negatif"),
        (-5, "negatif"),
        ("2.426.640,005", "Jumlah tidak dikenali"),
        ("1e-3", "2 angka di belakang koma"),
        (1e300, "terlalu besar"),
        ("", "Jumlah kosong"),
        (float("inf"), "Bukan jumlah uang"),
        (D(2024, 1, 1), "Bukan jumlah uang"),
        (True, "Bukan jumlah uang"),
    ],
)
def test_it_rejects_amounts_it_cannot_read_for_sure(cell, message):
    with pytest.raises(CellError, match=message):
        v.parse_amount(cell)


def test_optional_amounts_may_be_empty():
    assert v.parse_optional_amount("") is None
    assert v.parse_optional_amount("Rp 1.000") == Decimal(1000)


def indonesian(amount: Decimal) -> str:
    whole, _, cents = f"{amount:.2f}".partition(".")
    return f"{int(whole):,}".replace(",", ".") + ("," + cents if cents != "00" else "")


def english(amount: Decimal) -> str:
    return f"{amount:,.2f}"


AMOUNT_FORMATS = [
    lambda a: f"{a:f}",
    indonesian,
    lambda a: "Rp " + indonesian(a),
    lambda a: "Rp" + indonesian(a) + ("" if a != a.to_integral_value() else ",-"),
    english,
    lambda a: int(a) if a == a.to_integral_value() else float(a),
]


@given(
    amount=st.decimals(min_value=0, max_value=Decimal("99999999999.99"), places=2),
    fmt=st.sampled_from(AMOUNT_FORMATS),
)
def test_every_accepted_amount_format_round_trips(amount, fmt):
    text = fmt(amount)
    if fmt is english and amount < 1_000_000 and amount == amount.to_integral_value():
        text = f"{amount:f}"  # "1,000.00" is fine but "1,000" alone is refused as ambiguous
    assert v.parse_amount(text) == amount


# ---------------------------------------------------------------------------------------------------------
# Months


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2026-10", Month(2026, 10)),
        ("2026/10", Month(2026, 10)),
        ("10-2026", Month(2026, 10)),
        ("10/2026", Month(2026, 10)),
        ("1/2026", Month(2026, 1)),
        ("Okt 2026", Month(2026, 10)),
        ("Oktober 2026", Month(2026, 10)),
        ("OKTOBER-2026", Month(2026, 10)),
        ("Oct-26", Month(2026, 10)),  # what Excel shows for a date formatted mmm-yy
        ("2026 Okt", Month(2026, 10)),
        ("202610", Month(2026, 10)),
        (202610, Month(2026, 10)),
        ("2026-10-31", Month(2026, 10)),
        ("31/10/2026", Month(2026, 10)),
        (D(2026, 10, 1), Month(2026, 10)),
        (datetime.datetime(2026, 10, 1, 8), Month(2026, 10)),
        (46296, Month(2026, 10)),  # Excel serial of 2026-10-01
    ],
)
def test_it_reads_months(cell, expected):
    assert v.parse_month(cell) == expected


@pytest.mark.parametrize("cell", ["13-2026", "2026-00", "Oktobr 2026", "2026", "", 12, 1e30, "202613"])
def test_it_rejects_months_it_cannot_read(cell):
    with pytest.raises(CellError, match="Bulan"):
        v.parse_month(cell)


MONTH_FORMATS = [
    lambda m: str(m),
    lambda m: f"{m.month:02d}-{m.year}",
    lambda m: f"{m.month}/{m.year}",
    lambda m: f"{MONTHS_ID_SHORT[m.month - 1]} {m.year}",
    lambda m: f"{MONTHS_ID[m.month - 1]} {m.year}",
    lambda m: f"{MONTHS_EN_SHORT[m.month - 1]}-{m.year % 100:02d}" if m.year >= 2000 else str(m),
    lambda m: f"{m.year}{m.month:02d}",
    lambda m: m.year * 100 + m.month,
    lambda m: m.first_day,
    lambda m: excel_serial(m.last_day),
]


@given(
    month=st.builds(
        Month, st.integers(min_value=1990, max_value=2099), st.integers(min_value=1, max_value=12)
    ),
    fmt=st.sampled_from(MONTH_FORMATS),
)
def test_every_accepted_month_format_round_trips(month, fmt):
    assert v.parse_month(fmt(month)) == month


# ---------------------------------------------------------------------------------------------------------
# NIK and KPJ


@pytest.mark.parametrize(
    "cell",
    [
        "6103014507890001",
        "'6103014507890001",
        "6103 0145 0789 0001",
        "6103.0145.0789.0001",
        " 6103-014507-890001 ",
    ],
)
def test_it_reads_a_nik_typed_as_text(cell):
    assert v.parse_nik_cell(cell) == "6103014507890001"


@pytest.mark.parametrize(
    "cell",
    [
        6103014507890000,  # what Excel keeps of 6103014507890001 typed into a number cell
        6103014507890000.0,
        9171014507890001,  # above 2**53 a number cannot hold every 16-digit whole number
        "6.10301E+15",
        "6,10301E+15",
        "6.103014507890E+15",
        "610301450789000",  # 15 digits
        "6103014507890000.0",
    ],
)
def test_a_nik_that_went_through_a_number_cell_is_refused_as_damaged(cell):
    with pytest.raises(CellError) as caught:
        v.parse_nik_cell(cell)
    message = str(caught.value)
    assert "rusak" in message and "15 digit" in message and "Teks" in message


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("6103013207890001", "Tanggal lahir"),
        ("6199990507890001", "kecamatan"),
        ("6103014507890000", "urut"),
        ("61030145078900011", "16 digit"),
        ("NIK-KU", "16 digit"),
        ("", "NIK kosong"),
    ],
)
def test_it_rejects_impossible_niks_with_nik_checks_reason(cell, message):
    with pytest.raises(CellError, match=message):
        v.parse_nik_cell(cell)


@given(nik=niks(), separator=st.sampled_from(["", " ", ".", "-"]), apostrophe=st.booleans())
def test_valid_niks_round_trip_as_text(nik, separator, apostrophe):
    typed = separator.join([nik[:6], nik[6:12], nik[12:]])
    assert v.parse_nik_cell(("'" if apostrophe else "") + typed) == nik


@pytest.mark.parametrize("cell", [6103014507890001, 6103014507890001.0])
def test_a_nik_a_number_cell_kept_whole_is_taken_with_a_warning_to_make_the_column_text(cell):
    # Excel keeps 15 significant digits and makes the 16th a 0: a 16th digit other than 0 was not cut.
    read = v.parse_nik_cell(cell)
    assert type(read) is v.Noted and read.value == "6103014507890001"
    assert "Teks" in read.note and "6103014507890001" in read.note


@given(nik=niks())
def test_a_nik_in_a_number_cell_is_taken_only_when_no_digit_can_have_been_lost(nik):
    whole = nik[-1] != "0" and int(nik) < 2**53
    for cell in (int(nik), float(nik)):
        if whole:
            assert v.parse_nik_cell(cell).value == nik
        else:
            with pytest.raises(CellError, match="rusak"):
                v.parse_nik_cell(cell)
    with pytest.raises(CellError, match="rusak"):
        v.parse_nik_cell(f"{float(nik):.5E}")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("19012345678", "19012345678"),
        ("1901 2345 678", "19012345678"),
        ("1901-2345-678", "19012345678"),
        (19012345678, "19012345678"),
        (19012345678.0, "19012345678"),
    ],
)
def test_it_reads_kpj_numbers(cell, expected):
    assert v.parse_kpj(cell) == expected


def test_a_kpj_of_another_length_is_kept_with_a_warning():
    kpj, warning = v.parse_kpj("2101234567")  # a Noted
    assert kpj == "2101234567"
    assert "10 digit" in warning and "11 digit" in warning


@pytest.mark.parametrize("cell", ["KPJ-123", "1.9E+10", 1.5e20, 12.5, "", D(2020, 1, 1)])
def test_it_rejects_kpj_numbers_that_are_not_digits(cell):
    with pytest.raises(CellError, match="KPJ"):
        v.parse_kpj(cell)


@pytest.mark.parametrize("cell", ["1" * 21, "1901 2345 6789 0123 4567 8901", "9" * 300])
def test_a_kpj_longer_than_the_record_holds_is_left_out_with_a_warning(cell):
    kpj, warning = v.parse_kpj(cell)  # a Noted without a value: the extract's row is kept without it
    assert kpj is None
    assert warning.startswith("Nomor KPJ terdiri dari ") and "paling banyak 20 digit" in warning
    assert "tidak disimpan; baris tetap diterima" in warning and cell.replace(" ", "") not in warning


@given(st.text(alphabet="0123456789", min_size=1, max_size=30))
def test_kpj_digits_round_trip(digits):
    kpj = v.parse_kpj(digits)
    if len(digits) == 11:
        assert type(kpj) is str and kpj == digits
    elif len(digits) <= v.KPJ_MAX_DIGITS:
        assert kpj.value == digits and "biasanya 11 digit" in kpj.note
    else:
        assert kpj.value is None and f"terdiri dari {len(digits)} digit" in kpj.note


@pytest.mark.parametrize("cell", ["6103012007", "61.03.01.2007", "61 03 01 2007", 6103012007])
def test_it_reads_desa_codes(cell):
    assert v.parse_desa_code(cell) == "61.03.01.2007"


@pytest.mark.parametrize("cell", ["61.03.01", "Penyeladi", "61.03.01.20070", ""])
def test_it_rejects_what_is_not_a_desa_code(cell):
    with pytest.raises(CellError, match="Kode desa"):
        v.parse_desa_code(cell)


# ---------------------------------------------------------------------------------------------------------
# Phone and text


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("0812-3456-7890", "081234567890"),
        ("+62 812 3456 7890", "081234567890"),
        ("6281234567890", "081234567890"),
        (81234567890, "081234567890"),  # a number cell lost the leading zero
        ("(0564) 21234", "056421234"),
        ("", ""),
        (None, ""),
    ],
)
def test_it_normalises_phone_numbers(cell, expected):
    assert v.parse_phone(cell) == expected


def test_it_rejects_what_is_not_a_phone_number():
    with pytest.raises(CellError, match="Nomor HP '12' tidak valid: Nomor harus diawali 0, 62, atau \\+62."):
        v.parse_phone("12")


def test_text_is_trimmed_with_spaces_collapsed():
    assert v.parse_text("  Maria \n  Goreti\u00a0 ", max_length=20) == "Maria Goreti"
    assert v.parse_text(12.0, max_length=20) == "12"
    assert v.parse_text(None, max_length=20) == ""
    with pytest.raises(CellError, match="paling banyak 5"):
        v.parse_text("Yohanes", max_length=5)
    with pytest.raises(CellError, match="Wajib diisi"):
        v.parse_text(" ", max_length=5, required=True)


# ---------------------------------------------------------------------------------------------------------
# Codes


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("L", "L"),
        ("l", "L"),
        ("Laki-laki", "L"),
        ("LAKI - LAKI", "L"),
        ("Pria", "L"),
        ("M", "L"),
        (1, "L"),
        ("1", "L"),
        ("P", "P"),
        ("Perempuan", "P"),
        ("WANITA", "P"),
        ("F", "P"),
        (2, "P"),
        (2.0, "P"),
    ],
)
def test_it_reads_sex(cell, expected):
    assert v.parse_sex(cell) == expected


@pytest.mark.parametrize("cell", ["X", "3", "", "Laki"])
def test_it_rejects_unknown_sex(cell):
    if cell == "Laki":
        assert v.parse_sex(cell) == "L"
        return
    with pytest.raises(CellError, match="Jenis kelamin"):
        v.parse_sex(cell)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("APARAT", "APARAT"),
        ("aparat desa", "APARAT"),
        ("Perangkat", "APARAT"),
        ("Perangkat Desa", "APARAT"),
        ("BPD", "BPD"),
        ("Badan Permusyawaratan Desa", "BPD"),
    ],
)
def test_it_reads_groups(cell, expected):
    assert v.parse_group(cell) == expected


def test_it_rejects_unknown_groups():
    with pytest.raises(CellError, match="Isi APARAT atau BPD"):
        v.parse_group("RT/RW")


@pytest.mark.parametrize(
    ("cell", "office", "acting", "unit"),
    [
        ("Kades", "kepala_desa", "", ""),
        ("Kepala Desa", "kepala_desa", "", ""),
        ("KEPALA DESA", "kepala_desa", "", ""),
        ("Pj. Kepala Desa", "kepala_desa", "pj", ""),
        ("Penjabat Kades", "kepala_desa", "pj", ""),
        ("Pjs Kepala Desa", "kepala_desa", "pj", ""),
        ("Kepala Desa (Pj)", "kepala_desa", "pj", ""),
        ("Plt Kepala Desa", "kepala_desa", "plt", ""),
        ("Plt. Sekdes", "sekretaris_desa", "plt", ""),
        ("Plh Sekretaris Desa", "sekretaris_desa", "plt", ""),
        ("Sekdes", "sekretaris_desa", "", ""),
        ("Sekretaris Desa", "sekretaris_desa", "", ""),
        ("Sekertaris Desa", "sekretaris_desa", "", ""),
        ("Kaur Keuangan", "kaur_keuangan", "", ""),
        ("Kepala Urusan Keuangan", "kaur_keuangan", "", ""),
        ("Bendahara Desa", "kaur_keuangan", "", ""),
        ("Kaur Umum", "kaur_tu_umum", "", ""),
        ("Kaur TU dan Umum", "kaur_tu_umum", "", ""),
        ("Kaur TU & Umum", "kaur_tu_umum", "", ""),
        ("Kepala Urusan Tata Usaha dan Umum", "kaur_tu_umum", "", ""),
        ("Kaur Umum dan Perencanaan", "kaur_tu_umum", "", ""),
        ("Kaur Perencanaan", "kaur_perencanaan", "", ""),
        ("Kasi Pemerintahan", "kasi_pemerintahan", "", ""),
        ("Kepala Seksi Pemerintahan", "kasi_pemerintahan", "", ""),
        ("Kasi Kesra", "kasi_kesejahteraan", "", ""),
        ("Kasi Kesejahteraan", "kasi_kesejahteraan", "", ""),
        ("Kasi Kesejahteraan dan Pelayanan", "kasi_kesejahteraan", "", ""),
        ("Kasi Pelayanan", "kasi_pelayanan", "", ""),
        ("Kadus", "kepala_dusun", "", ""),
        ("Kepala Dusun", "kepala_dusun", "", ""),
        ("Kepala Dusun I", "kepala_dusun", "", "I"),
        ("Kadus 2", "kepala_dusun", "", "2"),
        ("Kepala Dusun Sungai Ayak", "kepala_dusun", "", "Sungai Ayak"),
        ("KEPALA DUSUN: SUNGAI AYAK", "kepala_dusun", "", "SUNGAI AYAK"),
        ("Kepala Dusun (Dusun Sungai Ayak)", "kepala_dusun", "", "Sungai Ayak"),
        ("Kepala Lingkungan", "kepala_dusun", "", ""),
        ("Kawil", "kepala_dusun", "", ""),
        ("Kepala Wilayah Tapang", "kepala_dusun", "", "Tapang"),
        ("Ketua BPD", "bpd_ketua", "", ""),
        ("Ketua Badan Permusyawaratan Desa", "bpd_ketua", "", ""),
        ("Wakil Ketua BPD", "bpd_wakil_ketua", "", ""),
        ("Sekretaris BPD", "bpd_sekretaris", "", ""),
        ("Anggota BPD", "bpd_anggota", "", ""),
        ("Bendahara BPD", "bpd_anggota", "", ""),  # the Office list has no BPD bendahara
    ],
)
def test_it_maps_local_office_names(cell, office, acting, unit):
    assert v.parse_office(cell) == OfficeValue(office=office, acting=acting, unit_name=unit)


@pytest.mark.parametrize(
    ("cell", "office"),
    [
        ("Ketua", "bpd_ketua"),
        ("KETUA", "bpd_ketua"),
        ("Wakil Ketua", "bpd_wakil_ketua"),
        ("Sekretaris", "bpd_sekretaris"),
        ("Anggota", "bpd_anggota"),
        ("BENDAHARA", "bpd_anggota"),
    ],
)
def test_plain_role_names_mean_the_bpd_when_the_group_is_bpd(cell, office):
    assert v.parse_office(cell, "BPD").office == office


def test_plain_sekretaris_of_the_aparat_is_the_sekretaris_desa():
    assert v.parse_office("Sekretaris", "APARAT").office == "sekretaris_desa"


def test_plain_role_names_without_a_group_are_refused_as_unclear():
    with pytest.raises(CellError, match="tidak jelas tanpa kelompok"):
        v.parse_office("Anggota")


def test_an_office_of_the_other_group_is_refused():
    with pytest.raises(CellError, match="termasuk kelompok BPD, bukan APARAT"):
        v.parse_office("Ketua BPD", "APARAT")
    with pytest.raises(CellError, match="termasuk kelompok APARAT, bukan BPD"):
        v.parse_office("Kepala Desa", "BPD")


@pytest.mark.parametrize(
    ("cell", "start"),
    [
        ("Staf Desa", "'Staf Desa' bukan jabatan perangkat desa atau BPD"),  # OpenSID's A.4 lists staff
        ("Operator Desa", "'Operator Desa' bukan jabatan perangkat desa atau BPD"),
        ("Ketua RT 01", "'Ketua RT 01' bukan jabatan perangkat desa atau BPD"),
        ("Juru Kunci", "Jabatan tidak dikenali: 'Juru Kunci'."),
    ],
)
def test_an_unknown_office_lists_the_accepted_names(cell, start):
    with pytest.raises(CellError) as caught:
        v.parse_office(cell)
    message = str(caught.value)
    assert message.startswith(start)
    for name in (
        "Kepala Desa",
        "Sekretaris Desa",
        "Kaur Keuangan",
        "Kasi Pelayanan",
        "Kepala Dusun",
        "Anggota BPD",
    ):
        assert name in message


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("", ""),
        (None, ""),
        ("Definitif", ""),
        ("Pj", "pj"),
        ("Penjabat", "pj"),
        ("PLT", "plt"),
        ("Plh", "plt"),
    ],
)
def test_it_reads_the_acting_status(cell, expected):
    assert v.parse_acting(cell) == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("JKK,JKM", ["JKK", "JKM"]),
        ("JKK JKM JHT", ["JKK", "JKM", "JHT"]),
        ("JKK+JKM", ["JKK", "JKM"]),
        ("jkk/jkm/jp", ["JKK", "JKM", "JP"]),
        ("JP, JHT, JKM, JKK", ["JKK", "JKM", "JHT", "JP"]),
        ("JKK dan JKM", ["JKK", "JKM"]),
        ("Jaminan Kecelakaan Kerja, Jaminan Kematian", ["JKK", "JKM"]),
        ("JKK;JKK;JKM", ["JKK", "JKM"]),
    ],
)
def test_it_reads_programmes_in_canonical_order(cell, expected):
    assert v.parse_programmes(cell) == expected


def test_jkp_is_refused_because_it_does_not_apply():
    with pytest.raises(CellError, match="JKP .* tidak berlaku"):
        v.parse_programmes("JKK,JKM,JKP")


@pytest.mark.parametrize("cell", ["JKN", "BPJS", "", "-"])
def test_unknown_programmes_are_refused(cell):
    with pytest.raises(CellError, match="Program"):
        v.parse_programmes(cell)


@given(
    chosen=st.sets(st.sampled_from(["JKK", "JKM", "JHT", "JP"]), min_size=1),
    separator=st.sampled_from([",", " ", "+", "/", ", ", " + ", ";", " dan "]),
    lower=st.booleans(),
    data=st.data(),
)
def test_programme_lists_round_trip(chosen, separator, lower, data):
    order = data.draw(st.permutations(sorted(chosen)))
    text = separator.join(order)
    assert v.parse_programmes(text.lower() if lower else text) == [
        p for p in ("JKK", "JKM", "JHT", "JP") if p in chosen
    ]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("PU", "PU"), ("pu", "PU"), ("Penerima Upah", "PU"), ("BPU", "BPU"), ("Bukan Penerima Upah", "BPU")],
)
def test_it_reads_categories(cell, expected):
    assert v.parse_category(cell) == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("AKTIF", "AKTIF"),
        ("Aktif", "AKTIF"),
        ("NONAKTIF", "NONAKTIF"),
        ("Non Aktif", "NONAKTIF"),
        ("Non-Aktif", "NONAKTIF"),
        ("Tidak Aktif", "NONAKTIF"),
    ],
)
def test_it_reads_bpjs_statuses(cell, expected):
    assert v.parse_bpjs_status(cell) == expected


def test_opensid_status_is_active_or_not():
    assert v.parse_active("Aktif") is True
    assert v.parse_active("Tidak Aktif") is False
    with pytest.raises(CellError, match="AKTIF atau NONAKTIF"):
        v.parse_active("Cuti")


# ---------------------------------------------------------------------------------------------------------
# OpenSID's free-text fields


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Sanggau, 05-07-1989", D(1989, 7, 5)),  # officials' list
        ("SANGGAU / 05 JULI 1989", D(1989, 7, 5)),  # lembaga members' list
        ("Sanggau / 05/07/1989", D(1989, 7, 5)),
        ("Nanga Biang, Sanggau, 05-07-1989", D(1989, 7, 5)),
        ("05-07-1989", D(1989, 7, 5)),
        (D(1989, 7, 5), D(1989, 7, 5)),
    ],
)
def test_it_takes_the_birth_date_out_of_place_and_date(cell, expected):
    assert v.parse_place_and_date(cell) == expected


def test_a_place_without_a_date_is_missing_or_none():
    with pytest.raises(CellError, match="Tanggal lahir tidak ada"):
        v.parse_place_and_date("Sanggau, ")
    assert v.parse_optional_place_and_date("Sanggau, ") is None
    assert v.parse_optional_place_and_date("") is None
    with pytest.raises(CellError, match="Tempat/tanggal lahir tidak dikenali"):
        v.parse_optional_place_and_date("Sanggau, kemarin")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2019-2025", (D(2019, 1, 1), D(2025, 12, 31))),
        ("2019 - 2025", (D(2019, 1, 1), D(2025, 12, 31))),
        ("2019–2025", (D(2019, 1, 1), D(2025, 12, 31))),
        ("2019 s/d 2027", (D(2019, 1, 1), D(2027, 12, 31))),
        ("2019 sampai dengan 2027", (D(2019, 1, 1), D(2027, 12, 31))),
        ("12-03-2019 s.d. 12-03-2027", (D(2019, 3, 12), D(2027, 3, 12))),
        ("12 Maret 2019 s/d 12 Maret 2027", (D(2019, 3, 12), D(2027, 3, 12))),
        ("6 Tahun Periode Pertama (2015 s/d 2021)", (D(2015, 1, 1), D(2021, 12, 31))),
        ("Periode 2021-2029", (D(2021, 1, 1), D(2029, 12, 31))),
        ("sejak 2019", (D(2019, 1, 1), None)),
        ("6 Tahun", (None, None)),
        ("", (None, None)),
        (None, (None, None)),
    ],
)
def test_it_reads_a_term_from_free_text(cell, expected):
    assert v.parse_term_text(cell) == expected


def test_a_term_that_ends_before_it_starts_is_refused():
    with pytest.raises(CellError, match="berakhir sebelum mulai"):
        v.parse_term_text("2025-2019")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("141/05/2019, 12-03-2019", ("141/05/2019", D(2019, 3, 12))),  # Buku Aparat (Model A.4)
        ("188.4/12/2021 / 10-05-2021", ("188.4/12/2021", D(2021, 5, 10))),  # lembaga members
        ("141/05/2019", ("141/05/2019", None)),
        ("141/05/2019, ", ("141/05/2019", None)),
        (", ", ("", None)),
        (" / ", ("", None)),
        ("", ("", None)),
    ],
)
def test_it_splits_opensids_sk_number_and_date(cell, expected):
    assert v.parse_sk_number_and_date(cell) == expected


def test_text_direction_controls_are_dropped():
    """A name typed or pasted with a right-to-left override would be shown reversed ("\u202eosotnaS iduB"
    reads "Budi Santoso" backwards as another name): the controls go, as zero-width spaces do."""
    assert v.parse_text("\u202eosotnaS iduB", max_length=100) == "osotnaS iduB"
    assert v.parse_text("Budi\u2066 Santoso\u2069\u200f", max_length=100) == "Budi Santoso"
    assert v.is_blank("\u202a\u202c \u200e")


def test_is_blank_knows_invisible_characters():
    assert v.is_blank(None) and v.is_blank(" \u200b ") and v.is_blank("")
    assert not v.is_blank(0) and not v.is_blank("0") and not v.is_blank(False)


# Text as cells hold it: mostly plain ASCII, with the white space, control and invisible characters that
# take the slow paths.
_ascii = st.sampled_from(list(" \t\n\r\x0b\x0c\x1c\x1f\x00\x7f aZ.'-"))
texts = st.one_of(
    st.text(alphabet=_ascii, max_size=30),
    st.text(
        alphabet=st.one_of(_ascii, st.sampled_from(list("\u00a0\u200b\ufeff\u2028\u3000")), st.characters()),
        max_size=30,
    ),
)


@given(texts)
@example("a\tb")
@example("a  b ")
def test_the_ascii_short_paths_say_what_the_whole_cleaning_says(cell):
    """`is_blank` and `parse_text` skip the invisible-character pass for ASCII text: the same answers as
    the whole cleaning (drop invisible characters, collapse white space, trim)."""
    cleaned = v._SPACES.sub(" ", cell.translate(v._INVISIBLE)).strip()
    assert v.is_blank(cell) is (not cleaned)
    assert v.parse_text(cell, max_length=30) == cleaned  # no text drawn is longer


def test_numbers_quoted_in_messages_read_as_typed():
    with pytest.raises(CellError, match="'6103014507890000'"):
        v.parse_nik_cell(6103014507890000.0)
    assert not math.isnan(0.0)  # keeps math imported for the strategies' NaN cells


# ---------------------------------------------------------------------------------------------------------
# Golden files: every value of a roster, parsed


def roster_problems(name: str) -> dict[int, dict[str, str]]:
    """For each row, the fields whose cell does not parse and the message."""
    from functools import partial
    from pathlib import Path

    from lindungdesa.lib.headers import ROSTER_FIELDS, header_score, match_headers
    from lindungdesa.lib.tabular import read_table

    path = Path(__file__).resolve().parents[1] / "fixtures" / "imports" / name
    table = read_table(path.read_bytes(), name, header_hint=partial(header_score, fields=ROSTER_FIELDS))
    parsers = {
        "kode_desa": v.parse_desa_code,
        "nik": v.parse_nik_cell,
        "nama": lambda c: v.parse_text(c, max_length=150, required=True),
        "jenis_kelamin": v.parse_sex,
        "tanggal_lahir": v.parse_date,
        "kelompok": v.parse_group,
        "jabatan": v.parse_office,
        "tanggal_sk": v.parse_optional_date,
        "mulai_menjabat": v.parse_date,
        "akhir_menjabat": v.parse_optional_date,
        "penghasilan_bulanan": v.parse_amount,
        "no_hp": v.parse_phone,
    }
    mapping = match_headers(table.headers, ROSTER_FIELDS).mapping
    problems: dict[int, dict[str, str]] = {}
    columns = {field: index for index, field in mapping.items()}
    for number, cells in table.rows:
        group = None
        if "kelompok" in columns:
            try:
                group = v.parse_group(cells[columns["kelompok"]])
            except CellError:
                pass
        for index, field in mapping.items():
            if field in parsers:
                try:
                    if field == "jabatan":
                        v.parse_office(cells[index], group)
                    else:
                        parsers[field](cells[index])
                except CellError as exc:
                    problems.setdefault(number, {})[field] = str(exc)
    return problems


def test_each_bad_row_fails_on_its_own_field_only():
    assert roster_problems("roster_bad_values.csv") == {
        2: {"tanggal_sk": "Tanggal tidak dikenali: '31/02/2024'. Gunakan TTTT-BB-HH atau HH/BB/TTTT."},
        3: {
            "penghasilan_bulanan": "Jumlah tidak dikenali: 'dua juta'. "
            "Contoh: 2426640, 2.426.640 atau Rp 2.426.640,00."
        },
        4: {"jabatan": office_message("Staf Desa")},
        5: {
            "nik": "NIK '6.10301E+15' rusak: tersimpan sebagai angka, dan Excel hanya menyimpan 15 digit "
            "sehingga digit terakhir hilang. Ubah format kolom NIK menjadi Teks, lalu ketik ulang NIK dari "
            "KTP/KK."
        },
    }


def office_message(cell: str) -> str:
    with pytest.raises(CellError) as caught:
        v.parse_office(cell)
    return str(caught.value)


@pytest.mark.parametrize(
    "name",
    [
        "roster_utf8.csv",
        "roster_utf8_bom.csv",
        "roster_cp1252_semicolon.csv",
        "roster_tab.tsv",
        "roster_unicode_text.txt",
        "roster_synonyms.csv",
        "roster_title_rows.xlsx",
        "roster_merged.xlsx",
        "roster_multi_sheet.xlsx",
        "roster_old_excel.xls",
    ],
)
def test_good_rosters_parse_without_a_problem(name):
    assert roster_problems(name) == {}


def test_niks_in_number_cells_are_refused_row_by_row_where_a_digit_may_be_lost():
    problems = roster_problems("roster_nik_as_number.xlsx")
    assert set(problems) == {2}  # row 3's 6103014507890001 is whole: taken, with a warning (above)
    assert problems[2]["nik"].startswith("NIK '6103011203750000' rusak")
