"""Files as they are found (CSV, XLSX, XLSB, ODS, old XLS, OpenSID's HTML "xls") read into one plain Table.

The format is recognised by content, never by name; `read_table` returns a Table or raises UnreadableFile
with a message for the user, and what reading may cost is bounded by `lib/readlimits.py`. Each reader gives
its rows to `_keep`, which stores those with data compactly in `Rows`; `_finish` finds the header. Cells keep
their type: a NIK that went through a number cell stays a number, to be recognised as damaged.
"""

import bisect
import codecs
import contextlib
import csv
import datetime
import functools
import io
import itertools
import logging
import os
import re
import zipfile
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser

from .readlimits import (
    CSV_RECORD_MAX_CHARS,
    LimitExceeded,
    ReadLimits,
    beyond_columns,
    check_member_count,
    check_zip_contents,
    check_zip_directory,
    grouped,
    run_with_memory_limit,
    too_many_cells,
    too_many_rows,
)

logger = logging.getLogger(__name__)

Cell = str | int | float | bool | datetime.date | datetime.datetime | None
HeaderHint = Callable[[list[str]], int]

HEADER_SCAN_ROWS = 30  # rows searched for the header: title rows above it are common
# Above this much worksheet XML an XLSX is streamed by openpyxl: python-calamine holds each sheet whole.
CALAMINE_MAX_XML_BYTES = 32 * 1024 * 1024


class UnreadableFile(Exception):
    """The file cannot be read as a table at all; the message is Indonesian and shown to the user as is."""


_SAVE_AS = "Simpan data sebagai .xlsx atau .csv, lalu unggah ulang."


class Rows(Sequence[tuple[int, list[Cell]]]):
    """The data rows of a Table, read like a list of (row number, cells), cells aligned to the headers.

    A row of text only (all of CSV and HTML) is stored as one string, its cells joined by `_SEP`: a million
    rows take a few hundred megabytes, not gigabytes. Other rows are stored as tuples."""

    _SEP = "\x1f"  # ASCII unit separator; a row whose text contains it is stored as a tuple instead

    def __init__(self, width: int = 0) -> None:
        self._numbers = array("q")
        self._rows: list[str | tuple[Cell, ...]] = []
        self.width = width  # 0 while a sheet is being read: cells as stored

    def _cells(self, stored: str | tuple[Cell, ...]) -> list[Cell]:
        cells = [c or None for c in stored.split(self._SEP)] if type(stored) is str else list(stored)
        cells.extend([None] * (self.width - len(cells)))
        return cells

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, index):  # an int gives (number, cells), a slice a Rows
        if isinstance(index, slice):
            part = Rows(self.width)
            part._numbers, part._rows = self._numbers[index], self._rows[index]
            return part
        return self._numbers[index], self._cells(self._rows[index])

    def __iter__(self) -> Iterator[tuple[int, list[Cell]]]:
        return zip(self._numbers, map(self._cells, self._rows), strict=True)

    def widest(self) -> int:
        """The most cells a row holds (`_keep` drops the empty cells at a row's end)."""
        return max((len(s) if type(s) is tuple else s.count(self._SEP) + 1 for s in self._rows), default=0)

    def numbers(self, start: int, stop: int) -> list[int]:
        """The row numbers of rows[start:stop], without building their cells."""
        return self._numbers[start:stop].tolist()


@dataclass
class Table:
    source: str  # file name, and sheet name when there is one: "roster.xlsx [Sheet1]"
    header_row: int  # 1-based row number of the header as the user sees it in the file
    headers: list[str]  # header cells as text (merged header cells filled), "" for empty
    rows: Rows  # (row number the user sees, cells aligned to headers); blank rows dropped
    kind: str  # "csv" | "xlsx" | "xls" | "xlsb" | "ods" | "opensid-html"


def read_table(
    data: bytes, filename: str, *, header_hint: HeaderHint, limits: ReadLimits | None = None
) -> Table:
    """The one table in `data`. `header_hint(cells)` scores how much a row looks like the header
    (headers.header_score): it chooses the header row and, in a workbook, the sheet."""
    name = os.path.basename(filename or "") or "file"
    limits = limits or ReadLimits.from_settings()
    try:
        return _read(data if isinstance(data, bytes) else bytes(data), name, header_hint, limits)
    except (UnreadableFile, KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except LimitExceeded as exc:
        raise UnreadableFile(exc.for_file(name)) from None
    except MemoryError:
        raise UnreadableFile("File terlalu besar untuk dibaca. Pecah menjadi beberapa file.") from None
    except BaseException as exc:  # python-calamine can raise pyo3's PanicException, a BaseException
        logger.warning("Unreadable file %r: %s: %s", name, type(exc).__name__, exc, exc_info=True)
        raise UnreadableFile(f"File {name} tidak dapat dibaca sebagai tabel. {_SAVE_AS}") from exc


def _read(data: bytes, name: str, hint: HeaderHint, limits: ReadLimits) -> Table:
    if not data.strip():
        raise UnreadableFile("File kosong.")
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _read_zip(data, name, hint, limits)
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        # An OLE2 container: an old .xls, or an encrypted .xlsx (Excel wraps those in OLE2 too).
        if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00i\x00o\x00n\x00I\x00n\x00f\x00o" in data[: 1 << 20]:
            raise UnreadableFile(
                f"File {name} dilindungi kata sandi. Buka di Excel, hapus kata sandinya, lalu simpan ulang "
                "sebagai .xlsx."
            )
        return run_with_memory_limit(lambda: _read_calamine(data, name, hint, "xls", limits), limits)
    if data.startswith(b"%PDF"):
        raise UnreadableFile(f"File PDF tidak dapat dibaca sebagai tabel. {_SAVE_AS}")
    if data.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"Rar!", b"\x1f\x8b", b"7z\xbc\xaf")):
        raise UnreadableFile(f"File ini bukan tabel (gambar atau arsip). {_SAVE_AS}")
    encoding = _text_encoding(data)
    head = data[:65536].decode(encoding, errors="ignore").lstrip("\ufeff \t\r\n")
    if head[:1] == "<":
        lowered = head[:4096].lower()
        if "urn:schemas-microsoft-com:office:spreadsheet" in lowered and "<table" not in lowered:
            raise UnreadableFile(f"Format XML Spreadsheet 2003 belum didukung. {_SAVE_AS}")
        if re.search(r"<(?:!doctype\s+html|html|table|head|body|meta|style|div|\?xml)", lowered):
            return _read_html(data, name, hint, encoding, limits)
    return _read_csv(data, name, hint, encoding, limits)


# Shared by the readers: keeping a sheet's rows, choosing the header.
def _keep(numbered: Iterable[tuple[int, list[Cell]]], limits: ReadLimits) -> Rows:
    """The rows with data, less their empty cells at the end; data past the column limit refuses the file."""
    rows = Rows()
    sep, numbers, kept = Rows._SEP, rows._numbers, rows._rows
    for number, cells in numbered:
        if len(cells) > limits.columns:
            beyond = next((i for i in range(limits.columns, len(cells)) if _header_text(cells[i])), None)
            if beyond is not None:
                raise beyond_columns(number, beyond + 1, limits.columns)
            del cells[limits.columns :]
        while cells and cells[-1] in (None, ""):
            cells.pop()
        try:
            joined = sep.join(cells)  # type: ignore[arg-type]
        except TypeError:  # not text only (never blank: `_calamine_cell`), kept as a tuple
            joined = tuple(cells)
        else:
            if not joined.strip():  # the separator counts as white space too
                continue
            if joined.count(sep) != len(cells) - 1:  # a cell holds the separator
                joined = tuple(c or None for c in cells)
        numbers.append(number)
        kept.append(joined)
        if len(kept) > limits.rows:
            raise too_many_rows(limits.rows)
    return rows


def _fill_merged(rows: Rows, merged: Iterable[tuple[int, int, int, int]], limits: ReadLimits) -> Rows:
    """Each merged range (row number, column index, last row number, last column index) shows its top-left
    value in every cell it covers, in the rows kept."""
    filled = 0
    for r1, c1, r2, c2 in merged:
        start = bisect.bisect_left(rows._numbers, r1)
        top = rows[start][1] if start < len(rows) and rows._numbers[start] == r1 else []
        if c1 >= len(top) or top[c1] is None:  # `_keep` cut the rows to the column limit
            continue
        last, stop = min(c2, limits.columns - 1), bisect.bisect_right(rows._numbers, r2)
        filled += (stop - start) * (last + 1)  # counted before: the rows become this wide
        if filled > limits.cells:
            raise too_many_cells(limits.cells)
        for index in range(start, stop):
            cells = rows[index][1]
            cells.extend([None] * (last + 1 - len(cells)))
            cells[c1 : last + 1] = [top[c1]] * (last + 1 - c1)
            rows._rows[index] = tuple(cells)
    return rows


def cell_text(cell: Cell) -> str:
    """A cell as text, as a header or a rejected row shows it."""
    if cell is None:
        return ""
    if isinstance(cell, datetime.datetime | datetime.date):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer() and abs(cell) < 1e15:
        return str(int(cell))
    return str(cell)


def _header_text(cell: Cell) -> str:
    return " ".join(cell.split()) if isinstance(cell, str) else cell_text(cell)


def _best_header(rows: Iterable[tuple[int, list[Cell]]], hint: HeaderHint) -> tuple[int, int]:
    """(index among the first rows, score) of the row that looks most like a header; ties go to the top."""
    best, best_score = 0, -1
    for index, (_, cells) in enumerate(itertools.islice(rows, HEADER_SCAN_ROWS)):
        score = hint([_header_text(c) for c in cells])
        if score > best_score:
            best, best_score = index, score
    return best, max(best_score, 0)


def _is_numbering_row(cells: list[Cell]) -> bool:
    """The "1 2 3 ... n" row that government forms put under the header to number the columns."""
    texts = [text for text in map(_header_text, cells) if text]
    return len(texts) >= 3 and texts == [str(i) for i in range(1, len(texts) + 1)]


def _two_row_header(upper: list[Cell], lower: list[Cell]) -> list[str] | None:
    """A two-row header's columns, the lower text before the upper ("Nomor" under "SK": "Nomor SK"); None
    when the lower row holds what a header does not (a number, a date, a text with digits: a NIK, a day)."""
    if any(c is not None and (not isinstance(c, str) or sum(map(str.isdigit, c)) >= 4) for c in lower):
        return None
    texts = itertools.zip_longest(map(_header_text, upper), map(_header_text, lower), fillvalue="")
    return [f"{sub} {top}".strip() if sub and sub != top else top or sub for top, sub in texts]


def _finish(source: str, kind: str, rows: Rows, hint: HeaderHint) -> Table:
    """A sheet's kept rows as a Table: the header chosen, the rows after it as wide as it or their widest."""
    if not len(rows):
        raise UnreadableFile(f"Tidak ada data dalam {source}.")
    index, score = _best_header(rows, hint)
    headers = [_header_text(c) for c in rows[index][1]]
    start = index + 1
    # A header of two rows ("Masa Jabatan" over "Mulai | Akhir") is read as one when that names more fields.
    for top in (index - 1, index):
        if 0 <= top and top + 1 < len(rows):
            both = _two_row_header(rows[top][1], rows[top + 1][1])
            if both is not None and (both_score := hint(both)) > score:
                headers, score, index, start = both, both_score, top, top + 2
    if start < len(rows) and _is_numbering_row(rows[start][1]):
        start += 1
    while headers and not headers[-1]:
        headers.pop()
    data = rows[start:]
    data.width = max(len(headers), data.widest())
    headers.extend([""] * (data.width - len(headers)))
    return Table(source=source, header_row=rows._numbers[index], headers=headers, rows=data, kind=kind)


def _best_sheet(
    name: str, sheets: list[tuple[str, bool]], head: Callable[[str], Rows], hint: HeaderHint
) -> str:
    """The sheet whose first rows look most like a header: a visible one, a hidden one if none has data."""
    for visible in (True, False):
        scored = [
            (_best_header(rows, hint)[1], -order, title)
            for order, (title, shown) in enumerate(sheets)
            if shown == visible and len(rows := head(title))
        ]
        if scored:
            return max(scored)[2]
    raise UnreadableFile(f"Tidak ada data dalam {name}.")


# CSV
def _text_encoding(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"  # Excel's "Unicode Text": tab-separated UTF-16
    head = data[:1024]
    if len(head) >= 8 and head[1::2].count(0) > len(head) * 0.45 and head[0::2].count(0) < len(head) * 0.05:
        return "utf-16-le"
    for encoding in ("utf-8", "cp1252"):
        with contextlib.suppress(UnicodeDecodeError):
            data.decode(encoding)
            return encoding
    return "latin-1"  # cp1252 leaves five bytes undefined; latin-1 reads every byte


def _choose_delimiter(sample: str, hint: HeaderHint) -> str:
    """The delimiter under which a row reads best as a header, then under which rows agree in width."""
    lines = sample.splitlines(keepends=True)
    lines = lines[:-1] if len(lines) > 1 else lines  # the sample may end in the middle of a record
    keys = []
    for order, delimiter in enumerate((",", ";", "\t", "|")):
        try:
            records = list(itertools.islice(csv.reader(lines, delimiter=delimiter), 200))
        except csv.Error:
            continue
        records = [r for r in records if any(c.strip() for c in r)]
        if records:
            widths = [len(r) for r in records]
            modal = max(set(widths), key=widths.count)
            agreeing = widths.count(modal) if modal > 1 else 0
            _, score = _best_header([(0, r) for r in records], hint)
            keys.append((score, agreeing, modal, -order, delimiter))
    return max(keys)[-1] if keys else ","


def _read_csv(data: bytes, name: str, hint: HeaderHint, encoding: str, limits: ReadLimits) -> Table:
    sample = data[:262144].decode(encoding, errors="ignore")
    controls = sum(1 for ch in sample[:8192] if ord(ch) < 32 and ch not in "\t\r\n\f\v")
    if "\x00" in sample or controls > max(8, len(sample[:8192]) // 50):
        raise UnreadableFile(f"File {name} bukan tabel yang dikenal (CSV, XLSX atau XLS). {_SAVE_AS}")
    stream = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, errors="replace", newline="")
    first = sample.lstrip("\ufeff")
    if match := re.match(r"sep=(.)\r?\n", first):  # Excel's hint line, not shown as a row in Excel
        delimiter = match[1]
        stream.readline()
    else:
        delimiter = _choose_delimiter(first, hint)
    return _finish(name, "csv", _keep(_csv_records(stream, delimiter, name), limits), hint)


def _csv_records(stream: io.TextIOWrapper, delimiter: str, name: str) -> Iterator[tuple[int, list[str]]]:
    """(number, cells) of each record. A record longer than CSV_RECORD_MAX_CHARS is refused as it is fed to
    the csv module, which builds a record's cells in memory before any could be counted."""
    fed = 0  # characters given to the csv module since its last record

    def lines() -> Iterator[str]:
        nonlocal fed
        readline, most = stream.readline, CSV_RECORD_MAX_CHARS
        while line := readline(most + 1):
            fed += len(line)
            if fed > most:
                raise csv.Error("record limit")
            yield line

    number = 0
    try:
        for number, record in enumerate(csv.reader(lines(), delimiter=delimiter), 1):
            fed = 0
            yield number, record
    except csv.Error as exc:  # fed whole lines (`newline=""`), the csv module only complains of a long cell
        where = f"Baris {grouped(number + 1)} berkas {name}"
        if "record limit" in str(exc):
            where += f" lebih panjang dari {grouped(CSV_RECORD_MAX_CHARS)} karakter, batas satu baris CSV"
        elif "field limit" in str(exc):
            most = grouped(csv.field_size_limit())
            where += f": satu sel lebih panjang dari {most} karakter, batas satu sel CSV"
        else:
            raise
        fix = 'Biasanya ada tanda kutip (") yang dibuka tetapi tidak ditutup; perbaiki, lalu unggah ulang.'
        raise UnreadableFile(f"{where}. {fix}") from None


# Workbooks: XLSX (and XLSB, ODS, old XLS through python-calamine).
def _read_zip(data: bytes, name: str, hint: HeaderHint, limits: ReadLimits) -> Table:
    check_member_count(data)  # before zipfile builds an object for every entry
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise UnreadableFile(f"File {name} rusak atau tidak lengkap. {_SAVE_AS}") from None
    check_zip_directory(archive, limits)
    kind = "xlsx" if "xl/workbook.xml" in names else "xlsb" if "xl/workbook.bin" in names else None
    if kind is None and "mimetype" in names:
        with archive.open("mimetype") as stream:
            kind = "ods" if b"opendocument.spreadsheet" in stream.read(200) else None
    if kind is None:
        if "word/document.xml" in names:
            raise UnreadableFile(f"File {name} adalah dokumen Word, bukan tabel. {_SAVE_AS}")
        raise UnreadableFile(f"File {name} adalah arsip ZIP, bukan file Excel. {_SAVE_AS}")
    # python-calamine and openpyxl unpack the archive themselves, without a limit: each member is first
    # unpacked once, into nothing, to check that it holds no more than the directory says.
    check_zip_contents(data, archive, limits)
    sheet_xml = sum(i.file_size for i in archive.infolist() if i.filename.startswith("xl/worksheets/"))
    if kind == "xlsx" and sheet_xml > CALAMINE_MAX_XML_BYTES:
        return _read_openpyxl(data, name, hint, limits)
    return run_with_memory_limit(lambda: _read_calamine(data, name, hint, kind, limits), limits)


def _calamine_cell(value: object) -> Cell:
    """A cell's value as the readers give it: white space only is empty (python-calamine itself drops it,
    unless the file marks it to be kept), a whole number is an int, a time or a duration is text."""
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if value is None or isinstance(value, int | float | datetime.date):  # bool is an int, datetime a date
        return value
    return value.isoformat() if isinstance(value, datetime.time) else str(value)


def _read_calamine(data: bytes, name: str, hint: HeaderHint, kind: str, limits: ReadLimits) -> Table:
    """Run by `run_with_memory_limit`: python-calamine holds each sheet whole in native memory."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException as exc:
        if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise UnreadableFile(
                f"File {name} dilindungi kata sandi. Buka di Excel, hapus kata sandinya, lalu simpan ulang."
            ) from None
        if kind == "xls":
            raise UnreadableFile(
                f"File Excel lama (.xls) {name} tidak dapat dibaca. Buka di Excel lalu simpan sebagai .xlsx "
                "atau .csv, kemudian unggah ulang."
            ) from None
        raise UnreadableFile(f"File {name} rusak atau tidak dapat dibaca. {_SAVE_AS}") from None

    @functools.cache  # each sheet read whole, once
    def rows_of(sheet_name: str) -> Rows:
        try:
            sheet = workbook.get_sheet_by_name(sheet_name)
            if sheet.height * sheet.width > limits.cells:
                raise too_many_cells(limits.cells)
            grid = sheet.to_python(skip_empty_area=False)
            rows = _keep(((n, [_calamine_cell(v) for v in row]) for n, row in enumerate(grid, 1)), limits)
            merged = [(r1 + 1, c1, r2 + 1, c2) for (r1, c1), (r2, c2) in sheet.merged_cell_ranges or []]
            return _fill_merged(rows, merged, limits)
        except (KeyboardInterrupt, SystemExit, MemoryError, LimitExceeded):
            raise
        except BaseException:
            logger.info("Sheet %r of %r unreadable", sheet_name, name, exc_info=True)
            return Rows()

    sheets = [
        (m.name, m.visible == SheetVisibleEnum.Visible)
        for m in workbook.sheets_metadata
        if m.typ == SheetTypeEnum.WorkSheet
    ]
    sheet_name = _best_sheet(name, sheets, rows_of, hint)
    return _finish(f"{name} [{sheet_name}]", kind, rows_of(sheet_name), hint)


def _read_openpyxl(data: bytes, name: str, hint: HeaderHint, limits: ReadLimits) -> Table:
    """A workbook too large for python-calamine, streamed by openpyxl's read-only sheet parser (formulas as
    their cached values), which collects a sheet's merged ranges on its way: they come after the cells."""
    from openpyxl import load_workbook
    from openpyxl.worksheet._reader import WorkSheetParser

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)

    def rows_of(title: str, most: int | None = None) -> Rows:
        with (sheet := book[title])._get_source() as source:  # as ReadOnlyWorksheet's `_cells_by_row`
            parser = WorkSheetParser(  # data_only, then the workbook's epoch and date and time formats
                source, sheet._shared_strings, True, book.epoch, book._date_formats, book._timedelta_formats
            )
            rows = _keep(itertools.islice(_openpyxl_rows(parser), most), limits)
        found = parser.merged_cells  # only when the sheet was read to its end
        ranges = [merged.bounds for merged in (found.mergeCell if found else [])]
        return _fill_merged(rows, [(r1, c1 - 1, r2, c2 - 1) for c1, r1, c2, r2 in ranges], limits)

    visible = [(sheet.title, sheet.sheet_state == "visible") for sheet in book.worksheets]
    title = _best_sheet(name, visible, lambda title: rows_of(title, HEADER_SCAN_ROWS), hint)
    return _finish(f"{name} [{title}]", "xlsx", rows_of(title), hint)


def _openpyxl_rows(parser) -> Iterator[tuple[int, list[Cell]]]:
    """The rows with a value, each cell as python-calamine gives it (a date at midnight is a date)."""
    for number, parsed in parser.parse():
        cells: list[Cell] = []
        for cell in parsed:
            value = cell["value"]
            is_day = type(value) is datetime.datetime and value.time() == datetime.time()
            value = value.date() if is_day else _calamine_cell(value)
            if value is not None:
                column = cell["column"] - 1
                cells.extend([None] * (column + 1 - len(cells)))
                cells[column] = value
        if cells:
            yield number, cells


# HTML tables (OpenSID's "xls" downloads).
@dataclass
class _OpenTable:
    rows: list[list[str]] = field(default_factory=list)
    row: list[str] | None = None  # the row being read
    cell: tuple[list[str], int, int] | None = None  # the cell being read: its text, colspan, rowspan
    spans: dict[int, tuple[int, str]] = field(default_factory=dict)  # column: (last row it takes, text)


class _HtmlTables(HTMLParser):
    """Every <table>'s rows; the text of a nested table stays in that table. Rows and cells are counted as
    they are kept: spans fill many cells from one."""

    def __init__(self, limits: ReadLimits) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []  # in the order they begin
        self._open: list[_OpenTable] = []  # innermost last
        self._rows = self._cells = 0
        self._limits = limits

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._open.append(_OpenTable())
            self.tables.append(self._open[-1].rows)
        elif not self._open:
            return
        elif tag == "tr":
            self._end_row(self._open[-1])
            self._open[-1].row = []
        elif tag in ("td", "th"):
            table = self._open[-1]
            self._end_cell(table)
            table.row = table.row or []  # a cell outside any <tr> begins a row
            spans = dict(attrs)
            colspan = _span(spans.get("colspan"), self._limits.columns)
            table.cell = ([], colspan, _span(spans.get("rowspan"), self._limits.rows))
        elif tag in ("br", "p", "div", "li") and self._open[-1].cell is not None:
            self._open[-1].cell[0].append(" ")

    def handle_endtag(self, tag: str) -> None:
        if self._open and tag in ("td", "th"):
            self._end_cell(self._open[-1])
        elif self._open and tag in ("tr", "table"):
            self._end_row(self._open.pop() if tag == "table" else self._open[-1])

    def handle_data(self, data: str) -> None:
        if self._open and self._open[-1].cell is not None:
            self._open[-1].cell[0].append(data)

    def _end_cell(self, table: _OpenTable) -> None:
        if table.cell is None:
            return
        (parts, colspan, rowspan), table.cell, row = table.cell, None, table.row
        text = " ".join("".join(parts).replace("\xa0", " ").split())
        for _ in range(colspan):
            while len(row) in table.spans:  # columns taken by a rowspan from above
                row.append(table.spans[len(row)][1])
            if len(row) >= self._limits.columns:
                if text:
                    raise beyond_columns(len(table.rows) + 1, len(row) + 1, self._limits.columns)
                break
            if rowspan > 1:
                table.spans[len(row)] = (len(table.rows) + rowspan - 1, text)
            row.append(text)

    def _end_row(self, table: _OpenTable) -> None:
        self._end_cell(table)
        if table.row is None:
            return
        row, table.row = table.row, None
        # Columns still taken by rowspans from above, to the last of them (once a row, not once a cell).
        for column in range(len(row), max(table.spans, default=-1) + 1):
            row.append(table.spans[column][1] if column in table.spans else "")
        table.spans = {column: span for column, span in table.spans.items() if span[0] > len(table.rows)}
        self._rows += 1
        self._cells += len(row)
        if self._rows > self._limits.rows:
            raise too_many_rows(self._limits.rows)
        if self._cells > self._limits.cells:
            raise too_many_cells(self._limits.cells)
        table.rows.append(row)


def _span(value: str | None, most: int) -> int:
    try:  # not contextlib.suppress: this runs twice a cell, and most cells have no span to read
        return max(1, min(int(str(value).strip()), most))
    except ValueError:
        return 1


def html_tables(text: str, limits: ReadLimits) -> list[list[list[str]]]:
    """The rows of every table of an HTML page, tables in the order they begin, spanned cells filled in."""
    parser = _HtmlTables(limits)
    parser.feed(text)
    parser.close()
    while parser._open:  # tables left open at the end of the page
        parser.handle_endtag("table")
    return parser.tables


def _read_html(data: bytes, name: str, hint: HeaderHint, encoding: str, limits: ReadLimits) -> Table:
    found = re.search(rb"<meta[^>]+charset\s*=\s*[\"']?([\w.:-]+)", data[:4096], re.IGNORECASE)
    if found and not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        with contextlib.suppress(LookupError):
            encoding = codecs.lookup(found[1].decode("ascii")).name
    tables = html_tables(data.decode(encoding, errors="replace"), limits)
    kept = {str(order): _keep(enumerate(rows, 1), limits) for order, rows in enumerate(tables)}
    if not any(kept.values()):
        raise UnreadableFile(f"File {name} berupa halaman HTML tanpa tabel data. {_SAVE_AS}")
    best = _best_sheet(name, [(order, True) for order in kept], kept.__getitem__, hint)
    return _finish(name, "opensid-html", kept[best], hint)
