"""A journey per role (issue 20, item 6): each role does its job from DESIGN.md in Chromium, at its device
size, with files made the way their source writes them.

Every page a journey opens goes through `Guard.check`, which fails the test on a console error, on a page
wider than the window (the village operator's 360 px phone) and on an English string our templates could
leak. Data are built with the factories before the browser starts (conftest.py: no ORM once Playwright
runs); everything a test needs from the database is read in its fixture.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from io import BytesIO
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from lindungdesa.accounts.models import User
from lindungdesa.indicators.services import snapshot_take, target_set
from lindungdesa.lib.months import Month
from lindungdesa.monev import rules
from lindungdesa.monev.models import Case
from lindungdesa.monev.services import case_move, round_open
from lindungdesa.officials.models import Office
from lindungdesa.regions.models import Region
from tests.factories import enrol, make_nik, make_person, make_position
from tests.imports.conftest import BPJS_HEADER, bpjs_row, to_csv

pytestmark = pytest.mark.browser

PASSWORD = "sandi-uji-12345"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1366, "height": 768}
DESA = "61.03.01.2007"  # Penyeladi, Kecamatan Kapuas, Kabupaten Sanggau
SAMBAS_DESA = "61.01.01.2001"  # Kabupaten Sambas
NIK_LIKE = re.compile(r"(?<!\d)\d{16}(?!\d)")
# English our templates, forms and error pages could leak (Django's defaults, untranslated buttons).
ENGLISH = re.compile(
    r"\b(Submit|Save|Cancel|Delete|Upload|Download|Search|Loading|required|This field|Page not found|"
    r"Not Found|Server Error|Forbidden|Previous|Next page|Select a valid choice|Enter a valid)\b"
)


@dataclass
class Guard:
    """Collects console errors; `check` fails on them, on sideways scroll and on leaked English."""

    page: object
    errors: list[str] = field(default_factory=list)

    def __post_init__(self):
        self.page.on(
            "console",
            lambda m: (
                self.errors.append(f"{m.text} ({m.location.get('url')})") if m.type == "error" else None
            ),
        )
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def check(self) -> str:
        """The page's visible text, once it passed every check."""
        page = self.page
        url = page.url
        assert self.errors == [], f"{url}: console errors {self.errors}"
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll <= inner, f"{url} scrolls sideways: {scroll} px in a {inner} px window"
        text = page.locator("body").inner_text()
        leaked = ENGLISH.findall(text)
        assert leaked == [], f"{url}: untranslated English {leaked}"
        return text


def start(page, base: str, username: str, size: dict) -> Guard:
    page.set_viewport_size(size)
    guard = Guard(page)
    page.goto(base + "/masuk/")
    guard.check()
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state()
    assert "/masuk/" not in page.url, f"{username} could not sign in"
    guard.check()
    return guard


def make_user(username: str, role: str, region: str | None) -> User:
    user = User(username=username, role=role, region_id=region, first_name=username.title())
    user.set_password(PASSWORD)
    user.save()
    return user


def download(page, click) -> bytes:
    with page.expect_download() as info:
        click()
    path = info.value.path()
    content = Path(path).read_bytes()
    assert content, f"empty download {info.value.suggested_filename}"
    return content


def count(page, label: str) -> str:
    return (
        page.locator("dl.counts div")
        .filter(has=page.get_by_text(label, exact=True))
        .locator("dd")
        .inner_text()
    )


def upload(page, guard: Guard, kind_label: str, path: Path, **fields) -> str:
    """Post the import form from /impor/ and wait for the batch page (dry run first, as the form offers)."""
    page.get_by_role("link", name="Impor", exact=True).click()
    page.wait_for_url("**/impor/")
    guard.check()
    kind = page.get_by_label(kind_label)
    if kind.count():
        kind.check()
    page.set_input_files("input[name=berkas]", str(path))
    for name, value in fields.items():
        page.fill(f"input[name={name}]", value)
    assert page.get_by_label("Uji coba dulu").is_checked()
    page.get_by_role("button", name="Unggah dan periksa").click()
    page.wait_for_url(re.compile(r".*/impor/\d+/$"))
    page.get_by_text("Hasil uji coba: belum ada yang disimpan.").wait_for()
    return guard.check()


def save_batch(page, guard: Guard) -> str:
    page.get_by_role("button", name="Simpan hasil ini").click()
    page.locator(".batch-meta .state-done").wait_for()
    return guard.check()


def open_round(province_code: str, analyst: User) -> str:
    """Monthly snapshots and a monev round for last month, as the province opens it."""
    today = Month.of(timezone.localdate())
    for back in range(3, 0, -1):
        snapshot_take(period=today.add(-back))
    round_ = round_open(
        province=Region.objects.get(code=province_code), period=str(today.add(-1)), user=analyst
    )
    return round_.period_name  # "November 2026", as the pages name it


# 1. The village operator, on a 360 x 740 phone ------------------------------------------------------------


@dataclass(frozen=True)
class Village:
    desa_name: str
    bad_nik: str
    good_nik: str
    case_pk: int


@pytest.fixture
def village(regions) -> Village:
    desa = Region.objects.get(code=DESA)
    analyst = make_user("analis", User.Role.PROVINCE_ANALYST, "61")
    make_user("yanti", User.Role.VILLAGE_OPERATOR, DESA)
    make_user("rudi", User.Role.REGENCY_OPERATOR, "61.03")
    # A kepala desa not yet enrolled: the round opens a case for this desa; the kabupaten sends its letter.
    make_position(desa, Office.KEPALA_DESA, date(2022, 1, 10), name="Budi Santoso")
    open_round("61", analyst)
    case = Case.objects.get(desa_id=DESA)
    case_move(case=case, to_state=rules.LETTER_SENT, user=analyst, note="Surat 800/12/DPMD")
    good = make_nik(desa.district_code, date(1991, 3, 9), "P", serial=611)
    return Village(desa_name=desa.name, bad_nik=good[:15], good_nik=good, case_pk=case.pk)


def village_roster(template: bytes, desa: Village, nik_of_wulan: str) -> bytes:
    """The downloaded template filled in as a desa types it in Excel: dates as Excel dates, the rupiah as a
    number, NIK and phone as text (the template's columns are Text)."""
    wb = load_workbook(BytesIO(template))
    sheet = wb["Data"]
    header = [c.value for c in sheet[1]]
    rows = [
        {
            "nik": make_nik("61.03.01", date(1984, 6, 2), "L", serial=610),
            "nama": "Yosef Lejau",
            "tanggal_lahir": datetime(1984, 6, 2),
            "jabatan": "Sekretaris Desa",
            "penghasilan_bulanan": 2_426_640,
        },
        {
            "nik": nik_of_wulan,
            "nama": "Wulandari",
            "jenis_kelamin": "P",
            "tanggal_lahir": datetime(1991, 3, 9),
            "jabatan": "Kaur Keuangan",
            "penghasilan_bulanan": 2_224_420,
        },
        {
            "nik": make_nik("61.03.01", date(1979, 11, 23), "L", serial=612),
            "nama": "Paulus Ajan",
            "kelompok": "BPD",
            "tanggal_lahir": datetime(1979, 11, 23),
            "jabatan": "Ketua BPD",
            "penghasilan_bulanan": 1_000_000,
        },
    ]
    for number, values in enumerate(rows, start=2):
        row = {
            "kode_desa": DESA,
            "nama_desa": desa.desa_name,
            "kelompok": "APARAT",
            "nomor_sk": "141/03/KPTS/2023",
            "tanggal_sk": datetime(2023, 2, 1),
            "mulai_menjabat": datetime(2023, 2, 1),
            "no_hp": "0812 5566 7788",
            **values,
        }
        for column, name in enumerate(header, start=1):
            if name in row:
                sheet.cell(row=number, column=column, value=row[name])
                if isinstance(row[name], datetime):
                    sheet.cell(row=number, column=column).number_format = "DD/MM/YYYY"
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def test_village_operator_imports_fixes_a_row_downloads_its_budget_and_answers_a_case(
    village, live_server, browser_page, tmp_path
):
    page = browser_page
    base = live_server.url
    guard = start(page, base, "yanti", PHONE)
    assert f"/wilayah/{DESA}/" in page.url

    # The template from the import page, filled in with one NIK short of a digit.
    page.get_by_role("link", name="Impor", exact=True).click()
    page.wait_for_url("**/impor/")
    guard.check()
    template = download(page, lambda: page.get_by_role("link", name=re.compile("Unduh templat")).click())
    roster = tmp_path / "aparat-penyeladi.xlsx"
    roster.write_bytes(village_roster(template, village, village.bad_nik))
    upload(page, guard, "Daftar aparat dan BPD", roster)
    assert (count(page, "Akan dibuat"), count(page, "Ditolak")) == ("2", "1")
    rejected = page.locator("table.rejected").inner_text()
    # Row 3 of the sheet (Wulandari), the nik column, and why: the Indonesian hint to retype it as text.
    assert "Baris 3\nnik\n" in rejected and "Excel hanya menyimpan 15 digit" in rejected, rejected
    page.screenshot(path="test-results/journey-village-preview.png", full_page=True)
    save_batch(page, guard)
    assert (count(page, "Baru"), count(page, "Ditolak")) == ("2", "1")

    # The rejected row, downloaded, fixed in the same file and uploaded again.
    sheet_bytes = download(
        page, lambda: page.get_by_role("link", name="Unduh baris yang ditolak (XLSX)").click()
    )
    wb = load_workbook(BytesIO(sheet_bytes))
    sheet = wb.worksheets[0]
    header = [c.value for c in sheet[1]]
    nik_col = header.index("nik") + 1
    fixed = [
        r for r in range(2, sheet.max_row + 1) if sheet.cell(row=r, column=nik_col).value == village.bad_nik
    ]
    assert len(fixed) == 1, [[c.value for c in r] for r in sheet.iter_rows()]
    born = sheet.cell(row=fixed[0], column=header.index("tanggal_lahir") + 1)
    # The date as the template writes it (DD/MM/YYYY), not ISO text (issue 20's polish list).
    assert born.value == datetime(1991, 3, 9) or born.value == "09/03/1991", born.value
    sheet.cell(row=fixed[0], column=nik_col, value=village.good_nik)
    again = tmp_path / "aparat-penyeladi-perbaikan.xlsx"
    wb.save(again)
    text = upload(page, guard, "Daftar aparat dan BPD", again)
    assert (count(page, "Akan dibuat"), count(page, "Ditolak")) == ("1", "0")
    assert "Wulandari" in text  # the preview names who the file will create
    save_batch(page, guard)
    assert count(page, "Baru") == "1"
    page.goto(base + f"/wilayah/{DESA}/")
    text = guard.check()
    assert "Wulandari" in text and "Yosef Lejau" in text and "Paulus Ajan" in text

    # Its budget, from the job card on its home: the sheet to put in the APBDes.
    page.get_by_role("link", name="Lihat anggaran").click()
    page.wait_for_url(f"**/wilayah/{DESA}/#anggaran-tahun-depan")
    text = guard.check()
    assert f"Anggaran iuran {village.desa_name}" in text
    pdf = download(
        page, lambda: page.get_by_role("link", name="Lembar anggaran PDF: peserta saat ini").click()
    )
    assert pdf.startswith(b"%PDF")
    # The detail, on the budget page: its own PDF and XLSX.
    page.get_by_role("link", name="Rincian, skenario JHT/JP dan penetapan").click()
    page.wait_for_url(f"**/anggaran/{DESA}/**")
    guard.check()
    sheet = download(page, lambda: page.get_by_role("link", name="Unduh rincian (XLSX)").click())
    cells = [c.value for row in load_workbook(BytesIO(sheet)).active.iter_rows() for c in row]
    assert f"{village.desa_name} ({DESA})" in cells and "Tahun anggaran" in cells

    # Its case, from the job card on its home: the kabupaten's letter came; the desa answers that the
    # iuran is in the APBDes.
    page.goto(base + f"/wilayah/{DESA}/")
    assert "Kasus monev terbuka" in guard.check()
    page.get_by_role("link", name="Tindak lanjuti kasus").click()
    page.wait_for_url(f"**/monev/kasus/{village.case_pk}/")
    text = guard.check()
    assert "Surat terkirim" in text
    page.select_option("select[name=to_state]", rules.BUDGETED)
    page.fill("textarea[name=note]", "APBDes 2027 halaman 14")
    page.get_by_role("button", name="Simpan").click()
    page.get_by_text("Kasus menjadi Dianggarkan (APBDes/APBD).").wait_for()
    text = guard.check()
    assert "APBDes 2027 halaman 14" in text
    page.screenshot(path="test-results/journey-village-case.png", full_page=True)


# 2. The BPJS officer, at 1366 x 768 ---------------------------------------------------------------------


@dataclass(frozen=True)
class Branch:
    month: str
    participants: Path


@pytest.fixture
def branch(regions, tmp_path) -> Branch:
    desa = Region.objects.get(code=DESA)
    make_user("bpjs", User.Role.BPJS_OFFICER, "61")
    known = make_position(desa, Office.KEPALA_DESA, date(2022, 1, 10), name="Budi Santoso").person
    siti = make_person(desa, name="Siti Aminah", sex="P", born=date(1990, 4, 12))
    make_position(desa, Office.SEKRETARIS_DESA, date(2022, 1, 10), person=siti)
    month = str(Month.of(timezone.localdate()).add(-1))
    # The branch's monthly extract: Budi by his NIK; Siti registered under a NIK with two digits swapped, so
    # only her name and birth date tie her to the roster (a match for a person to confirm).
    i = next(i for i in range(len(siti.nik) - 1, 12, -1) if siti.nik[i] != siti.nik[i - 1])
    swapped = siti.nik[: i - 1] + siti.nik[i] + siti.nik[i - 1] + siti.nik[i + 1 :]
    assert swapped != siti.nik
    changed = {"upah": "2426640", "tanggal_kepesertaan": "01/02/2024", "bulan_iuran_terakhir": month}
    rows = [
        bpjs_row(
            known.nik,
            known.birth_date.strftime("%d/%m/%Y"),
            DESA,
            kpj="12345678901",
            nama="BUDI SANTOSO",
            **changed,
        ),
        bpjs_row(
            swapped,
            "12/04/1990",
            DESA,
            kpj="12345678902",
            nama="SITI AMINAH",
            **{**changed, "tanggal_kepesertaan": "01/03/2024"},
        ),
    ]
    path = tmp_path / f"ekstrak-bpjs-{month}.csv"
    path.write_bytes(to_csv(BPJS_HEADER, rows))
    return Branch(month=month, participants=path)


def test_bpjs_officer_uploads_an_extract_and_confirms_a_proposed_match(branch, live_server, browser_page):
    page = browser_page
    guard = start(page, live_server.url, "bpjs", DESKTOP)
    # Only the BPJS kind: the month field is shown, and the browser holds an upload without it.
    page.get_by_role("link", name="Impor", exact=True).click()
    page.wait_for_url("**/impor/")
    month = page.get_by_label("Bulan ekstrak BPJS")
    assert month.is_visible()
    page.set_input_files("input[name=berkas]", str(branch.participants))
    page.get_by_role("button", name="Unggah dan periksa").click()
    assert month.evaluate("e => e.validity.valueMissing") and page.url.endswith("/impor/")
    guard.check()

    upload(page, guard, "Ekstrak peserta BPJS", branch.participants, bulan=branch.month)
    assert count(page, "Ditolak") == "0"
    page.screenshot(path="test-results/journey-bpjs-preview.png", full_page=True)
    save_batch(page, guard)

    # Home: the proposal waits on its job card, which leads to the reconciliation page.
    page.goto(live_server.url + "/")
    guard.check()
    page.get_by_role("link", name="Periksa usulan").click()
    page.wait_for_url("**/rekonsiliasi/61/**")
    text = guard.check()
    assert "Usulan pencocokan (1)" in text, text
    proposal = page.locator("li.proposal").filter(has_text="Siti Aminah")
    assert "SITI AMINAH" in proposal.inner_text()
    proposal.get_by_role("button", name="Konfirmasi: orang yang sama").click()
    page.wait_for_load_state()
    text = guard.check()
    assert "Tidak ada usulan yang menunggu keputusan." in text
    page.screenshot(path="test-results/journey-bpjs-reconcile.png", full_page=True)


# 3. The regency operator, at 1366 x 768 -----------------------------------------------------------------


@dataclass(frozen=True)
class Regency:
    villages: list[tuple[str, str]]  # (code, name)
    case_pk: int
    case_desa: str


@pytest.fixture
def regency(regions) -> Regency:
    analyst = make_user("analis", User.Role.PROVINCE_ANALYST, "61")
    make_user("rudi", User.Role.REGENCY_OPERATOR, "61.03")
    make_user("sari", User.Role.REGENCY_OPERATOR, "61.01")  # Sambas: imports after Rudi, below
    villages = list(Region.objects.filter(regency_code="61.03", kind=Region.Kind.DESA).order_by("code")[:3])
    make_position(villages[0], Office.KEPALA_DESA, date(2021, 5, 3), name="Kepala Belum Terdaftar")
    open_round("61", analyst)
    case = Case.objects.get(desa_id=villages[0].code)
    return Regency(villages=[(v.code, v.name) for v in villages], case_pk=case.pk, case_desa=villages[0].name)


def test_regency_operator_imports_several_villages_and_follows_up_its_cases(
    regency, live_server, browser_page, tmp_path
):
    from openpyxl import Workbook

    page = browser_page
    guard = start(page, live_server.url, "rudi", DESKTOP)
    # One workbook gathered from the villages' files: one row per official, several desa.
    wb = Workbook()
    sheet = wb.active
    sheet.append(
        ["kode_desa", "nama_desa", "nik", "nama", "tanggal_lahir", "kelompok", "jabatan", "mulai_menjabat"]
    )
    names = []
    for i, (code, name) in enumerate(regency.villages):
        born = date(1975 + i, 1 + i, 10 + i)
        district = ".".join(code.split(".")[:3])
        person = f"Aparat Desa {name.title()}"
        names.append(person)
        sheet.append(
            [
                code,
                name,
                make_nik(district, born, "L", 700 + i),
                person,
                datetime(born.year, born.month, born.day),
                "APARAT",
                "Sekretaris Desa",
                datetime(2024, 1, 2),
            ]
        )
    path = tmp_path / "rekap-aparat-sanggau.xlsx"
    wb.save(path)
    upload(page, guard, "Daftar aparat dan BPD", path)
    assert (count(page, "Akan dibuat"), count(page, "Ditolak")) == ("3", "0")
    text = save_batch(page, guard)
    assert count(page, "Baru") == "3"
    for (code, _name), person in zip(regency.villages, names, strict=True):
        page.goto(live_server.url + f"/wilayah/{code}/")
        assert person in guard.check()

    # Its cases, from the job card on its home: the round's list, one case moved with a note.
    page.goto(live_server.url + "/")
    guard.check()
    page.get_by_role("link", name="Tindak lanjuti kasus").click()
    page.wait_for_url(re.compile(r".*/monev/\d+/$"))
    text = guard.check()
    assert regency.case_desa in text
    page.get_by_role("link", name=regency.case_desa, exact=True).click()
    page.wait_for_url(f"**/monev/kasus/{regency.case_pk}/")
    assert "Baru" in guard.check()
    page.select_option("select[name=to_state]", rules.LETTER_SENT)
    page.fill("textarea[name=note]", "Surat 800/27/DPMD dikirim lewat camat")
    page.get_by_role("button", name="Simpan").click()
    page.get_by_text("Kasus menjadi Surat terkirim").wait_for()
    text = guard.check()
    assert "Surat 800/27/DPMD dikirim lewat camat" in text
    page.screenshot(path="test-results/journey-regency-case.png", full_page=True)

    # Meanwhile Sambas's operator imports its own roster, on another computer.
    sambas = page.context.browser.new_context(viewport=DESKTOP, locale="id-ID")
    other = sambas.new_page()
    other_guard = start(other, live_server.url, "sari", DESKTOP)
    sambas_file = tmp_path / "aparat-sambas.csv"
    sambas_file.write_text(
        "kode_desa,nik,nama,tanggal_lahir,kelompok,jabatan,mulai_menjabat\n"
        f"{SAMBAS_DESA},{make_nik('61.01.01', date(1981, 4, 4), 'L', 731)},Bahrun Sambas,04/04/1981,"
        "APARAT,Sekretaris Desa,02/01/2024\n",
        encoding="utf-8",
    )
    upload(other, other_guard, "Daftar aparat dan BPD", sambas_file)
    save_batch(other, other_guard)
    sambas.close()

    # Rudi's recap held last year's start dates: he undoes his import, which Sambas's later one does not
    # block (another regency, other rows).
    page.goto(live_server.url + "/impor/")
    page.get_by_role("link", name="rekap-aparat-sanggau.xlsx").first.click()
    page.wait_for_url(re.compile(r".*/impor/\d+/$"))
    page.get_by_role("link", name="Batalkan impor ini").click()
    page.wait_for_url("**/batalkan/")
    assert "3 baris baru akan dihapus" in guard.check()
    page.get_by_role("button", name="Ya, batalkan impor").click()
    page.get_by_text("Impor dibatalkan").first.wait_for()
    assert "Impor ini dibatalkan pada" in guard.check()
    for (code, _name), person in zip(regency.villages, names, strict=True):
        page.goto(live_server.url + f"/wilayah/{code}/")
        assert person not in guard.check()


# 4. The province analyst, at 1366 x 768 -----------------------------------------------------------------


@pytest.fixture
def province(regions) -> str:
    analyst = make_user("analis", User.Role.PROVINCE_ANALYST, "61")
    for i, desa in enumerate(Region.objects.filter(kind=Region.Kind.DESA).order_by("code")[::150]):
        kades = make_position(desa, Office.KEPALA_DESA, date(2020, 1, 1), name=f"Kepala Desa {i}")
        if i % 3:
            enrol(kades.person, date(2020, 2, 1), date(2099, 12, 1))
    target_set(region_code="61", indicator="aparat", year=2030, value=100)
    return open_round("61", analyst)


def test_province_analyst_opens_a_round_reads_the_trend_and_exports_the_report(
    province, live_server, browser_page
):
    page = browser_page
    guard = start(page, live_server.url, "analis", DESKTOP)
    assert "/wilayah/61/" in page.url
    page.wait_for_selector("svg.trend-svg")  # drawn on the server (indicators' trend_svg)
    assert page.locator("svg.trend-svg").first.is_visible()
    text = guard.check()
    assert "Tren dan target" in text and "Cakupan aparat desa" in text
    dashboard_month = page.locator("select[name=periode]").input_value()

    page.get_by_role("link", name="Monev", exact=True).click()
    page.wait_for_url("**/monev/")
    page.get_by_role("link", name=province, exact=True).click()
    page.wait_for_url(re.compile(r".*/monev/\d+/$"))
    text = guard.check()
    assert "Kasus" in text and province in text

    page.goto(live_server.url + "/laporan/kemendagri/")
    assert "Laporan untuk Kemendagri" in guard.check()
    # The report says its figures are the dashboard's: it opens on the dashboard's month.
    assert page.locator("select[name=periode]").input_value() == dashboard_month
    report = download(page, lambda: page.get_by_role("button", name="Unduh XLSX").click())
    assert report[:2] == b"PK"
    assert load_workbook(BytesIO(report)).sheetnames


# 5. The viewer and the public: aggregates only ----------------------------------------------------------


@dataclass(frozen=True)
class Secrets:
    names: list[str]
    niks: list[str]
    person_pk: int


@pytest.fixture
def secrets(regions) -> Secrets:
    make_user("peninjau", User.Role.VIEWER, "61")
    desa = Region.objects.get(code=DESA)
    people = []
    for office, name in ((Office.KEPALA_DESA, "Rahmat Hidayat"), (Office.BPD_KETUA, "Maria Goreti")):
        people.append(make_position(desa, office, date(2021, 1, 4), name=name).person)
    enrol(people[0], date(2021, 2, 1), date(2099, 12, 1))
    snapshot_take(period=Month.of(timezone.localdate()).add(-1))
    return Secrets(names=[p.name for p in people], niks=[p.nik for p in people], person_pk=people[0].pk)


def test_viewer_and_public_see_aggregates_only(secrets, live_server, browser_page):
    page = browser_page
    base = live_server.url

    def no_person(text: str) -> None:
        assert NIK_LIKE.search(text) is None, f"{page.url} shows a NIK"
        for name in secrets.names:
            assert name not in text, f"{page.url} shows {name}"

    guard = start(page, base, "peninjau", DESKTOP)
    no_person(guard.check())
    for path in ("/wilayah/61.03/", "/wilayah/61.03.01/", f"/wilayah/{DESA}/"):
        page.goto(base + path)
        text = guard.check()
        assert "Aparat desa terlindungi" in text, (path, text)
        no_person(text)
    assert "daftar nama aparat dan BPD tidak ditampilkan" in text
    response = page.goto(base + f"/orang/{secrets.person_pk}/")
    assert response.status in (403, 404)
    text = page.locator("body").inner_text()
    assert "tidak mengizinkan" in text or "tidak ditemukan" in text.lower(), text
    no_person(text)
    guard.errors.clear()  # the refusal asked for above is the one resource error expected here

    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    for path in ("/publik/", "/publik/61.03/"):  # the public pages stop at the kabupaten
        page.goto(base + path)
        text = guard.check()
        assert "aparat" in text.lower(), (path, text)
        no_person(text)
    open_data = page.request.get(base + "/publik/data.csv")
    assert open_data.ok and "61.03" in open_data.text()
    no_person(open_data.text())
    response = page.goto(base + f"/orang/{secrets.person_pk}/")
    assert response.status in (403, 404) or "/masuk/" in page.url
    no_person(page.locator("body").inner_text())
    guard.errors.clear()
    guard.check()
