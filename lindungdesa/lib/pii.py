"""The one masking helper for personal data (NIK, KPJ card numbers, phone numbers, birth dates, sex).

A NIK keeps only its last four digits (************0001). Its first twelve are the kecamatan of
registration (digits 1-6) and the birth date, with 40 added to the day for women (digits 7-12): a page
shows the desa beside a NIK, so a mask that hid only the birth date, shown beside the birth date or the sex,
could be undone (issue 18: every demo NIK was rebuilt that way). So the masked form shows none of the
twelve, and a role without the personal-data right is never shown a birth date or a sex either (`withheld`;
`age_band` where the job needs an age). The last four digits, a serial, follow from nothing else shown.

KPJ card numbers and phone numbers are masked by lokal-id's `partial_mask` (*******8901, 0812****7890).
Free text (log lines, error messages) is masked by `mask_text`, which replaces every run of digits long
enough to be one of them: a rule on digits rather than on recognised numbers, so that an invalid NIK or an
unusual KPJ in a log line is hidden too.
"""

import re
from datetime import date
from typing import Literal

from lokal import partial_mask

Kind = Literal["nik", "kpj", "phone"]
_LOKAL_TYPE = {"kpj": "BPJS", "phone": "PHONE"}
# Field names that hold personal identifiers, wherever they appear (serializers, audit JSON, exports).
PERSONAL_FIELDS: dict[str, Kind] = {"nik": "nik", "kpj": "kpj", "phone": "phone", "no_hp": "phone"}
# Fields that, beside a masked NIK and a desa, would give back its hidden digits: never shown masked.
WITHHELD_FIELDS = frozenset({"birth_date", "bpjs_birth_date", "sex", "tanggal_lahir", "jenis_kelamin"})
WITHHELD = "(disembunyikan)"
NIK_SHOWN = 4  # digits at the end of a masked NIK

# A NIK typed in groups (6103 0112 0475 0001), a mobile number typed in groups (0812-3456-7890,
# +62 812 3456 7890), or any run of 10 or more digits (NIK, KPJ, phone). Shorter numbers (years, counts,
# rupiah amounts below ten billion) and dates and times (2026-12-02 04:02) stay readable.
_DIGIT_RUN = re.compile(
    r"(?<![\w.])(?:\d{4}[ .\-]\d{4}[ .\-]\d{4}[ .\-]\d{4}"
    r"|(?:\+62[ .\-]?|0)8\d{1,3}(?:[ .\-]\d{3,4}){1,3}"
    r"|\+?\d{10,})(?!\w)"
)
_MIN_DIGITS = 10


def mask(kind: Kind, value: str | None) -> str:
    """`value` with only enough left to recognise it; "" stays ""."""
    if not value:
        return ""
    value = str(value)
    if kind == "nik":
        if len(value) != 16:
            return "*" * len(value)
        return "*" * (16 - NIK_SHOWN) + value[-NIK_SHOWN:]
    return partial_mask(_LOKAL_TYPE[kind], value)


def age_band(birth_date: date | None, on: date) -> str:
    """The decade of age on `on` ("40-49"), what a role without the personal-data right may know of it."""
    if birth_date is None:
        return ""
    age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    if age < 20:
        return "<20"
    if age >= 70:
        return "70+"
    low = age - age % 10
    return f"{low}-{low + 9}"


# A day written out: 12-04-1975, 12/04/1975, 1975-04-12.
_DAY = re.compile(r"(?<!\d)(?:\d{1,2}[-/.]\d{1,2}[-/.]\d{4}|\d{4}-\d{2}-\d{2})(?!\d)")


def mask_text(text: str, *, dates: bool = False, niks_only: bool = False) -> str:
    """Every NIK-, KPJ- or phone-like digit string in `text` replaced by its masked form.

    With `dates`, every day written out too: text shown to a role without the personal-data right, where a
    date beside a person (a rejected row's reason, a case note) may be a birth date. Logs keep their dates.
    With `niks_only`, only the runs of 16 digits: a page shows a role with the right KPJs and phones whole,
    but no NIK."""
    text = _DIGIT_RUN.sub(_mask_nik_run if niks_only else _mask_run, text)
    return _DAY.sub("**-**-****", text) if dates else text


def _mask_nik_run(match: re.Match) -> str:
    digits = re.sub(r"\D", "", match.group())
    return mask("nik", digits) if len(digits) == 16 else match.group()


def _mask_run(match: re.Match) -> str:
    digits = re.sub(r"\D", "", match.group())
    if len(digits) < _MIN_DIGITS:
        return match.group()
    if len(digits) == 16:
        return mask("nik", digits)
    return "*" * (len(digits) - 4) + digits[-4:]


def mask_fields(data: dict | None) -> dict | None:
    """A copy of `data` (e.g. an audit entry's before/after) with its identifiers masked and its birth dates
    and sex withheld."""
    if data is None:
        return None
    return {key: _masked_field(key, value) for key, value in data.items()}


def _masked_field(key: str, value):
    if key in PERSONAL_FIELDS and isinstance(value, str):
        return mask(PERSONAL_FIELDS[key], value)
    if key in WITHHELD_FIELDS and value not in (None, ""):
        return WITHHELD
    return value
