"""Operations on people and their offices. Pages, imports, the API and the CLI all call these."""

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from lindungdesa.regions.models import Region

from .boundary import Reach, participants_outside, person_reach_of, person_write_check
from .models import Office, Person, Position
from .rules import (
    end_problem,
    fmt_day,
    person_disagreements,
    person_new,
    person_values,
    position_new,
    position_problems,
    retires_at_sixty,
)


def _overlapping(start: date, end: date | None) -> Q:
    """Positions whose term overlaps [start, end] (None = open-ended)."""
    q = Q(term_end__isnull=True) | Q(term_end__gte=start)
    if end is not None:
        q &= Q(term_start__lte=end)
    return q


@transaction.atomic
def person_without_nik_in(desa: str, *, name: str, birth_date: date) -> Person | None:
    """The person an import would take a row without a NIK for: one holding (or having held) an office in
    `desa` with the same normalised name and birth date (`imports.roster.who_without_nik`)."""
    from lindungdesa.imports.roster import who_without_nik

    key = who_without_nik(desa, name, birth_date)
    positions = Position.objects.filter(desa_id=desa, person__birth_date=birth_date).select_related("person")
    for position in positions.order_by("person_id"):
        if who_without_nik(desa, position.person.name, position.person.birth_date) == key:
            return position.person
    return None


def person_register(
    *,
    region: str | None,
    nik: str | None,
    name: str,
    sex: str | None = None,
    birth_date: date | None = None,
    phone: str = "",
    desa: str | None = None,
) -> Person:
    """Create a person, or return the one already holding the NIK: when it is inside the writer's `region`
    (None: the whole country; `boundary`) and the name, birth date and sex given agree with it.

    A NIK held only outside the region (by a person, or by a BPJS participant matched to nobody that would
    then be linked to them) is refused before anything is compared, so that the answer says nothing of the
    person; inside, a disagreement quotes only what the caller sent.

    Without a NIK (None or ""), name and birth date are required and tell the person apart within `desa`,
    as imports do (`person_without_nik_in`): the person found there is the same one, else a new one is
    kept with "NIK belum ada"."""
    person = person_new(nik=nik or None, name=name, sex=sex, birth_date=birth_date, phone=phone)
    if person.nik is None:
        existing = desa and person_without_nik_in(desa, name=person.name, birth_date=person.birth_date)
        if existing:
            person_write_check(region, person_reach_of(region, existing))
            if sex and existing.sex and sex != existing.sex:
                # The same name and birth date in the desa, but not the sex kept for them: a slip to check,
                # not a second person (the imports' rule knows no sex either).
                raise ValidationError(
                    {
                        "sex": [
                            _(
                                "Jenis kelamin %(sex)s tidak sama dengan yang tercatat untuk %(name)s (lahir "
                                "%(day)s) di desa ini; periksa jenis kelamin."
                            )
                            % {
                                "sex": Person.Sex(sex).label,
                                "name": " ".join(name.split()),
                                "day": fmt_day(person.birth_date),
                            }
                        ]
                    }
                )
            return existing
        person.full_clean()
        person.save()
        return person
    existing = Person.objects.filter(nik=person.nik).first()
    if existing is not None:
        person_write_check(region, person_reach_of(region, existing))
        errors = person_disagreements(existing, name=name, birth_date=birth_date, sex=sex)
        if errors:
            raise ValidationError(errors)
        return existing
    if participants_outside(region, [person.nik]):
        person_write_check(region, Reach.OUTSIDE)
    person.full_clean()
    person.save()
    return person


def position_check(position: Position, *, region: str | None) -> None:
    """The rules of docs/domain.md §5 on who may hold which office at once (`rules.position_problems`),
    checked against the positions held in the database; raises ValidationError. `region`: the writer's, whose
    messages name nothing outside it."""
    others = (
        Position.objects.filter(_overlapping(position.term_start, position.term_end))
        .exclude(pk=position.pk)
        .select_related("desa", "person")
        .order_by("id")
    )
    # Querysets are lazy: they are read only when the checks that need no other position have passed.
    errors = position_problems(
        position,
        same_person=others.filter(person_id=position.person_id),
        same_seat=others.filter(desa_id=position.desa_id, office=position.office),
        region=region,
    )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def position_start(
    *,
    region: str | None,
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
    """Give `person` an office in `desa`, for a writer whose region is `region` (None: the whole country):
    the desa must lie under it, and the person be new to it or inside it already (`boundary`)."""
    person_write_check(region, person_reach_of(region, person), desa=desa.code)
    position = position_new(
        person=person,
        desa=desa,
        office=office,
        acting=acting,
        unit_name=unit_name,
        term_start=term_start,
        term_end=term_end,
        sk_number=sk_number,
        sk_date=sk_date,
        monthly_income=monthly_income,
    )
    position_check(position, region=region)
    position.full_clean(exclude=["group"])
    position.save()
    return position


@transaction.atomic
def position_end(*, region: str | None, position: Position, last_day: date, reason: str) -> Position:
    """End a term early (or on time). The row stays: history is never overwritten. The position must lie
    under the writer's `region` (None: the whole country)."""
    position = Position.objects.select_for_update().get(pk=position.pk)
    person_write_check(region, person_reach_of(region, position.person_id), desa=position.desa_id)
    if position.end_reason:  # ended already (a term's end from a file, without a reason, may come earlier)
        raise ValidationError(
            {
                "end_reason": _("Jabatan ini sudah diakhiri pada %(day)s (%(reason)s).")
                % {"day": fmt_day(position.term_end), "reason": position.get_end_reason_display()}
            }
        )
    if last_day < position.term_start:
        raise ValidationError({"term_end": "Tanggal berakhir tidak boleh sebelum mulai menjabat."})
    if position.term_end is not None and last_day > position.term_end:
        raise ValidationError({"term_end": f"Jabatan ini sudah berakhir pada {fmt_day(position.term_end)}."})
    if reason not in Position.EndReason.values or not reason:
        raise ValidationError({"end_reason": "Alasan berakhir wajib dipilih."})
    if reason == Position.EndReason.RETIRED and not retires_at_sixty(position.office):
        raise ValidationError({"end_reason": _("Hanya perangkat desa yang pensiun pada usia 60 tahun.")})
    if problem := end_problem(last_day, reason):
        raise ValidationError({"term_end": problem})
    position.term_end = last_day
    position.end_reason = reason
    position.save(update_fields=["term_end", "end_reason", "updated_at"])
    return position


@transaction.atomic
def position_correct(
    *,
    region: str | None,
    position: Position,
    term_start: date,
    sk_number: str = "",
    sk_date: date | None = None,
    monthly_income: Decimal = Decimal(0),
    unit_name: str | None = None,
) -> Position:
    """Correct what was mistyped of a term: its start, its SK's number and date, the monthly income, and a
    kepala dusun's dusun (`unit_name`; None leaves it, as for every other office). The
    position must lie under the writer's `region` (None: the whole country), and the corrected term pass the
    rules a new one passes (`position_check`: the start's year, the seat and the person's other offices).
    Raises ValidationError; the change is audited (`accounts.audited`)."""
    position = Position.objects.select_for_update().select_related("desa", "person").get(pk=position.pk)
    person_write_check(region, person_reach_of(region, position.person_id), desa=position.desa_id)
    replaced = _replaced_end_follow(position, term_start) if term_start != position.term_start else None
    position.term_start = term_start
    position.sk_number = sk_number.strip()
    position.sk_date = sk_date
    position.monthly_income = monthly_income
    if unit_name is not None and position.office == Office.KEPALA_DUSUN:
        # An import keeps a kepala dusun whose row named no dusun, with a warning to complete it: here.
        position.unit_name = " ".join(unit_name.split())
    position_check(position, region=region)
    position.full_clean(exclude=["group"])
    position.save()
    if replaced is not None:
        position_check(replaced, region=region)  # a later end may meet the person's other offices
    return position


def _replaced_end_follow(position: Position, term_start: date) -> Position | None:
    """A successor's start corrected: the holder it replaced (`position_replace`, the day before its start)
    now ends the day before the corrected start, so that a mistyped replacement date can be put right on the
    page (the seat would otherwise be held twice, or left empty, and an ended term cannot be edited there).
    Saved at once, checked by the caller once the successor is saved; a refusal rolls both back."""
    predecessor = (
        Position.objects.select_for_update()
        .select_related("desa", "person")
        .filter(
            desa_id=position.desa_id,
            office=position.office,
            unit_name=position.unit_name,
            end_reason=Position.EndReason.REPLACED,
            term_end=position.term_start - timedelta(days=1),
        )
        .exclude(pk=position.pk)
        .first()
    )
    if predecessor is None:
        return None
    last_day = term_start - timedelta(days=1)
    if last_day < predecessor.term_start:
        raise ValidationError(
            {
                "term_start": (
                    f"Mulai menjabat harus sesudah {predecessor.person.name}, yang digantikannya, mulai "
                    f"menjabat ({fmt_day(predecessor.term_start)})."
                )
            }
        )
    predecessor.term_end = last_day
    predecessor.save(update_fields=["term_end", "updated_at"])
    return predecessor


@transaction.atomic
def position_replace(
    *, region: str | None, position: Position, successor: Person, term_start: date, **new_term
) -> Position:
    """End `position` the day before `term_start` and give the same seat to `successor`."""
    position_end(
        region=region,
        position=position,
        last_day=term_start - timedelta(days=1),
        reason=Position.EndReason.REPLACED,
    )
    return position_start(
        region=region,
        person=successor,
        desa=position.desa,
        office=position.office,
        unit_name=new_term.pop("unit_name", position.unit_name),
        term_start=term_start,
        **new_term,
    )


@transaction.atomic
def position_appoint(
    *,
    region: str | None,
    nik: str | None,
    name: str,
    desa: Region,
    office: str,
    term_start: date,
    sex: str | None = None,
    birth_date: date | None = None,
    phone: str = "",
    **term,
) -> Position:
    """Register the person if new (same NIK: the same person) and give them the office: one step, for the
    API and forms that take a person and an office together. `region`: the writer's (None: the whole
    country); the desa is checked before the NIK, so that a desa outside says nothing of the NIK."""
    person_write_check(region, Reach.NEW, desa=desa.code)
    person = person_register(
        region=region, nik=nik, name=name, sex=sex, birth_date=birth_date, phone=phone, desa=desa.code
    )
    return position_start(
        region=region, person=person, desa=desa, office=office, term_start=term_start, **term
    )


# What a writer may change of a person it owns (`boundary`: every position of the person lies under its
# region). A person who also serves elsewhere is shared: none of these, only its positions in the region.
PERSON_OWN_FIELDS = ("nik", "name", "sex", "birth_date", "phone")


@transaction.atomic
def person_update(
    *,
    region: str | None,
    person: Person,
    nik: str | None,
    name: str,
    sex: str | None,
    birth_date: date,
    phone: str = "",
) -> Person:
    """Correct a person's own fields (a mistyped NIK, name, birth date, sex or phone), for a writer whose
    region is `region` (None: the whole country). The writer must own the person (`boundary`): a person who
    also serves outside the region keeps the fields as they are. The values pass the checks a new person
    passes (`rules.person_values`); a new NIK must be held by nobody, and a NIK held outside the region is
    refused with a message that names nothing of its holder. Raises ValidationError; the change is audited
    (`accounts.audited`)."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    person_write_check(region, person_reach_of(region, person), own_fields=True)
    if nik is None and person.nik is not None:
        # A NIK once known is corrected, never taken away (the person would lose who they are).
        raise ValidationError({"nik": [_("NIK wajib diisi.")]})
    values = person_values(nik=nik, name=name, sex=sex, birth_date=birth_date, phone=phone)
    if values["nik"] is not None and values["nik"] != person.nik:
        holder = Person.objects.filter(nik=values["nik"]).exclude(pk=person.pk).first()
        if holder is not None:
            if person_reach_of(region, holder) is Reach.OUTSIDE:
                person_write_check(region, Reach.OUTSIDE)
            raise ValidationError({"nik": [_("NIK ini sudah tercatat untuk orang lain; periksa NIK.")]})
        if participants_outside(region, [values["nik"]]):
            person_write_check(region, Reach.OUTSIDE)
    for field in PERSON_OWN_FIELDS:
        setattr(person, field, values[field])
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def position_hand_over(
    *,
    region: str | None,
    position: Position,
    nik: str | None,
    name: str,
    term_start: date,
    sex: str | None = None,
    birth_date: date | None = None,
    phone: str = "",
    **new_term,
) -> Position:
    """Replace the holder of `position` by the person with this NIK (registered if new, as
    `position_appoint` does): the old term ends the day before `term_start`, the new one starts on it, in
    one transaction (both or neither). History is kept: the old row stays, ended, with reason "Diganti"."""
    person_write_check(region, Reach.NEW, desa=position.desa_id)
    if term_start <= position.term_start:
        raise ValidationError(
            {
                "term_start": [
                    _("Pengganti mulai menjabat sesudah %(day)s, awal masa jabatan yang diganti.")
                    % {"day": fmt_day(position.term_start)}
                ]
            }
        )
    successor = person_register(
        region=region,
        nik=nik,
        name=name,
        sex=sex,
        birth_date=birth_date,
        phone=phone,
        desa=position.desa_id,
    )
    if successor.pk == position.person_id:
        raise ValidationError({"nik": [_("Pengganti adalah pemegang jabatan ini sendiri.")]})
    return position_replace(
        region=region, position=position, successor=successor, term_start=term_start, **new_term
    )
