"""The Kemendagri report of a month a round evaluated: the round report, and the accepted figures locked."""

import io
from datetime import date

import pytest
from django.utils.html import strip_tags
from openpyxl import load_workbook

from lindungdesa.enrolment.models import Enrolment
from lindungdesa.lib.months import Month
from lindungdesa.monev.services import round_accept, round_confirm_regency
from lindungdesa.regions.models import Region
from lindungdesa.reports.kemendagri import report_build, report_pdf_html, report_xlsx
from tests.monev.rounds import (  # noqa: F401  (fixtures)
    shared_analyst,
    shared_opened,
    shared_roster,
    shared_round,
)

# The round of 2026-Q1 opened once for the module (tests/monev/rounds.py).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("monev-report-round")]

MARCH = Month(2026, 3)


@pytest.fixture
def accepted(opened, analyst, sanggau_operator):
    for regency in Region.objects.filter(parent_id="61"):
        round_confirm_regency(round_=opened, regency=regency, user=sanggau_operator)
    return round_accept(round_=opened, user=analyst)


def test_a_later_change_moves_the_dashboard_but_not_the_accepted_report(accepted, roster):
    before = report_build(province_code="61", period=MARCH)
    assert before.snapshot == accepted.snapshot and before.dash.total.aparat_protected == 3
    # Stefanus turns out to have been enrolled all along: the live figures change ...
    Enrolment.objects.create(
        person=roster.stefanus,
        programmes="JKK,JKM",
        category="PU",
        start_date=date(2026, 1, 1),
        paid_through=date(2026, 3, 1),
    )
    from lindungdesa.indicators.dashboard import dashboard

    assert dashboard(Region.objects.get(code="61"), MARCH).total.aparat_protected == 4
    # ... the accepted report does not.
    after = report_build(province_code="61", period=MARCH)
    assert after.dash.total.aparat_protected == 3


def test_the_report_says_who_approved_when_and_carries_the_round_report(accepted):
    report = report_build(province_code="61", period=MARCH)
    book = load_workbook(io.BytesIO(report_xlsx(report)), read_only=True)
    rows = list(book["Monev"].iter_rows(values_only=True))
    assert "diterima provinsi oleh Dewi" in rows[0][0]
    assert any(r and r[0] == "Jumlah" or (len(r) > 1 and r[1] == "Jumlah") for r in rows)
    assert any(r and r[0] == "Diterima provinsi" and r[1] == "Dewi" for r in rows)
    # What the PDF is laid out from (laying it out, some 2,000 desa that registered nobody, is tested on
    # its own in tests/reports/test_kemendagri.py).
    text = " ".join(strip_tags(report_pdf_html(report)).split())
    assert "Monitoring dan evaluasi Triwulan I 2026" in text and "diterima provinsi oleh Dewi" in text
    assert "Kabupaten Sanggau (Rudi," in text


def test_before_acceptance_the_report_uses_the_monthly_figures_and_says_so(opened):
    report = report_build(province_code="61", period=MARCH)
    assert report.snapshot.kind == "monthly"
    assert "belum diterima provinsi" in report.monev.statement


def test_the_round_report_counts_who_serves_in_a_case_village_without_a_nik(opened, analyst):
    from lindungdesa.monev.exports import HEADER, report_rows
    from lindungdesa.monev.selectors import round_report
    from lindungdesa.officials.models import Office, Person
    from tests.factories import make_position

    round_ = opened
    case = round_.cases.order_by("desa_id").first()
    nobody = Person.objects.create(nik=None, name="Tanpa Nomor Induk", birth_date=date(1985, 2, 3))
    desa = Region.objects.get(code=case.desa_id)
    make_position(desa, Office.KEPALA_DUSUN, date(2022, 1, 1), person=nobody, unit_name="Tanpa NIK")
    ended = Person.objects.create(nik=None, name="Sudah Berhenti", birth_date=date(1970, 1, 1))
    make_position(
        desa, Office.KEPALA_DUSUN, date(2020, 1, 1), date(2025, 12, 31), person=ended, unit_name="Lama"
    )

    report = round_report(round_, today=date(2026, 3, 16), now={})
    total = report[-1]
    regency = next(r for r in report if r.code == case.desa_id[:5])
    assert (total.without_nik, regency.without_nik) == (1, 1)  # serving at the end of March; not the ended
    column = HEADER.index("menjabat_tanpa_nik")
    assert report_rows(report)[-1][column] == 1
