"""Participant status in a month (docs/domain.md §3): each rule in Python and its SQL twin, side by side.

Every rule is written twice, once as arithmetic on plain values (rows already in memory: a desa's roster,
a budget, the demo generator) and once as a Django `Q` (the database counts: indicators, monev,
reconciliation). Nowhere else re-derives them; `tests/enrolment/test_status_twins.py` generates
enrolments and months and checks that both answers agree.

- A membership (`enrolment_status` / `enrolment_q`) started after the end of the month is *not enrolled*
  yet. Otherwise it *protects* its person when paid through `period - grace` or later, is *in arrears* for
  up to `lapse` unpaid months and *inactive* beyond that (or when nothing was ever paid).
- A person (`person_status` / `person_q`) has the status of their best membership: protected before in
  arrears before inactive; not enrolled when no membership has started.

The grace and lapse months are a dated rule (`StatusRule`); `DEFAULT_RULE` applies before its first row.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol, TypeVar

from django.apps import apps
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from lindungdesa.lib.months import Month


class Status(StrEnum):
    PROTECTED = "protected"
    ARREARS = "arrears"
    INACTIVE = "inactive"
    NOT_ENROLLED = "not_enrolled"


STATUS_LABELS = {
    Status.PROTECTED: _("Terlindungi"),
    Status.ARREARS: _("Menunggak"),
    Status.INACTIVE: _("Tidak aktif"),
    Status.NOT_ENROLLED: _("Belum terdaftar"),
}
# Best first: a person with one lapsed and one current membership is protected.
STATUS_RANK = {Status.PROTECTED: 0, Status.ARREARS: 1, Status.INACTIVE: 2, Status.NOT_ENROLLED: 3}


class Rule(Protocol):
    """What the rules read of a `StatusRule` (or of `PlainRule`)."""

    grace_months: int
    lapse_months: int


@dataclass(frozen=True, slots=True)
class PlainRule:
    grace_months: int
    lapse_months: int


# docs/domain.md §3: protected when paid through M-1, in arrears through M-3, inactive beyond.
DEFAULT_RULE = PlainRule(grace_months=1, lapse_months=3)


# --- one membership -----------------------------------------------------------------------------------


def enrolment_status(
    *,
    start_date: date | None,
    paid_through: Month | None,
    period: Month,
    grace_months: int,
    lapse_months: int,
) -> Status:
    """Status of one membership at the end of `period` (twin: `enrolment_q`)."""
    if start_date is None or start_date > period.last_day:
        return Status.NOT_ENROLLED
    if paid_through is None:
        return Status.INACTIVE
    unpaid = period - paid_through
    if unpaid <= grace_months:
        return Status.PROTECTED
    if unpaid <= lapse_months:
        return Status.ARREARS
    return Status.INACTIVE


def status_of(start_date: date | None, paid_through: date | None, period: Month, rule: Rule) -> Status:
    """`enrolment_status` of a membership's two dates as the database holds them."""
    return enrolment_status(
        start_date=start_date,
        paid_through=Month.of(paid_through) if paid_through else None,
        period=period,
        grace_months=rule.grace_months,
        lapse_months=rule.lapse_months,
    )


def protected_paid_through_floor(period: Month, grace_months: int) -> date:
    """The earliest paid-through month (as its first day) that still counts as protected in `period`."""
    return period.add(-grace_months).first_day


def lapse_floor(period: Month, rule: Rule) -> date:
    """The earliest paid-through month (as its first day) that is not yet inactive in `period`."""
    return period.add(-max(rule.grace_months, rule.lapse_months)).first_day


def enrolment_q(status: Status, period: Month, rule: Rule, prefix: str = "") -> Q:
    """Enrolment rows whose status at the end of `period` is `status` (twin: `enrolment_status`).

    `prefix` reaches the enrolment through a relation ("enrolments__").
    """
    started = Q(**{f"{prefix}start_date__lte": period.last_day})
    paid = f"{prefix}paid_through"
    protected = protected_paid_through_floor(period, rule.grace_months)
    lapsed = lapse_floor(period, rule)
    if status == Status.NOT_ENROLLED:
        return ~started
    if status == Status.PROTECTED:
        return started & Q(**{f"{paid}__gte": protected})
    if status == Status.ARREARS:
        return started & Q(**{f"{paid}__gte": lapsed, f"{paid}__lt": protected})
    if status == Status.INACTIVE:
        return started & (Q(**{f"{paid}__isnull": True}) | Q(**{f"{paid}__lt": min(lapsed, protected)}))
    raise ValueError(status)


def protected_q(period: Month, rule: Rule, prefix: str = "") -> Q:
    """Enrolments that protect their person at the end of `period`."""
    return enrolment_q(Status.PROTECTED, period, rule, prefix)


# --- one person ---------------------------------------------------------------------------------------

T = TypeVar("T")


def best_membership(
    memberships: Iterable[tuple[T, date | None, date | None]], period: Month, rule: Rule
) -> tuple[Status, T | None]:
    """A person's status at the end of `period` and the membership that gives it (twin: `person_q`).

    `memberships`: (anything, start date, paid-through date). The best status wins; between two of the
    same status, the one paid furthest, then the first given. (NOT_ENROLLED, None) when none has started.
    """
    best: tuple[Status, T | None] = (Status.NOT_ENROLLED, None)
    best_key: tuple[int, int] | None = None
    for item, start, paid in memberships:
        status = status_of(start, paid, period, rule)
        if status == Status.NOT_ENROLLED:
            continue
        key = (STATUS_RANK[status], -(paid.toordinal() if paid else 0))
        if best_key is None or key < best_key:
            best_key, best = key, (status, item)
    return best


def person_status(
    memberships: Iterable[tuple[date | None, date | None]], period: Month, rule: Rule
) -> Status:
    """A person's status from the (start date, paid-through date) of each of their memberships."""
    return best_membership(((None, start, paid) for start, paid in memberships), period, rule)[0]


def _has(condition: Q, person_ref: str) -> Exists:
    """Exists(): a membership of the row's person meets `condition`."""
    enrolment = apps.get_model("enrolment", "Enrolment")
    return Exists(enrolment.objects.filter(condition, person_id=OuterRef(person_ref)))


def person_protected(period: Month, rule: Rule, person_ref: str = "person_id") -> Exists:
    """Exists(): the row's person has a membership that protects them (for annotating rows)."""
    return _has(protected_q(period, rule), person_ref)


def person_q(status: Status, period: Month, rule: Rule, person_ref: str = "person_id") -> Q:
    """Rows (positions) whose person has `status` at the end of `period` (twin: `person_status`).

    `person_ref` names the row's person id (OuterRef); each status costs one or two EXISTS subqueries on
    the enrolment index (person, start_date, paid_through).
    """
    started = Q(start_date__lte=period.last_day)
    if status == Status.PROTECTED:
        return Q(person_protected(period, rule, person_ref))
    if status == Status.ARREARS:
        arrears = enrolment_q(Status.ARREARS, period, rule)
        return Q(_has(arrears, person_ref)) & ~Q(person_protected(period, rule, person_ref))
    if status == Status.INACTIVE:
        # Started, and no membership protected or in arrears: none paid through the lapse floor.
        current = started & Q(paid_through__gte=lapse_floor(period, rule))
        return Q(_has(started, person_ref)) & ~Q(_has(current, person_ref))
    if status == Status.NOT_ENROLLED:
        return ~Q(_has(started, person_ref))
    raise ValueError(status)
