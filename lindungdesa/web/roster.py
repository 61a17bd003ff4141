"""Who serves in one desa at the end of a month, with each person's enrolment status (read-only)."""

from dataclasses import dataclass

from django.db.models import Prefetch

from lindungdesa.enrolment.models import Enrolment, StatusRule
from lindungdesa.enrolment.status import STATUS_LABELS, Status, best_membership
from lindungdesa.lib.months import Month
from lindungdesa.officials.models import Group, Office, Position
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
class Roster:
    aparat: list[RosterEntry]
    bpd: list[RosterEntry]
    past: list[Position]


def best_status(enrolments: list[Enrolment], period: Month, rule: StatusRule) -> tuple[Status, Month | None]:
    """The person's status and the paid-through month of the membership that gives it."""
    status, best = best_membership(((e, e.start_date, e.paid_through) for e in enrolments), period, rule)
    paid = best.paid_through if best is not None else None
    return status, Month.of(paid) if paid else None


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
    )
