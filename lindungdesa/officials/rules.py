"""The rules of docs/domain.md §5 as pure functions of plain objects, in one place.

The services (`officials.services`) query what a rule needs and call these; the bulk importer
(`imports.roster`) passes the positions it already holds in memory. Nothing here touches the database,
except that a message may name the desa or person of a position whose relation was not loaded.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from operator import itemgetter
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from lindungdesa.accounts.scope import contains
from lindungdesa.lib.names import name_key
from lindungdesa.lib.nik import NikError, NikFacts, nik_agrees, nik_check
from lindungdesa.regions.models import Region

from .models import (
    BPD_OFFICES,
    MAX_TERM_YEARS,
    Acting,
    Group,
    Office,
    Person,
    Position,
    group_of,
)

Problems = dict[str, list[str]]  # model field name -> messages, as ValidationError(dict) takes them
_OFFICES = frozenset(Office.values)
# Dates no record of a serving official can hold: a mistyped year (0001, 2062) is refused, not kept where no
# page would show it. The youngest official holds a KTP (17 years); a term starts at most a year ahead.
EARLIEST_BIRTH = date(1900, 1, 1)
YOUNGEST_AGE = 17
EARLIEST_TERM_START = date(1945, 8, 17)
TERM_START_AHEAD_DAYS = 366


def _today() -> date:
    """Today, for the bounds above: the machine's date (a day's difference to the site's time zone does not
    matter to them, and an import asks once a row: `timezone.localdate()` costs 6 times as much)."""
    return date.today()


def birth_date_problem(birth_date: date | None, today: date | None = None) -> str | None:
    """Why `birth_date` cannot be an official's or BPD member's (None when it can)."""
    if birth_date is None:
        return None
    today = today or _today()
    if birth_date < EARLIEST_BIRTH:
        return _("Tanggal lahir %(day)s tidak mungkin: periksa tahunnya.") % {"day": fmt_day(birth_date)}
    if birth_date > add_years(today, -YOUNGEST_AGE):
        return _("Tanggal lahir %(day)s berarti belum berumur %(age)s tahun: periksa tahunnya.") % {
            "day": fmt_day(birth_date),
            "age": YOUNGEST_AGE,
        }
    return None


def term_start_problem(term_start: date | None, today: date | None = None) -> str | None:
    """Why `term_start` cannot be a position's start (None when it can)."""
    if term_start is None:
        return None
    today = today or _today()
    if term_start < EARLIEST_TERM_START or (term_start - today).days > TERM_START_AHEAD_DAYS:
        return _("Mulai menjabat %(day)s tidak mungkin: periksa tahunnya.") % {"day": fmt_day(term_start)}
    return None


def retires_at_sixty(office: str) -> bool:
    """Perangkat desa retire at 60; a kepala desa or a BPD member serves a term (docs/domain.md)."""
    return office != Office.KEPALA_DESA and office not in BPD_OFFICES


def end_problem(last_day: date, reason: str, today: date | None = None) -> str | None:
    """Why a term cannot be ended on `last_day` for `reason` (None when it can): a death is recorded after
    it happened; any other end may be set ahead (a resignation effective next month), but not by more than a
    start may (a mistyped year would keep the person counted as serving)."""
    today = today or _today()
    if reason == Position.EndReason.DIED and last_day > today:
        return _("Tanggal meninggal dunia %(day)s belum terjadi: periksa tanggalnya.") % {
            "day": fmt_day(last_day)
        }
    if (last_day - today).days > TERM_START_AHEAD_DAYS:
        return _("Tanggal berakhir %(day)s tidak mungkin: periksa tahunnya.") % {"day": fmt_day(last_day)}
    return None


def elsewhere_message() -> str:
    return _(
        "Masa jabatan ini bertumpang tindih dengan jabatan lain orang ini di luar wilayah Anda; hubungi "
        "operator kabupaten/provinsi."
    )


def fmt_day(day: date | None) -> str:
    return f"{day.day:02d}-{day.month:02d}-{day.year:04d}" if day else "sekarang"  # strftime: year 1 as "1"


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def overlaps(position: Position, start: date, end: date | None) -> bool:
    """Whether the position's term overlaps [start, end] (None = open-ended)."""
    if position.term_end is not None and position.term_end < start:
        return False
    return end is None or position.term_start <= end


def unit_key(unit_name: str) -> str:
    """Dusun names compare without regard to case or surrounding spaces ("Dusun I" = "dusun i ")."""
    return unit_name.strip().casefold()


# The offices with one holder at a time (a "seat"): one per desa, and kepala dusun one per dusun; anggota
# BPD are many. The one name for this rule: hand entry, the registry and imports all ask these.
ONE_HOLDER_OFFICES = frozenset(o.value for o in Office) - {Office.BPD_ANGGOTA.value}


def seat_of(desa: str, office: str, unit_name: str) -> tuple[str, str, str] | None:
    """The one-holder seat of `office` in desa `desa` (code): for kepala dusun, of the dusun. None for an
    office of many holders, and for a kepala dusun whose dusun is not named: a seat of their own (two
    unnamed kepala dusun of one desa are two people, not a conflict; the dusun is completed later)."""
    if office not in ONE_HOLDER_OFFICES:
        return None
    if office != Office.KEPALA_DUSUN:
        return (desa, office, "")
    unit = unit_key(unit_name)
    return (desa, office, unit) if unit else None


def is_same_seat(desa: str, office: str, unit_name: str, other: Position) -> bool:
    """Whether `other` sits in the one-holder seat (`seat_of`) of `office` in desa `desa`."""
    seat = seat_of(desa, office, unit_name)
    return seat is not None and seat == seat_of(other.desa_id, other.office, other.unit_name)


def replaced_message(holder: Position, last_day: date) -> str:
    """What a new holder of a one-person seat does to the holder before (an import's row says it)."""
    return _("Menggantikan %(name)s (%(office)s): masa jabatannya diakhiri %(day)s (Diganti).") % {
        "name": holder.person.name,
        "office": holder.office_label,
        "day": fmt_day(last_day),
    }


# Where the messages of this module quote a person's name: after these words, up to the bracket or quote
# that follows it. A reader without the right to that person's name (`people.view` in the region) reads
# them with the name withheld (`mask_names`), as a roster shows them no name.
_NAMED = re.compile(r"(?P<before>Menggantikan |masih dijabat )(?P<name>[^()]+?)(?= \()|(?<=Nama “)[^”]+(?=”)")
NAME_WITHHELD = "(nama disembunyikan)"


def mask_names(text: str) -> str:
    """`text` with every person's name its messages quote (`replaced_message`, a seat still held, a name
    that disagrees with a NIK) replaced by NAME_WITHHELD."""
    return _NAMED.sub(lambda m: (m["before"] or "") + NAME_WITHHELD, text)


def unit_name_missing_message() -> str:
    return _("Nama dusun belum diisi: lengkapi nama dusun kepala dusun ini (kolom nama_dusun).")


def position_own_problems(candidate: Position) -> Problems:
    """What is wrong with the position by itself, whoever else holds what: its office, desa, term, acting
    status and income. A pure function of the position's fields and its desa (`positions_own_problems`)."""
    return positions_own_problems([{f: getattr(candidate, f) for f in _OWN_FIELDS}]).get(0, {})


def positions_own_problems(positions: Sequence[Mapping[str, Any]]) -> dict[int, Problems]:
    """`position_own_problems` of many positions' values (as `position_values` gives them), by index, only
    those with a problem: each rule asked once for each distinct value of the fields it reads (a chunk's
    offices, desa, dates and amounts repeat). An office not in the list is a position's only problem."""
    found: dict[int, Problems] = {}
    index: Sequence[int] = range(len(positions))
    if not set(map(itemgetter("office"), positions)) <= _OFFICES:
        for i, p in enumerate(positions):
            if p["office"] not in _OFFICES:
                found[i] = {"office": [f"Jabatan {p['office']!r} tidak ada dalam daftar jabatan."]}
        index = [i for i in index if i not in found]
        positions = [positions[i] for i in index]
    for fields, rule in _OWN_RULES:
        columns = [list(map(itemgetter(field), positions)) for field in fields]
        # A desa told apart by its object (one for each desa in a chunk): a model's hash is a call of its own.
        # A rule of one field is keyed by its values (equal as their 1-tuples are), not a tuple for each row.
        by = [list(map(id, c)) if f == "desa" else c for f, c in zip(fields, columns, strict=True)]
        keys = by[0] if len(by) == 1 else list(zip(*by, strict=True))
        first = dict(zip(keys, range(len(keys)), strict=True))  # a row of each distinct key
        said = {key: problems for key, i in first.items() if (problems := rule(*(c[i] for c in columns)))}
        for i, key in zip(index, keys, strict=True) if said else ():
            for field, message in said.get(key, ()):
                found.setdefault(i, {}).setdefault(field, []).append(message)
    return found


def _desa_rule(desa: Region) -> list[tuple[str, str]]:
    if desa.is_village:
        return []
    return [
        ("desa", f"{desa.name} adalah {desa.get_kind_display().lower()}: tidak punya aparat desa atau BPD.")
    ]


def _start_rule(start: date) -> list[tuple[str, str]]:
    return [("term_start", problem)] if (problem := term_start_problem(start)) else []


def _term_rule(office: str, start: date, end: date | None, planned_end: date | None) -> list[tuple[str, str]]:
    problems = []
    if end and end < start:
        problems.append(("term_end", "Akhir menjabat tidak boleh sebelum mulai menjabat."))
    limit = MAX_TERM_YEARS.get(office)
    planned_end = planned_end or end
    if limit and planned_end and planned_end > add_years(start, limit):
        problems.append(("term_end", f"Masa jabatan {Office(office).label} paling lama {limit} tahun."))
    return problems


def _acting_rule(office: str, acting: str) -> list[tuple[str, str]]:
    problems = []
    if acting == Acting.PJ and office != Office.KEPALA_DESA:
        problems.append(("acting", "Penjabat (Pj) hanya untuk jabatan kepala desa."))
    if acting and office in BPD_OFFICES:
        problems.append(("acting", "Jabatan BPD tidak mengenal Pj atau Plt."))
    return problems


def _income_rule(income: Decimal | None) -> list[tuple[str, str]]:
    negative = income is not None and income < 0
    return [("monthly_income", "Penghasilan tidak boleh negatif.")] if negative else []


# Each rule with the fields it reads, in the order their messages are given.
_OWN_RULES: tuple[tuple[tuple[str, ...], Any], ...] = (
    (("desa",), _desa_rule),
    (("term_start",), _start_rule),
    (("office", "term_start", "term_end", "planned_term_end"), _term_rule),
    (("office", "acting"), _acting_rule),
    (("monthly_income",), _income_rule),
)
_OWN_FIELDS = ("office", "desa", "term_start", "term_end", "planned_term_end", "acting", "monthly_income")


def position_problems(
    candidate: Position,
    *,
    same_person: Iterable[Position],
    same_seat: Iterable[Position],
    region: str | None,
) -> Problems:
    """Who may hold which office at once (docs/domain.md §5): every reason `candidate` cannot be as it is.

    `same_person`: the other positions of the candidate's person; `same_seat`: the other positions in the
    candidate's seat. Either may hold more than that (other terms, other offices, the candidate itself):
    only the positions whose term overlaps the candidate's are held against it, each list in its order.
    The position's own problems (`position_own_problems`) come first, and alone when there are any.
    `region`: the writer's (None: the whole country); a position of the person outside it is held against
    the candidate without being described.
    """
    if errors := position_own_problems(candidate):
        return errors

    def fail(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    desa = candidate.desa
    office = candidate.office
    start, end = candidate.term_start, candidate.term_end

    def others(positions: Iterable[Position]) -> list[Position]:
        return [
            p
            for p in positions
            if p is not candidate and (p.pk is None or p.pk != candidate.pk) and overlaps(p, start, end)
        ]

    group = group_of(office)
    for other in others(same_person):
        if group_of(other.office) != group:
            rule = "Anggota BPD tidak boleh merangkap kepala desa atau perangkat desa: orang ini {where}."
        elif group == Group.BPD:
            rule = "Orang ini sudah {where}."
        elif not candidate.acting and not other.acting:
            # An acting post (Plt) may be held beside a definitive office; two definitive ones may not.
            rule = "Seseorang hanya boleh memegang satu jabatan perangkat desa: orang ini sudah {where}."
        else:
            continue
        if contains(region, other.desa_id):
            period = f"{fmt_day(other.term_start)} s.d. {fmt_day(other.term_end)}"
            fail("office", rule.format(where=f"{other.office_label} di {other.desa.name} ({period})"))
        else:
            # Held outside the writer's region: which office, where and when are not the writer's to know.
            fail("office", elsewhere_message())

    if office in ONE_HOLDER_OFFICES:
        seat = (candidate.desa_id, office, candidate.unit_name)
        holders = others(p for p in same_seat if is_same_seat(*seat, p))
        for other in sorted(holders, key=_by_term):
            held = f"{other.office_label} di {desa.name} masih dijabat {other.person.name}"
            period = f"{fmt_day(other.term_start)} s.d. {fmt_day(other.term_end)}"
            if other.is_open or other.term_end is None:
                fail("office", f"{held} ({period}). Akhiri jabatan itu dulu atau gunakan penggantian.")
            else:  # ended already with a reason: nothing to end, only a later start
                free = fmt_day(other.free_from)
                reason = other.get_end_reason_display().lower()
                fail("office", f"{held} ({period}, {reason}). Pejabat baru dapat mulai paling cepat {free}.")
    return errors


def position_values(
    *,
    person: Person | None,
    desa: Region,
    office: str,
    term_start: date,
    term_end: date | None = None,
    acting: str = "",
    unit_name: str = "",
    sk_number: str = "",
    sk_date: date | None = None,
    monthly_income: Decimal = Decimal(0),
) -> dict[str, Any]:
    """A new position's field values as every way in gives them: the SK's end of term is also the planned
    end. `position_new` builds the position of them; an import writes a chunk's from their columns
    (`positions_values`)."""
    given = (desa, office, term_start, term_end, acting, unit_name, sk_number, sk_date, monthly_income)
    [values] = positions_values(*([value] for value in given))
    values["person"] = person
    return values


def positions_values(
    desa: Sequence[Region],
    office: Sequence[str],
    term_start: Sequence[date],
    term_end: Sequence[date | None],
    acting: Sequence[str],
    unit_name: Sequence[str],
    sk_number: Sequence[str],
    sk_date: Sequence[date | None],
    monthly_income: Sequence[Decimal],
) -> list[dict[str, Any]]:
    """`position_values` of many new positions by column, each without its person (None)."""
    groups = {o: group_of(o) for o in set(office)}
    stripped = {text: text.strip() for text in {*unit_name, *sk_number}}
    columns = (desa, office, acting, unit_name, term_start, term_end, sk_number, sk_date, monthly_income)
    return [
        {
            "person": None,
            "desa": d,
            "office": o,
            "group": groups[o],
            "acting": a,
            "unit_name": stripped[unit],
            "term_start": start,
            "term_end": end,
            "planned_term_end": end,
            "sk_number": stripped[sk],
            "sk_date": sk_day,
            "monthly_income": income,
        }
        for d, o, a, unit, start, end, sk, sk_day, income in zip(*columns, strict=True)
    ]


def position_new(*, person: Person, **arguments: Any) -> Position:
    """An unsaved position as every way in builds it (`position_values`, same arguments)."""
    return Position(**position_values(person=person, **arguments))


def _by_term(position: Position) -> tuple:
    """Holders of a seat in the order their terms began (an open end first, as an index on the term has)."""
    return (
        position.term_start,
        position.term_end is not None,
        position.term_end or date.min,
        position.pk is None,
        position.pk or 0,
    )


def person_new(**arguments: Any) -> Person:
    """An unsaved person after the checks every way in must pass: `person_values` (same arguments), built."""
    return Person(**person_values(**arguments))


def person_values(
    *, nik: str | None, name: str, sex: str | None, birth_date: date | None, phone: str = ""
) -> dict[str, Any]:
    """A new person's field values after the checks every way in must pass (NIK valid, birth date and sex
    agreeing with it, a name). Sex and birth date come from the NIK when not given. `person_new` builds the
    person of them; an import's reader checks many at once (`people_values`).

    `nik` None: the NIK is not known yet (`nik_missing_message`); the person is then told apart by name and
    birth date, so both are required, and the sex stays blank when not given.

    Raises ValidationError; field checks (`full_clean`) are for the caller.
    """
    facts = None
    if nik is None and birth_date is None:
        raise ValidationError({"nik": no_identity_message()})
    if nik is not None:
        try:
            facts = nik_check(nik)
        except NikError as exc:
            raise ValidationError({"nik": str(exc)}) from exc
        if problems := nik_agrees(facts, birth_date=birth_date, sex=sex):
            raise ValidationError({"nik": problems})
    if problem := birth_date_problem(birth_date or (facts and facts.birth_date)):
        raise ValidationError({"birth_date" if birth_date else "nik": problem})
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "Nama wajib diisi."})
    if facts is None:
        return {"nik": None, "name": name, "sex": sex or "", "birth_date": birth_date, "phone": phone}
    return {
        "nik": facts.nik,
        "name": name,
        "sex": sex or facts.sex,
        "birth_date": birth_date or facts.birth_date,
        "phone": phone,
    }


def people_values(
    *,
    facts: Sequence[NikFacts | None],
    names: Sequence[str],
    sexes: Sequence[str | None],
    birth_dates: Sequence[date | None],
    phones: Sequence[str],
) -> list[dict[str, Any] | None]:
    """`person_values` of many new people at once, by column, for an import's rows whose NIK is read
    already (`facts`, None for a row without a NIK): each check asked once for each distinct value it reads
    (a chunk's birth dates, sexes and names repeat). None where `person_values` would refuse the row."""
    agree: dict[tuple, bool] = {}  # (the NIK's birth date and sex, the row's sex and birth date) -> agreeing
    born = [b or (f and f.birth_date) for f, b in zip(facts, birth_dates, strict=True)]
    today = _today()
    fine = {day: day is not None and not birth_date_problem(day, today) for day in set(born)}
    spaced = {name: " ".join(name.split()) for name in set(names)}
    out: list[dict[str, Any] | None] = []
    for f, name, sex, day, b, phone in zip(facts, names, sexes, born, birth_dates, phones, strict=True):
        name = spaced[name]
        if f is not None and (key := (f.birth_date, f.sex, sex, b)) not in agree:
            agree[key] = not nik_agrees(f, birth_date=b, sex=sex)
        if not fine[day] or not name or (f is not None and not agree[key]):
            out.append(None)
        elif f is None:
            out.append({"nik": None, "name": name, "sex": sex or "", "birth_date": day, "phone": phone})
        else:
            out.append({"nik": f.nik, "name": name, "sex": sex or f.sex, "birth_date": day, "phone": phone})
    return out


def no_identity_message() -> str:
    return _("NIK kosong: isi NIK, atau paling tidak nama dan tanggal lahir agar orang ini dapat dikenali.")


def nik_missing_message() -> str:
    return _(
        "NIK belum ada: orang ini dicatat dengan nama dan tanggal lahir; lengkapi NIK-nya (dari KTP/KK)."
    )


def person_disagreements(person: Person, *, name: str, birth_date: date | None, sex: str | None) -> Problems:
    """What is said of a NIK already held that contradicts what is held: the name compared as
    reconciliation compares names (`name_key`: case, spacing, titles and degrees aside), the birth date and
    sex when both given. The messages quote only what the caller sent: a mistyped NIK may be someone
    else's."""
    errors: Problems = {}
    if name_key(person.name) != name_key(name):
        errors["name"] = [
            _("Nama “%(name)s” tidak sama dengan nama yang tercatat untuk NIK ini; periksa NIK atau nama.")
            % {"name": " ".join(name.split())}
        ]
    if birth_date and birth_date != person.birth_date:
        errors["birth_date"] = [
            _(
                "Tanggal lahir %(day)s tidak sama dengan yang tercatat untuk NIK ini; periksa NIK atau "
                "tanggal lahir."
            )
            % {"day": fmt_day(birth_date)}
        ]
    if sex and person.sex and sex != person.sex:  # blank: a person without a NIK kept with no sex
        errors["sex"] = [
            _("Jenis kelamin %(sex)s tidak sama dengan yang tercatat untuk NIK ini.")
            % {"sex": Person.Sex(sex).label}
        ]
    return errors
