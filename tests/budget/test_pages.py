"""Budget pages: who sees which region, what each shows, downloads, adoption and the regency settings."""

import re
from io import BytesIO

import pytest
from openpyxl import load_workbook

from lindungdesa.budget import compute
from lindungdesa.budget.compute import ALL_SERVING, Scenario
from lindungdesa.budget.models import Budget, BudgetSetting, PayerRule, RuleChange
from lindungdesa.budget.selectors import comparison_scenarios
from lindungdesa.lib.nik import nik_mask
from lindungdesa.officials.models import Person
from lindungdesa.regions.models import Region
from tests.budget.conftest import (
    ALL_SERVING_TOTAL,
    CURRENT_TOTAL,
    GAP,
    KAPUAS,
    NANGA_BIANG_TOTAL,
    NEXT,
    PENYELADI,
    SAMBAS_TOTAL,
)
from tests.budget.roster_once import fresh_budget_roster, module_budget_roster  # noqa: F401  (fixtures: made once)

pytestmark = pytest.mark.django_db


def rp(amount: int) -> str:
    return "Rp" + f"{amount:,}".replace(",", ".")


def get(client, user, url: str, status: int = 200) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def test_the_desa_page_shows_next_years_budget_with_sources_and_legal_basis(
    client, village_operator, budget_roster
):
    html = get(client, village_operator, f"/wilayah/{PENYELADI}/")
    section = html.split('id="anggaran-tahun-depan"')[1].split("</section>")[0]
    assert f"Anggaran tahun depan ({NEXT})" in section
    assert "APBD kabupaten" in section and "APBDes (bukan Dana Desa)" in section
    assert rp(CURRENT_TOTAL) in section and rp(ALL_SERVING_TOTAL) in section
    assert f"+{rp(GAP)}" in section
    assert "Permendagri 15/2023" in section and "PP 44/2015" in section
    assert f"/anggaran/{PENYELADI}/anggaran.pdf?tahun={NEXT}&amp;skenario=current" in section
    assert "1 aparat berpenghasilan di bawah siltap minimum" in section


def test_a_kelurahan_page_has_no_budget(client, analyst):
    html = get(client, analyst, "/wilayah/61.03.01.1001/")
    assert "Anggaran tahun depan" not in html
    assert "kelurahan" in get(client, analyst, "/anggaran/61.03.01.1001/")


def test_region_pages_link_to_their_budget(client, analyst, budget_roster):
    assert 'href="/anggaran/61.03/"' in get(client, analyst, "/wilayah/61.03/")
    assert 'href="/anggaran/"' in get(client, analyst, "/wilayah/61/")  # the menu


def test_the_desa_budget_page_lists_each_person(client, village_operator, budget_roster):
    html = get(client, village_operator, f"/anggaran/{PENYELADI}/?skenario=all-serving")
    assert f"Anggaran iuran {NEXT}: Penyeladi" in html
    assert rp(ALL_SERVING_TOTAL) in html
    for name in (
        "Budi Santoso",
        "Siti Aminah",
        "Maria Ulin",
        "Ahmad Fauzi",
        "Yohanes Apui",
        "Antonius Ading",
    ):
        assert f'<th scope="row">{name}</th>' in html
    row = html.split('<th scope="row">Siti Aminah</th>')[1].split("</tr>")[0]
    assert rp(1_665_648) in row and "Rp138.804" in row
    assert nik_mask(budget_roster.siti.nik) in row and budget_roster.siti.nik not in html
    assert "penggantinya belum dianggarkan" in html


def test_the_scenario_table_shows_the_differences(client, village_operator, budget_roster):
    html = get(client, village_operator, f"/anggaran/{PENYELADI}/")
    table = html.split("Perbandingan skenario")[1].split("</table>")[0]
    assert "Peserta saat ini" in table and "Semua yang menjabat + JHT + JP" in table
    assert "JKK kelompok risiko II" in table
    assert f"+{rp(GAP)}" in table


def test_scenario_choices_come_from_the_query_string(client, village_operator, budget_roster):
    html = get(client, village_operator, f"/anggaran/{PENYELADI}/?tahun={NEXT}&skenario=all-serving&jht=on")
    assert '<tr class="chosen">' in html and "Semua yang menjabat + JHT</a>" in html
    assert 'name="jht" value="on" checked' in html


def test_a_bad_year_is_said_and_next_year_shown(client, village_operator, budget_roster):
    html = get(client, village_operator, f"/anggaran/{PENYELADI}/?tahun=20x7&skenario=semua")
    assert "Tahun anggaran harus empat angka" in html
    assert f"Anggaran iuran {NEXT}: Penyeladi" in html


def test_the_regency_page_is_the_table_of_its_desa_with_totals(client, sanggau_operator, budget_roster):
    html = get(client, sanggau_operator, "/anggaran/61.03/")
    table = html.split("Per desa</h2>")[1].split("</table>")[0]
    villages = Region.objects.filter(regency_code="61.03", kind__in=Region.VILLAGE_KINDS).count()
    assert table.count('<tr>\n                  <th scope="row">') == villages  # every desa of Sanggau
    penyeladi = table.split(">Penyeladi</a>")[1].split("</tr>")[0]
    assert "Kapuas" in penyeladi and rp(CURRENT_TOTAL) in penyeladi
    total = table.split("<tfoot>")[1]
    assert rp(CURRENT_TOTAL + NANGA_BIANG_TOTAL) in total
    assert "Atur sumber pembayaran" in html


def test_the_province_page_totals_each_regency(client, analyst, budget_roster):
    html = get(client, analyst, "/anggaran/61/")
    table = html.split("Per kabupaten/kota</h2>")[1].split("</table>")[0]
    assert len(re.findall(r'<th scope="row"><a href="/anggaran/61\.\d\d/', table)) == 14
    assert rp(SAMBAS_TOTAL) in table.split("Kabupaten Sambas</a>")[1].split("</tr>")[0]
    assert rp(CURRENT_TOTAL + NANGA_BIANG_TOTAL + SAMBAS_TOTAL) in table.split("<tfoot>")[1]
    assert "Tetapkan anggaran ini" not in html  # an analyst reads; adopting is for roster keepers


@pytest.mark.parametrize(
    ("user", "url"),
    [
        ("outsider", f"/anggaran/{PENYELADI}/"),
        ("outsider", "/anggaran/61.03/"),
        ("outsider", f"/anggaran/{PENYELADI}/anggaran.pdf"),
        ("sanggau_operator", "/anggaran/61/"),
        ("sanggau_operator", "/anggaran/61.01.01.2001/"),
        ("village_operator", f"/anggaran/{KAPUAS}/"),
        ("village_operator", "/anggaran/61.03.01.2008/anggaran.xlsx"),
        ("village_operator", "/anggaran/61.03/pengaturan/"),
    ],
)
def test_other_regions_are_not_found(client, request, budget_roster, user, url):
    get(client, request.getfixturevalue(user), url, status=404)


def test_budget_pages_need_a_login(client):
    for url in ("/anggaran/", "/anggaran/61/", "/anggaran/aturan/", f"/anggaran/{PENYELADI}/anggaran.pdf"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/masuk/"), url


def test_the_menu_leads_each_user_to_their_own_region(client, village_operator):
    client.force_login(village_operator)
    assert client.get("/anggaran/")["Location"] == f"/anggaran/{PENYELADI}/"


def test_the_desa_sheet_downloads_as_pdf_and_xlsx(client, village_operator, analyst, budget_roster):
    client.force_login(village_operator)
    response = client.get(f"/anggaran/{PENYELADI}/anggaran.pdf?tahun={NEXT}&skenario=all-serving")
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert f'filename="anggaran-iuran-{PENYELADI}-{NEXT}-all-serving.pdf"' in response["Content-Disposition"]
    response = client.get(f"/anggaran/{PENYELADI}/anggaran.xlsx")
    niks = {
        r[3]
        for r in load_workbook(BytesIO(response.content))["Rincian"].iter_rows(min_row=2, values_only=True)
    }
    assert budget_roster.budi.nik in niks  # the village operator keeps this roster
    client.force_login(analyst)
    response = client.get(f"/anggaran/{PENYELADI}/anggaran.xlsx")
    niks = {
        r[3]
        for r in load_workbook(BytesIO(response.content))["Rincian"].iter_rows(min_row=2, values_only=True)
    }
    assert budget_roster.budi.nik not in niks and nik_mask(budget_roster.budi.nik) in niks
    assert client.get(f"/anggaran/{PENYELADI}/anggaran.csv").status_code == 404


def test_the_regency_summary_downloads(client, sanggau_operator, budget_roster):
    client.force_login(sanggau_operator)
    response = client.get("/anggaran/61.03/anggaran.xlsx")
    assert "Per desa" in load_workbook(BytesIO(response.content)).sheetnames
    assert client.get("/anggaran/61.03/anggaran.pdf").content.startswith(b"%PDF")


def test_the_village_operator_adopts_the_budget(client, village_operator, outsider, budget_roster):
    client.force_login(village_operator)
    response = client.post(f"/anggaran/{PENYELADI}/tetapkan/", {"tahun": NEXT, "skenario": "all-serving"})
    assert response.status_code == 302
    stored = Budget.objects.get()
    assert (stored.total, stored.scenario, stored.created_by) == (
        ALL_SERVING_TOTAL,
        "all-serving",
        village_operator,
    )
    html = client.get(response["Location"]).content.decode()
    assert "ditetapkan" in html and f"/anggaran/ditetapkan/{stored.pk}.pdf" in html
    assert client.get(f"/anggaran/ditetapkan/{stored.pk}.pdf").content.startswith(b"%PDF")
    assert client.get(f"/anggaran/{PENYELADI}/tetapkan/").status_code == 405
    client.force_login(outsider)
    assert client.get(f"/anggaran/ditetapkan/{stored.pk}.xlsx").status_code == 404
    assert client.post(f"/anggaran/{PENYELADI}/tetapkan/", {"tahun": NEXT}).status_code == 404


def test_an_analyst_cannot_adopt(client, analyst, budget_roster):
    client.force_login(analyst)
    response = client.post(f"/anggaran/{PENYELADI}/tetapkan/", {"tahun": NEXT}, follow=True)
    assert "tidak dapat menetapkan" in response.content.decode()
    assert not Budget.objects.exists()


def test_the_regency_operator_sets_who_pays(client, sanggau_operator, budget_roster):
    client.force_login(sanggau_operator)
    html = client.get(f"/anggaran/61.03/pengaturan/?tahun={NEXT}").content.decode()
    assert 'name="aparat_jkk_employer"' in html and 'name="aparat_jkk_worker"' not in html
    form = {
        "tahun": NEXT,
        "risiko": 1,
        "kategori_bpd": "BPU",
        "penghasilan_bpd": "1000000",
        "alasan": "Perbup 12/2026",
        **BPD_ACCOUNT_DEFAULT,
    }
    for group in ("aparat", "bpd"):
        form.update({f"{group}_jkk_employer": "APBD", f"{group}_jkm_employer": "APBD"})
        form.update({f"{group}_jht_employer": "APBD", f"{group}_jht_worker": "PESERTA"})
        form.update({f"{group}_jp_employer": "APBDES", f"{group}_jp_worker": "PESERTA"})
    form["aparat_jkk_employer"] = "APBDES"
    response = client.post("/anggaran/61.03/pengaturan/", form)
    assert response.status_code == 302
    assert PayerRule.objects.filter(regency_id="61.03", from_year=NEXT).count() == 1
    html = client.get(response["Location"]).content.decode()
    assert "Perbup 12/2026" in html  # in the history
    budget = client.get(f"/anggaran/{PENYELADI}/").content.decode()
    assert rp(12 * (5824 + 5339)) in budget.split("APBDes (bukan Dana Desa)</h2>")[1].split("</div>")[0]
    assert RuleChange.objects.filter(kind="payer", changed_by=sanggau_operator).count() == 1


BPD_ACCOUNT_DEFAULT = {
    "akun_bpd": "5.1.4.91",
    "nama_akun_bpd": "Jaminan Ketenagakerjaan BPD",
    "kegiatan_bpd": "01.01.05",
    "nama_kegiatan_bpd": "Penyediaan Tunjangan BPD",
}


def test_the_regency_operator_names_its_account_for_bpd_premiums(client, sanggau_operator, budget_roster):
    client.force_login(sanggau_operator)
    html = client.get(f"/anggaran/61.03/pengaturan/?tahun={NEXT}").content.decode()
    assert 'value="5.1.4.91"' in html and 'value="01.01.05"' in html  # the default, shown
    form = {"tahun": NEXT, "risiko": 1, "kategori_bpd": "BPU", "penghasilan_bpd": "1000000"}
    for group in ("aparat", "bpd"):  # the village pays everything
        form.update({f"{group}_{p}_employer": "APBDES" for p in ("jkk", "jkm", "jht", "jp")})
        form.update({f"{group}_jht_worker": "PESERTA", f"{group}_jp_worker": "PESERTA"})
    bad = {**form, **BPD_ACCOUNT_DEFAULT, "akun_bpd": "5.1.4", "alasan": "Perbup 3/2026"}
    html = client.post("/anggaran/61.03/pengaturan/", bad).content.decode()
    assert "Tulis kode rekening objek, mis. 5.1.4.91." in html
    form.update(
        akun_bpd="5.1.5.02",
        nama_akun_bpd="Jaminan Ketenagakerjaan Anggota BPD",
        kegiatan_bpd="01.01.06",
        nama_kegiatan_bpd="Penyediaan Operasional BPD",
        alasan="Perbup 3/2026",
    )
    assert client.post("/anggaran/61.03/pengaturan/", form).status_code == 302
    setting = BudgetSetting.objects.get(regency_id="61.03", from_year=NEXT)
    assert (setting.bpd_account, setting.bpd_activity) == ("5.1.5.02", "01.01.06")
    response = client.get(f"/anggaran/{PENYELADI}/anggaran.xlsx?tahun={NEXT}")
    rows = list(load_workbook(BytesIO(response.content))["RAB Siskeudes"].iter_rows(values_only=True))
    assert ("01.01.06", "Penyediaan Operasional BPD", None, None, None, 201_600) in rows
    assert ("5.1.5.02", "Iuran BPJS Ketenagakerjaan JKK, JKM Ketua BPD", 12, "OB", 16_800, 201_600) in rows


def test_bad_settings_are_refused_with_messages(client, sanggau_operator):
    client.force_login(sanggau_operator)
    response = client.post("/anggaran/61.03/pengaturan/", {"tahun": "1990", "alasan": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Pengaturan belum disimpan" in html
    assert "antara 2024" in html and "harus diisi" in html  # Django's "required", as DRF's catalogue words it
    assert not PayerRule.objects.filter(regency_id="61.03").exists()


def test_an_analyst_reads_the_settings_but_cannot_change_them(client, analyst):
    html = get(client, analyst, "/anggaran/61.03/pengaturan/")
    assert '<form method="post"' not in html and "APBD kabupaten" in html
    assert client.post("/anggaran/61.03/pengaturan/", {"tahun": NEXT}).status_code == 404
    # Only regencies have settings: a desa's address leads to its regency's.
    client.force_login(analyst)
    response = client.get(f"/anggaran/{PENYELADI}/pengaturan/")
    assert response.status_code == 302 and response["Location"] == "/anggaran/61.03/pengaturan/"


def test_the_rules_page_lists_rates_minimums_and_history(client, analyst):
    html = get(client, analyst, "/anggaran/aturan/")
    assert "JKK PU kelompok risiko I" in html and "0,24 % dari upah" in html
    assert "upah paling tinggi Rp10.547.400" in html
    assert "Rp2.426.640" in html
    assert "Data awal dari docs/domain.md" in html


BUDGET_PAGES = [
    f"/anggaran/{PENYELADI}/",
    f"/anggaran/{PENYELADI}/?skenario=all-serving&jht=on&jp=on&risiko=3",
    "/anggaran/61.03/",
    "/anggaran/61/",
    "/anggaran/61.03/pengaturan/",
    "/anggaran/aturan/",
    f"/wilayah/{PENYELADI}/",
]


@pytest.mark.parametrize("url", BUDGET_PAGES)
def test_budget_pages_have_no_inline_script_style_or_handler(client, analyst, budget_roster, url):
    html = get(client, analyst, url)
    assert re.findall(r"<script(?![^>]*\ssrc=)[^>]*>", html) == []
    assert re.findall(r"\sstyle=", html) == [] and re.findall(r"<style", html) == []
    assert re.findall(r"\son[a-z]+=", html) == []
    assert "https://" not in html


def test_the_province_page_reads_its_totals_in_a_few_queries(
    client, analyst, budget_roster, django_assert_max_num_queries
):
    client.force_login(analyst)
    # The first read computes six scenarios from one read of the roster (selectors.region_budgets)...
    with django_assert_max_num_queries(20):
        first = client.get("/anggaran/61/")
    # ...the next ones take them from the cache while the data version stands: the session and user, the
    # version, the regencies, the adopted budgets.
    with django_assert_max_num_queries(7):
        again = client.get("/anggaran/61/")
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"|<meta name="csrf-token"[^>]*>')
    assert token.sub("", again.content.decode()) == token.sub("", first.content.decode())
    assert rp(157_248 + 157_248 + 2_024_496) in again.content.decode()  # Sambas, Nanga Biang, Penyeladi


def test_the_province_page_computes_officials_alike_once_per_regency_not_once_per_desa(
    client, analyst, budget_roster, monkeypatch
):
    # What the page computes, counted where each class of officials is priced (compute._covered): Budi in
    # Penyeladi and Hendrikus in Nanga Biang, kepala desa alike in two desa of Sanggau, cost the same. The
    # province's page wants its regencies' totals only, so the two are one class; priced per desa, a province
    # has ten times the classes it needs, and the page took 9 s (docs/benchmarks.md).
    priced: list[set[int]] = []
    covered = compute._covered

    def counted(seats, *args, **kwargs):
        priced.append({seat.person_id for seat in seats})
        return covered(seats, *args, **kwargs)

    monkeypatch.setattr(compute, "_covered", counted)
    get(client, analyst, f"/anggaran/61/?tahun={NEXT}&skenario=all-serving&risiko=2")
    scenarios = len(comparison_scenarios(Scenario(ALL_SERVING, (), 2)))
    # Eight officials, seven classes (Budi and Hendrikus one): each class priced once per scenario.
    assert len(priced) == scenarios * 7
    both = {budget_roster.budi.pk, Person.objects.get(name="Hendrikus Nanga").pk}
    assert sum(1 for people in priced if people & both) == scenarios


def test_amounts_are_written_as_lokal_writes_them():
    from lokal import format_rupiah

    from lindungdesa.budget.templatetags.anggaran import rupiah

    for amount in (0, 7, 999, 1_000, 2_426_640, 12_345_678_901, -300):
        assert rupiah(amount) == format_rupiah(amount)
