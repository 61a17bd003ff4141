"""The models whose every change is in the audit trail (a new app registers its own in its `ready()`)."""

from lindungdesa.enrolment.models import Enrolment, StatusRule
from lindungdesa.indicators.models import Target, UcjFigure
from lindungdesa.officials.models import Person, Position

from . import audit
from .models import ApiToken, User


def nik_district(nik: str | None) -> str:
    """ "6103011204750001" -> "61.03.01", the kecamatan the NIK was issued in (where a person without an
    office is audited); "" for an unknown NIK."""
    if not nik or len(nik) < 6 or not nik[:6].isdigit():
        return ""
    return f"{nik[:2]}.{nik[2:4]}.{nik[4:6]}"


def person_region(person: Person) -> str:
    desa = (
        Position.objects.filter(person_id=person.pk).order_by("-term_start").values_list("desa_id", flat=True)
    ).first()
    return desa or nik_district(person.nik)


def enrolment_region(enrolment: Enrolment) -> str:
    if enrolment.person_id:
        return person_region(enrolment.person)
    return enrolment.kode_desa or nik_district(enrolment.nik)


def register_all() -> None:
    # Written in bulk by imports and undone set by set: no per-row delete receiver (see audit.py).
    audit.register(Person, region=person_region, person=lambda p: p.pk, deletes=False)
    audit.register(Position, region=lambda p: p.desa_id, person=lambda p: p.person_id, deletes=False)
    audit.register(Enrolment, region=enrolment_region, person=lambda e: e.person_id, deletes=False)
    audit.register(StatusRule)
    audit.register(Target, region=lambda t: t.region_code)
    audit.register(UcjFigure, region=lambda f: f.region_code)
    audit.register(User, region=lambda u: u.region_id or "")
    audit.register(ApiToken, region=lambda t: t.user.region_id or "")
