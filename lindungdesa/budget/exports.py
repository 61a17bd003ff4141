"""Budget sheets: XLSX (line items per person and programme, or a row per desa) and PDF (a letter, A4).

Both are made from a `RegionBudget`, live or adopted, so a downloaded sheet shows exactly what the page
shows. NIK are masked unless the caller says the reader may see personal data.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from io import BytesIO

from django.template.loader import render_to_string
from lokal import terbilang
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from lindungdesa.lib.cells import xlsx_value
from lindungdesa.lib.months import day_label_id, month_label_id
from lindungdesa.lib.nik import nik_mask
from lindungdesa.officials.models import Office

from . import compute
from .models import group_label, source_label
from .selectors import RegionBudget, village_head

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_CONTENT_TYPE = "application/pdf"
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="136F4A")
_BOLD = Font(bold=True)
RUPIAH_FORMAT = "#,##0"
TEXT = "@"


RAB_UNIT = "OB"  # orang-bulan: a person's premium for one month, the unit Siskeudes RABs use for siltap


@dataclass(frozen=True)
class RabLine:
    """One line of a Siskeudes RAB (rincian anggaran biaya): volume × harga satuan = jumlah, exactly."""

    account: compute.Account
    description: str
    volume: int
    price: int
    unit: str = RAB_UNIT

    @property
    def amount(self) -> int:
        return self.volume * self.price


def rab_lines(budget: RegionBudget) -> list[RabLine]:
    """The APBDes part of a desa's budget as RAB lines: per account, office and monthly amount, the number
    of person-months (OB). The office, not its label: the kepala dusun of three dusun on one amount are one
    line. No names: the RAB is part of the APBDes, a public document. The lines add up to the APBDes total
    exactly (each is a rounded monthly amount × months, like the budget's lines). In the offices' order
    (kepala desa, sekretaris desa, kaur, kasi, kepala dusun, then BPD), as a desa lists them."""
    accounts = {account.code: account for account, _amount in budget.accounts()}
    volumes: dict[tuple[str, str, str, int], int] = defaultdict(int)
    for person in budget.budget.persons:
        months: dict[tuple[str, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
        programmes: dict[tuple[str, str], set[str]] = defaultdict(set)
        for line in person.lines:
            if line.source != compute.APBDES:
                continue
            # A line adopted before offices were kept, whose label named none (0005): by its label.
            key = (line.account, line.office or f"?{line.office_label}")
            programmes[key].add(line.programme)
            for month in range(line.first_month, line.last_month + 1):
                months[key][month] += line.monthly
        for (account, office), amounts in months.items():
            names = ", ".join(compute.programme_list(programmes[(account, office)]))
            for amount in amounts.values():
                volumes[(account, office, names, amount)] += 1
    lines = [
        (
            _OFFICE_ORDER.get(office, len(_OFFICE_ORDER)),
            RabLine(
                accounts.get(code) or compute.Account(code, "", "", ""),
                f"Iuran BPJS Ketenagakerjaan {names} {_office_text(office)}",
                volume,
                price,
            ),
        )
        for (code, office, names, price), volume in volumes.items()
    ]
    lines.sort(key=lambda o: (o[1].account.activity, o[1].account.code, o[0], o[1].description, o[1].price))
    return [line for _order, line in lines]


_OFFICE_ORDER = {office: index for index, office in enumerate(Office.values)}


def _office_text(office: str) -> str:
    return office[1:] if office.startswith("?") else str(Office(office).label)


def words(amount: int) -> str:
    """13104 → "Tiga belas ribu seratus empat rupiah"."""
    return terbilang(amount, currency=True, case="sentence")


def file_name(budget: RegionBudget, extension: str) -> str:
    stored = f"-ditetapkan-{budget.stored.pk}" if budget.stored else ""
    return f"anggaran-iuran-{budget.region.code}-{budget.year}-{budget.scenario.name}{stored}.{extension}"


# --- XLSX --------------------------------------------------------------------------------------------------


class _Sheet:
    """A write-only sheet (constant memory): numbers stay numbers, identifiers and names stay text (never a
    formula: lib/cells)."""

    def __init__(self, wb: Workbook, title: str, widths: list[int]) -> None:
        self.ws = wb.create_sheet(title[:31])
        for index, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(index)].width = width

    def _cell(self, value, *, header: bool = False, bold: bool = False) -> WriteOnlyCell:
        cell = xlsx_value(WriteOnlyCell(self.ws), value)
        if header:
            cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        elif bold:
            cell.font = _BOLD
        if isinstance(value, int) and not isinstance(value, bool):
            cell.number_format = RUPIAH_FORMAT
        elif isinstance(value, str):
            cell.number_format = TEXT
        return cell

    def header(self, values: list[str]) -> None:
        self.ws.append([self._cell(v, header=True) for v in values])

    def row(self, values: list, *, bold: bool = False) -> None:
        self.ws.append([self._cell(v, bold=bold) for v in values])


def _about(budget: RegionBudget) -> list[tuple[str, str]]:
    rows = [
        ("Wilayah", f"{budget.region.name} ({budget.region.code})"),
        ("Tahun anggaran", str(budget.year)),
        ("Skenario", budget.scenario.label),
        ("Keadaan data kepesertaan", f"akhir {month_label_id(budget.reference)}"),
    ]
    if budget.stored is not None:
        who = budget.stored.created_by.get_username() if budget.stored.created_by else "-"
        rows.append(("Ditetapkan", f"{day_label_id(budget.stored.created_at.date())} oleh {who}"))
    return rows


def _summary_sheet(wb: Workbook, budget: RegionBudget) -> None:
    sheet = _Sheet(wb, "Ringkasan", [34, 22, 70])
    for label, value in _about(budget):
        sheet.row([label, value])
    sheet.row([])
    total = budget.total
    sheet.header(["Sumber dana", "Jumlah (Rp)", "Terbilang"])
    for source in compute.SOURCES:
        amount = total.by_source[source]
        sheet.row([source_label(source), amount, words(amount)])
    sheet.row(["Jumlah", total.total, words(total.total)], bold=True)
    sheet.row([])
    sheet.header(["Program", "Jumlah (Rp)", ""])
    for programme in compute.PROGRAMMES:
        sheet.row([programme, total.by_programme[programme], ""])
    sheet.row(["Orang yang dianggarkan", total.persons, ""])
    if budget.budget.below_minimum:
        sheet.row(["Penghasilan di bawah siltap minimum", budget.budget.below_minimum, "orang"])
    sheet.row([])
    sheet.header(["Bagian APBDes menurut kode rekening (Siskeudes)", "Jumlah (Rp)", "Kegiatan"])
    for account, amount in budget.accounts():
        sheet.row([account.label, amount, f"{account.activity} {account.activity_name}"])
    sheet.row(["Jumlah APBDes", total.by_source[compute.APBDES], _outside_apbdes(budget)], bold=True)
    for setting, account in budget.bpd_accounts():
        sheet.row(["Rekening iuran BPD", account.label, _bpd_account_note(setting)])
    sheet.row([])
    sheet.header(["Dasar hukum", "", ""])
    for text in budget.legal_basis():
        sheet.row([text])


def budget_xlsx(budget: RegionBudget, *, personal: bool) -> bytes:
    """A desa: summary and line items per person and programme. Larger regions: summary and a row per desa."""
    wb = Workbook(write_only=True)
    _summary_sheet(wb, budget)
    if budget.region.level == 4:
        sheet = _Sheet(wb, "Rincian", [15, 24, 30, 20, 28, 12, 9, 14, 8, 14, 28, 11, 8, 14, 14, 60])
        sheet.header(
            [
                "kode_desa",
                "nama_desa",
                "nama",
                "nik",
                "jabatan",
                "kelompok",
                "kategori",
                "dasar_upah",
                "program",
                "bagian",
                "sumber_dana",
                "bulan",
                "jumlah_bulan",
                "iuran_per_bulan",
                "iuran_setahun",
                "catatan",
                "kode_kegiatan",
                "kode_rekening",
            ]
        )
        activities = {account.code: account.activity for account, _amount in budget.accounts()}
        for person in budget.budget.persons:
            note = " ".join(person.notes)
            for line in person.lines:
                sheet.row(
                    [
                        line.desa,
                        budget.region.name,
                        line.name,
                        (line.nik if personal else None) or nik_mask(line.nik),
                        line.office_label,
                        group_label(line.group),
                        line.category,
                        compute.rupiah(line.income),
                        line.programme,
                        compute.SHARE_LABELS[line.share],
                        source_label(line.source),
                        line.months_label,
                        line.months,
                        line.monthly,
                        line.amount,
                        note,
                        *(
                            (activities.get(line.account, ""), line.account)
                            if line.source == compute.APBDES
                            else ("", "")
                        ),
                    ]
                )
        _rab_sheet(wb, budget)
        return _save(wb)
    codes = [account.code for account, _amount in budget.accounts()]
    account_heads = [f"APBDES {code}" for code in codes]
    sheet = _Sheet(wb, "Per desa", [15, 26, 24, 9, 15, 15, 15, 15, 15, 15, 15, 16] + [16] * len(codes))
    sheet.header(
        ["kode_desa", "nama_desa", "kecamatan", "orang", "APBD", "APBDES", "PESERTA"]
        + list(compute.PROGRAMMES)
        + ["jumlah"]
        + account_heads
    )
    for code, name, district, totals in budget.desa_rows():
        sheet.row(_totals_row([code, name, district], totals, codes))
    sheet.row(_totals_row(["Jumlah", "", ""], budget.total, codes), bold=True)
    if budget.region.level < 3:
        sheet = _Sheet(wb, "Per wilayah", [12, 30, 9, 15, 15, 15, 15, 15, 15, 15, 16] + [16] * len(codes))
        sheet.header(
            ["kode", "wilayah", "orang", "APBD", "APBDES", "PESERTA"]
            + list(compute.PROGRAMMES)
            + ["jumlah"]
            + account_heads
        )
        for child, totals in budget.children:
            sheet.row(_totals_row([child.code, child.name], totals, codes))
        sheet.row(_totals_row(["Jumlah", ""], budget.total, codes), bold=True)
    return _save(wb)


def _totals_row(head: list, totals: compute.Totals, accounts: list[str]) -> list:
    return (
        head
        + [totals.persons]
        + [totals.by_source[s] for s in compute.SOURCES]
        + [totals.by_programme[p] for p in compute.PROGRAMMES]
        + [totals.total]
        + [totals.by_account.get(code, 0) for code in accounts]
    )


def _outside_apbdes(budget: RegionBudget) -> str:
    """What is not in the APBDes, and why: the APBD's part and the officials' own."""
    total = budget.total
    return (
        f"Tidak masuk APBDes: bagian APBD kabupaten {compute.fmt_rupiah(total.by_source['APBD'])} "
        f"(dibayar kabupaten) dan bagian peserta {compute.fmt_rupiah(total.by_source['PESERTA'])} "
        "(dipotong dari penghasilan)."
    )


def _bpd_account_note(setting: compute.Setting) -> str:
    where = "pengaturan kabupaten" if setting.regency else "bawaan Lindung Desa"
    return (
        f"kegiatan {setting.bpd_account.activity} {setting.bpd_account.activity_name}; kode tambahan daerah "
        f"(bagan akun Permendagri 20/2018 tidak memuat rekening jaminan sosial BPD), {where}."
    )


def _rab_sheet(wb: Workbook, budget: RegionBudget) -> None:
    """The APBDes part in the row layout of a Siskeudes RAB: activity, account, then its lines."""
    sheet = _Sheet(wb, "RAB Siskeudes", [14, 62, 9, 8, 15, 16])
    title = f"RAB iuran BPJS Ketenagakerjaan {budget.region.name}, tahun anggaran {budget.year}"
    sheet.row([title], bold=True)
    sheet.row(
        [
            "Sumber dana: APBDes selain Dana Desa. Baris rincian (kode rekening sampai jumlah) dapat "
            "disalin ke RAB kegiatannya di Siskeudes. OB = orang-bulan."
        ]
    )
    sheet.row([])
    sheet.header(["Kode Rekening", "Uraian", "Volume", "Satuan", "Harga Satuan", "Jumlah"])
    lines = rab_lines(budget)
    by_activity: dict[str, list[RabLine]] = defaultdict(list)
    for line in lines:
        by_activity[line.account.activity].append(line)
    for activity, activity_lines in by_activity.items():
        first = activity_lines[0].account
        sheet.row(
            [activity, first.activity_name, "", "", "", sum(r.amount for r in activity_lines)], bold=True
        )
        by_account: dict[str, list[RabLine]] = defaultdict(list)
        for line in activity_lines:
            by_account[line.account.code].append(line)
        for code, account_lines in by_account.items():
            account = account_lines[0].account
            sheet.row([code, account.name, "", "", "", sum(r.amount for r in account_lines)], bold=True)
            for line in account_lines:
                sheet.row([code, line.description, line.volume, line.unit, line.price, line.amount])
    if not lines:
        sheet.row(["", "Tidak ada bagian APBDes dalam skenario ini.", "", "", "", 0])
    sheet.row(["", "Jumlah", "", "", "", sum(r.amount for r in lines)], bold=True)
    sheet.row([])
    sheet.row(["", _outside_apbdes(budget)])


def _save(wb: Workbook) -> bytes:
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- PDF ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonRow:
    number: int
    name: str
    nik: str
    office: str
    category: str
    programmes: str
    income: int
    months: int
    monthly: str
    amount: int
    sources: list[str]
    notes: list[str]


def _monthly_text(person: compute.PersonYear) -> str:
    by_month: dict[int, int] = {}
    for line in person.lines:
        for month in range(line.first_month, line.last_month + 1):
            by_month[month] = by_month.get(month, 0) + line.monthly
    values = sorted(set(by_month.values()))
    if len(values) == 1:
        return compute.fmt_rupiah(values[0])
    return f"{compute.fmt_rupiah(values[0])} – {compute.fmt_rupiah(values[-1])}"


def person_rows(budget: RegionBudget) -> list[PersonRow]:
    rows = []
    for number, person in enumerate(budget.budget.persons, start=1):
        first = person.first_line
        accounts = sorted({line.account for line in person.lines if line.source == compute.APBDES})
        sources = [
            f"{source_label(s).split(' ')[0]}"
            + (f" {', '.join(accounts)}" if s == compute.APBDES and accounts else "")
            + f" {compute.fmt_rupiah(person.amount_by_source(s))}"
            for s in compute.SOURCES
            if person.amount_by_source(s)
        ]
        rows.append(
            PersonRow(
                number=number,
                name=person.name,
                nik=person.nik or "",
                office=first.office_label,
                category=first.category,
                programmes=", ".join(person.programmes),
                income=compute.rupiah(first.income),
                months=person.months,
                monthly=_monthly_text(person),
                amount=person.amount,
                sources=sources,
                notes=person.notes,
            )
        )
    return rows


def _context(budget: RegionBudget, today: date) -> dict:
    region = budget.region
    ancestors = {r.level: r for r in region.ancestors()}
    total = budget.total
    return {
        "budget": budget,
        "region": region,
        "regency": ancestors.get(2),
        "district": ancestors.get(3),
        "province": ancestors.get(1),
        "total": total,
        "total_words": words(total.total),
        "sources": [
            (source_label(s), total.by_source[s], words(total.by_source[s])) for s in compute.SOURCES
        ],
        "programmes": [(p, total.by_programme[p]) for p in compute.PROGRAMMES],
        "accounts": budget.accounts(),
        "apbdes": total.by_source[compute.APBDES],
        "outside_apbdes": _outside_apbdes(budget),
        "bpd_accounts": [(account, _bpd_account_note(s)) for s, account in budget.bpd_accounts()],
        "rab": rab_lines(budget) if region.level == 4 else [],
        "legal_basis": budget.legal_basis(),
        "today": day_label_id(today),
        "reference": month_label_id(budget.reference),
        "stored_on": day_label_id(budget.stored.created_at.date()) if budget.stored else "",
        "persons": person_rows(budget) if region.level == 4 else [],
        "notes": [(p.name, n) for p in budget.budget.persons for n in p.notes],
        "head": village_head(region, today) if region.level == 4 else ("", ""),
        "desa_rows": budget.desa_rows() if region.level in (2, 3) else [],
        "children": budget.children if region.level == 1 else [],
    }


def budget_pdf(budget: RegionBudget, *, today: date) -> bytes:
    """A desa: the budget sheet for its APBDes, as a letter. Larger regions: the APBD summary per desa (or,
    for a province, per regency)."""
    from weasyprint import CSS, HTML  # imported here: loading Pango costs time the pages do not need

    template = "budget/pdf/desa.html" if budget.region.level == 4 else "budget/pdf/region.html"
    html = render_to_string(template, _context(budget, today))
    css = CSS(string=render_to_string("budget/pdf/sheet.css"))
    return HTML(string=html).write_pdf(stylesheets=[css])
