"""Budget lines in Siskeudes' codes (Permendagri 20/2018): the APBDes part of the hand-worked roster of
tests/budget/conftest.py, with Sanggau paying every employer share from the APBDes.

| person | office          | APBDes a month          | months | the year  | account  | activity |
|--------|-----------------|-------------------------|--------|-----------|----------|----------|
| Budi   | kepala desa     | 13,104 (JKK, JKM)       | 12     | 157,248   | 5.1.3.03 | 01.01.03 |
| Siti   | sekretaris desa | 94,316 (JKK, JKM, JHT)  | 12     | 1,131,792 | 5.1.3.04 | 01.01.03 |
| Maria  | ketua BPD (BPU) | 16,800 (JKK, JKM)       | 12     | 201,600   | 5.1.4.91 | 01.01.05 |

Siti's own JHT 2 % (44,488 a month) stays with her (PESERTA), outside the APBDes. APBDes 1,490,640.
"""

from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from lindungdesa.budget import compute, exports
from lindungdesa.budget.compute import ALL_SERVING, CURRENT, Scenario
from lindungdesa.budget.models import BudgetSetting
from lindungdesa.budget.selectors import region_budget, stored_budget
from lindungdesa.budget.services import budget_setting_save, budget_store, payer_rules_set
from lindungdesa.regions.models import Region
from tests.budget.conftest import NANGA_BIANG_TOTAL, NEXT, PENYELADI
from tests.budget.roster_once import fresh_budget_roster, module_budget_roster  # noqa: F401  (fixtures: made once)
from tests.budget.test_exports import TODAY, pdf_text

pytestmark = pytest.mark.django_db

KADES, PERANGKAT, BPD = "5.1.3.03", "5.1.3.04", "5.1.4.91"
APBDES = 157_248 + 1_131_792 + 201_600  # 1,490,640
RAB = [
    (KADES, "Iuran BPJS Ketenagakerjaan JKK, JKM Kepala Desa", 12, "OB", 13_104, 157_248),
    (PERANGKAT, "Iuran BPJS Ketenagakerjaan JKK, JKM, JHT Sekretaris Desa", 12, "OB", 94_316, 1_131_792),
    (BPD, "Iuran BPJS Ketenagakerjaan JKK, JKM Ketua BPD", 12, "OB", 16_800, 201_600),
]


@pytest.fixture
def village_pays(budget_roster):
    payer_rules_set(
        regency=Region.objects.get(code="61.03"),
        from_year=NEXT,
        payers={(g, p): ("APBDES", "PESERTA") for g in compute.GROUPS for p in compute.PROGRAMMES},
        user=None,
        reason="Perbup uji: iuran dari APBDes",
    )
    return budget_roster


def budget(code: str = PENYELADI, scenario: str = CURRENT, lines: bool = True):
    return region_budget(Region.objects.get(code=code), NEXT, Scenario.parse(scenario), lines=lines)


def rab_rows(wb) -> list[tuple]:
    rows = list(wb["RAB Siskeudes"].iter_rows(values_only=True))
    start = rows.index(("Kode Rekening", "Uraian", "Volume", "Satuan", "Harga Satuan", "Jumlah")) + 1
    return rows[start:]


def test_each_apbdes_amount_is_under_its_account_and_activity(village_pays):
    b = budget()
    assert b.total.by_source["APBDES"] == APBDES
    assert [(a.activity, a.code, amount) for a, amount in b.accounts()] == [
        ("01.01.03", KADES, 157_248),
        ("01.01.03", PERANGKAT, 1_131_792),
        ("01.01.05", BPD, 201_600),
    ]
    names = {a.code: (a.name, a.activity_name) for a, _ in b.accounts()}
    assert names[KADES] == ("Jaminan Ketenagakerjaan Kepala Desa", compute.ACTIVITY_SOCIAL_SECURITY[1])
    assert names[PERANGKAT][0] == "Jaminan Ketenagakerjaan Perangkat Desa"
    assert any("Permendagri 20/2018" in text and "5.1.3.04" in text for text in b.legal_basis())


def test_totals_by_account_are_the_same_without_lines_and_add_up_to_the_regency(village_pays):
    assert budget(lines=False).total.by_account == budget().total.by_account
    sanggau = budget("61.03", lines=False)
    assert sanggau.total.by_account == {
        KADES: 157_248 + NANGA_BIANG_TOTAL,
        PERANGKAT: 1_131_792,
        BPD: 201_600,
    }
    assert sum(sanggau.total.by_account.values()) == sanggau.total.by_source["APBDES"]
    by_desa = {code: t.by_account for code, _name, _district, t in sanggau.desa_rows()}
    assert by_desa[PENYELADI] == {KADES: 157_248, PERANGKAT: 1_131_792, BPD: 201_600}


def test_the_xlsx_has_a_rab_sheet_in_siskeudes_layout(village_pays):
    wb = load_workbook(BytesIO(exports.budget_xlsx(budget(), personal=False)))
    rows = rab_rows(wb)
    assert rows[0][:2] == ("01.01.03", compute.ACTIVITY_SOCIAL_SECURITY[1])
    assert rows[0][5] == 157_248 + 1_131_792
    assert rows[1] == (KADES, "Jaminan Ketenagakerjaan Kepala Desa", None, None, None, 157_248)
    lines = [r for r in rows if r[3] == "OB"]
    assert lines == RAB
    assert all(volume * price == amount for _c, _u, volume, _s, price, amount in lines)
    assert [r[5] for r in rows if r[1] == "Jumlah"] == [APBDES]
    # Codes are text (never a number or a date), no cell is a formula (lib/cells).
    for row in wb["RAB Siskeudes"].iter_rows():
        for cell in row:
            assert cell.data_type != "f"
            if cell.value in (KADES, PERANGKAT, BPD):
                assert cell.data_type == "s"
    # The line per person and programme carries its activity and account when the APBDes pays it.
    detail = list(wb["Rincian"].iter_rows(values_only=True))
    header = detail[0]
    siti = [r for r in detail[1:] if r[2] == "Siti Aminah"]
    assert {(r[header.index("sumber_dana")], r[header.index("kode_rekening")]) for r in siti} == {
        ("APBDes (bukan Dana Desa)", PERANGKAT),
        ("Peserta (dipotong dari penghasilan)", None),  # an empty cell: not an APBDes amount
    }
    summary = [r for r in wb["Ringkasan"].iter_rows(values_only=True) if r[0]]
    assert (f"{KADES} Jaminan Ketenagakerjaan Kepala Desa", 157_248) in [r[:2] for r in summary]


def test_everyone_serving_adds_up_to_the_apbdes_part_line_by_line(village_pays):
    b = budget(scenario=ALL_SERVING)
    lines = exports.rab_lines(b)
    assert sum(r.amount for r in lines) == b.total.by_source["APBDES"] == sum(b.total.by_account.values())
    by_text = {(r.account.code, r.description): (r.volume, r.price) for r in lines}
    # Ahmad serves January to June: six person-months.
    assert by_text[(PERANGKAT, "Iuran BPJS Ketenagakerjaan JKK, JKM Kaur Keuangan")] == (6, 10_920)
    assert by_text[(BPD, "Iuran BPJS Ketenagakerjaan JKK, JKM Anggota BPD")] == (12, 16_800)


def test_a_regency_names_its_own_account_for_bpd_premiums(village_pays):
    row = BudgetSetting(
        regency=Region.objects.get(code="61.03"),
        from_year=NEXT,
        bpd_account="5.1.4.90",
        bpd_account_name="Jaminan Sosial BPD",
        bpd_activity="01.01.06",
        bpd_activity_name="Penyediaan Operasional BPD",
        legal_basis="Perbup uji",
    )
    budget_setting_save(setting=row, user=None, reason="Perbup uji")
    b = budget()
    assert [(a.activity, a.code, amount) for a, amount in b.accounts()][-1] == (
        "01.01.06",
        "5.1.4.90",
        201_600,
    )
    text = pdf_text(exports.budget_pdf(b, today=TODAY))
    assert "5.1.4.90 Jaminan Sosial BPD" in text and "pengaturan kabupaten" in text


def test_the_desa_pdf_shows_the_codes_and_the_rab_lines(village_pays):
    text = pdf_text(exports.budget_pdf(budget(), today=TODAY))
    assert "Bagian APBDes menurut kegiatan dan kode rekening (Siskeudes)" in text
    assert "01.01.03 Penyediaan Jaminan Sosial bagi Kepala Desa dan Perangkat Desa" in text
    assert "5.1.3.03 Jaminan Ketenagakerjaan Kepala Desa Rp157.248" in text
    assert "5.1.4.91 Jaminan Ketenagakerjaan BPD" in text
    assert "Iuran BPJS Ketenagakerjaan JKK, JKM, JHT Sekretaris Desa 12 OB Rp94.316 Rp1.131.792" in text
    assert "Jumlah APBDes (bukan Dana Desa) Rp1.490.640" in text
    assert "APBDes 5.1.3.04 Rp1.131.792" in text  # Siti's row names the account
    assert "bagan akun Permendagri 20/2018 tidak memuat rekening jaminan sosial BPD" in text


def test_the_regency_summary_shows_each_desa_by_account(village_pays):
    b = budget("61.03", lines=False)
    text = pdf_text(exports.budget_pdf(b, today=TODAY))
    assert "5.1.3.04 Jaminan Ketenagakerjaan Perangkat Desa Rp1.131.792" in text
    assert "Penyeladi (Kapuas) Rp157.248 Rp1.131.792 Rp201.600 Rp1.490.640" in text
    assert "Permendagri 20/2018" in text
    wb = load_workbook(BytesIO(exports.budget_xlsx(b, personal=False)))
    rows = list(wb["Per desa"].iter_rows(values_only=True))
    header, by_code = rows[0], {r[0]: r for r in rows[1:]}
    assert by_code[PENYELADI][header.index(f"APBDES {PERANGKAT}")] == 1_131_792
    assert by_code["Jumlah"][header.index(f"APBDES {KADES}")] == 157_248 + NANGA_BIANG_TOTAL


def test_an_adopted_budget_keeps_its_accounts(village_pays, village_operator):
    stored = budget_store(
        region=Region.objects.get(code=PENYELADI), year=NEXT, scenario=Scenario(), user=village_operator
    )
    # A later change of the regency's BPD account does not move an adopted budget's lines.
    row = BudgetSetting(regency=Region.objects.get(code="61.03"), from_year=NEXT, bpd_account="5.1.4.99")
    row.bpd_declared_income = Decimal(1_000_000)
    budget_setting_save(setting=row, user=None, reason="uji")
    again = stored_budget(stored)
    assert [(a.code, amount) for a, amount in again.accounts()] == [
        (KADES, 157_248),
        (PERANGKAT, 1_131_792),
        (BPD, 201_600),
    ]
    lines = [
        (r.account.code, r.description, r.volume, r.unit, r.price, r.amount) for r in exports.rab_lines(again)
    ]
    assert lines == RAB


def test_with_the_default_payers_nothing_is_in_the_apbdes_and_the_sheet_says_so(budget_roster):
    wb = load_workbook(BytesIO(exports.budget_xlsx(budget(), personal=False)))
    rows = rab_rows(wb)
    assert [r for r in rows if r[3] == "OB"] == []
    texts = " ".join(str(v) for r in wb["RAB Siskeudes"].iter_rows(values_only=True) for v in r if v)
    assert "Tidak ada bagian APBDes dalam skenario ini." in texts
    assert "Tidak masuk APBDes: bagian APBD kabupaten Rp1.490.640" in texts


def test_the_pages_show_the_apbdes_part_by_account(client, village_pays, analyst):
    client.force_login(analyst)
    for url in (f"/anggaran/{PENYELADI}/", "/anggaran/61.03/"):
        html = client.get(url).content.decode()
        part = html.split("Bagian APBDes menurut kode rekening (Siskeudes)</h2>")[1].split("</section>")[0]
        assert "01.01.03 · 5.1.3.04 Jaminan Ketenagakerjaan Perangkat Desa: Rp1.131.792" in part
        assert "01.01.05 · 5.1.4.91 Jaminan Ketenagakerjaan BPD: Rp201.600" in part
