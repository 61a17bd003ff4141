"""Monitoring rules on plain values: periods, criteria, the moves a case may make, deadlines."""

from datetime import date
from decimal import Decimal as D  # noqa: N817

import pytest

from lindungdesa.indicators.compute import DesaCounts
from lindungdesa.lib.months import Month
from lindungdesa.monev import rules
from lindungdesa.monev.deadlines import add_working_days, calendar_known, working_days_between


@pytest.mark.parametrize(
    ("text", "label", "first", "last"),
    [
        ("2026-Q4", "2026-Q4", Month(2026, 10), Month(2026, 12)),
        ("2026-q1", "2026-Q1", Month(2026, 1), Month(2026, 3)),
        ("2026-S2", "2026-S2", Month(2026, 7), Month(2026, 12)),
        ("2026-11", "2026-11", Month(2026, 11), Month(2026, 11)),
    ],
)
def test_round_periods(text, label, first, last):
    period = rules.parse_round_period(text)
    assert (period.label, period.first, period.last) == (label, first, last)


def test_a_round_looks_at_the_periods_last_month_or_this_month_if_earlier():
    q4 = rules.parse_round_period("2026-Q4")
    assert q4.evaluation_month(Month(2026, 12)) == Month(2026, 12)
    assert q4.evaluation_month(Month(2026, 11)) == Month(2026, 11)
    assert q4.evaluation_month(Month(2027, 3)) == Month(2026, 12)


@pytest.mark.parametrize("text", ["2026-Q5", "Q4-2026", "triwulan 4", ""])
def test_unknown_periods_are_refused_in_indonesian(text):
    with pytest.raises(ValueError, match="tidak dikenal"):
        rules.parse_round_period(text)


def state(a_serving, a_protected, b_serving, b_protected, arrears=0):
    return rules.DesaState(DesaCounts(a_serving, a_protected, b_serving, b_protected), arrears)


def test_criteria():
    every = rules.DEFAULT_CRITERIA
    assert rules.failing(state(5, 0, 5, 0), every) == ["nobody", "below", "bpd"]
    assert rules.failing(state(0, 0, 0, 0), every) == ["nobody"]  # nobody serves: nobody registered either
    assert rules.failing(state(4, 4, 5, 1), every) == ["bpd"]  # 5 of 9 = 55.56 %: not below 50 %
    assert rules.failing(state(4, 1, 5, 1), every) == ["below", "bpd"]  # 2 of 9
    assert rules.failing(state(4, 4, 5, 5, arrears=1), every) == ["arrears"]
    assert rules.failing(state(4, 4, 5, 5), every) == []
    assert rules.failing(state(4, 2, 4, 2), ("below",), D(50)) == []  # exactly 50 % is not below
    assert rules.failing(state(4, 2, 4, 1), ("below",), D(50)) == ["below"]


def test_criteria_from_text():
    assert rules.parse_criteria("") == rules.DEFAULT_CRITERIA
    assert rules.parse_criteria("nobody, arrears,nobody") == ("nobody", "arrears")
    with pytest.raises(ValueError, match="Kriteria tidak dikenal: rt"):
        rules.parse_criteria("nobody,rt")


@pytest.mark.parametrize(
    ("current", "target", "note", "evidence"),
    [
        (rules.NEW, rules.LETTER_SENT, "", ""),
        (rules.LETTER_SENT, rules.BUDGETED, "", ""),
        (rules.BUDGETED, rules.ENROLLED, "KPJ terbit", ""),
        (rules.BUDGETED, rules.ENROLLED, "", "Impor #3"),
        (rules.ENROLLED, rules.CLOSED, "", ""),
        (rules.NEW, rules.CLOSED, "Desa digabung (Perda 3/2026)", ""),
        (rules.LETTER_SENT, rules.ESCALATED_REGENT, "Tidak menjawab dua surat", ""),
        (rules.ESCALATED_REGENT, rules.ESCALATED_KEMENDAGRI, "Bupati tidak menindaklanjuti", ""),
        (rules.ESCALATED_KEMENDAGRI, rules.BUDGETED, "", ""),
    ],
)
def test_allowed_moves(current, target, note, evidence):
    rules.check_move(current, target, note=note, evidence=evidence)


@pytest.mark.parametrize(
    ("current", "target", "note", "message"),
    [
        (rules.NEW, rules.CLOSED, "", "alasan tertulis"),
        (rules.BUDGETED, rules.CLOSED, " ", "alasan tertulis"),
        (rules.NEW, rules.BUDGETED, "", "tidak dapat langsung"),
        (rules.NEW, rules.ENROLLED, "", "bukti pendaftaran"),
        (rules.CLOSED, rules.NEW, "buka lagi", "tidak dapat langsung"),
        (rules.NEW, rules.NEW, "", "sudah berstatus"),
        (rules.LETTER_SENT, rules.ESCALATED_REGENT, "", "alasan eskalasi"),
        (rules.ENROLLED, rules.BUDGETED, "", "dibuka kembali"),
        (rules.NEW, "hilang", "", "tidak dikenal"),
    ],
)
def test_refused_moves_say_why(current, target, note, message):
    with pytest.raises(rules.MoveRefused, match=message):
        rules.check_move(current, target, note=note)


def test_deadlines_skip_weekends_public_holidays_and_joint_leave():
    # Friday 18 December 2026 + 5 working days: 21, 22, 23 (24 is cuti bersama, 25 Christmas, 26-27 the
    # weekend), 28, 29.
    assert add_working_days(date(2026, 12, 18), 5) == date(2026, 12, 29)
    assert working_days_between(date(2026, 12, 18), date(2026, 12, 29)) == 5
    assert working_days_between(date(2026, 12, 29), date(2026, 12, 18)) == 0
    # Nyepi and Idulfitri 2026 with their joint leave (18-24 March): 16, 17, then 25, 26, 27 March.
    assert add_working_days(date(2026, 3, 13), 5) == date(2026, 3, 27)
    assert calendar_known(date(2026, 1, 1), date(2027, 12, 31))
    assert not calendar_known(date(2026, 12, 1), date(2028, 1, 5))


def test_overdue_and_median():
    assert rules.is_overdue(rules.NEW, date(2026, 12, 1), date(2026, 12, 2))
    assert not rules.is_overdue(rules.NEW, date(2026, 12, 2), date(2026, 12, 2))
    assert not rules.is_overdue(rules.CLOSED, date(2026, 12, 1), date(2026, 12, 2))
    assert rules.median_days([3, 10, 5, 7]) == 6.0 and rules.median_days([]) is None


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("2026-Q4", "Triwulan IV 2026"),
        ("2026-q1", "Triwulan I 2026"),
        ("2026-S2", "Semester II 2026"),
        ("2026-11", "November 2026"),
    ],
)
def test_a_round_period_is_named_as_people_say_it(code, name):
    assert rules.parse_round_period(code).name == name
