"""The one masking helper for personal data (NIK, KPJ card numbers, phone numbers).

Single values are masked by lokal-id's `partial_mask` (the same rule everywhere: 6103********0001,
0812****7890, *******8901). Free text (log lines, error messages) is masked by `mask_text`, which replaces
every run of digits long enough to be one of them: a rule on digits rather than on recognised numbers, so
that an invalid NIK or an unusual KPJ in a log line is hidden too.
"""

import re
from typing import Literal

from lokal import partial_mask

Kind = Literal["nik", "kpj", "phone"]
_LOKAL_TYPE = {"nik": "NIK", "kpj": "BPJS", "phone": "PHONE"}
# Field names that hold personal identifiers, wherever they appear (serializers, audit JSON, exports).
PERSONAL_FIELDS: dict[str, Kind] = {"nik": "nik", "kpj": "kpj", "phone": "phone", "no_hp": "phone"}

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
    if kind == "nik" and len(value) != 16:
        return "*" * len(value)
    return partial_mask(_LOKAL_TYPE[kind], value)


def mask_text(text: str) -> str:
    """Every NIK-, KPJ- or phone-like digit string in `text` replaced by its masked form."""
    return _DIGIT_RUN.sub(_mask_run, text)


def _mask_run(match: re.Match) -> str:
    digits = re.sub(r"\D", "", match.group())
    if len(digits) < _MIN_DIGITS:
        return match.group()
    if len(digits) == 16:
        return mask("nik", digits)
    return "*" * (len(digits) - 4) + digits[-4:]


def mask_fields(data: dict | None) -> dict | None:
    """A copy of `data` (e.g. an audit entry's before/after) with its personal fields masked."""
    if data is None:
        return None
    return {
        key: mask(PERSONAL_FIELDS[key], value) if key in PERSONAL_FIELDS and isinstance(value, str) else value
        for key, value in data.items()
    }
