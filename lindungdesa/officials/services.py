"""Operations on people and their offices. Pages, imports, the API and the CLI all call these."""

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from lindungdesa.lib.nik import NikError, nik_agrees, nik_check
from lindungdesa.regions.models import Region

from .models import (
    BPD_OFFICES,
    MAX_TERM_YEARS,
    SINGLE_HOLDER_OFFICES,
    Acting,
    Group,
    Office,
    Person,
    Position,
    group_of,
)


def _overlapping(start: date, end: date | None) -> Q:
    """Positions whose term overlaps [start, end] (None = open-ended)."""
    q = Q(term_end__isnull=True) | Q(term_end__gte=start)
    if end is not None:
        q &= Q(term_start__lte=end)
    return q


def _fmt(day: date | None) -> str:
    return day.strftime("%d-%m-%Y") if day else "sekarang"


@transaction.atomic
def person_register(
    *, nik: str, name: str, sex: str | None = None, birth_date: date | None = None, phone: str = ""
) -> Person:
    """Create a person, or return the existing one with the same NIK after checking that the facts agree."""
    try:
        facts = nik_check(nik)
    except NikError as exc:
        raise ValidationError({"nik": str(exc)}) from exc
    problems = nik_agrees(facts, birth_date=birth_date, sex=sex)
    if problems:
        raise ValidationError({"nik": problems})
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "Nama wajib diisi."})
    person = Person.objects.filter(nik=facts.nik).first()
    if person is not None:
        return person
    person = Person(
        nik=facts.nik,
        name=name,
        sex=sex or facts.sex,
        birth_date=birth_date or facts.birth_date,
        phone=phone,
    )
    person.full_clean()
    person.save()
    return person


def position_check(position: Position) -> None:
    """The rules of DOMAIN.md §5 on who may hold which office at once; raises ValidationError."""
    errors: dict[str, list[str]] = {}

    def fail(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    desa: Region = position.desa
    office = position.office
    if office not in Office.values:
        fail("office", f"Jabatan {office!r} tidak ada dalam daftar jabatan.")
        raise ValidationError(errors)
    if not desa.is_village:
        fail(
            "desa", f"{desa.name} adalah {desa.get_kind_display().lower()}: tidak punya aparat desa atau BPD."
        )
    if position.term_end and position.term_end < position.term_start:
        fail("term_end", "Akhir menjabat tidak boleh sebelum mulai menjabat.")
    limit = MAX_TERM_YEARS.get(office)
    planned_end = position.planned_term_end or position.term_end
    if limit and planned_end and planned_end > _add_years(position.term_start, limit):
        fail("term_end", f"Masa jabatan {Office(office).label} paling lama {limit} tahun.")
    if position.acting == Acting.PJ and office != Office.KEPALA_DESA:
        fail("acting", "Penjabat (Pj) hanya untuk jabatan kepala desa.")
    if position.acting and office in BPD_OFFICES:
        fail("acting", "Jabatan BPD tidak mengenal Pj atau Plt.")
    if office == Office.KEPALA_DUSUN and not position.unit_name.strip():
        fail("unit_name", "Nama dusun wajib diisi untuk kepala dusun.")
    if position.monthly_income is not None and position.monthly_income < 0:
        fail("monthly_income", "Penghasilan tidak boleh negatif.")
    if errors:
        raise ValidationError(errors)

    overlap = _overlapping(position.term_start, position.term_end)
    others = Position.objects.filter(overlap).exclude(pk=position.pk).select_related("desa")
    group = group_of(office)

    mine = list(others.filter(person=position.person))
    for other in mine:
        period = f"{_fmt(other.term_start)} s.d. {_fmt(other.term_end)}"
        where = f"{other.office_label} di {other.desa.name} ({period})"
        if other.group != group:
            fail(
                "office",
                f"Anggota BPD tidak boleh merangkap kepala desa atau perangkat desa: orang ini {where}.",
            )
        elif group == Group.BPD:
            fail("office", f"Orang ini sudah {where}.")
        elif not position.acting and not other.acting:
            # An acting post (Plt) may be held beside a definitive office; two definitive ones may not.
            fail(
                "office",
                f"Seseorang hanya boleh memegang satu jabatan perangkat desa: orang ini sudah {where}.",
            )

    same_seat = others.filter(desa=position.desa, office=office)
    if office == Office.KEPALA_DUSUN:
        same_seat = same_seat.filter(unit_name__iexact=position.unit_name.strip())
    if office in SINGLE_HOLDER_OFFICES or office == Office.KEPALA_DUSUN:
        for other in same_seat.select_related("person"):
            fail(
                "office",
                f"{other.office_label} di {desa.name} masih dijabat {other.person.name} "
                f"({_fmt(other.term_start)} s.d. {_fmt(other.term_end)}). Akhiri jabatan itu dulu atau "
                "gunakan penggantian.",
            )
    if errors:
        raise ValidationError(errors)


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@transaction.atomic
def position_start(
    *,
    person: Person,
    desa: Region,
    office: str,
    term_start: date,
    term_end: date | None = None,
    acting: str = "",
    unit_name: str = "",
    sk_number: str = "",
    sk_date: date | None = None,
    monthly_income: Decimal = Decimal(0),
) -> Position:
    position = Position(
        person=person,
        desa=desa,
        office=office,
        group=group_of(office),
        acting=acting,
        unit_name=unit_name.strip(),
        term_start=term_start,
        term_end=term_end,
        planned_term_end=term_end,
        sk_number=sk_number.strip(),
        sk_date=sk_date,
        monthly_income=monthly_income,
    )
    position_check(position)
    position.full_clean(exclude=["group"])
    position.save()
    return position


@transaction.atomic
def position_end(*, position: Position, last_day: date, reason: str) -> Position:
    """End a term early (or on time). The row stays: history is never overwritten."""
    position = Position.objects.select_for_update().get(pk=position.pk)
    if last_day < position.term_start:
        raise ValidationError({"term_end": "Tanggal berakhir tidak boleh sebelum mulai menjabat."})
    if position.term_end is not None and last_day > position.term_end:
        raise ValidationError({"term_end": f"Jabatan ini sudah berakhir pada {_fmt(position.term_end)}."})
    if reason not in Position.EndReason.values or not reason:
        raise ValidationError({"end_reason": "Alasan berakhir wajib dipilih."})
    position.term_end = last_day
    position.end_reason = reason
    position.save(update_fields=["term_end", "end_reason", "updated_at"])
    return position


@transaction.atomic
def position_replace(*, position: Position, successor: Person, term_start: date, **new_term) -> Position:
    """End `position` the day before `term_start` and give the same seat to `successor`."""
    position_end(
        position=position, last_day=term_start - timedelta(days=1), reason=Position.EndReason.REPLACED
    )
    return position_start(
        person=successor,
        desa=position.desa,
        office=position.office,
        unit_name=new_term.pop("unit_name", position.unit_name),
        term_start=term_start,
        **new_term,
    )
