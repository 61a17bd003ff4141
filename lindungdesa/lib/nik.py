"""NIK checks shared by forms, imports and the demo generator (lokal-id does the parsing)."""

import functools
import re
import time
from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

from django.utils.translation import gettext
from lokal import parse_nik
from lokal.wilayah import wilayah_name

from .pii import mask

_DIGITS16 = re.compile(r"^\d{16}$")


class NikError(ValueError):
    """A NIK that cannot be accepted; the message is Indonesian and shown to users as is."""


class NikFacts(NamedTuple):
    """What a valid NIK says (immutable; a named tuple because an import makes one for each of millions
    of rows, and a frozen dataclass costs three times as much to make)."""

    nik: str
    district_code: str
    birth_date: date
    sex: str  # "L" or "P"


_SEPARATORS = re.compile(r"[\s.\-]")


def nik_normalise(raw: str) -> str:
    """Strip spaces, dots and dashes that people type between groups of digits."""
    return _SEPARATORS.sub("", str(raw))


@functools.lru_cache(maxsize=16384)
def _district_known(code: str) -> bool:
    # About 7,300 kecamatan: an import asks of the same few again and again.
    return wilayah_name(code) is not None


def nik_check(raw: str, *, reference_date: date | None = None) -> NikFacts:
    """Validate structure, birth date and kecamatan; return what the NIK encodes."""
    return _nik_check(raw, reference_date or _today())


def plain_nik_facts(cells: Sequence[object]) -> list[NikFacts | None]:
    """`nik_check` of each cell that is sixteen plain digits, as nearly every NIK cell is, for a column of an
    import's NIKs at once (`_KnownParts.column`). None for any other cell and for a NIK refused: checked
    alone, for its message."""
    return _KNOWN_PARTS.column(cells, _today())


_TODAY: list = [None, 0.0]  # today's date, and until when (time.time()) it holds


def _today() -> date:
    """`date.today()`, asked of the clock at most once a second: it costs about half a µs, and an import
    asks it twice for each of thousands of rows a second."""
    now = time.time()
    if now >= _TODAY[1]:
        _TODAY[0], _TODAY[1] = date.today(), now + 1.0
    return _TODAY[0]


# A NIK is often checked twice in a row (a form's field, then `person_new`): the second time is a look-up.
# Only valid NIKs are remembered (an exception is not cached), for one reference day, and only the last few:
# an import checks thousands of new NIKs, and each remembered one lived on into the cyclic garbage
# collector's oldest generation, which it then walked again and again (docs/benchmarks.md, "Issue 22").
@functools.lru_cache(maxsize=16)
def _nik_check(raw: str, reference_date: date) -> NikFacts:
    # Sixteen plain digits, as nearly every NIK is, have no separators to strip.
    plain = type(raw) is str and len(raw) == 16 and raw.isascii() and raw.isdigit()
    nik = raw if plain else nik_normalise(raw)
    if not _DIGITS16.match(nik):
        raise NikError("NIK harus terdiri dari 16 digit angka.")
    known = _KNOWN_PARTS.facts(nik, reference_date)
    if known is not None:
        return known
    info = parse_nik(nik, reference_date=reference_date)
    if not info.valid:
        raise NikError(" ".join(issue.message for issue in info.errors))
    assert info.district_code and info.birth_date and info.gender
    if not _district_known(info.district_code):
        raise NikError(f"Kode kecamatan {info.district_code} pada NIK tidak ada di data Kemendagri.")
    facts = NikFacts(
        nik=nik,
        district_code=info.district_code,
        birth_date=date.fromisoformat(info.birth_date),
        sex=info.gender,
    )
    _KNOWN_PARTS.learn(facts, reference_date)
    return facts


class _KnownParts:
    """The parts of NIKs found valid, so that a NIK made of parts already seen is checked by two look-ups
    instead of a whole `parse_nik` for each of a national file's 1.5 million NIKs.

    lokal-id's verdict on sixteen digits PPKKCC DDMMYY SSSS is the conjunction of separate checks of the
    region (PPKKCC: province known, no 00), of the birth date (DDMMYY, whose century and so whose 29 February
    depend on the reference date) and of the serial (not 0000); ours adds that the kecamatan exists. So a
    NIK whose region and date parts each belonged to a NIK found valid on the same reference date, and whose
    serial is not 0000, is valid, with the facts those parts gave. Anything else goes to `parse_nik`, which
    says what is wrong (tests/lib/test_nik.py holds the two ways to the same verdict on random NIKs)."""

    LIMIT = 200_000  # date parts (at most about 73,000 a century) and region parts (about 7,300)

    def __init__(self) -> None:
        # (reference day, PPKKCC -> district code, DDMMYY -> (birth date, sex)), replaced whole for another
        # day, so that a thread reads one day's parts even while another thread starts a new day.
        self.state: tuple[date | None, dict[str, str], dict[str, tuple[date, str]]] = (None, {}, {})

    def facts(self, nik: str, reference_date: date) -> NikFacts | None:
        day, regions, births = self.state
        if reference_date != day:
            return None
        district = regions.get(nik[:6])
        born = births.get(nik[6:12])
        if district is None or born is None or nik[12:] == "0000":
            return None
        return NikFacts(nik, district, born[0], born[1])

    def column(self, cells: Sequence[object], reference_date: date) -> list[NikFacts | None]:
        """`plain_nik_facts`: two look-ups for a NIK of known parts, `_nik_check` (which learns them) else."""
        day, regions, births = self.state
        out: list[NikFacts | None] = []
        for cell in cells:
            if type(cell) is not str or len(cell) != 16 or not cell.isascii() or not cell.isdigit():
                out.append(None)
                continue
            district, born = regions.get(cell[:6]), births.get(cell[6:12])
            if day == reference_date and district is not None and born is not None and cell[12:] != "0000":
                out.append(NikFacts(cell, district, *born))
                continue
            try:
                out.append(_nik_check(cell, reference_date))
            except NikError:
                out.append(None)
            day, regions, births = self.state  # what `_nik_check` learnt (or began again)
        return out

    def learn(self, facts: NikFacts, reference_date: date) -> None:
        day, regions, births = self.state
        if reference_date != day or len(regions) + len(births) >= self.LIMIT:
            regions, births = {}, {}
            self.state = (reference_date, regions, births)
        regions[facts.nik[:6]] = facts.district_code
        births[facts.nik[6:12]] = (facts.birth_date, facts.sex)


_KNOWN_PARTS = _KnownParts()


def nik_agrees(facts: NikFacts, *, birth_date: date | None, sex: str | None) -> list[str]:
    """Messages for each given fact that contradicts the NIK (empty when they agree)."""
    problems = []
    if sex and sex != facts.sex:
        expected = "perempuan (P)" if facts.sex == "P" else "laki-laki (L)"
        problems.append(f"Jenis kelamin tidak sesuai NIK: menurut NIK {expected}.")
    if birth_date and (birth_date.day, birth_date.month, birth_date.year % 100) != (
        facts.birth_date.day,
        facts.birth_date.month,
        facts.birth_date.year % 100,
    ):
        problems.append(
            f"Tanggal lahir tidak sesuai NIK: menurut NIK {facts.birth_date.strftime('%d-%m-%Y')}."
        )
    return problems


def nik_mask(nik: str | None) -> str:
    """6103********0001: region and serial stay recognisable, the birth date is hidden. A person whose NIK
    is not known yet: "NIK belum ada"."""
    if not nik:
        return gettext("NIK belum ada")
    return mask("nik", nik)
