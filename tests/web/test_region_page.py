import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lindungdesa.lib.months import Month
from lindungdesa.officials.models import Office
from lindungdesa.regions.models import Region
from tests.factories import enrol, make_position
from tests.web.conftest import (
    DALAM_KAUM,
    KAPUAS,
    MUKOK,
    NANGA_BIANG,
    PENYELADI,
    PERIOD,
    PONTIANAK_SELATAN,
    SAMBAS,
    TANJUNG_KAPUAS,
)
from tests.web.roster_once import OnTheRoster, class_roster  # noqa: F401  (a fixture: made once)

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


def pct(text: str) -> str:
    return f"{text}{NBSP}%"


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def figures_table(html: str) -> str:
    """The sortable table of child regions (the page has other tables: progress, trend figures)."""
    start = html.index('id="tabel-wilayah"')
    return html[start : html.index("</table>", start)]


def row_codes(html: str) -> list[str]:
    """Region codes of the table's rows, in order."""
    return re.findall(r'<th scope="row"><a href="/wilayah/([\d.]+)/', figures_table(html))


def ucj_card(html: str) -> str:
    start = html.index("<h3>UCJ</h3>")
    return html[start : html.index("</article>", start)]


def figure(html: str, title: str) -> str:
    """The big number under a headline figure's title."""
    match = re.search(rf"<h2>{re.escape(title)}</h2>\s*<p class=\"figure-value\">([^<]*)</p>", html)
    assert match, title
    return match.group(1)


# Figures


def test_a_kecamatan_made_only_of_kelurahan_shows_zero_villages(client, analyst):
    client.force_login(analyst)
    html = page(client, f"/wilayah/{PONTIANAK_SELATAN}/")
    assert "hanya terdiri dari kelurahan" in html
    assert "0 dari 0 desa" in html
    assert figure(html, "Desa terdaftar") == "–"
    assert 'class="tag">kelurahan' in html


# The UCJ target


def test_it_shows_the_provinces_ucj_target_of_the_periods_year_on_every_level(client, analyst):
    client.force_login(analyst)
    for code in ("61", "61.03", KAPUAS):
        html = page(client, f"/wilayah/{code}/?periode={PERIOD}")
        assert re.search(rf"Target 2026</dt>\s*<dd>{pct('60,80')}</dd>", ucj_card(html))
        assert "semua pekerja" in html


def test_it_says_when_a_year_has_no_target(client, analyst):
    client.force_login(analyst)
    html = page(client, "/wilayah/61/?periode=2024-05")
    assert re.search(r"Target 2024</dt>\s*<dd>belum ada</dd>", ucj_card(html))


# Scope


@pytest.mark.parametrize("code", ["61", "61.03", KAPUAS, PENYELADI, TANJUNG_KAPUAS, DALAM_KAUM])
def test_a_province_analyst_sees_everything_in_the_province(client, analyst, code):
    client.force_login(analyst)
    assert client.get(f"/wilayah/{code}/").status_code == 200


@pytest.mark.parametrize("code", ["61", SAMBAS, DALAM_KAUM, "61.72"])
def test_a_regency_operator_cannot_open_the_province_or_another_kabupaten(client, sanggau_operator, code):
    client.force_login(sanggau_operator)
    assert client.get(f"/wilayah/{code}/").status_code == 404


@pytest.mark.parametrize("code", ["61.03", KAPUAS, PENYELADI, "61.03.02"])
def test_the_outsider_cannot_open_anything_in_sanggau(client, outsider, code):
    client.force_login(outsider)
    response = client.get(f"/wilayah/{code}/")
    assert response.status_code == 404
    # Not even the name of what was asked for.
    assert "Sanggau" not in response.content.decode()
    assert "Halaman tidak ditemukan" in response.content.decode()


@pytest.mark.parametrize("code", [NANGA_BIANG, KAPUAS, "61.03", "61"])
def test_a_village_operator_sees_only_their_own_desa(client, village_operator, code):
    client.force_login(village_operator)
    assert client.get(f"/wilayah/{code}/").status_code == 404
    assert client.get(f"/wilayah/{PENYELADI}/").status_code == 200


def test_an_unknown_region_is_not_found(client, analyst):
    client.force_login(analyst)
    assert client.get("/wilayah/61.03.99/").status_code == 404
    assert client.get("/wilayah/6103/").status_code == 404


def test_breadcrumbs_above_the_users_region_are_not_links(client, sanggau_operator):
    client.force_login(sanggau_operator)
    html = page(client, f"/wilayah/{PENYELADI}/")
    crumbs = html.split('class="breadcrumbs"')[1].split("</nav>")[0]
    assert 'href="/wilayah/61/"' not in crumbs and "Kalimantan Barat" in crumbs
    assert 'href="/wilayah/61.03/"' in crumbs and f'href="/wilayah/{KAPUAS}/"' in crumbs


# Sorting


def test_the_table_sorts_by_name(client, analyst):
    client.force_login(analyst)
    html = page(client, "/wilayah/61/?urut=nama&arah=desc")
    names = dict(Region.objects.filter(parent="61").values_list("code", "name"))
    assert [names[c] for c in row_codes(html)] == sorted(names.values(), key=str.casefold, reverse=True)


def test_header_links_keep_the_period_and_toggle_the_direction(client, analyst):
    client.force_login(analyst)
    html = page(client, f"/wilayah/61/?periode={PERIOD}&urut=desa&arah=asc")
    assert f'href="?periode={PERIOD}&amp;urut=desa&amp;arah=desc"' in html
    assert f'href="?periode={PERIOD}&amp;urut=bpd_persen&amp;arah=asc"' in html
    assert 'aria-sort="ascending"' in html
    # The period form carries the sort order along.
    assert '<input type="hidden" name="urut" value="desa" form="form-periode">' in html


def test_an_unknown_sort_column_keeps_code_order(client, analyst):
    client.force_login(analyst)
    html = page(client, "/wilayah/61/?urut=password&arah=sideways")
    assert row_codes(html) == list(Region.objects.filter(parent="61").values_list("code", flat=True))


# The period


def test_the_period_defaults_to_the_current_month_with_24_months_offered(client, analyst):
    client.force_login(analyst)
    html = page(client, "/wilayah/61/")
    this_month = Month.of(timezone.localdate())
    assert f'<option value="{this_month}" selected>' in html
    period_form = html[
        html.index('id="form-periode"') : html.index("</form>", html.index('id="form-periode"'))
    ]
    assert period_form.count("<option ") == 24
    assert f'<option value="{this_month.add(-23)}">' in html


@pytest.mark.parametrize("value", ["2026-13", "kemarin", "2026-03-01", "0000-01"])
def test_an_invalid_period_shows_a_message_instead_of_failing(client, analyst, value):
    client.force_login(analyst)
    html = page(client, f"/wilayah/61/?periode={value}")
    assert "tidak dikenal" in html
    assert 'role="alert"' in html
    assert "Yang ditampilkan: keadaan akhir" in html


def test_a_future_period_is_refused_with_a_message(client, analyst):
    client.force_login(analyst)
    future = Month.of(timezone.localdate()).add(1)
    html = page(client, f"/wilayah/61/?periode={future}")
    assert "belum berjalan" in html


def test_an_older_bookmarked_period_stays_selected(client, analyst):
    client.force_login(analyst)
    html = page(client, "/wilayah/61/?periode=2019-07")
    assert '<option value="2019-07" selected>Juli 2019</option>' in html


# Performance


class TestOnTheRoster(OnTheRoster):
    """The tests that read the hand-made roster, which is made once for them (tests/web/roster_once.py)."""

    def test_the_province_page_shows_the_headline_figures(self, client, analyst, roster):
        client.force_login(analyst)
        html = page(client, f"/wilayah/61/?periode={PERIOD}")
        # Aparat: Budi, Hendrikus and Zulkarnain protected among 7 serving; BPD: Maria and Lusia among 3.
        assert figure(html, "Aparat desa terlindungi") == pct("42,86")
        assert "3 dari 7 yang menjabat" in html
        assert figure(html, "Anggota BPD terlindungi") == pct("66,67")
        assert "2 dari 3 yang menjabat" in html
        # Penyeladi, Nanga Biang and Dalam Kaum registered among the 2,046 desa.
        assert figure(html, "Desa terdaftar") == pct("0,15")
        assert "3 dari 2.046 desa" in html
        assert figure(html, "Desa belum mendaftarkan siapa pun") == "2.043"
        assert figure(html, "Desa tercakup penuh") == "2"

    def test_the_province_table_has_a_row_per_kabupaten_and_a_total(self, client, analyst, roster):
        client.force_login(analyst)
        html = page(client, f"/wilayah/61/?periode={PERIOD}")
        assert row_codes(html) == list(Region.objects.filter(parent="61").values_list("code", flat=True))
        sanggau_villages = Region.objects.filter(regency_code="61.03", kind=Region.Kind.DESA).count()
        sanggau_row = html.split(">Kabupaten Sanggau</a>")[1].split("</tr>")[0]
        cells = re.findall(r'<td class="num">([^<]*)</td>', sanggau_row)
        assert cells == [
            str(sanggau_villages),
            "2",
            pct(f"{2 * 100 / sanggau_villages:.2f}".replace(".", ",")),
            "6",
            "2",
            pct("33,33"),
            "3",
            "2",
            pct("66,67"),
        ]
        total = html.split("<tfoot>")[1]
        assert re.findall(r'<td class="num">([^<]*)</td>', total)[:2] == ["2.046", "3"]

    def test_the_kecamatan_page_lists_desa_and_kelurahan(self, client, sanggau_operator, roster):
        client.force_login(sanggau_operator)
        html = page(client, f"/wilayah/{KAPUAS}/?periode={PERIOD}")
        assert figure(html, "Aparat desa terlindungi") == pct("40,00")
        assert figure(html, "Desa terdaftar") == pct("10,00")
        assert "2 dari 20 desa" in html
        codes = row_codes(html)
        assert PENYELADI in codes and TANJUNG_KAPUAS in codes
        assert len(codes) == Region.objects.filter(parent=KAPUAS).count()
        assert "Per Desa/Kelurahan" in html

    @pytest.mark.parametrize("code", ["61.03", KAPUAS, PENYELADI])
    def test_a_regency_operator_never_sees_another_kabupatens_name(
        self, client, sanggau_operator, roster, code
    ):
        client.force_login(sanggau_operator)
        html = page(client, f"/wilayah/{code}/?periode={PERIOD}")
        others = Region.objects.filter(parent="61").exclude(code="61.03").values_list("name", flat=True)
        for name in others:
            assert name not in html
        assert roster.zulkarnain.name not in html

    def test_the_table_sorts_by_a_column_in_both_directions(self, client, sanggau_operator, roster):
        client.force_login(sanggau_operator)
        base = f"/wilayah/61.03/?periode={PERIOD}&urut=aparat_persen"
        # Kapuas 40 %, Mukok 0 %; kecamatan where nobody serves have no percentage and always come last.
        descending = row_codes(page(client, base + "&arah=desc"))
        assert descending[:2] == [KAPUAS, MUKOK]
        ascending = row_codes(page(client, base + "&arah=asc"))
        assert ascending[:2] == [MUKOK, KAPUAS]
        assert descending[2:] == ascending[2:] == sorted(descending[2:])

    def test_htmx_gets_only_the_table(self, client, analyst, roster):
        client.force_login(analyst)
        response = client.get(
            f"/wilayah/61/?periode={PERIOD}&urut=aparat_persen&arah=desc",
            headers={"HX-Request": "true", "HX-Target": "tabel-wilayah"},
        )
        html = response.content.decode()
        assert html.lstrip().startswith('<div id="tabel-wilayah"')
        assert "<html" not in html
        assert row_codes(html)[0] == "61.01"  # Sambas: 1 of 1 protected
        assert "HX-Request" in response["Vary"]

    def test_the_period_changes_the_figures(self, client, analyst, roster):
        client.force_login(analyst)
        html = page(client, f"/wilayah/{KAPUAS}/?periode=2025-06")
        # June 2025: Paulus still kepala dusun (paid through Dec 2025, protected), Yohanes not yet serving.
        assert figure(html, "Aparat desa terlindungi") == pct("100,00")

    def test_the_province_page_makes_the_same_number_of_queries_however_much_data(
        self, client, analyst, roster, django_assert_max_num_queries
    ):
        client.force_login(analyst)
        url = f"/wilayah/61/?periode={PERIOD}"
        with CaptureQueriesContext(connection) as small:
            page(client, url)

        empty_desa = Region.objects.filter(kind=Region.Kind.DESA, positions__isnull=True).order_by("code")
        # Twelve desa spread over the province.
        for i, desa in enumerate(list(empty_desa)[::170][:12]):
            position = make_position(desa, Office.KEPALA_DESA, date(2020, 1, 1), name=f"Kepala {i}")
            enrol(position.person, date(2020, 2, 1), date(2026, 3, 1))
            make_position(desa, Office.BPD_KETUA, date(2020, 1, 1), name=f"Ketua {i}")

        with django_assert_max_num_queries(len(small)):
            page(client, url)
        # Session, user, region, snapshot and data version, status rule, positions, villages, children,
        # targets, UCJ figures (with the kabupaten they add up from), history, the user's region in the
        # header, and for the analyst's job card the latest monev round with its open cases (web/jobs.py);
        # the two versions the dashboard is kept under (indicators.dashboard.page_dashboard).
        assert len(small) <= 17
