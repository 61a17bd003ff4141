"""audit6: a term ended already (with its reason) is not offered for ending or handing over again. The
desa and person pages show no Akhiri or Ganti link for it, and the pages reached by URL say why in
Indonesian instead of a form the service refuses on submit (officials.services.position_end)."""

import calendar
from datetime import timedelta

import pytest
from django.utils import timezone

from lindungdesa.officials.models import Position
from lindungdesa.officials.services import position_end
from lindungdesa.web import kept
from tests.web.conftest import PENYELADI
from tests.web.roster_once import fresh_roster, module_roster  # noqa: F401  (fixtures: made once)
from tests.web.test_registry_pages import new_official, snapshot

pytestmark = pytest.mark.django_db


def end(position: Position, days: int) -> Position:
    """Ahmad resigns, effective `days` from today (ahead: a resignation effective later this month)."""
    return position_end(
        region=None,
        position=position,
        last_day=timezone.localdate() + timedelta(days=days),
        reason=Position.EndReason.RESIGNED,
    )


def test_a_term_ended_ahead_offers_no_end_or_replace(client, village_operator, roster):
    kept.clear()
    today = timezone.localdate()
    # On the last day of this month: still on this month's roster, as a resignation effective then.
    position = end(
        Position.objects.get(person=roster.ahmad), calendar.monthrange(today.year, today.month)[1] - today.day
    )
    client.force_login(village_operator)
    desa = client.get(f"/wilayah/{PENYELADI}/").content.decode()
    assert f"/jabatan/{position.pk}/ubah/" in desa
    assert f"/jabatan/{position.pk}/ganti/" not in desa and f"/jabatan/{position.pk}/akhiri/" not in desa
    person = client.get(f"/orang/{roster.ahmad.pk}/").content.decode()
    assert f"/jabatan/{position.pk}/ubah/" in person
    assert f"/jabatan/{position.pk}/ganti/" not in person and f"/jabatan/{position.pk}/akhiri/" not in person
    # Others still running keep theirs.
    siti = Position.objects.get(person=roster.siti)
    assert f"/jabatan/{siti.pk}/ganti/" in desa and f"/jabatan/{siti.pk}/akhiri/" in desa


@pytest.mark.parametrize("days", [10, -30])
def test_the_replace_and_end_pages_say_why_instead_of_a_form(client, village_operator, roster, days):
    position = end(Position.objects.get(person=roster.ahmad), days)
    client.force_login(village_operator)
    for action in ("ganti", "akhiri"):
        response = client.get(f"/jabatan/{position.pk}/{action}/")
        html = response.content.decode()
        assert response.status_code == 200
        assert "sudah diakhiri pada" in html and "(Mengundurkan diri)" in html
        assert "tambahkan pejabat baru dari halaman desa" in html
        assert 'name="term_start"' not in html and 'name="term_end"' not in html  # no form
        assert f'href="/wilayah/{PENYELADI}/#daftar-aparat"' in html
    before = snapshot()
    response = client.post(f"/jabatan/{position.pk}/ganti/", new_official(term_start="2026-03-01"))
    assert response.status_code == 409 and "sudah diakhiri pada" in response.content.decode()
    response = client.post(
        f"/jabatan/{position.pk}/ganti/",
        new_official(term_start="2026-03-01"),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and response["HX-Redirect"] == f"/jabatan/{position.pk}/ganti/"
    assert snapshot() == before


def test_a_running_term_still_gets_its_form(client, village_operator, roster):
    position = Position.objects.get(person=roster.ahmad)
    client.force_login(village_operator)
    html = client.get(f"/jabatan/{position.pk}/ganti/").content.decode()
    assert 'name="term_start"' in html and "sudah diakhiri" not in html
