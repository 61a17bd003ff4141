"""Participant status for a month, as plain arithmetic (DOMAIN.md §3)."""

from datetime import date
from enum import StrEnum

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


def enrolment_status(
    *,
    start_date: date | None,
    paid_through: Month | None,
    period: Month,
    grace_months: int,
    lapse_months: int,
) -> Status:
    """Status at the end of `period`.

    Protected when paid through `period - grace_months` or later; in arrears up to `lapse_months`
    unpaid months; inactive beyond that. Not enrolled when the membership starts after the period.
    """
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


def protected_paid_through_floor(period: Month, grace_months: int) -> date:
    """The earliest paid-through month (as its first day) that still counts as protected in `period`."""
    return period.add(-grace_months).first_day
