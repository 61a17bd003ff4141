"""The Kemendagri report: its figures are the dashboard's, in XLSX and PDF, from the page and the command."""

import dataclasses
import io
import re
from decimal import Decimal as D  # noqa: N817

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from openpyxl import load_workbook
from pypdf import PdfReader

from lindungdesa.accounts.models import User
from lindungdesa.dev.demodata import demo_load
from lindungdesa.indicators.dashboard import dashboard
from lindungdesa.indicators.models import Snapshot
from lindungdesa.indicators.services import snapshot_take, target_set, ucj_set
from lindungdesa.lib.months import Month
from lindungdesa.officials.models import Person
from lindungdesa.regions.models import Region
from lindungdesa.reports.kemendagri import report_build, report_pdf, report_xlsx
from tests.shared import shared

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("sanggau-kemendagri")]

NOV = Month(2026, 11)


def _sanggau() -> None:
    demo_load(province_code="61", seed=3, as_of=NOV, regency_codes=["61.03"])
    for back in range(5, 0, -1):
        snapshot_take(period=NOV.add(-back))
    target_set(region_code="61", indicator="aparat", year=2030, value=D(100))
    ucj_set(region_code="61.03", year=2026, working_population=180_000, participants=54_000)


@pytest.fixture(scope="module", autouse=True)
def _sanggau_data(django_db_setup, django_db_blocker):
    """Demo rosters in Kabupaten Sanggau, five months of snapshots, example targets and UCJ figures: made
    once for the module (`tests/shared.py`), so every test here sees them."""
    yield from shared(django_db_blocker, _sanggau)


@pytest.fixture
def sanggau():
    return Region.objects.get(code="61.03")


# Desa that registered nobody laid out in the module's PDF: some 1,900 of them in the report (only Sanggau
# has rosters), whose 50 pages took more than half of this module's CPU to lay out. The PDF's tests read its
# headline, its page footer and the list's heading, which 60 rows (two pages) show as well; the XLSX test
# checks the whole list.
PDF_NOBODY = 60


@pytest.fixture(scope="module")
def rendered(_sanggau_data, django_db_blocker):
    """The province's report of November 2026, its PDF and its XLSX, rendered once for the module from the
    report with its list of desa that registered nobody cut to its first PDF_NOBODY. Building it takes the
    month's snapshot: that is undone, so that each test starts without it."""
    with django_db_blocker.unblock(), transaction.atomic():
        report = report_build(province_code="61", period=NOV)
        assert len(report.nobody) > 10 * PDF_NOBODY
        registered = [row for row in report.desa if row[4].villages_registered]
        cut = dataclasses.replace(report, desa=registered + report.nobody[:PDF_NOBODY])
        pdf, xlsx = report_pdf(cut), report_xlsx(cut)
        transaction.set_rollback(True)
    return report, pdf, xlsx


@pytest.fixture
def made_calls(rendered, monkeypatch):
    """The command and the page render through `report_pdf` and `report_xlsx`, tested above on their own
    (every XLSX the page and the command write, whole, in tests/reports/test_every_export.py): here they
    hand out the module's files and record the (file kind, province, period) of each report given them.
    Making the province's XLSX again for each took a third of this module's CPU."""
    calls = []

    def made_once(kind: str, data: bytes):
        def make(report):
            calls.append((kind, report.province.code, str(report.period)))
            return data

        return make

    for where in ("lindungdesa.reports.management.commands.report", "lindungdesa.reports.views"):
        monkeypatch.setattr(f"{where}.report_pdf", made_once("pdf", rendered[1]))
        monkeypatch.setattr(f"{where}.report_xlsx", made_once("xlsx", rendered[2]))
    return calls


def pdf_missing(data: bytes, texts: list[str]) -> list[str]:
    """Which of `texts` no page of the PDF shows. Pages are read in order until each is found: the rest of
    the report is its long table of desa (some 50 pages), whose reading took more time than the rest of
    the test."""
    missing = list(texts)
    for page in PdfReader(io.BytesIO(data)).pages:
        text = page.extract_text().replace("\xa0", " ")
        missing = [t for t in missing if t not in text]
        if not missing:
            break
    return missing


def test_the_xlsx_holds_the_dashboards_figures_on_every_level(sanggau):
    report = report_build(province_code="61", period=NOV)
    live = dashboard(Region.objects.get(code="61"), NOV)
    assert report.dash.total == live.total
    book = load_workbook(io.BytesIO(report_xlsx(report)), read_only=True)
    assert book.sheetnames == [
        "Ringkasan",
        "Kabupaten-Kota",
        "Kecamatan",
        "Desa",
        "Desa belum mendaftar",
        "Catatan",
    ]
    summary = {row[0]: row[1] for row in book["Ringkasan"].iter_rows(values_only=True) if row and row[0]}
    t = live.total
    assert summary["Desa"] == 2046
    assert summary["Aparat desa menjabat"] == t.aparat_serving
    assert summary["Cakupan aparat desa (%)"] == t.aparat_coverage_pct
    assert summary["Desa belum mendaftarkan siapa pun"] == t.villages_unregistered
    regencies = list(book["Kabupaten-Kota"].iter_rows(values_only=True))
    header = regencies[0]
    sanggau_row = next(r for r in regencies if r[0] == "61.03")
    assert sanggau_row[header.index("aparat_terlindungi")] == live.progress["61.03"]["aparat"].protected
    assert sanggau_row[header.index("ucj_nilai_persen")] == 30.0
    assert "ucj_proyeksi_bawah_95" in header and "ucj_proyeksi_atas_95" in header
    desa = list(book["Desa"].iter_rows(values_only=True))
    assert len(desa) - 1 == 2046
    nobody = list(book["Desa belum mendaftar"].iter_rows(values_only=True))
    assert len(nobody) - 1 == t.villages_unregistered
    # Aggregates only: no NIK and no person's name anywhere.
    cells = " ".join(
        str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c
    )
    assert not re.search(r"\b\d{16}\b", cells)
    for name in Person.objects.values_list("name", flat=True)[:300]:
        assert name not in cells


def test_the_pdf_shows_the_headline_figures_in_indonesian_with_page_numbers(rendered):
    report, pdf, _xlsx = rendered
    t = report.dash.total
    pct = f"{t.aparat_coverage_pct:.2f}".replace(".", ",")
    shown = [
        "Kalimantan Barat",
        "keadaan akhir November 2026",
        f"{pct} %",
        f"{t.aparat_protected:,}".replace(",", "."),
        "Halaman 1 dari",
        "Desa yang belum mendaftarkan siapa pun",
        report.nobody[0][1],  # the list's first desa
        "BPS",  # the map's attribution
    ]
    assert pdf_missing(pdf, shown) == []


def test_the_reports_pdf_gives_the_gap_to_the_target_in_points_as_the_dashboard_does():
    """audit5: the report said "Selisih 0,99 %" where the dashboard said "0,99 poin"."""
    from decimal import Decimal

    from lindungdesa.lib.months import Month
    from lindungdesa.reports.kemendagri import _formatted_progress
    from tests.indicators.test_charts import NOV, progress_with

    progress = progress_with(
        [(NOV.add(-2), Decimal(40)), (NOV.add(-1), Decimal(41)), (Month(2026, 11), Decimal(42))]
    )
    assert _formatted_progress(progress)["gap"] == "18,80\u00a0poin"  # 60,80 % in 2026, 42 % now


def test_a_missing_or_stale_snapshot_is_taken_first(sanggau):
    assert not Snapshot.objects.filter(period="2026-11").exists()
    report = report_build(province_code="61", period=NOV)
    assert report.snapshot.period == "2026-11"
    again = report_build(province_code="61", period=NOV)
    assert again.snapshot.made_at == report.snapshot.made_at  # fresh: not taken twice


def test_the_command_writes_xlsx_and_pdf(sanggau, tmp_path, capsys, rendered, made_calls):
    call_command("report", "kemendagri", "--period", "2026-11", "--out", str(tmp_path / "k.xlsx"))
    call_command("report", "kemendagri", "--period", "2026-11", "--out", str(tmp_path / "k.pdf"))
    assert load_workbook(tmp_path / "k.xlsx", read_only=True).sheetnames[0] == "Ringkasan"
    assert (tmp_path / "k.xlsx").read_bytes() == rendered[2]
    assert (tmp_path / "k.pdf").read_bytes() == rendered[1]
    assert made_calls == [("xlsx", "61", "2026-11"), ("pdf", "61", "2026-11")]
    assert "2046 desa" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "laporan.docx"], ".xlsx atau .pdf"),
        (["--period", "11-2026", "--out", "x.pdf"], "TTTT-BB"),
        (["--province", "99", "--out", "x.pdf"], "tidak ditemukan"),
    ],
)
def test_the_command_explains_what_is_wrong(args, message):
    with pytest.raises(CommandError, match=message) as info:
        call_command("report", "kemendagri", *args)
    assert info.value.returncode == 2


def test_the_province_downloads_it_and_a_regency_may_not(client, sanggau, rendered, made_calls):
    analyst = User.objects.create_user(
        "analis", password="x", role=User.Role.PROVINCE_ANALYST, region_id="61"
    )
    client.force_login(analyst)
    page = client.get("/laporan/kemendagri/")
    assert page.status_code == 200 and "Unduh PDF" in page.content.decode()
    xlsx = client.get("/laporan/kemendagri/?periode=2026-11&format=xlsx")
    assert xlsx["Content-Disposition"] == 'attachment; filename="laporan-kemendagri-61-2026-11.xlsx"'
    assert load_workbook(io.BytesIO(xlsx.content), read_only=True).sheetnames[0] == "Ringkasan"
    assert xlsx.content == rendered[2]
    pdf = client.get("/laporan/kemendagri/?periode=2026-11&format=pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content == rendered[1]
    assert made_calls == [("xlsx", "61", "2026-11"), ("pdf", "61", "2026-11")]
    operator = User.objects.create_user(
        "rudi", password="x", role=User.Role.REGENCY_OPERATOR, region_id="61.03"
    )
    client.force_login(operator)
    assert client.get("/laporan/kemendagri/?periode=2026-11&format=xlsx").status_code == 403


def test_the_report_opens_on_the_dashboards_month(client, sanggau):
    import re

    analyst = User.objects.create_user(
        "analis", password="x", role=User.Role.PROVINCE_ANALYST, region_id="61"
    )
    client.force_login(analyst)

    def selected(html: str) -> str:
        return re.search(r'<option value="([0-9-]+)" selected>', html).group(1)

    report = selected(client.get("/laporan/kemendagri/").content.decode())
    dashboard = selected(client.get("/wilayah/61/").content.decode())
    assert report == dashboard


def test_the_xlsx_gives_the_projections_range_as_two_numbers():
    """The 95 % range was one text cell, "43.10–47.20" with dot decimals: nothing a spreadsheet computes with
    (audit5). Now two numbers, beside the projection."""
    from decimal import Decimal

    from lindungdesa.indicators import progress as pg
    from lindungdesa.indicators.progress_selectors import IndicatorProgress
    from lindungdesa.reports.kemendagri import PROGRESS_HEADER, _progress_row

    projection = pg.Projection(
        Month(2030, 12), Decimal("45.15"), Decimal("43.10"), Decimal("47.20"), Decimal("0.1"), 6
    )
    item = IndicatorProgress(
        indicator="ucj",
        value=Decimal("40.00"),
        protected=400,
        base=1000,
        value_year=2026,
        numerator="",
        target=pg.TargetValue(2026, Decimal("60.80"), False),
        target_region="61",
        horizon=pg.TargetValue(2030, Decimal("65.77"), False),
        projection=projection,
        status=pg.OFF_TRACK,
        needed_per_month=None,
        series=[],
        points={},
    )
    row = dict(zip(PROGRESS_HEADER, _progress_row(item), strict=True))
    assert (row["proyeksi_persen"], row["proyeksi_bawah_95"], row["proyeksi_atas_95"]) == (45.15, 43.1, 47.2)
    assert _progress_row(None) == [None] * len(PROGRESS_HEADER)
