"""Budget sheets: XLSX (line items per person and programme, or a row per desa) and PDF (a letter, A4).

Both are made from a `RegionBudget`, live or adopted, so a downloaded sheet shows exactly what the page
shows. NIK are masked unless the caller says the reader may see personal data.
"""

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
from lindungdesa.officials.models import Group

from . import compute
from .models import Source
from .selectors import RegionBudget, village_head

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_CONTENT_TYPE = "application/pdf"
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="136F4A")
_BOLD = Font(bold=True)
RUPIAH_FORMAT = "#,##0"
TEXT = "@"


def source_label(source: str) -> str:
    """ "APBD" → "APBD kabupaten": the label of the models' choices (`Source`)."""
    return str(dict(Source.choices).get(source, source))


def group_label(group: str) -> str:
    """ "APARAT" → "Aparat desa": the label of the models' choices (`Group`)."""
    return str(dict(Group.choices).get(group, group))


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
            ]
        )
        for person in budget.budget.persons:
            note = " ".join(person.notes)
            for line in person.lines:
                sheet.row(
                    [
                        line.desa,
                        budget.region.name,
                        line.name,
                        line.nik if personal else nik_mask(line.nik),
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
                    ]
                )
        return _save(wb)
    sheet = _Sheet(wb, "Per desa", [15, 26, 24, 9, 15, 15, 15, 15, 15, 15, 15, 16])
    sheet.header(
        ["kode_desa", "nama_desa", "kecamatan", "orang", "APBD", "APBDES", "PESERTA"]
        + list(compute.PROGRAMMES)
        + ["jumlah"]
    )
    for code, name, district, totals in budget.desa_rows():
        sheet.row(_totals_row([code, name, district], totals))
    sheet.row(_totals_row(["Jumlah", "", ""], budget.total), bold=True)
    if budget.region.level < 3:
        sheet = _Sheet(wb, "Per wilayah", [12, 30, 9, 15, 15, 15, 15, 15, 15, 15, 16])
        sheet.header(
            ["kode", "wilayah", "orang", "APBD", "APBDES", "PESERTA"] + list(compute.PROGRAMMES) + ["jumlah"]
        )
        for child, totals in budget.children:
            sheet.row(_totals_row([child.code, child.name], totals))
        sheet.row(_totals_row(["Jumlah", ""], budget.total), bold=True)
    return _save(wb)


def _totals_row(head: list, totals: compute.Totals) -> list:
    return (
        head
        + [totals.persons]
        + [totals.by_source[s] for s in compute.SOURCES]
        + [totals.by_programme[p] for p in compute.PROGRAMMES]
        + [totals.total]
    )


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
        sources = [
            f"{source_label(s).split(' ')[0]} {compute.fmt_rupiah(person.amount_by_source(s))}"
            for s in compute.SOURCES
            if person.amount_by_source(s)
        ]
        rows.append(
            PersonRow(
                number=number,
                name=person.name,
                nik=person.nik,
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
        "legal_basis": budget.legal_basis(),
        "today": day_label_id(today),
        "reference": month_label_id(budget.reference),
        "stored_on": day_label_id(budget.stored.created_at.date()) if budget.stored else "",
        "persons": person_rows(budget) if region.level == 4 else [],
        "notes": [(p.name, n) for p in budget.budget.persons for n in p.notes],
        "head": village_head(region, today) if region.level == 4 else "",
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
