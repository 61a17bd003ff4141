from datetime import date

import pytest

from lindungdesa.enrolment.status import Status, enrolment_status
from lindungdesa.lib.months import Month

NOV = Month(2026, 11)


@pytest.mark.parametrize(
    ("paid_through", "expected"),
    [
        (Month(2026, 12), Status.PROTECTED),  # paid ahead
        (Month(2026, 11), Status.PROTECTED),
        (Month(2026, 10), Status.PROTECTED),  # M-1: within the grace month
        (Month(2026, 9), Status.ARREARS),  # M-2
        (Month(2026, 8), Status.ARREARS),  # M-3
        (Month(2026, 7), Status.INACTIVE),  # M-4: lapsed
        (None, Status.INACTIVE),  # registered, never paid
    ],
)
def test_status_follows_the_paid_through_month(paid_through, expected):
    status = enrolment_status(
        start_date=date(2025, 1, 1), paid_through=paid_through, period=NOV, grace_months=1, lapse_months=3
    )
    assert status == expected


def test_a_membership_starting_after_the_period_is_not_enrolled_yet():
    status = enrolment_status(
        start_date=date(2026, 12, 1), paid_through=Month(2026, 12), period=NOV, grace_months=1, lapse_months=3
    )
    assert status == Status.NOT_ENROLLED


def test_a_membership_starting_on_the_last_day_counts():
    status = enrolment_status(
        start_date=date(2026, 11, 30),
        paid_through=Month(2026, 11),
        period=NOV,
        grace_months=1,
        lapse_months=3,
    )
    assert status == Status.PROTECTED


def test_grace_is_a_parameter():
    kwargs = {
        "start_date": date(2025, 1, 1),
        "paid_through": Month(2026, 10),
        "period": NOV,
        "lapse_months": 3,
    }
    assert enrolment_status(grace_months=0, **kwargs) == Status.ARREARS
    assert enrolment_status(grace_months=1, **kwargs) == Status.PROTECTED
