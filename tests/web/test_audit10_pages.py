"""Found at first contact (audit10): the person form sent the whole NIK to the page, which elsewhere is
shown only on request and with an audit entry (Lihat NIK)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from lindungdesa.accounts.models import AuditEntry
from lindungdesa.officials.models import Person
from lindungdesa.officials.services import position_end
from tests.web.roster_once import fresh_roster, module_roster  # noqa: F401  (fixtures: made once)

pytestmark = pytest.mark.django_db


def test_the_person_form_does_not_send_the_whole_nik(client, village_operator, roster):
    client.force_login(village_operator)
    html = client.get(f"/orang/{roster.siti.pk}/ubah/").content.decode()
    assert 'class="registry-form"' in html
    assert roster.siti.nik not in html
    assert "Kosongkan bila NIK tetap ************" + roster.siti.nik[-4:] in html
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.REVEAL).exists()


def test_a_person_form_with_the_nik_left_empty_keeps_the_nik(client, village_operator, roster):
    client.force_login(village_operator)
    data = {"nik": "", "name": "Siti Aminah", "birth_date": "1983-07-05", "sex": "P"}
    data["phone"] = "0813 1111 2222"
    response = client.post(f"/orang/{roster.siti.pk}/ubah/", data)
    assert response.status_code == 302
    siti = Person.objects.get(pk=roster.siti.pk)
    assert (siti.nik, siti.phone) == (roster.siti.nik, "081311112222")


def test_a_person_form_with_the_nik_left_empty_still_checks_the_birth_date_against_it(
    client, village_operator, roster
):
    client.force_login(village_operator)
    data = {"nik": "", "name": "Siti Aminah", "birth_date": "1983-07-06", "sex": "P", "phone": ""}
    html = client.post(f"/orang/{roster.siti.pk}/ubah/", data).content.decode()
    assert "Tanggal lahir tidak sesuai NIK" in html
    assert roster.siti.nik not in html
    assert Person.objects.get(pk=roster.siti.pk).birth_date == roster.siti.birth_date


def test_retirement_at_sixty_is_offered_only_for_perangkat(client, village_operator, roster):
    """Perangkat desa retire at 60 (Permendagri 84/2015, docs/domain.md); a kepala desa or a BPD member does
    not, so "Pensiun" is no reason to end their term."""
    client.force_login(village_operator)
    siti = roster.siti.positions.get()  # sekretaris desa
    assert 'value="retired"' in client.get(f"/jabatan/{siti.pk}/akhiri/").content.decode()
    for person in (roster.budi, roster.maria):  # kepala desa, ketua BPD
        position = person.positions.get()
        url = f"/jabatan/{position.pk}/akhiri/"
        assert 'value="retired"' not in client.get(url).content.decode()
        html = client.post(url, {"term_end": "2026-03-01", "end_reason": "retired"}).content.decode()
        assert "Pilih alasan dari daftar." in html
        position.refresh_from_db()
        assert position.term_end != date(2026, 3, 1)


def test_the_person_page_shows_the_phone_masked(client, village_operator, roster):
    """Pages mask every phone number (docs/security.md); the edit form shows the one it changes."""
    Person.objects.filter(pk=roster.siti.pk).update(phone="081311112222")
    client.force_login(village_operator)
    html = client.get(f"/orang/{roster.siti.pk}/").content.decode()
    assert "0813****2222" in html
    assert "081311112222" not in html


def test_retirement_at_sixty_is_refused_by_the_service_for_a_kepala_desa(roster):
    """The API and every other caller of `position_end` meet the rule the page offers (audit10)."""
    position = roster.budi.positions.get()  # kepala desa
    with pytest.raises(ValidationError) as exc:
        position_end(region=None, position=position, last_day=date(2026, 3, 1), reason="retired")
    assert exc.value.message_dict == {"end_reason": ["Hanya perangkat desa yang pensiun pada usia 60 tahun."]}
    position.refresh_from_db()
    assert position.end_reason == ""
