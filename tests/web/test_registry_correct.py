"""Correcting a term in the pages (web/registry.py, `position_correct_page`): its start, SK and income, with
the add form's reading and rules, inside the region only, audited, and seen at once on the kept desa page.
A start with an impossible year, kept before the rule refused it, is found on the desa page and mended."""

from datetime import date
from decimal import Decimal

import pytest

from lindungdesa.accounts.models import AuditEntry, User
from lindungdesa.officials.models import Person, Position
from lindungdesa.web import kept
from tests.web.conftest import PENYELADI, make_user
from tests.web.roster_once import fresh_roster, module_roster  # noqa: F401  (fixtures: made once)
from tests.web.test_registry_pages import field_errors, snapshot

pytestmark = pytest.mark.django_db

DESA = f"/wilayah/{PENYELADI}/"


def url(position: Position) -> str:
    return f"/jabatan/{position.pk}/ubah/"


def correction(**overrides) -> dict:
    data = {"term_start": "2020-07-01", "sk_number": "141/03/2020", "sk_date": "2020-06-20"}
    return {**data, "monthly_income": "Rp 3.100.000", **overrides}


def test_the_village_operator_corrects_a_term_and_the_kept_roster_shows_it(client, village_operator, roster):
    kept.clear()
    siti = roster.siti.positions.get()
    Position.objects.filter(pk=siti.pk).update(monthly_income=Decimal("2500000.50"))
    client.force_login(village_operator)
    desa = client.get(DESA).content.decode()  # kept now
    assert f'href="{url(siti)}"' in desa and "01-06-2020" in desa
    person = client.get(f"/orang/{roster.siti.pk}/").content.decode()
    assert f'href="{url(siti)}"' in person
    form = client.get(url(siti)).content.decode()
    assert 'value="2.500.000,50"' in form  # shown as typed in Indonesia, and read back the same way
    assert 'value="2020-06-01"' in form

    response = client.post(url(siti), correction())
    assert response.status_code == 302 and response["Location"] == f"/orang/{roster.siti.pk}/"
    siti.refresh_from_db()
    assert (siti.term_start, siti.sk_number, siti.sk_date, siti.monthly_income) == (
        date(2020, 7, 1),
        "141/03/2020",
        date(2020, 6, 20),
        Decimal(3_100_000),
    )
    entry = AuditEntry.objects.filter(
        user=village_operator, action=AuditEntry.Action.UPDATE, model="officials.Position"
    ).get()
    assert entry.object_id == str(siti.pk) and entry.region_code == PENYELADI
    page = client.get(response["Location"]).content.decode()
    assert "Data jabatan Siti Aminah sebagai Sekretaris Desa disimpan." in page
    desa = client.get(DESA).content.decode()
    assert "01-07-2020" in desa and "01-06-2020" not in desa  # the kept roster moved with the data


def test_the_add_forms_rules_are_said_beside_their_fields(client, village_operator, roster):
    client.force_login(village_operator)
    siti = roster.siti.positions.get()
    before = snapshot()
    html = client.post(url(siti), correction(term_start="2062-07-01")).content.decode()
    assert field_errors(html, "term_start") == ["Mulai menjabat 01-07-2062 tidak mungkin: periksa tahunnya."]
    budi = roster.budi.positions.get()  # his term ends in 2029: a start in 2062 is wrong by its year alone
    html = client.post(url(budi), correction(term_start="2062-07-01")).content.decode()
    assert field_errors(html, "term_start") == ["Mulai menjabat 01-07-2062 tidak mungkin: periksa tahunnya."]
    html = client.post(url(siti), correction(monthly_income="2,500")).content.decode()
    assert "Pemisah ribuan tidak jelas" in field_errors(html, "monthly_income")[0]
    html = client.post(url(siti), correction(term_start="")).content.decode()
    assert field_errors(html, "term_start") == ["Tanggal ini wajib diisi."]
    # A start moved before the end of the term before it in the seat: the seat's rule, above the form.
    yohanes = roster.yohanes.positions.get()
    html = client.post(url(yohanes), correction(term_start="2025-06-01")).content.decode()
    assert "masih dijabat Paulus Jimbun" in html
    # A start after the term's own end.
    paulus = roster.paulus.positions.get()
    html = client.post(url(paulus), correction(term_start="2026-02-01")).content.decode()
    assert field_errors(html, "term_start") == ["Akhir menjabat tidak boleh sebelum mulai menjabat."]
    assert snapshot() == before


def test_a_start_with_an_impossible_year_is_found_and_mended(client, village_operator, roster):
    """Kept before the rule refused it: not serving in any month the page shows, so listed apart, with the
    way to correct it."""
    ahmad = roster.ahmad.positions.get()
    Position.objects.filter(pk=ahmad.pk).update(term_start=date(2062, 3, 1))
    client.force_login(village_operator)
    desa = client.get(DESA).content.decode()
    later = desa[desa.index("Belum mulai menjabat") : desa.index("Riwayat jabatan")]
    assert "Ahmad Fauzi" in later and "01-03-2062" in later and f'href="{url(ahmad)}"' in later
    # A past month's page lists what has not started by today, not who began since that month.
    past = client.get(f"{DESA}?periode=2025-06").content.decode()
    later = past[past.index("Belum mulai menjabat") : past.index("Riwayat jabatan")]
    assert "Ahmad Fauzi" in later and "Yohanes Apui" not in later  # his term began 01-01-2026
    assert 'value="2062-03-01"' in client.get(url(ahmad)).content.decode()
    response = client.post(url(ahmad), correction(term_start="2021-03-01", monthly_income=""))
    assert response.status_code == 302
    ahmad.refresh_from_db()
    assert (ahmad.term_start, ahmad.monthly_income) == (date(2021, 3, 1), 0)
    assert "Belum mulai menjabat" not in client.get(DESA).content.decode()


def test_a_birth_date_with_an_impossible_year_is_mended_on_the_person_form(client, village_operator, roster):
    Person.objects.filter(pk=roster.siti.pk).update(birth_date=date(1, 7, 5))
    client.force_login(village_operator)
    assert client.get(f"/orang/{roster.siti.pk}/ubah/").status_code == 200
    data = {"nik": roster.siti.nik, "name": "Siti Aminah", "sex": "P", "phone": ""}
    edit = f"/orang/{roster.siti.pk}/ubah/"
    html = client.post(edit, {**data, "birth_date": "0001-07-05"}).content.decode()
    assert field_errors(html, "nik") == ["Tanggal lahir tidak sesuai NIK: menurut NIK 05-07-1983."]
    response = client.post(f"/orang/{roster.siti.pk}/ubah/", {**data, "birth_date": "1983-07-05"})
    assert response.status_code == 302
    assert Person.objects.get(pk=roster.siti.pk).birth_date == date(1983, 7, 5)


def test_the_regency_operator_corrects_a_term_in_its_region(client, sanggau_operator, roster):
    client.force_login(sanggau_operator)
    stefanus = roster.stefanus.positions.get()  # Mukok, Sanggau
    response = client.post(url(stefanus), correction(term_start="2021-02-01"))
    assert response.status_code == 302
    assert Position.objects.get(pk=stefanus.pk).term_start == date(2021, 2, 1)


def test_a_term_outside_the_region_is_not_found_and_stays(client, village_operator, outsider, roster):
    before = snapshot()
    client.force_login(village_operator)
    stefanus = roster.stefanus.positions.get()  # Mukok: outside Penyeladi
    assert client.get(url(stefanus)).status_code == 404
    assert client.post(url(stefanus), correction()).status_code == 404
    client.force_login(outsider)  # Sambas: nothing in Sanggau
    assert client.post(url(roster.siti.positions.get()), correction()).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize(
    "role",
    [User.Role.VIEWER, User.Role.ASSOCIATION_OFFICER, User.Role.BPJS_OFFICER, User.Role.PROVINCE_ANALYST],
)
def test_roles_without_the_right_see_no_link_and_may_not_correct(client, roster, role):
    region = "61" if role == User.Role.PROVINCE_ANALYST else "61.03"
    client.force_login(make_user("tamu", role, region, "Tamu"))
    siti = roster.siti.positions.get()
    before = snapshot()
    assert url(siti) not in client.get(DESA).content.decode()
    assert client.get(url(siti)).status_code == 403
    assert client.post(url(siti), correction()).status_code == 403
    assert snapshot() == before


def test_a_kepala_dusun_gets_the_dusun_an_import_left_blank_and_only_a_kepala_dusun(
    client, village_operator, roster
):
    from lindungdesa.officials.models import Office
    from lindungdesa.regions.models import Region
    from tests.factories import make_position

    desa = Region.objects.get(code=PENYELADI)
    blank = make_position(desa, Office.KEPALA_DUSUN, date(2021, 2, 1), name="Sukardi")
    make_position(desa, Office.KEPALA_DUSUN, date(2021, 2, 1), name="Yulianus", unit_name="Sungai Ayak")
    client.force_login(village_operator)
    assert 'name="unit_name"' in client.get(url(blank)).content.decode()
    siti = roster.siti.positions.get()
    assert 'name="unit_name"' not in client.get(url(siti)).content.decode()  # a Sekretaris Desa has no dusun

    # Another kepala dusun holds Sungai Ayak (the spaces typed do not matter): the seat's rule answers.
    refused = client.post(url(blank), correction(term_start="2021-02-01", unit_name="Sungai  Ayak"))
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Kepala Dusun Sungai Ayak di Penyeladi masih dijabat Yulianus" in page
    blank.refresh_from_db()
    assert blank.unit_name == ""

    response = client.post(url(blank), correction(term_start="2021-02-01", unit_name=" Tanjung  Batu "))
    assert response.status_code == 302
    blank.refresh_from_db()
    assert blank.unit_name == "Tanjung Batu"
    client.post(url(siti), correction(unit_name="Tanjung Batu"))
    siti.refresh_from_db()
    assert siti.unit_name == ""
