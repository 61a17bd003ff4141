"""audit8: a term past the end date a file gave, not ended with a reason, is offered for ending and handing
over, as the service allows (officials.services.position_end: only a term ended with a reason is refused).
The person page hid both links for it, and the desa page of a month in which it still ran did too, so the
operator could not record why it ended nor hand the seat over from the pages."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lindungdesa.lib.idformat import date_id
from lindungdesa.officials.models import Office, Position
from lindungdesa.officials.services import position_end
from lindungdesa.web import kept
from tests.web.conftest import PENYELADI
from tests.web.roster_once import fresh_roster, module_roster  # noqa: F401  (fixtures: made once)
from tests.web.test_registry_pages import new_official

pytestmark = pytest.mark.django_db


def expire(roster) -> Position:
    """Siti's term as a file gave it: ended on the last day of last month, no reason recorded."""
    last_month_end = timezone.localdate().replace(day=1) - timedelta(days=1)
    Position.objects.filter(person=roster.siti).update(term_end=last_month_end)
    return Position.objects.get(person=roster.siti)


def test_the_person_page_offers_to_end_or_replace_a_term_past_its_end(client, village_operator, roster):
    position = expire(roster)
    client.force_login(village_operator)
    html = client.get(f"/orang/{roster.siti.pk}/").content.decode()
    assert "Masa jabatan berakhir" in html
    assert f"/jabatan/{position.pk}/akhiri/" in html and f"/jabatan/{position.pk}/ganti/" in html


def test_the_desa_page_of_a_month_it_ran_offers_them_too(client, village_operator, roster):
    kept.clear()
    position = expire(roster)
    client.force_login(village_operator)
    html = client.get(f"/wilayah/{PENYELADI}/?periode={position.term_end:%Y-%m}").content.decode()
    assert "Siti Aminah" in html
    assert f"/jabatan/{position.pk}/akhiri/" in html and f"/jabatan/{position.pk}/ganti/" in html


def test_the_offered_form_ends_it_with_its_reason(client, village_operator, roster):
    position = expire(roster)
    client.force_login(village_operator)
    page = client.get(f"/jabatan/{position.pk}/akhiri/").content.decode()
    assert 'name="term_end"' in page and "sudah diakhiri" not in page
    response = client.post(
        f"/jabatan/{position.pk}/akhiri/",
        {"term_end": f"{position.term_end:%Y-%m-%d}", "end_reason": Position.EndReason.RESIGNED},
    )
    assert response.status_code == 302
    position.refresh_from_db()
    assert position.end_reason == Position.EndReason.RESIGNED
    # Ended with its reason now: no longer offered.
    html = client.get(f"/orang/{roster.siti.pk}/").content.decode()
    assert f"/jabatan/{position.pk}/akhiri/" not in html and f"/jabatan/{position.pk}/ganti/" not in html


def test_a_term_ended_ahead_says_from_when_its_seat_can_be_filled(client, village_operator, roster):
    """audit8: the Akhiri/Ganti page of a term ended already sent the operator to add a new official, and
    adding one starting before that end was refused with "Akhiri jabatan itu dulu": each page sent to the
    other. The page now says the first day a successor may start, and adding one from that day is taken."""
    kept.clear()
    last_day = timezone.localdate() + timedelta(days=10)
    position = position_end(
        region=None,
        position=Position.objects.get(person=roster.ahmad),
        last_day=last_day,
        reason=Position.EndReason.RESIGNED,
    )
    client.force_login(village_operator)
    html = client.get(f"/jabatan/{position.pk}/ganti/").content.decode()
    first = last_day + timedelta(days=1)
    assert f"mulai menjabat {date_id(first)} atau sesudahnya" in html
    refused = client.post(
        f"/wilayah/{PENYELADI}/aparat/tambah/",
        new_official(office=Office.KAUR_KEUANGAN, term_start=f"{last_day:%Y-%m-%d}"),
    )
    assert refused.status_code == 200 and "masih dijabat Ahmad Fauzi" in refused.content.decode()
    taken = client.post(
        f"/wilayah/{PENYELADI}/aparat/tambah/",
        new_official(office=Office.KAUR_KEUANGAN, term_start=f"{first:%Y-%m-%d}"),
    )
    assert taken.status_code == 302
    assert Position.objects.filter(desa_id=PENYELADI, office=Office.KAUR_KEUANGAN, term_start=first).exists()
