"""Who may touch a person: the one rule every write asks, whichever way it comes in (API, pages, roster and
BPJS imports, match confirmation). docs/security.md, "Rules for writes", says it for users.

A person is inside a region only through the positions they hold or held in its desa. A writer whose region
is R may:
- create or change a position only in a desa under R;
- write to a person already held (a NIK on record) only when the person is inside R before the write: a
  NIK held only elsewhere is refused, with a message that names nothing of the person or the place;
- change the person's own fields (name, sex, birth date, phone) and BPJS memberships only when every
  position of the person, after the write, lies under R: R then owns the person. A person who also serves
  or served elsewhere is shared, and those fields stay as they are for writers of a part of it;
- write a BPJS participant matched to nobody only when it is placed under R (`participant_place`); a NIK
  such a participant holds outside R is a NIK held elsewhere (`participants_outside`).

The rule is a pure function of the desa codes of the person's positions (`person_reach`): the services ask
the database for them (`person_reach_of`, `people_reach`), an import passes the positions it holds in memory.
A writer with no region (a national administrator, the command line without --user) owns everyone.
"""

import enum
from collections import defaultdict
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from lindungdesa.accounts.scope import contains
from lindungdesa.enrolment.models import Enrolment

from .models import Person, Position

Problems = dict[str, list[str]]


class Reach(enum.Enum):
    """Where a person stands to a writer's region, from the desa of every position they hold or held."""

    NEW = "new"  # no position anywhere: a NIK not yet on record (or a person never given an office)
    OWNED = "owned"  # every position in a desa under the region
    SHARED = "shared"  # positions under the region and outside it
    OUTSIDE = "outside"  # positions only outside the region


def foreign_nik_message() -> str:
    return _("NIK ini tercatat di wilayah lain; hubungi operator kabupaten/provinsi.")


def shared_person_message() -> str:
    return _(
        "Orang ini juga tercatat di wilayah lain: data dirinya (nama, nomor HP) dan kepesertaan BPJS TK-nya "
        "hanya dapat diubah oleh operator kabupaten/provinsi."
    )


def foreign_participant_message() -> str:
    return _("Peserta ini tercatat di wilayah lain; hubungi operator kabupaten/provinsi.")


def outside_desa_message() -> str:
    return _("Desa ini di luar wilayah Anda.")


def person_reach(region: str | None, desa_codes: Iterable[str]) -> Reach:
    """Where a person with positions in `desa_codes` stands to `region` (None or "": the whole country)."""
    inside = outside = False
    for code in desa_codes:
        if contains(region, code):
            inside = True
        else:
            outside = True
    if not inside:
        return Reach.OUTSIDE if outside else Reach.NEW
    return Reach.SHARED if outside else Reach.OWNED


def person_reach_of(region: str | None, person: Person | int) -> Reach:
    """`person_reach` of a saved person, from the database (no query for a writer with no region)."""
    if not region:
        return Reach.OWNED
    person_id = person if isinstance(person, int) else person.pk
    return person_reach(
        region, Position.objects.filter(person_id=person_id).values_list("desa_id", flat=True)
    )


def people_reach(region: str | None, person_ids: Iterable[int]) -> dict[int, Reach]:
    """`person_reach` of many saved people at once (one query per 500 of them)."""
    ids = sorted(set(person_ids))
    if not region:
        return dict.fromkeys(ids, Reach.OWNED)
    places: dict[int, list[str]] = defaultdict(list)
    for start in range(0, len(ids), 500):  # SQLite's limit on a statement's variables
        part = ids[start : start + 500]
        for person_id, desa_id in Position.objects.filter(person_id__in=part).values_list(
            "person_id", "desa_id"
        ):
            places[person_id].append(desa_id)
    return {person_id: person_reach(region, places[person_id]) for person_id in ids}


def person_write_problems(
    region: str | None, reach: Reach, *, desa: str | None = None, own_fields: bool = False
) -> Problems:
    """Why a writer whose region is `region` may not write to a person who stands `reach` to it: a position
    in `desa` (when given), and with `own_fields` the person's own fields or BPJS memberships. Empty when
    the write may go ahead.

    Judged on where the person ends up: a new person given a position under the region is owned by it; a
    person held elsewhere is not brought inside by the write."""
    problems: Problems = {}
    if desa is not None and not contains(region, desa):
        problems["desa"] = [outside_desa_message()]
    if reach is Reach.OUTSIDE:
        problems["nik"] = [foreign_nik_message()]
    elif own_fields and reach is Reach.SHARED:
        problems["nik"] = [shared_person_message()]
    return problems


def person_write_check(
    region: str | None, reach: Reach, *, desa: str | None = None, own_fields: bool = False
) -> None:
    """`person_write_problems`, raised as a ValidationError."""
    problems = person_write_problems(region, reach, desa=desa, own_fields=own_fields)
    if problems:
        raise ValidationError(problems)


def participant_place(nik: str, kode_desa: str = "") -> str:
    """Where a BPJS participant matched to nobody is: the desa the extract gives, else the kecamatan its NIK
    was first registered in (its first six digits, as a region code)."""
    if kode_desa:
        return kode_desa
    digits = nik[:6]
    return f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}"


def participant_inside(region: str | None, nik: str, kode_desa: str = "") -> bool:
    """Whether a participant matched to nobody may lie under `region` (None or "": the whole country).

    A place known only to its kecamatan (from the NIK) counts as inside each desa of that kecamatan: a
    village operator registering an official the extract did not place is not refused for it."""
    place = participant_place(nik, kode_desa)
    return contains(region, place) or (bool(region) and contains(place, region))


def participants_outside(region: str | None, niks: Iterable[str]) -> set[str]:
    """The NIKs among `niks` that a BPJS participant matched to nobody holds outside `region`.

    Registering such a NIK as a new person inside the region would link that participant to them (and so
    let the region read the membership, `reconcile.enrolments_link_by_nik`): it is a NIK held elsewhere."""
    if not region:
        return set()
    wanted = sorted(set(niks))
    outside = set()
    for start in range(0, len(wanted), 500):  # SQLite's limit on a statement's variables
        unmatched = Enrolment.objects.filter(person__isnull=True, nik__in=wanted[start : start + 500])
        for nik, kode_desa in unmatched.values_list("nik", "kode_desa"):
            if not participant_inside(region, nik, kode_desa):
                outside.add(nik)
    return outside


def unplaced_participant_message() -> str:
    return _(
        "NIK ini terdaftar di kecamatan di luar wilayah Anda: isi kode_desa dengan desa tempat peserta "
        "menjabat."
    )
