"""The reconciliation page: the four lists and the match proposals of a region, on the page and as XLSX."""

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook

from lindungdesa.enrolment.models import Enrolment, MatchProposal
from lindungdesa.enrolment.reconcile import match_proposals_refresh
from lindungdesa.officials.models import Office, Person
from lindungdesa.officials.services import person_register, position_start
from lindungdesa.regions.models import Region
from tests.factories import make_nik
from tests.web.conftest import KAPUAS, NANGA_BIANG, PENYELADI, PERIOD
from tests.web.roster_once import fresh_roster, module_roster  # noqa: F401  (fixtures: made once)

pytestmark = pytest.mark.django_db

URL = f"/rekonsiliasi/{PENYELADI}/?periode={PERIOD}"


def masked(nik: str) -> str:
    return "************" + nik[-4:]


def participant(nik: str, name: str, born: date) -> Enrolment:
    """A BPJS participant whose NIK matched nobody on the roster."""
    return Enrolment.objects.create(
        nik=nik,
        bpjs_name=name,
        bpjs_birth_date=born,
        kpj="98765432101",
        programmes="JKK,JKM",
        category="PU",
        start_date=date(2024, 1, 1),
        paid_through=date(2026, 3, 1),
    )


@pytest.fixture
def findings(roster):
    """Beside the roster: Paulus still paid after his term, BPJS spells Maria's name differently, and one
    participant (a mistyped NIK) who is probably Yohanes."""
    Enrolment.objects.filter(person=roster.paulus).update(paid_through=date(2026, 3, 1))
    Enrolment.objects.filter(person=roster.maria).update(bpjs_name="Maria Ulin Sari")
    participant(make_nik(KAPUAS, date(1990, 8, 17), serial=99), "YOHANES APUI", date(1990, 8, 17))
    participant(make_nik("61.01.01", date(1977, 7, 7), serial=98), "Zulkarnain Sambas", date(1977, 7, 7))
    match_proposals_refresh()
    return roster


def page(client, user, url: str = URL) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    assert re.findall(r"<script(?![^>]*\ssrc=)[^>]*>|\sstyle=|<style|\son[a-z]+=", html) == []
    return html


def section(html: str, name: str) -> str:
    return html.split(f'<section id="{name}"')[1].split("</section>")[0]


def names_in(html: str) -> list[str]:
    return re.findall(r'<th scope="row">([^<]+)</th>', html)


def sheet_rows(response) -> list[list]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return [[c.value for c in row] for row in load_workbook(io.BytesIO(response.content)).active.iter_rows()]


def test_the_four_lists_show_the_right_people(client, analyst, findings):
    html = page(client, analyst)
    assert sorted(names_in(section(html, "belum-terdaftar"))) == ["Antonius Ading", "Yohanes Apui"]
    assert sorted(names_in(section(html, "menunggak"))) == ["Ahmad Fauzi", "Siti Aminah"]
    assert names_in(section(html, "tidak-menjabat")) == ["Paulus Jimbun"]
    assert names_in(section(html, "data-berbeda")) == ["Maria Ulin"]
    assert "iuran lunas sampai Januari 2026" in section(html, "menunggak")
    assert "jabatan berakhir 31-12-2025" in section(html, "tidak-menjabat")
    assert "nama di BPJS: Maria Ulin Sari" in section(html, "data-berbeda")


def test_each_list_has_its_count(client, analyst, findings):
    html = page(client, analyst)
    for name, count in [("belum-terdaftar", 2), ("menunggak", 2), ("tidak-menjabat", 1), ("data-berbeda", 1)]:
        assert re.search(rf'<h2>[^<]+<span class="count">\({count}\)</span></h2>', section(html, name)), name
    assert '<span class="count">(1)</span>' in section(html, "usulan")


def test_each_row_names_its_desa_with_a_link_that_keeps_the_period(client, analyst, findings):
    html = section(page(client, analyst), "tidak-menjabat")
    row = html.split("<tbody>")[1].split("</tr>")[0]
    desa = findings.paulus.positions.get().desa
    assert f'<a href="/wilayah/{desa.code}/?periode={PERIOD}">{desa.name}</a>' in row
    assert "Paulus Jimbun" in row and masked(findings.paulus.nik) in row


def test_niks_are_masked_on_the_page(client, sanggau_operator, findings):
    html = page(client, sanggau_operator)
    for person in (findings.yohanes, findings.antonius, findings.siti):
        assert person.nik not in html
        assert masked(person.nik) in html


def test_the_period_changes_the_lists(client, analyst, findings):
    # At the end of 2025 Paulus still served, and Yohanes had not started.
    html = page(client, analyst, f"/rekonsiliasi/{PENYELADI}/?periode=2025-12")
    assert "Paulus Jimbun" not in section(html, "tidak-menjabat")
    assert "Yohanes Apui" not in section(html, "belum-terdaftar")


def test_a_larger_region_holds_its_desa(client, analyst, findings):
    html = page(client, analyst, f"/rekonsiliasi/61.03/?periode={PERIOD}")
    assert sorted(names_in(section(html, "belum-terdaftar"))) == [
        "Antonius Ading",
        "Stefanus Mukok",
        "Yohanes Apui",
    ]
    assert "Zulkarnain Sambas" not in html


def test_a_list_downloads_with_full_niks_for_an_operator(client, sanggau_operator, findings):
    client.force_login(sanggau_operator)
    rows = sheet_rows(client.get(f"/rekonsiliasi/{PENYELADI}/belum-terdaftar.xlsx?periode={PERIOD}"))
    assert rows[0] == ["kode_desa", "nama_desa", "nik", "nama", "jabatan", "kpj", "keterangan"]
    assert sorted((r[0], r[2], r[3]) for r in rows[1:]) == [
        (PENYELADI, findings.antonius.nik, "Antonius Ading"),
        (PENYELADI, findings.yohanes.nik, "Yohanes Apui"),
    ]


def test_a_list_downloads_with_masked_niks_for_an_analyst(client, analyst, findings):
    client.force_login(analyst)
    rows = sheet_rows(client.get(f"/rekonsiliasi/{PENYELADI}/tidak-menjabat.xlsx?periode={PERIOD}"))
    assert rows[1][2:5] == [masked(findings.paulus.nik), "Paulus Jimbun", "Kepala Dusun Hulu"]
    assert rows[1][5] == "*******8901"  # KPJ too
    assert rows[1][6] == "jabatan berakhir 31-12-2025"


def test_every_list_downloads(client, sanggau_operator, findings):
    client.force_login(sanggau_operator)
    expected = {
        "menunggak": ["Ahmad Fauzi", "Siti Aminah"],
        "data-berbeda": ["Maria Ulin"],
    }
    for name, people in expected.items():
        rows = sheet_rows(client.get(f"/rekonsiliasi/{PENYELADI}/{name}.xlsx?periode={PERIOD}"))
        assert sorted(r[3] for r in rows[1:]) == people, name
    proposals = sheet_rows(client.get(f"/rekonsiliasi/{PENYELADI}/usulan.xlsx"))
    assert proposals[0][:2] == ["nik_bpjs", "nama_bpjs"]
    assert [(r[1], r[4], r[5]) for r in proposals[1:]] == [
        ("YOHANES APUI", findings.yohanes.nik, "Yohanes Apui")
    ]


def test_an_unknown_list_is_not_found(client, sanggau_operator, findings):
    client.force_login(sanggau_operator)
    assert client.get(f"/rekonsiliasi/{PENYELADI}/semua.xlsx").status_code == 404


def test_a_proposal_can_be_confirmed(client, sanggau_operator, findings):
    html = page(client, sanggau_operator)
    proposals = section(html, "usulan")
    assert "YOHANES APUI" in proposals and "Yohanes Apui" in proposals
    proposal = MatchProposal.objects.get(person=findings.yohanes)
    assert f'action="/rekonsiliasi/{PENYELADI}/usulan/{proposal.pk}/konfirmasi/"' in proposals

    response = client.post(f"/rekonsiliasi/{PENYELADI}/usulan/{proposal.pk}/konfirmasi/", {"periode": PERIOD})
    assert response["Location"] == f"/rekonsiliasi/{PENYELADI}/?periode={PERIOD}#usulan"
    proposal.refresh_from_db()
    assert (proposal.state, proposal.decided_by) == ("confirmed", sanggau_operator)
    assert proposal.enrolment.person == findings.yohanes
    html = page(client, sanggau_operator)
    assert "YOHANES APUI dicocokkan dengan Yohanes Apui." in html
    # Now enrolled (and paid): no longer among those not enrolled.
    assert "Yohanes Apui" not in section(html, "belum-terdaftar")
    assert "Tidak ada usulan yang menunggu keputusan." in section(html, "usulan")


def test_a_proposal_can_be_refused(client, sanggau_operator, findings):
    proposal = MatchProposal.objects.get(person=findings.yohanes)
    client.force_login(sanggau_operator)
    response = client.post(f"/rekonsiliasi/{PENYELADI}/usulan/{proposal.pk}/tolak/", follow=True)
    assert "tidak akan diusulkan lagi" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.state == "refused" and proposal.enrolment.person is None


def test_a_decided_proposal_is_not_decided_again(client, sanggau_operator, findings):
    proposal = MatchProposal.objects.get(person=findings.yohanes)
    client.force_login(sanggau_operator)
    client.post(f"/rekonsiliasi/{PENYELADI}/usulan/{proposal.pk}/tolak/")
    response = client.post(f"/rekonsiliasi/{PENYELADI}/usulan/{proposal.pk}/konfirmasi/", follow=True)
    assert "Usulan ini sudah diputuskan." in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.state == "refused"


def test_deciding_requires_post(client, sanggau_operator, findings):
    proposal = MatchProposal.objects.get(person=findings.yohanes)
    client.force_login(sanggau_operator)
    assert client.get(f"/rekonsiliasi/{PENYELADI}/usulan/{proposal.pk}/konfirmasi/").status_code == 405


def test_a_proposal_outside_the_region_is_not_found(client, sanggau_operator, findings):
    sambas = MatchProposal.objects.get(person__name="Zulkarnain Sambas")
    client.force_login(sanggau_operator)
    assert client.post(f"/rekonsiliasi/61.03/usulan/{sambas.pk}/konfirmasi/").status_code == 404
    assert client.post(f"/rekonsiliasi/61.01/usulan/{sambas.pk}/tolak/").status_code == 404
    sambas.refresh_from_db()
    assert sambas.state == "proposed"


def test_the_outsider_sees_nothing_of_sanggau(client, outsider, findings):
    client.force_login(outsider)
    proposal = MatchProposal.objects.get(person=findings.yohanes)
    assert client.get(URL).status_code == 404
    assert client.get(f"/rekonsiliasi/{PENYELADI}/belum-terdaftar.xlsx").status_code == 404
    assert client.post(f"/rekonsiliasi/{PENYELADI}/usulan/{proposal.pk}/konfirmasi/").status_code == 404


def test_a_village_operator_sees_only_her_desa(client, village_operator, findings):
    assert "Yohanes Apui" in page(client, village_operator)
    assert client.get(f"/rekonsiliasi/{NANGA_BIANG}/").status_code == 404


@pytest.mark.parametrize(("person", "code"), [("sanggau_operator", "61.03"), ("village_operator", PENYELADI)])
def test_the_menu_entry_leads_to_the_users_region(client, request, person, code):
    client.force_login(request.getfixturevalue(person))
    assert client.get("/rekonsiliasi/")["Location"] == f"/rekonsiliasi/{code}/"


def test_a_bad_period_is_reported(client, analyst, findings):
    html = page(client, analyst, f"/rekonsiliasi/{PENYELADI}/?periode=salah")
    assert "Periode “salah” tidak dikenal." in html


def test_the_reconciliation_requires_login(client):
    for url in ["/rekonsiliasi/", URL, f"/rekonsiliasi/{PENYELADI}/menunggak.xlsx"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/masuk/"), url


def test_people_are_unchanged_by_looking(client, analyst, findings):
    before = list(Person.objects.values_list("id", "name"))
    page(client, analyst)
    assert list(Person.objects.values_list("id", "name")) == before


def test_an_analyst_is_shown_no_birth_date(client, analyst, sanggau_operator, findings):
    """Beside the desa and a NIK's last digits a birth date would give the NIK back (docs/security.md)."""
    Enrolment.objects.filter(person=findings.maria).update(bpjs_birth_date=date(1985, 3, 31))
    html = page(client, analyst)
    for day in ("31-03-1985", "30-03-1985", "17-08-1990"):  # Maria by BPJS and by the roster, Yohanes
        assert day not in html
    assert "tanggal lahir di BPJS berbeda" in section(html, "data-berbeda")
    assert "usulan.xlsx" not in html
    client.force_login(analyst)
    rows = sheet_rows(client.get(f"/rekonsiliasi/{PENYELADI}/data-berbeda.xlsx?periode={PERIOD}"))
    assert rows[1][6] == "nama di BPJS: Maria Ulin Sari; tanggal lahir di BPJS berbeda"
    assert client.get(f"/rekonsiliasi/{PENYELADI}/usulan.xlsx").status_code == 403
    # Those who may see personal data see the dates they must compare.
    html = page(client, sanggau_operator)
    assert "tanggal lahir di BPJS: 31-03-1985" in html and "17-08-1990" in section(html, "usulan")


def test_a_proposal_for_a_person_without_a_nik_says_nik_belum_ada_once(client, sanggau_operator, roster):
    """The roster side of a proposal for someone kept by name and birth date said "NIK NIK belum ada": the
    label before a masked NIK, then the mask's own words for a missing one (audit helper)."""
    born = date(1990, 2, 3)
    desa = Region.objects.get(code=PENYELADI)
    person = person_register(region=None, nik=None, name="Rudi Hartono", birth_date=born, desa=PENYELADI)
    position_start(
        region=None, person=person, desa=desa, office=Office.KEPALA_DUSUN, term_start=date(2026, 1, 5)
    )
    participant(make_nik(KAPUAS, born, serial=97), "RUDI HARTONO", born)
    match_proposals_refresh()

    proposals = section(page(client, sanggau_operator), "usulan")
    assert "Rudi Hartono" in proposals
    text = " ".join(re.sub(r"<[^>]+>", " ", proposals).split())
    assert "NIK belum ada" in text
    assert "NIK NIK" not in text
