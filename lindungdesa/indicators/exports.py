"""XLSX of indicator lists (aggregates and desa names only: no personal data)."""

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from lindungdesa.lib.cells import xlsx_row

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="136F4A")
TITLE_FONT = Font(bold=True, size=13)


def write_sheet(
    ws, *, title: str | None, header: list[str], rows: list[list], widths: dict[int, int] | None = None
) -> None:
    """A title row (optional), a coloured header row with a filter, then the rows; frozen below the header.
    Every cell goes through lib/cells: names never become formulas."""
    if title:
        ws.append(xlsx_row(ws, [title]))
        ws.cell(row=1, column=1).font = TITLE_FONT
        ws.append([])
    ws.append(xlsx_row(ws, header))
    header_row = ws.max_row
    for i in range(1, len(header) + 1):
        cell = ws.cell(row=header_row, column=i)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    for row in rows:
        ws.append(xlsx_row(ws, row))
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    last = get_column_letter(max(len(header), 1))
    ws.auto_filter.ref = f"A{header_row}:{last}{max(ws.max_row, header_row)}"
    for i, name in enumerate(header, start=1):
        width = (widths or {}).get(i) or min(max(len(str(name)) + 2, 10), 40)
        ws.column_dimensions[get_column_letter(i)].width = width


def sheet_xlsx(
    *, sheet: str, title: str, header: list[str], rows: list[list], widths: dict[int, int] | None = None
) -> bytes:
    """A workbook of one sheet written by `write_sheet`."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    write_sheet(ws, title=title, header=header, rows=rows, widths=widths)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def worklist_xlsx(*, title: str, header: list[str], rows: list[list]) -> bytes:
    return sheet_xlsx(sheet="Daftar", title=title, header=header, rows=rows, widths={2: 28, 3: 22, 4: 26})
