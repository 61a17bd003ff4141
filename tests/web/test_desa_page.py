import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lindungdesa.officials.models import Office, Person
from lindungdesa.regions.models import Region
from tests.factories import enrol, make_position
from tests.web.conftest import NANGA_BIANG, PENYELADI, PERIOD, TANJUNG_KAPUAS
from tests.web.roster_once import fresh_roster, module_roster  # noqa: F401  (fixtures: made once)

THIS_MONTH = timezone.localdate().strftime("%Y-%m")  # without a NIK: counted live this month

pytestmark = pytest.mark.django_db


def desa_page(client, user, code: str = PENYELADI, period: str = PERIOD) -> str:
    client.force_login(user)
    response = client.get(f"/wilayah/{code}/?periode={period}")
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, title: str) -> str:
    """The HTML from an <h2> with this title up to the next <h2> (or the end of <main>)."""
    start = re.search(rf"<h2>{re.escape(title)}(?: <span|</h2>)", html)
    assert start, title
    rest = html[start.end() :]
    end = re.search(r"<h2>|</main>", rest)
    return rest[: end.start()]


def row_of(html: str, name: str) -> str:
    """The cells of the row headed by `name` (a link to the person's page)."""
    row = re.search(rf'<th scope="row">(?:<a href="/orang/\d+/">)?{re.escape(name)}(?:</a>)?</th>', html)
    assert row, name
    return html[row.end() :].split("</tr>")[0]


def test_the_desa_page_shows_its_headline_figures(client, village_operator, roster):
    html = desa_page(client, village_operator)
    assert "<h1>Penyeladi" in html
    assert "25,00\u00a0%" in html and "1 dari 4 yang menjabat" in html  # aparat
    assert "50,00\u00a0%" in html and "1 dari 2 yang menjabat" in html  # BPD


def test_the_roster_is_grouped_with_each_persons_status(client, village_operator, roster):
    html = desa_page(client, village_operator)
    aparat = section(html, "Aparat desa")
    bpd = section(html, "BPD")
    expected_aparat = {
        "Budi Santoso": ("Kepala Desa", "Terlindungi", "Februari 2026"),
        "Siti Aminah": ("Sekretaris Desa", "Menunggak", "Januari 2026"),
        "Ahmad Fauzi": ("Kaur Keuangan", "Tidak aktif", "Oktober 2025"),
        "Yohanes Apui": ("Plt Kepala Dusun Hulu", "Belum terdaftar", "–"),
    }
    for name, (office, status, paid) in expected_aparat.items():
        row = row_of(aparat, name)
        assert f">{office}</td>" in row
        assert f">{status}</span>" in row
        assert f">{paid}</td>" in row
    assert row_of(bpd, "Maria Ulin").count("Terlindungi") == 1
    # Antonius's membership starts in May 2026, after the period.
    assert "Belum terdaftar" in row_of(bpd, "Antonius Ading")
    assert "Budi Santoso" not in bpd and "Maria Ulin" not in aparat


def test_the_roster_follows_the_order_of_offices(client, village_operator, roster):
    aparat = section(desa_page(client, village_operator), "Aparat desa")
    names = re.findall(r'<th scope="row"><a href="/orang/\d+/">([^<]+)</a></th>', aparat)
    assert names == ["Budi Santoso", "Siti Aminah", "Ahmad Fauzi", "Yohanes Apui"]


def test_the_best_of_several_memberships_counts(client, village_operator, roster):
    # Budi's lapsed 2015 membership (paid through December 2019) does not hide his current one.
    row = row_of(section(desa_page(client, village_operator), "Aparat desa"), "Budi Santoso")
    assert "Terlindungi" in row and "Desember 2019" not in row


def test_the_term_is_shown_from_start_to_end(client, village_operator, roster):
    row = row_of(desa_page(client, village_operator), "Budi Santoso")
    assert "10-01-2022 – 31-12-2029" in row


def test_niks_are_masked_and_never_shown_in_full(client, village_operator, sanggau_operator, analyst, roster):
    people = Person.objects.filter(positions__desa=PENYELADI).distinct()
    for user in (village_operator, sanggau_operator, analyst):
        html = desa_page(client, user)
        for person in people:
            assert person.nik not in html
            assert person.nik[6:12] not in html  # the birth date part
            assert f"************{person.nik[-4:]}" in html


def test_past_holders_appear_under_riwayat_jabatan(client, village_operator, roster):
    html = desa_page(client, village_operator)
    history = section(html, "Riwayat jabatan")
    row = row_of(history, "Paulus Jimbun")
    assert "Kepala Dusun Hulu" in row
    assert "01-01-2018 – 31-12-2025" in row
    assert "Pensiun" in row
    assert "Paulus Jimbun" not in section(html, "Aparat desa")


def test_earlier_periods_show_who_served_then(client, village_operator, roster):
    html = desa_page(client, village_operator, period="2025-06")
    aparat = section(html, "Aparat desa")
    assert "Paulus Jimbun" in aparat and "Yohanes Apui" not in aparat
    assert "Belum ada jabatan yang berakhir" in section(html, "Riwayat jabatan")


def test_a_desa_without_anyone_says_so(client, sanggau_operator):
    html = desa_page(client, sanggau_operator, code="61.03.01.2026")
    assert "Tidak ada aparat desa yang menjabat" in html
    assert "Tidak ada anggota BPD yang menjabat" in html


def test_a_kelurahan_has_no_aparat_or_bpd(client, sanggau_operator):
    html = desa_page(client, sanggau_operator, code=TANJUNG_KAPUAS)
    assert "tidak mempunyai aparat desa maupun BPD" in html
    assert "Riwayat jabatan" not in html


def test_the_village_operator_cannot_open_a_neighbouring_desa(client, village_operator, roster):
    client.force_login(village_operator)
    assert client.get(f"/wilayah/{NANGA_BIANG}/").status_code == 404


def test_the_desa_page_makes_no_query_per_person(client, village_operator, roster):
    client.force_login(village_operator)
    url = f"/wilayah/{PENYELADI}/?periode={PERIOD}"
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    desa = Region.objects.get(code=PENYELADI)
    for i in range(6):
        position = make_position(desa, Office.BPD_ANGGOTA, date(2024, 2, 1), name=f"Anggota {i}")
        enrol(position.person, date(2024, 3, 1), date(2026, 3, 1))
        enrol(position.person, date(2020, 3, 1), date(2021, 3, 1))
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert "Anggota 5" in html
    assert len(many) == len(few)


def test_the_desa_figures_kept_change_at_once_and_stay_with_their_desa(
    client, village_operator, sanggau_operator, roster
):
    """The desa's headline figures are kept under the data version (web/views.py): a new position, or a
    NIK taken away, shows at the next request; another desa's page never shows this desa's kept figures."""
    before = desa_page(client, village_operator)
    assert "1 dari 2 yang menjabat" in before  # BPD
    position = make_position(
        Region.objects.get(code=PENYELADI), Office.BPD_ANGGOTA, date(2024, 2, 1), name="Baru"
    )
    enrol(position.person, date(2024, 3, 1), date(2026, 3, 1))
    assert "2 dari 3 yang menjabat" in desa_page(client, village_operator)
    assert "belum punya NIK" not in desa_page(client, village_operator, period=THIS_MONTH)
    position.person.nik = None
    position.person.save()
    assert "1 orang yang menjabat belum punya NIK" in desa_page(client, village_operator, period=THIS_MONTH)
    other = desa_page(client, sanggau_operator, NANGA_BIANG)
    assert "2 dari 3 yang menjabat" not in other and "1 dari 2 yang menjabat" not in other


def _heads(html: str) -> list[list[str]]:
    return [
        re.findall(r'<th scope="col">([^<]*)</th>', head)
        for head in re.findall(r"<thead>(.*?)</thead>", html, re.S)
    ]


def test_the_terms_not_started_yet_have_the_roster_s_head_without_the_nik_and_bpjs_columns(
    client, village_operator, roster
):
    """One head for the roster's tables (web/_roster_head.html): the table of terms not started yet is the
    roster's without the NIK and BPJS TK columns, not a copy of its own to drift."""
    from django.template.loader import get_template

    desa = get_template("web/desa.html").template.source
    assert "<thead>" not in desa[desa.index("Belum mulai menjabat") : desa.index("Riwayat jabatan")]
    assert "<thead>" not in get_template("web/_roster_table.html").template.source
    position = roster.ahmad.positions.get()
    type(position).objects.filter(pk=position.pk).update(term_start=date(2062, 3, 1))
    html = desa_page(client, village_operator, period=THIS_MONTH)
    aparat, later = _heads(section(html, "Aparat desa"))[0], _heads(section(html, "Belum mulai menjabat"))[0]
    assert later == [c for c in aparat if c not in ("NIK", "Status BPJS TK", "Iuran lunas s.d.")]
    assert later == ["Nama", "Jabatan", "Masa jabatan", "Tindakan"]


def test_the_roster_s_nik_and_action_cells_are_the_markup_of_their_partials(client, village_operator, roster):
    """The roster writes out, row by row, what web/_nik_reveal.html and web/_position_actions.html hold (two
    includes per row cost too much of a large roster page: docs/benchmarks.md); the person page includes them.
    The two must say the same, to the character."""
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
    roster_row = token.sub("", row_of(desa_page(client, village_operator, period=THIS_MONTH), "Budi Santoso"))
    person = token.sub("", client.get(f"/orang/{roster.budi.pk}/").content.decode())
    nik = re.search(r'<span class="nik-reveal">.*?</form></span>', person, re.S).group(0)
    assert 'class="inline-form"' in nik and nik in roster_row
    actions = re.search(r'<span class="row-actions">.*?</span>', person, re.S).group(0)
    assert "/akhiri/" in actions and actions in roster_row
