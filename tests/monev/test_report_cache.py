"""The round report on the round page is kept per round, region and day (selectors.round_report_kept): its
rows equal the report computed afresh, a moved case or a completed NIK shows on the next request, and one
region's kept rows are never shown to a reader of another."""

from datetime import date

import pytest
from django.utils import timezone

from lindungdesa.monev import rules
from lindungdesa.monev.selectors import counts_now, round_report
from lindungdesa.monev.services import case_move
from lindungdesa.monev.views import _report_region
from lindungdesa.officials.models import Office, Person
from lindungdesa.regions.models import Region
from tests.factories import make_position
from tests.monev.rounds import (  # noqa: F401  (fixtures)
    shared_analyst,
    shared_opened,
    shared_roster,
    shared_round,
)
from tests.web.conftest import SAMBAS

# The round of 2026-Q1 opened once for the module (tests/monev/rounds.py).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("monev-report-cache-round")]


def shown(client, user, round_) -> list:
    client.force_login(user)
    response = client.get(f"/monev/{round_.pk}/")
    assert response.status_code == 200
    return response.context["report"]


def afresh(user, round_) -> list:
    """The report as the page computed it before it was kept: every request from the cases."""
    today = timezone.localdate()
    region = _report_region(user, round_)
    report = round_report(round_, today=today, now=counts_now(region, today), region=region)
    return [r for r in report if user.can_see_region(r.code)]


def test_the_kept_report_equals_the_report_computed_afresh(
    client, analyst, sanggau_operator, village_operator, opened
):
    for user in (analyst, sanggau_operator, village_operator):
        first = shown(client, user, opened)
        again = shown(client, user, opened)  # from the cache
        assert first == again == afresh(user, opened)
    assert shown(client, analyst, opened)[-1].opened == opened.cases.count()
    # A village operator sees no regency's row (its own desa's counts are on the page above the report).
    assert shown(client, village_operator, opened) == []


def test_a_moved_case_shows_on_the_next_request(client, analyst, opened):
    before = shown(client, analyst, opened)[-1]
    case = opened.cases.filter(state=rules.NEW).order_by("desa_id").first()
    case_move(case=case, to_state=rules.CLOSED, user=analyst, note="Sudah didaftarkan.")
    after = shown(client, analyst, opened)[-1]
    assert after.closed == before.closed + 1
    assert after.by_state[rules.NEW] == before.by_state[rules.NEW] - 1
    assert shown(client, analyst, opened) == afresh(analyst, opened)


def test_a_completed_nik_shows_on_the_next_request(client, analyst, opened):
    case = opened.cases.order_by("desa_id").first()
    nobody = Person.objects.create(nik=None, name="Tanpa Nomor Induk", birth_date=date(1985, 2, 3))
    make_position(Region.objects.get(code=case.desa_id), Office.KEPALA_DUSUN, date(2022, 1, 1), person=nobody)
    before = shown(client, analyst, opened)[-1]
    assert before.without_nik == 1
    nobody.nik = "6103014502850001"
    nobody.save()  # a person's correction moves no data version
    assert shown(client, analyst, opened)[-1].without_nik == 0
    assert shown(client, analyst, opened) == afresh(analyst, opened)


def test_one_regions_kept_rows_are_never_anothers(client, analyst, sanggau_operator, outsider, opened):
    province = shown(client, analyst, opened)  # kept for the whole province first
    assert {r.code for r in province} > {"61.01", "61.03", "61"}
    sanggau = shown(client, sanggau_operator, opened)
    sambas = shown(client, outsider, opened)
    assert {r.code for r in sanggau} == {"61.03"}
    assert {r.code for r in sambas} == {SAMBAS}
    assert sanggau == afresh(sanggau_operator, opened) and sambas == afresh(outsider, opened)
    # The regency's own report counts only its cases, not the province's row for it kept above.
    assert sanggau[0].opened == opened.cases.filter(desa__regency_code="61.03").count()
    assert sambas[0].opened == opened.cases.filter(desa__regency_code=SAMBAS).count()
