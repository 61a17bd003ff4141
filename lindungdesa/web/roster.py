"""Who serves in one desa at the end of a month, with each person's enrolment status; each seat's history."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungdesa.enrolment.models import Enrolment, StatusRule
from lindungdesa.enrolment.status import STATUS_LABELS, Status, best_membership
from lindungdesa.lib.months import Month, month_label_id
from lindungdesa.lib.nik import nik_mask
from lindungdesa.officials.models import Group, Office, Position
from lindungdesa.officials.rules import unit_key
from lindungdesa.regions.models import Region

OFFICE_RANK = {office.value: i for i, office in enumerate(Office)}


@dataclass(frozen=True)
class RosterEntry:
    position: Position
    status: Status
    # The paid-through month of the membership that gave the status (None when never paid or not enrolled).
    paid_through: Month | None

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


@dataclass(frozen=True)
class Seat:
    """One seat of the desa (an office; for kepala dusun, one dusun) and all who held it, latest first."""

    label: str
    holders: list[Position]


@dataclass(frozen=True)
class Roster:
    aparat: list[RosterEntry]
    bpd: list[RosterEntry]
    past: list[Position]
    # The seats of which a term ended before the end of the month, each with its whole history.
    seats: list[Seat] = field(default_factory=list)
    # Terms not started yet: appointed ahead, or a start with a mistyped year (2062) to correct.
    later: list[Position] = field(default_factory=list)


def seat_key(position: Position) -> tuple[int, str]:
    unit = unit_key(position.unit_name) if position.office == Office.KEPALA_DUSUN else ""
    return OFFICE_RANK.get(position.office, 99), unit


def seat_history(positions: list[Position], last_day: date) -> list[Seat]:
    """The seats with a term ended on or before `last_day`, in office order, each with all its holders."""
    seats: dict[tuple[int, str], list[Position]] = defaultdict(list)
    for position in positions:
        seats[seat_key(position)].append(position)
    history = []
    for key in sorted(seats):
        holders = seats[key]
        if not any(p.term_end is not None and p.term_end < last_day for p in holders):
            continue
        holders.sort(key=lambda p: (p.term_start, p.pk), reverse=True)
        first = holders[0]
        label = str(Office(first.office).label)
        if key[1]:
            label = f"{label} {first.unit_name.strip()}"
        history.append(Seat(label, holders))
    return history


def best_status(
    memberships: list[tuple[date, date | None]], period: Month, rule: StatusRule
) -> tuple[Status, Month | None]:
    """The person's status and the paid-through month of the membership that gives it, from the (start date,
    paid-through date) of each of their memberships."""
    status, paid = best_membership(((paid, start, paid) for start, paid in memberships), period, rule)
    return status, Month.of(paid) if paid else None


def desa_roster(desa: Region, period: Month) -> Roster:
    """Two queries: the desa's positions with their people, and the dates of those people's memberships
    (the dates only: the whole memberships, prefetched, were a third of the roster's time)."""
    rule = StatusRule.for_period(period)
    last_day = period.last_day
    every = list(Position.objects.filter(desa=desa).select_related("person"))
    # Not started by the end of the month nor today (a past month's page does not list today's roster).
    later_than = max(last_day, timezone.localdate())
    positions = [p for p in every if p.term_start <= last_day]
    memberships: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    for person_id, start, paid in (
        Enrolment.objects.filter(person_id__in={p.person_id for p in positions})
        .order_by("start_date")
        .values_list("person_id", "start_date", "paid_through")
    ):
        memberships[person_id].append((start, paid))
    serving = sorted(
        (p for p in positions if p.is_serving_on(last_day)),
        key=lambda p: (OFFICE_RANK.get(p.office, 99), p.unit_name.casefold(), p.person.name.casefold()),
    )
    entries = [RosterEntry(p, *best_status(memberships[p.person_id], period, rule)) for p in serving]
    past = sorted(
        (p for p in positions if p.term_end is not None and p.term_end < last_day),
        key=lambda p: (p.term_end, p.term_start),
        reverse=True,
    )
    return Roster(
        aparat=[e for e in entries if e.position.group == Group.APARAT],
        bpd=[e for e in entries if e.position.group == Group.BPD],
        past=past,
        seats=seat_history(positions, last_day),
        later=sorted((p for p in every if p.term_start > later_than), key=lambda p: (p.term_start, p.pk)),
    )


def roster_rows(entries: list[RosterEntry], *, can_reveal: bool, can_edit: bool) -> list[dict]:
    """The entries as web/_roster_table.html shows them: plain values, the NIK masked, the links reversed.
    The template engine finds a dict's keys at once, where each attribute of an object costs it a failed item
    lookup first; with five links, a CSRF token and two includes per row, the roster's rows were a third of
    the desa page (docs/benchmarks.md, "Saturation, third pass"). As enrolment/views.py's `_shown`."""
    open_term = _("belum ditetapkan")
    rows = []
    for entry in entries:
        position, person = entry.position, entry.position.person
        end = f"{position.term_end:%d-%m-%Y}" if position.term_end else open_term
        reveal = can_reveal and bool(person.nik)
        rows.append(
            {
                "name": person.name,
                "link": reverse("person", args=[position.person_id]),
                "office": position.office_label,
                # Kept by an import with a warning to complete it (Ubah): said where the operator looks.
                "no_dusun": position.office == Office.KEPALA_DUSUN and not position.unit_name,
                "term": f"{position.term_start:%d-%m-%Y} – {end}",
                "nik": nik_mask(person.nik),
                "reveal": reverse("person-nik", args=[person.pk]) if reveal else "",
                "reveal_label": _("Tampilkan NIK utuh %(name)s") % {"name": person.name} if reveal else "",
                "status": entry.status,
                "status_label": entry.status_label,
                "paid": month_label_id(entry.paid_through) if entry.paid_through else "–",
                # A term not ended already with a reason can be ended or handed over (Position.is_open).
                "actions": can_edit and position.is_open,
                "correct": reverse("position-correct", args=[position.pk]) if can_edit else "",
                "end": reverse("position-end", args=[position.pk]) if can_edit else "",
                "replace": reverse("position-replace", args=[position.pk]) if can_edit else "",
            }
        )
    return rows
