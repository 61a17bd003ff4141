"""Who serves in one desa at the end of a month, with each person's enrolment status; each seat's history."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch

from lindungdesa.enrolment.models import Enrolment, StatusRule
from lindungdesa.enrolment.status import STATUS_LABELS, Status
from lindungdesa.lib.months import Month
from lindungdesa.officials.models import Group, Office, Position
from lindungdesa.officials.rules import unit_key
from lindungdesa.regions.models import Region

# Best first: a person with one lapsed and one current membership is protected.
STATUS_RANK = {Status.PROTECTED: 0, Status.ARREARS: 1, Status.INACTIVE: 2, Status.NOT_ENROLLED: 3}
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


def best_status(enrolments: list[Enrolment], period: Month, rule: StatusRule) -> tuple[Status, Month | None]:
    best: tuple[Status, Month | None] = (Status.NOT_ENROLLED, None)
    best_key: tuple[int, date] | None = None
    for enrolment in enrolments:
        status = enrolment.status_in(period, rule)
        paid = enrolment.paid_through if status != Status.NOT_ENROLLED else None
        # Ties (two memberships in arrears) go to the one paid furthest.
        key = (STATUS_RANK[status], -(paid.toordinal() if paid else 0))
        if best_key is None or key < best_key:
            best_key = key
            best = (status, Month.of(paid) if paid else None)
    return best


def desa_roster(desa: Region, period: Month) -> Roster:
    """Two queries: the desa's positions with their people, and those people's enrolments."""
    rule = StatusRule.for_period(period)
    last_day = period.last_day
    positions = list(
        Position.objects.filter(desa=desa, term_start__lte=last_day)
        .select_related("person")
        .prefetch_related(Prefetch("person__enrolments", queryset=Enrolment.objects.order_by("start_date")))
    )
    serving = sorted(
        (p for p in positions if p.is_serving_on(last_day)),
        key=lambda p: (OFFICE_RANK.get(p.office, 99), p.unit_name.casefold(), p.person.name.casefold()),
    )
    entries = [RosterEntry(p, *best_status(list(p.person.enrolments.all()), period, rule)) for p in serving]
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
    )
