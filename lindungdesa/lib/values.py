"""Cell values from imported files: each parser returns a clean value or raises CellError.

Cells come from `lindungdesa.lib.tabular` (text, int, float, bool, date, datetime or None). Messages are
Indonesian, short, and say what was expected; the importer adds the row number and the column name.
"""

import datetime
import math
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, NamedTuple

from lokal import parse_phone as _lokal_parse_phone

from lindungdesa.lib.months import Month, day_label_id
from lindungdesa.lib.nik import NikError, NikFacts, nik_check, nik_normalise
from lindungdesa.officials.models import Acting, Group, Office

Cell = str | int | float | bool | datetime.date | datetime.datetime | None


class CellError(ValueError):
    """A cell that cannot be accepted; the message is Indonesian and shown to users as is."""


# ---------------------------------------------------------------------------------------------------------
# Text


# Zero-width characters, and the text-direction controls that would show a name reversed or disguised.
_INVISIBLE = dict.fromkeys(
    map(
        ord,
        "\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
    ),
    None,
)
_SPACES = re.compile(r"\s+")


def is_blank(cell: Cell) -> bool:
    """Empty cell, empty text or only spaces."""
    if type(cell) is str and cell.isascii():  # no invisible characters in it: nothing to translate
        return not cell.strip()
    return cell is None or (isinstance(cell, str) and not cell.translate(_INVISIBLE).strip())


def _clean(cell: str) -> str:
    """Text as typed, without invisible characters, outer spaces or Excel's text-marking apostrophe."""
    text = _SPACES.sub(" ", cell.translate(_INVISIBLE)).strip()
    if text.startswith("'"):
        text = text[1:].strip()
    return text


def _shown(cell: Cell) -> str:
    """The cell as quoted in messages: short, so that a pasted paragraph does not flood the page."""
    text = _clean(cell) if isinstance(cell, str) else _number_text(cell)
    if len(text) > 40:
        text = text[:37] + "..."
    return repr(text)


def _number_text(cell: Cell) -> str:
    if isinstance(cell, float) and math.isfinite(cell) and cell.is_integer() and abs(cell) < 1e16:
        return str(int(cell))
    if isinstance(cell, datetime.datetime):
        return cell.isoformat(sep=" ")
    if isinstance(cell, datetime.date):
        return cell.isoformat()
    return str(cell)


def parse_text(cell: Cell, *, max_length: int, required: bool = False) -> str:
    """Trimmed text with runs of spaces and line breaks collapsed; numbers as written ("12", not "12.0")."""
    if type(cell) is str and cell.isascii():
        # Most cells: no invisible characters to drop, and the spaces to collapse are runs of spaces or
        # control characters (every ASCII white space but the space itself is one), which are rare.
        text = cell.strip()
        if "  " in text or not text.isprintable():
            text = _SPACES.sub(" ", text)
    elif is_blank(cell):
        text = ""
    else:
        text = (
            _SPACES.sub(" ", cell.translate(_INVISIBLE)).strip()
            if isinstance(cell, str)
            else _number_text(cell)
        )
    if not text:
        if required:
            raise CellError("Wajib diisi.")
        return ""
    if len(text) > max_length:
        raise CellError(f"Terlalu panjang: {len(text)} karakter, paling banyak {max_length}.")
    return text


def _key(cell: Cell) -> str:
    """Lower-case words for matching names: "Kaur. TU & Umum" -> "kaur tu dan umum"."""
    text = _clean(cell) if isinstance(cell, str) else _number_text(cell)
    text = text.lower().replace("&", " dan ")
    return " ".join(re.sub(r"[^\w]+", " ", text).replace("_", " ").split())


# ---------------------------------------------------------------------------------------------------------
# Dates

_MONTH_NAMES = {
    **dict.fromkeys(("januari", "jan", "january", "djanuari"), 1),
    **dict.fromkeys(("februari", "feb", "peb", "pebruari", "february", "febuari"), 2),
    **dict.fromkeys(("maret", "mar", "march", "mrt"), 3),
    **dict.fromkeys(("april", "apr"), 4),
    **dict.fromkeys(("mei", "may"), 5),
    **dict.fromkeys(("juni", "jun", "june"), 6),
    **dict.fromkeys(("juli", "jul", "july"), 7),
    **dict.fromkeys(("agustus", "agu", "ags", "agt", "agst", "agus", "aug", "august"), 8),
    **dict.fromkeys(("september", "sep", "sept", "spt"), 9),
    **dict.fromkeys(("oktober", "okt", "oct", "october"), 10),
    **dict.fromkeys(("november", "nov", "nop", "nopember"), 11),
    **dict.fromkeys(("desember", "des", "dec", "december"), 12),
}
_WEEKDAY = re.compile(
    r"^(?:senin|selasa|rabu|kamis|jumat|jum at|sabtu|minggu|ahad|monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday)\s*,?\s*"
)
_TIME = r"(?:[ t]\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?)?"
_ISO = re.compile(rf"^(\d{{4}})([-/.])(\d{{1,2}})\2(\d{{1,2}}){_TIME}$")
_DMY = re.compile(rf"^(\d{{1,2}})\s*([-/.])\s*(\d{{1,2}})\s*\2\s*(\d{{4}}){_TIME}$")
_DMY_SHORT_YEAR = re.compile(r"^\d{1,2}\s*([-/.])\s*\d{1,2}\s*\1\s*\d{2}$")
_D_NAME_Y = re.compile(r"^(\d{1,2})\s*[-/., ]\s*([a-z]+)\.?\s*[-/., ]\s*(\d{4})$")
_NAME_D_Y = re.compile(r"^([a-z]+)\.?\s+(\d{1,2})\s*,?\s+(\d{4})$")
_YYYYMMDD = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SERIAL_TEXT = re.compile(r"^\d{5}(?:\.\d+)?$")
_YEAR_ONLY = re.compile(r"^\d{4}$")

_FIRST_DAY = datetime.date(1900, 1, 1)
_LAST_DAY = datetime.date(2100, 12, 31)
_DATE_HELP = "Gunakan TTTT-BB-HH atau HH/BB/TTTT."


def _make_date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        day_ = datetime.date(year, month, day)
    except ValueError:
        return None
    return day_ if _FIRST_DAY <= day_ <= _LAST_DAY else None


def _from_serial(value: float) -> datetime.date | None:
    """Excel's 1900 date system: serial 1 is 1900-01-01 and serial 60 the 29 February 1900 that never was."""
    days = math.floor(value)
    if days < 1 or days == 60 or days > 73415:  # 73415 is 2100-12-31
        return None
    if days < 60:
        return datetime.date(1899, 12, 31) + datetime.timedelta(days=days)
    return datetime.date(1899, 12, 30) + datetime.timedelta(days=days)


def _date_from_number(cell: int | float) -> datetime.date | None:
    if not math.isfinite(cell):
        return None
    if float(cell).is_integer() and 19000101 <= cell <= 21001231:
        number = int(cell)
        return _make_date(number // 10000, number // 100 % 100, number % 100)
    if 1900 <= cell <= 2100 and float(cell).is_integer():
        return None  # a year alone, not a date: Excel would read it as a day in 1905
    return _from_serial(cell)


def _date_from_text(text: str, month_first: bool = False) -> datetime.date | None:
    """`month_first`: a numeric date that cannot be day first (12/31/1980) is read month first."""
    key = _WEEKDAY.sub("", text.lower()).strip()
    if match := _ISO.match(key):
        return _make_date(int(match[1]), int(match[3]), int(match[4]))
    if match := _DMY.match(key):
        first, second = int(match[1]), int(match[3])
        if month_first and second > 12 >= first:
            return _make_date(int(match[4]), first, second)
        return _make_date(int(match[4]), second, first)
    if match := _D_NAME_Y.match(key):
        month = _MONTH_NAMES.get(match[2])
        return _make_date(int(match[3]), month, int(match[1])) if month else None
    if match := _NAME_D_Y.match(key):
        month = _MONTH_NAMES.get(match[1])
        return _make_date(int(match[3]), month, int(match[2])) if month else None
    if match := _YYYYMMDD.match(key):
        return _make_date(int(match[1]), int(match[2]), int(match[3]))
    if _SERIAL_TEXT.match(key):
        return _from_serial(float(key))
    return None


def parse_date(cell: Cell) -> datetime.date:
    """A day written any common Indonesian way, an Excel date cell or an Excel serial number.

    Numeric dates are day first (dd/mm/yyyy), as Indonesians write them; only one that cannot be day first
    because its second number is no month (12/31/1980, as Excel set to US English writes it) is read
    month first: `parse_row_date` says so in a warning. An ambiguous one (1/2/1981) stays day first.
    """
    if is_blank(cell):
        raise CellError(f"Tanggal kosong. {_DATE_HELP}")
    if isinstance(cell, datetime.datetime):
        day = cell.date()
    elif isinstance(cell, datetime.date):
        day = cell
    elif isinstance(cell, bool):
        day = None
    elif isinstance(cell, int | float):
        day = _date_from_number(cell)
        if day is None:
            raise CellError(f"Angka {_shown(cell)} bukan tanggal. {_DATE_HELP}")
    else:
        text = _clean(str(cell))
        day = _date_from_text(text, month_first=True)
        if day is None and (
            _DMY_SHORT_YEAR.match(text) or re.search(r"\b\d{1,2}\s+[a-z]+\.?\s+\d{2}$", text.lower())
        ):
            raise CellError(f"Tahun harus ditulis 4 angka: {_shown(cell)}. {_DATE_HELP}")
        if day is None and _YEAR_ONLY.match(text):
            raise CellError(f"Tanggal tidak lengkap: {_shown(cell)} hanya tahun. {_DATE_HELP}")
    if day is None or not _FIRST_DAY <= day <= _LAST_DAY:
        raise CellError(f"Tanggal tidak dikenali: {_shown(cell)}. {_DATE_HELP}")
    return day


class Noted(NamedTuple):
    """A cell's value with a warning that does not refuse the row (`imports.engine.Columns.take` keeps it)."""

    value: Any
    note: str


def parse_row_date(cell: Cell) -> datetime.date | Noted:
    """`parse_date` for an import's row: a date read month first comes with a warning to check it."""
    day = parse_date(cell)
    match = _DMY.match(_clean(cell).lower()) if isinstance(cell, str) else None
    if match and int(match[3]) > 12:
        return Noted(
            day,
            f"Tanggal {_shown(cell)} dibaca sebagai bulan/tanggal/tahun ({day_label_id(day)}) "
            f"karena {int(match[3])} bukan bulan. Periksa tanggalnya; tulis tanggal sebagai "
            "HH/BB/TTTT.",
        )
    return day


def parse_optional_date(cell: Cell) -> datetime.date | None:
    return None if is_blank(cell) else parse_date(cell)


# What OpenSID (tgl_indo_out) and typists put for a date that is not known.
_NO_DATE = frozenset({"-", "--", "—", "–"})


def split_place_and_date(cell: Cell) -> tuple[str, datetime.date | None]:
    if isinstance(cell, datetime.date) or (isinstance(cell, int | float) and not isinstance(cell, bool)):
        return "", parse_date(cell)
    text = _clean(str(cell)) if cell is not None else ""
    if not text:
        return "", None
    if (day := _date_from_text(text)) is not None:
        return "", day
    # "Sanggau, 05-07-1989" (pengurus), "SANGGAU / 05 JULI 1989" (lembaga): the date is what follows
    # the first comma or slash after which the rest reads as a date.
    for match in re.finditer(r"[,/]", text):
        place, rest = text[: match.start()].strip(" ,/"), text[match.end() :].strip(" ,/")
        if not rest or rest in _NO_DATE:  # OpenSID prints "-" for an empty date: "Sanggau, -"
            return place, None
        if (day := _date_from_text(rest)) is not None:
            return place, day
    raise CellError(
        f"Tempat/tanggal lahir tidak dikenali: {_shown(cell)}. "
        "Contoh: Sanggau, 05-07-1989 atau Sanggau / 5 Juli 1989."
    )


def parse_place_and_date(cell: Cell) -> datetime.date:
    """The birth date in OpenSID's "Tempat, Tanggal Lahir" column; the place is dropped."""
    _, day = split_place_and_date(cell)
    if day is None:
        raise CellError(f"Tanggal lahir tidak ada pada {_shown(cell)}. Contoh: Sanggau, 05-07-1989.")
    return day


def parse_optional_place_and_date(cell: Cell) -> datetime.date | None:
    """Like parse_place_and_date, but a place without a date ("Sanggau, ") or an empty cell gives None."""
    return split_place_and_date(cell)[1]


_TERM_POINT = (
    r"(\d{1,2}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{4}|\d{1,2}\s+[a-z]+\.?\s+\d{4}|\d{4}-\d{1,2}-\d{1,2}|\d{4})"
)
_TERM_RANGE = re.compile(
    _TERM_POINT
    + r"\s*(?:-|–|—|s\s*/\s*d|s\s*\.\s*d\s*\.?|sd|sampai(?:\s+dengan)?|hingga|to|until)\s*"
    + _TERM_POINT
)


def _term_point(text: str, *, end: bool) -> datetime.date | None:
    if re.fullmatch(r"\d{4}", text):
        year = int(text)
        if not 1900 <= year <= 2100:
            return None
        return datetime.date(year, 12, 31) if end else datetime.date(year, 1, 1)
    return _date_from_text(text)


def parse_term_text(cell: Cell) -> tuple[datetime.date | None, datetime.date | None]:
    """Start and end of a term written as free text (OpenSID's "Masa Jabatan").

    "2019-2025" and "6 Tahun Periode Pertama (2015 s/d 2021)" give 1 January of the first year and
    31 December of the last: a year alone says no more, so prefer the SK date for the start when there is
    one. "12-03-2019 s.d. 12-03-2027" gives both days; "6 Tahun" or an empty cell gives (None, None).
    """
    if is_blank(cell) or isinstance(cell, bool):
        return None, None
    if isinstance(cell, datetime.date):
        return parse_date(cell), None
    if isinstance(cell, int | float):
        return (
            (_term_point(_number_text(cell), end=False), None)
            if _number_text(cell).isdigit()
            else (None, None)
        )
    text = _clean(str(cell)).lower()
    if match := _TERM_RANGE.search(text):
        start = _term_point(" ".join(match[1].split()), end=False)
        finish = _term_point(" ".join(match[2].split()), end=True)
        if start and finish and finish < start:
            raise CellError(f"Masa jabatan berakhir sebelum mulai: {_shown(cell)}.")
        return start, finish
    # One date or one year alone ("sejak 2019", "12-03-2019") is the start.
    if match := re.search(_TERM_POINT, text):
        return _term_point(" ".join(match[1].split()), end=False), None
    return None, None


# ---------------------------------------------------------------------------------------------------------
# Amounts

_MAX_AMOUNT = Decimal("1000000000000")  # Position.monthly_income holds 14 digits with 2 decimals
_AMOUNT_HELP = "Contoh: 2426640, 2.426.640 atau Rp 2.426.640,00."


def _amount_from_text(text: str) -> Decimal | None:
    key = text.lower().replace("\u00a0", " ")
    key = re.sub(r"^(?:rp\.?|idr)\s*", "", key.strip())
    key = re.sub(r"\s*(?:,-|\.-|,--|-)$", "", key)  # "Rp 2.426.640,-"
    key = key.replace(" ", "")
    if re.fullmatch(r"\d+", key):
        return Decimal(key)
    if re.fullmatch(r"\d+(?:\.\d+)?e[+-]?\d+", key):
        return Decimal(key)
    if match := re.fullmatch(r"(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d{1,2}))?", key):  # 2.426.640,00
        whole, cents = match[1].replace(".", ""), match[2] or "0"
        if "." in match[1] or match[2] is not None:
            return Decimal(f"{whole}.{cents}")
    if match := re.fullmatch(r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?", key):  # 2,426,640.00 or 2426640.5
        if match[1].count(",") >= 2 or match[2] is not None:
            return Decimal(f"{match[1].replace(',', '')}.{match[2] or '0'}")
    return None


def parse_amount(cell: Cell) -> Decimal:
    """Rupiah amounts as typed in Indonesia ("Rp 2.426.640", "2.426.640,00"), or "2,426,640.00" when that
    can only be read one way. A lone "2,426" could be either, so it is refused."""
    if is_blank(cell):
        raise CellError(f"Jumlah kosong. {_AMOUNT_HELP}")
    if isinstance(cell, bool) or isinstance(cell, datetime.date):
        raise CellError(f"Bukan jumlah uang: {_shown(cell)}. {_AMOUNT_HELP}")
    if isinstance(cell, int):
        amount = Decimal(cell)
    elif isinstance(cell, float):
        if not math.isfinite(cell):
            raise CellError(f"Bukan jumlah uang: {_shown(cell)}. {_AMOUNT_HELP}")
        if abs(cell) >= _MAX_AMOUNT:
            raise CellError(f"Jumlah terlalu besar: {_shown(cell)}.")
        # Spreadsheet arithmetic leaves binary noise (2426640.0000000005): keep whole cents.
        amount = Decimal(repr(cell)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    else:
        text = re.sub(r"^(?:rp\.?|idr)\s*", "", _clean(str(cell)), flags=re.IGNORECASE)
        negative = text.startswith(("-", "\u2212", "("))
        try:
            amount = _amount_from_text(text.lstrip("-\u2212( ").rstrip(") ") if negative else text)
        except InvalidOperation:
            amount = None
        if amount is None:
            hint = " Pemisah ribuan tidak jelas." if re.fullmatch(r"\d{1,3},\d{3}", text) else ""
            raise CellError(f"Jumlah tidak dikenali: {_shown(cell)}.{hint} {_AMOUNT_HELP}")
        if negative and amount:
            amount = -amount
    if amount < 0:
        raise CellError(f"Jumlah tidak boleh negatif: {_shown(cell)}.")
    if amount >= _MAX_AMOUNT:
        raise CellError(f"Jumlah terlalu besar: {_shown(cell)}.")
    if amount != amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP):
        raise CellError(f"Jumlah paling banyak 2 angka di belakang koma: {_shown(cell)}.")
    return amount.quantize(Decimal(1)) if amount == amount.to_integral_value() else amount


def parse_optional_amount(cell: Cell) -> Decimal | None:
    return None if is_blank(cell) else parse_amount(cell)


# ---------------------------------------------------------------------------------------------------------
# Months

_MONTH_HELP = "Gunakan TTTT-BB (mis. 2026-10), BB-TTTT atau nama bulan (Okt 2026)."
_YM = re.compile(r"^(\d{4})\s*[-/.]\s*(\d{1,2})$")
_MY = re.compile(r"^(\d{1,2})\s*[-/. ]\s*(\d{4})$")
_YYYYMM = re.compile(r"^(\d{4})(\d{2})$")
_NAME_Y = re.compile(r"^([a-z]+)\.?\s*[-/ ,.']?\s*(\d{4}|\d{2})$")
_Y_NAME = re.compile(r"^(\d{4})\s*[-/ ]\s*([a-z]+)\.?$")


def _month(year: int, month: int) -> Month | None:
    if not (1 <= month <= 12 and 1900 <= year <= 2100):
        return None
    return Month(year, month)


def _month_from_text(text: str) -> Month | None:
    key = text.lower().strip()
    if match := _YM.match(key):
        return _month(int(match[1]), int(match[2]))
    if match := _MY.match(key):
        return _month(int(match[2]), int(match[1]))
    if match := _YYYYMM.match(key):
        return _month(int(match[1]), int(match[2]))
    if match := _NAME_Y.match(key):
        number = _MONTH_NAMES.get(match[1])
        year = int(match[2]) + (2000 if len(match[2]) == 2 else 0)  # "Okt-26" is what Excel shows for mmm-yy
        return _month(year, number) if number else None
    if match := _Y_NAME.match(key):
        number = _MONTH_NAMES.get(match[2])
        return _month(int(match[1]), number) if number else None
    day = _date_from_text(text)
    return Month.of(day) if day else None


def parse_month(cell: Cell) -> Month:
    """A calendar month ("2026-10", "10-2026", "Okt 2026", "202610", a date or an Excel serial)."""
    if is_blank(cell):
        raise CellError(f"Bulan kosong. {_MONTH_HELP}")
    if isinstance(cell, datetime.date):
        found = _month(cell.year, cell.month)
    elif isinstance(cell, bool):
        found = None
    elif isinstance(cell, int | float):
        found = None
        if math.isfinite(cell) and float(cell).is_integer() and 190001 <= cell <= 210012:
            found = _month(int(cell) // 100, int(cell) % 100)
        elif math.isfinite(cell) and cell >= 32874:  # 1990-01-01: BPJS months are no older
            day = _from_serial(cell)
            found = Month.of(day) if day else None
    else:
        found = _month_from_text(_clean(str(cell)))
    if found is None:
        raise CellError(f"Bulan tidak dikenali: {_shown(cell)}. {_MONTH_HELP}")
    return found


# ---------------------------------------------------------------------------------------------------------
# Identifiers

_NIK_DAMAGED = (
    "NIK {shown} rusak: tersimpan sebagai angka, dan Excel hanya menyimpan 15 digit sehingga digit "
    "terakhir hilang. Ubah format kolom NIK menjadi Teks, lalu ketik ulang NIK dari KTP/KK."
)
_SCIENTIFIC = re.compile(r"^\d+(?:[.,]\d+)?e\+?\d+$", re.IGNORECASE)


_NIK_AS_NUMBER = (
    "NIK {nik} tersimpan sebagai angka; kali ini utuh, tetapi Excel memotong digit terakhirnya bila "
    "berkas disimpan lagi. Ubah format kolom NIK menjadi Teks."
)


def parse_nik_cell(cell: Cell) -> "str | Noted":
    """A 16-digit NIK checked by nik_check; one a number cell may have damaged is refused, never guessed."""
    facts = parse_nik_facts(cell)
    return Noted(facts.value.nik, facts.note) if type(facts) is Noted else facts.nik


def parse_nik_facts(cell: Cell) -> "NikFacts | Noted":
    """What `parse_nik_cell` checks, with what the NIK says (its facts)."""
    # Sixteen plain digits, as nearly every cell is, need none of `_nik_digits`' refusals or clean-up.
    plain = type(cell) is str and len(cell) == 16 and cell.isascii() and cell.isdigit()
    try:
        facts = nik_check(cell if plain else _nik_digits(cell))
    except NikError as exc:
        raise CellError(f"NIK {_shown(cell)} tidak valid: {exc}") from None
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return Noted(facts, _NIK_AS_NUMBER.format(nik=facts.nik))
    return facts


def _nik_digits(cell: Cell) -> str:
    """The cell's NIK as typed, without the separators people type; CellError for a cell that cannot hold
    a NIK, or whose NIK a spreadsheet has damaged."""
    if is_blank(cell):
        raise CellError("NIK kosong.")
    if isinstance(cell, bool) or isinstance(cell, datetime.date):
        raise CellError(f"NIK tidak dikenali: {_shown(cell)}. NIK terdiri dari 16 digit angka.")
    if isinstance(cell, int | float):
        # Excel keeps 15 significant digits: a 16th digit other than 0 was not cut, and below 2**53 a
        # float holds every whole number exactly. Any other number may have lost its last digit.
        intact = math.isfinite(cell) and float(cell).is_integer() and 10**15 <= cell < 2**53
        if not intact or int(cell) % 10 == 0:
            raise CellError(_NIK_DAMAGED.format(shown=_shown(cell)))
        return str(int(cell))
    text = _clean(str(cell))
    compact = nik_normalise(text)
    if _SCIENTIFIC.match(text.replace(" ", "")) or re.fullmatch(r"\d{15}", compact):
        raise CellError(_NIK_DAMAGED.format(shown=_shown(cell)))
    if re.fullmatch(r"\d{16}(?:[.,]0+)", text):  # "6103014507890000.0": a number written out as text
        raise CellError(_NIK_DAMAGED.format(shown=_shown(cell)))
    return compact


KPJ_MAX_DIGITS = 20  # what Enrolment.kpj holds: a longer number is no KPJ, whatever the official length


def parse_kpj(cell: Cell) -> "str | Noted":
    """A KPJ (BPJS TK card number): digits only. Its official length is unconfirmed, so a length other
    than 11 is noted with a warning, not a rejection; a number longer than any KPJ is left out with a
    warning (Noted None): the KPJ is optional in an extract, whose row is kept without it."""
    if type(cell) is str and len(cell) == 11 and cell.isascii() and cell.isdigit():
        return cell  # eleven plain digits, as nearly every cell is: nothing below would change them
    if is_blank(cell):
        raise CellError("Nomor KPJ kosong.")
    if isinstance(cell, bool) or isinstance(cell, datetime.date):
        raise CellError(f"Nomor KPJ harus berupa angka: {_shown(cell)}.")
    if isinstance(cell, int | float):
        if not (math.isfinite(cell) and float(cell).is_integer() and 0 <= cell < 10**15):
            raise CellError(
                f"Nomor KPJ {_shown(cell)} tersimpan sebagai angka dan digitnya tidak utuh. "
                "Ubah format kolom menjadi Teks lalu ketik ulang."
            )
        kpj = str(int(cell))
    else:
        text = _clean(str(cell))
        kpj = re.sub(r"[\s.\-/]", "", text)
        if _SCIENTIFIC.match(text.replace(" ", "")):
            raise CellError(
                f"Nomor KPJ {_shown(cell)} rusak: tersimpan sebagai angka. Ubah format kolom menjadi Teks "
                "lalu ketik ulang."
            )
        if not kpj.isascii() or not kpj.isdigit():
            raise CellError(f"Nomor KPJ harus berupa angka: {_shown(cell)}.")
    if len(kpj) > KPJ_MAX_DIGITS:
        note = (
            f"Nomor KPJ terdiri dari {len(kpj)} digit, terlalu panjang untuk nomor KPJ (paling banyak "
            f"{KPJ_MAX_DIGITS} digit, biasanya 11). Isian ini tidak disimpan; baris tetap diterima dan "
            "peserta dikenali dari NIK dan tanggal kepesertaan. Perbaiki lalu impor lagi."
        )
        return Noted(None, note)
    if len(kpj) != 11:
        note = f"Nomor KPJ {kpj} terdiri dari {len(kpj)} digit, biasanya 11 digit. Periksa kembali."
        return Noted(kpj, note)
    return kpj


def parse_desa_code(cell: Cell) -> str:
    """A Kemendagri desa code in its dotted form: "6103012007", "61.03.01.2007" -> "61.03.01.2007".

    Whether the desa exists is for the caller to check against the regions table.
    """
    if is_blank(cell) or isinstance(cell, bool) or isinstance(cell, datetime.date):
        raise CellError(
            "Kode desa kosong." if is_blank(cell) else f"Kode desa tidak dikenali: {_shown(cell)}."
        )
    text = _number_text(cell) if isinstance(cell, int | float) else _clean(str(cell))
    digits = re.sub(r"[\s.\-]", "", text)
    if not re.fullmatch(r"\d{10}", digits):
        raise CellError(f"Kode desa tidak dikenali: {_shown(cell)}. Contoh: 61.03.01.2007 (10 digit).")
    return f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}.{digits[6:]}"


def parse_phone(cell: Cell) -> str:
    """A phone number in national form without separators ("081234567890"); empty gives ""."""
    if is_blank(cell):
        return ""
    if isinstance(cell, bool) or isinstance(cell, datetime.date):
        raise CellError(f"Nomor HP tidak dikenali: {_shown(cell)}.")
    text = _number_text(cell) if isinstance(cell, int | float) else _clean(str(cell))
    info = _lokal_parse_phone(text)
    if not info.valid or not info.e164:
        reason = " ".join(issue.message for issue in info.errors) or "Nomor tidak valid."
        raise CellError(f"Nomor HP {_shown(cell)} tidak valid: {reason}")
    return "0" + info.e164.removeprefix("+62")


# ---------------------------------------------------------------------------------------------------------
# Codes

_SEX = {
    **dict.fromkeys(("l", "lk", "laki laki", "laki", "lakilaki", "lelaki", "pria", "1", "m", "male"), "L"),
    **dict.fromkeys(("p", "pr", "perempuan", "wanita", "2", "f", "female"), "P"),
}


def parse_sex(cell: Cell) -> str:
    """ "L" or "P" (OpenSID codes 1 and 2 accepted)."""
    key = _key(cell) if not isinstance(cell, bool) else ""
    if key not in _SEX:
        raise CellError(
            f"Jenis kelamin tidak dikenali: {_shown(cell)}. Isi L (laki-laki) atau P (perempuan)."
        )
    return _SEX[key]


_GROUPS = {
    **dict.fromkeys(
        (
            "aparat",
            "aparat desa",
            "aparatur desa",
            "perangkat",
            "perangkat desa",
            "pemerintah desa",
            "pemdes",
        ),
        Group.APARAT.value,
    ),
    **dict.fromkeys(("bpd", "badan permusyawaratan desa", "anggota bpd"), Group.BPD.value),
}


def parse_group(cell: Cell) -> str:
    key = _key(cell) if not isinstance(cell, bool) else ""
    if key not in _GROUPS:
        raise CellError(f"Kelompok tidak dikenali: {_shown(cell)}. Isi APARAT atau BPD.")
    return _GROUPS[key]


_ACTING_WORDS = {
    **dict.fromkeys(("pj", "pjs", "penjabat", "penjabat sementara"), Acting.PJ.value),
    **dict.fromkeys(("plt", "plh", "pelaksana tugas", "pelaksana harian"), Acting.PLT.value),
    **dict.fromkeys(("", "definitif", "def", "tetap"), Acting.DEFINITIVE.value),
}


def parse_acting(cell: Cell) -> str:
    """Status jabatan: "" (definitif), "pj" or "plt" (Plh, pelaksana harian, counts as Plt)."""
    key = _key(cell) if not isinstance(cell, bool) and not is_blank(cell) else ""
    if key not in _ACTING_WORDS:
        raise CellError(f"Status jabatan tidak dikenali: {_shown(cell)}. Isi Definitif, Pj atau Plt.")
    return _ACTING_WORDS[key]


@dataclass(frozen=True)
class OfficeValue:
    office: str  # Office value
    acting: str  # Acting value: "", "pj" or "plt"
    unit_name: str  # the dusun of a kepala dusun, as written ("I", "Sungai Ayak"); "" otherwise


_APARAT_OFFICES = {
    Office.KEPALA_DESA: ("kades", "kepala desa", "kepdes", "kuwu", "petinggi"),
    Office.SEKRETARIS_DESA: ("sekdes", "sekretaris desa", "sekertaris desa", "carik"),
    Office.KAUR_TU_UMUM: (
        "kaur tu dan umum",
        "kaur tata usaha dan umum",
        "kaur tu umum",
        "kaur umum dan tu",
        "kaur umum dan tata usaha",
        "kaur umum",
        "kaur tu",
        "kaur tata usaha",
        "kaur administrasi dan umum",
        "kaur umum dan perencanaan",  # desa with two urusan (Permendagri 84/2015 Pasal 6)
    ),
    Office.KAUR_KEUANGAN: ("kaur keuangan", "kaur keu", "bendahara desa", "kaur keuangan desa"),
    Office.KAUR_PERENCANAAN: ("kaur perencanaan", "kaur program", "kaur perencanaan desa"),
    Office.KASI_PEMERINTAHAN: ("kasi pemerintahan", "kasi pem", "kasi pemdes", "kaur pemerintahan"),
    Office.KASI_KESEJAHTERAAN: (
        "kasi kesejahteraan",
        "kasi kesra",
        "kasi kesejahteraan rakyat",
        "kasi kesejahteraan masyarakat",
        "kasi kesejahteraan dan pelayanan",  # desa with two seksi
        "kasi kesejahteraan dan pembangunan",
        "kasi pembangunan",  # pembangunan sarana prasarana belongs to the seksi kesejahteraan
        "kaur kesra",
        "kaur kesejahteraan",
    ),
    Office.KASI_PELAYANAN: ("kasi pelayanan", "kasi pelayanan masyarakat", "kasi pelayanan umum"),
}
_BPD_OFFICES = {
    Office.BPD_KETUA: ("ketua bpd",),
    Office.BPD_WAKIL_KETUA: ("wakil ketua bpd", "waka bpd", "wakil bpd"),
    Office.BPD_SEKRETARIS: ("sekretaris bpd", "sekertaris bpd"),
    # The Office list has no bendahara: a BPD's bendahara is a member with an internal task.
    Office.BPD_ANGGOTA: ("anggota bpd", "bendahara bpd"),
}
# Plain role names that only make sense once the group is known.
_PLAIN_BPD = {
    "ketua": Office.BPD_KETUA,
    "wakil ketua": Office.BPD_WAKIL_KETUA,
    "wakil": Office.BPD_WAKIL_KETUA,
    "sekretaris": Office.BPD_SEKRETARIS,
    "sekertaris": Office.BPD_SEKRETARIS,
    "anggota": Office.BPD_ANGGOTA,
    "bendahara": Office.BPD_ANGGOTA,
}
_PLAIN_APARAT = {"sekretaris": Office.SEKRETARIS_DESA, "bendahara": Office.KAUR_KEUANGAN}

_OFFICE_NAMES: dict[str, str] = {
    name: office.value
    for table in (_APARAT_OFFICES, _BPD_OFFICES)
    for office, names in table.items()
    for name in names
}
_LONG_FORMS = (
    (re.compile(r"\bkepala urusan\b"), "kaur"),
    (re.compile(r"\bkepala seksi\b"), "kasi"),
    (re.compile(r"\bka ur\b"), "kaur"),
    (re.compile(r"\bka si\b"), "kasi"),
    (re.compile(r"\bbadan permusyawaratan desa\b"), "bpd"),
    (re.compile(r"\bsekertaris\b"), "sekretaris"),
)
_ACTING_PREFIX = re.compile(
    r"^(pj|pjs|penjabat sementara|penjabat|plt|plh|pelaksana tugas|pelaksana harian)\b\s*"
    r"|\s*\b(pj|pjs|plt|plh|definitif)$"
)
_DUSUN = re.compile(
    r"^\s*(?:(?:pj|pjs|plt|plh)\b\.?\s*)?"
    r"(?:kepala\s+dusun|kadus|kasun|kepala\s+lingkungan|kaling|kepala\s+wilayah|kawil)\b\.?"
    r"\s*[:\-–]?\s*\(?\s*(?:(?:dusun|dsn|lingkungan)\b\.?)?\s*(.*?)\s*\)?\s*$",
    re.IGNORECASE,
)
# Who works at a village office without holding one of its offices (Permendagri 84/2015): OpenSID lists
# them in its officials' book all the same.
_NOT_AN_OFFICE = re.compile(
    r"\b(?:staf+|operator|honorer|tenaga|pembantu|kader|linmas|hansip|satpam|penjaga|"
    r"(?:ketua\s+)?rt|(?:ketua\s+)?rw|imam|marbot|guru|sopir|supir|cleaning)\b"
)

_OFFICE_HELP = (
    "Gunakan salah satu: Kepala Desa, Sekretaris Desa, Kaur TU dan Umum, Kaur Keuangan, Kaur Perencanaan, "
    "Kasi Pemerintahan, Kasi Kesejahteraan, Kasi Pelayanan, Kepala Dusun <nama dusun>, Ketua BPD, "
    "Wakil Ketua BPD, Sekretaris BPD, Anggota BPD; awali dengan Pj atau Plt untuk penjabat atau "
    "pelaksana tugas."
)


def parse_office(cell: Cell, group: str | None = None) -> OfficeValue:
    """Map a locally written office name onto the fixed Office list.

    `group` is the row's kelompok when known: it gives plain "Ketua" or "Anggota" a meaning (BPD), and an
    office of the other group is refused.
    """
    if is_blank(cell) or isinstance(cell, bool) or not isinstance(cell, str):
        raise CellError(
            f"Jabatan kosong. {_OFFICE_HELP}"
            if is_blank(cell)
            else f"Jabatan tidak dikenali: {_shown(cell)}."
        )
    key = _key(cell)
    for pattern, short in _LONG_FORMS:
        key = pattern.sub(short, key)
    acting = ""
    while match := _ACTING_PREFIX.search(key):
        word = match[1] or match[2]
        acting = acting or _ACTING_WORDS[word]
        key = (key[: match.start()] + " " + key[match.end() :]).strip()
    office = _OFFICE_NAMES.get(key)
    unit_name = ""
    if office is None and group == Group.BPD:
        office = _PLAIN_BPD.get(key)
    elif office is None and group == Group.APARAT:
        office = _PLAIN_APARAT.get(key)
    if office is None and (match := _DUSUN.match(_clean(cell))):
        office = Office.KEPALA_DUSUN.value
        unit_name = re.sub(r"\s*\((?:pj|pjs|plt|plh)\)$", "", match[1], flags=re.IGNORECASE).strip(" .:-")
        if len(unit_name) > 80:
            raise CellError(f"Nama dusun terlalu panjang (paling banyak 80 karakter): {_shown(cell)}.")
    if office is None:
        if key in _PLAIN_BPD and group is None:
            raise CellError(
                f"Jabatan {_shown(cell)} tidak jelas tanpa kelompok: tulis misalnya Ketua BPD, "
                "atau isi kolom kelompok dengan BPD."
            )
        if _NOT_AN_OFFICE.search(key):
            raise CellError(
                f"{_shown(cell)} bukan jabatan perangkat desa atau BPD (staf, operator, tenaga honorer, "
                f"RT/RW dan linmas tidak didaftarkan). {_OFFICE_HELP}"
            )
        raise CellError(f"Jabatan tidak dikenali: {_shown(cell)}. {_OFFICE_HELP}")
    office_group = Group.BPD.value if office in {o.value for o in _BPD_OFFICES} else Group.APARAT.value
    if group and group != office_group:
        raise CellError(f"Jabatan {_shown(cell)} termasuk kelompok {office_group}, bukan {group}.")
    return OfficeValue(office=Office(office).value, acting=acting, unit_name=unit_name)


_PROGRAMME_ORDER = ("JKK", "JKM", "JHT", "JP")
_PROGRAMME_NAMES = (
    ("jaminan kecelakaan kerja", "jkk"),
    ("jaminan kematian", "jkm"),
    ("jaminan hari tua", "jht"),
    ("jaminan pensiun", "jp"),
    ("jaminan kehilangan pekerjaan", "jkp"),
)


def parse_programmes(cell: Cell) -> list[str]:
    """BPJS TK programmes in canonical order: "JKK JKM", "jkk/jkm/jp", "JKK+JKM" -> ["JKK", "JKM"]."""
    if is_blank(cell) or not isinstance(cell, str):
        raise CellError(
            "Program kosong. Contoh: JKK,JKM atau JKK JKM JHT."
            if is_blank(cell)
            else f"Program tidak dikenali: {_shown(cell)}."
        )
    key = _key(cell)
    for name, short in _PROGRAMME_NAMES:
        key = key.replace(name, short)
    words = re.split(r"[^a-z]+", re.sub(r"\b(?:dan|and|program|bpjs|tk)\b", " ", key))
    found = set()
    for word in filter(None, words):
        if word == "jkp":
            raise CellError(
                "Program JKP (jaminan kehilangan pekerjaan) tidak berlaku bagi aparat desa dan BPD."
            )
        if word.upper() not in _PROGRAMME_ORDER:
            raise CellError(
                f"Program tidak dikenali: {_shown(cell)}. Gunakan JKK, JKM, JHT dan JP, mis. JKK,JKM."
            )
        found.add(word.upper())
    if not found:
        raise CellError(
            f"Program tidak dikenali: {_shown(cell)}. Gunakan JKK, JKM, JHT dan JP, mis. JKK,JKM."
        )
    return [name for name in _PROGRAMME_ORDER if name in found]


_CATEGORIES = {
    **dict.fromkeys(
        ("pu", "ppu", "penerima upah", "pekerja penerima upah", "tenaga kerja penerima upah"), "PU"
    ),
    **dict.fromkeys(
        (
            "bpu",
            "pbpu",
            "bukan penerima upah",
            "pekerja bukan penerima upah",
            "tenaga kerja bukan penerima upah",
        ),
        "BPU",
    ),
}


def parse_category(cell: Cell) -> str:
    """Kategori kepesertaan: "PU" (penerima upah) or "BPU" (bukan penerima upah)."""
    key = _key(cell) if not isinstance(cell, bool) else ""
    if key not in _CATEGORIES:
        raise CellError(
            f"Kategori tidak dikenali: {_shown(cell)}. Isi PU (penerima upah) atau BPU (bukan penerima upah)."
        )
    return _CATEGORIES[key]


_STATUSES = {
    **dict.fromkeys(("aktif", "active", "a", "1", "ya"), "AKTIF"),
    **dict.fromkeys(
        ("nonaktif", "non aktif", "tidak aktif", "tdk aktif", "inactive", "non active", "na", "0", "tidak"),
        "NONAKTIF",
    ),
}


def parse_bpjs_status(cell: Cell) -> str:
    """Status kepesertaan: "AKTIF" or "NONAKTIF"."""
    key = _key(cell) if not isinstance(cell, bool) else ""
    if key not in _STATUSES:
        raise CellError(f"Status tidak dikenali: {_shown(cell)}. Isi AKTIF atau NONAKTIF.")
    return _STATUSES[key]


def parse_active(cell: Cell) -> bool:
    """OpenSID's "Status" of an official: Aktif / Tidak Aktif (or 1 / 0)."""
    return parse_bpjs_status(cell) == "AKTIF"


def parse_sk_number_and_date(cell: Cell) -> tuple[str, datetime.date | None]:
    """OpenSID's "Nomor dan Tanggal Keputusan": "141/05/2019, 12-03-2019" or "141/2019 / 12-03-2019".

    The date is what follows the last comma or " / " when it reads as a date; the rest is the number.
    OpenSID prints an empty date as "-" and leaves an empty number empty: "141/05/2019, -", ", 12-03-2019"
    and ", -" (nothing at all) are read as such.
    """
    if is_blank(cell):
        return "", None
    text = parse_text(cell, max_length=200)
    if not text.strip(" ,/-"):
        return "", None
    for match in reversed(list(re.finditer(r",|\s/(?=\s|$)", text))):
        tail = text[match.end() :].strip()
        day = _date_from_text(tail) if tail and tail not in _NO_DATE else None
        if day is not None or not tail or tail in _NO_DATE:
            number = text[: match.start()].strip(" ,/")
            number = "" if number in _NO_DATE else number
            if len(number) > 100:
                raise CellError(f"Nomor SK terlalu panjang (paling banyak 100 karakter): {_shown(cell)}.")
            return number, day
    if len(text) > 100:
        raise CellError(f"Nomor SK terlalu panjang (paling banyak 100 karakter): {_shown(cell)}.")
    return text.strip(" ,"), None
