"""Each role's home opens with its job (issue 20): the cards of web/_jobs.html, each a figure and a link."""

import re

import pytest
from django.utils import timezone

from lindungdesa.accounts.models import User
from lindungdesa.indicators.selectors import region_indicators
from lindungdesa.lib.months import Month
from lindungdesa.regions.models import Region
from tests.web.conftest import PENYELADI, make_user
from tests.web.roster_once import fresh_roster, module_roster  # noqa: F401  (fixtures: made once)

pytestmark = pytest.mark.django_db


def jobs(client) -> list[tuple[str, str, str]]:
    """(title, figure, link) of each card on the home page, in order."""
    response = client.get("/", follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    section = html.split('<section class="jobs"')[1].split("</section>")[0]
    cards = re.findall(
        r"<h3>([^<]*)</h3>\s*(?:<p class=\"job-value\">([^<]*)</p>)?"
        r".*?<a class=\"job-action\" href=\"([^\"]*)\"",
        section,
        re.S,
    )
    # The jobs come before the period form and the figures.
    assert html.index('class="jobs"') < html.index("Keadaan akhir bulan")
    return cards


def test_the_village_operator_sees_its_roster_the_unprotected_its_cases_and_its_budget(
    client, village_operator, roster
):
    client.force_login(village_operator)
    cards = jobs(client)
    titles = [title for title, _value, _url in cards]
    assert titles[0] == "Aparat dan anggota BPD menjabat"
    assert titles[1:3] == ["Belum terlindungi", "Kasus monev terbuka"]
    assert titles[3].startswith("Anggaran iuran ")
    links = [url for _title, _value, url in cards]
    assert links[0] == "#daftar-aparat"  # the roster kept on the desa page itself
    assert 'id="daftar-aparat"' in client.get(f"/wilayah/{PENYELADI}/").content.decode()
    assert links[1] == f"/rekonsiliasi/{PENYELADI}/#belum-terdaftar"
    assert links[3] == "#anggaran-tahun-depan"
    values = [value for _title, value, _url in cards]
    total = region_indicators(Region.objects.get(code=PENYELADI), Month.of(timezone.localdate())).total
    serving = total.aparat_serving + total.bpd_serving
    assert (values[0], values[1]) == (
        str(serving),
        str(serving - total.aparat_protected - total.bpd_protected),
    )
    assert values[3].startswith("Rp")


def test_the_bpjs_officer_uploads_the_extract_and_works_the_lists(client, roster):
    client.force_login(make_user("bpjs", User.Role.BPJS_OFFICER, "61", "BPJS"))
    cards = jobs(client)
    assert [(t, u) for t, _v, u in cards] == [
        ("Ekstrak peserta bulanan", "/impor/"),
        ("Usulan pencocokan", "/rekonsiliasi/61/#usulan"),
        ("Daftar rekonsiliasi", "/rekonsiliasi/61/"),
    ]
    assert cards[0][1] == "Belum ada"


def test_the_regency_operator_sees_its_villages_to_act_on_first(client, sanggau_operator, roster):
    client.force_login(sanggau_operator)
    cards = jobs(client)
    assert cards[0][0] == "Desa yang perlu ditindaklanjuti"
    assert cards[0][2] == "/wilayah/61.03/tindak-lanjut/"
    assert "Kasus monev terbuka" in [t for t, _v, _u in cards]


def test_the_jobs_are_only_on_the_users_own_home(client, sanggau_operator, roster):
    client.force_login(sanggau_operator)
    html = client.get("/wilayah/61.03.01/").content.decode()
    assert 'class="jobs"' not in html


@pytest.mark.parametrize("role", [User.Role.VIEWER, User.Role.ASSOCIATION_OFFICER])
def test_aggregate_only_roles_get_no_job_cards(client, role, roster):
    client.force_login(make_user("agregat", role, "61", "Agregat"))
    html = client.get("/", follow=True).content.decode()
    assert 'class="jobs"' not in html
