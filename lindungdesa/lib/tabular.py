"""Files as they are found: CSV, XLSX, old XLS and OpenSID's HTML "xls", read into one plain Table.

The format is recognised by content, never by name. Whatever the bytes, read_table returns a Table or
raises UnreadableFile with a message for the user; nothing else escapes. What reading may cost (unpacked
size, rows, columns, cells, memory) is bounded by `lib/readlimits.py`, before and while reading.

Rows are kept compactly (a million-row extract takes a few hundred megabytes, not gigabytes) and read
like a list of (row number, cells). Cells keep their type: an XLSX number stays a number, so that a NIK
that went through a number cell can be recognised as damaged instead of silently accepted.
"""

import bisect
import codecs
import csv
import datetime
import io
import itertools
import logging
import os
import re
import zipfile
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
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
# Above this much worksheet XML an XLSX is streamed by openpyxl: python-calamine holds the whole sheet in
# memory.
CALAMINE_MAX_XML_BYTES = 32 * 1024 * 1024


class UnreadableFile(Exception):
    """The file cannot be read as a table at all; the message is Indonesian and shown to the user as is."""


_SAVE_AS = "Simpan data sebagai .xlsx atau .csv, lalu unggah ulang."


class Rows(Sequence[tuple[int, list[Cell]]]):
    """The data rows of a Table: reads like a list of (row number, cells), cells aligned to the headers.

    Text-only rows (all of CSV and HTML) are stored as one joined string each, which is what keeps large
    files small; typed rows as tuples. Each access builds a fresh list of cells.
    """

    __slots__ = ("_max", "_numbers", "_rows", "_width")
    _SEP = "\x1f"  # ASCII unit separator; a row whose text contains it is stored as a tuple instead

    def __init__(self, width: int | None = None, *, max_rows: int | None = None) -> None:
        self._numbers = array("q")
        self._rows: list[str | tuple[Cell, ...]] = []
        self._width = width  # None while a sheet is being read: cells as stored
        self._max = max_rows  # while a file is read: more rows than this refuse it

    def append(self, number: int, cells: Sequence[Cell] | str) -> None:
        """A row of cells, or of text cells joined by `_SEP` (empty text for an empty cell)."""
        self._numbers.append(number)
        self._rows.append(cells if type(cells) is str else tuple(cells))
        if self._max is not None and len(self._rows) > self._max:
            raise too_many_rows(self._max)

    def _cells(self, stored: str | tuple[Cell, ...]) -> list[Cell]:
        cells = _unpack(stored)
        width = self._width
        if width is not None:
            cells.extend([None] * (width - len(cells)))
            del cells[width:]
        return cells

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, index):  # an int gives (number, cells), a slice a list of them
        if isinstance(index, slice):
            return [(self._numbers[i], self._cells(self._rows[i])) for i in range(*index.indices(len(self)))]
        return self._numbers[index], self._cells(self._rows[index])

    def numbers(self, start: int, stop: int) -> list[int]:
        """The row numbers of rows[start:stop], without building their cells."""
        return self._numbers[start:stop].tolist()

    def __iter__(self) -> Iterator[tuple[int, list[Cell]]]:
        return map(lambda number, stored: (number, self._cells(stored)), self._numbers, self._rows)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(a == tuple(b) for a, b in zip(self, other, strict=False))

    def __repr__(self) -> str:
        return f"Rows({self[:3]!r}{', ...' if len(self) > 3 else ''}, {len(self)} rows)"


def _unpack(stored: str | tuple[Cell, ...]) -> list[Cell]:
    return [c or None for c in stored.split(Rows._SEP)] if type(stored) is str else list(stored)


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
    """Read the one table in `data`. `header_hint(cells)` scores how much a row looks like the header
    (headers.header_score); it chooses the header row and, in a workbook, the sheet. `limits`: those of
    the settings unless given."""
    name = os.path.basename(filename or "") or "file"
    limits = limits or ReadLimits.from_settings()
    try:
        return _read(data if isinstance(data, bytes) else bytes(data), name, header_hint, limits)
    except UnreadableFile:
        raise
    except LimitExceeded as exc:
        raise UnreadableFile(exc.for_file(name)) from None
    except MemoryError:
        raise UnreadableFile("File terlalu besar untuk dibaca. Pecah menjadi beberapa file.") from None
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as exc:  # python-calamine can raise pyo3's PanicException, a BaseException
        logger.warning("Unreadable file %r: %s: %s", name, type(exc).__name__, exc, exc_info=True)
        raise UnreadableFile(f"File {name} tidak dapat dibaca sebagai tabel. {_SAVE_AS}") from exc


def _read(data: bytes, name: str, hint: HeaderHint, limits: ReadLimits) -> Table:
    if not data.strip():
        raise UnreadableFile("File kosong.")
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _read_zip(data, name, hint, limits)
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _read_ole(data, name, hint, limits)
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
            return _read_html(data, name, hint, limits)
    return _read_csv(data, name, hint, encoding, limits)


# ---------------------------------------------------------------------------------------------------------
# Shared: choosing the header and assembling the table


def _header_text(cell: Cell) -> str:
    return " ".join(cell.split()) if isinstance(cell, str) else cell_text(cell)


def cell_text(cell: Cell) -> str:
    """A cell as text, as a header or a rejected row shows it."""
    if cell is None:
        return ""
    if isinstance(cell, datetime.datetime | datetime.date):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer() and abs(cell) < 1e15:
        return str(int(cell))
    return str(cell)


def _best_header(rows: Sequence[tuple[int, list[Cell]]], hint: HeaderHint) -> tuple[int, int]:
    """(index among the first rows, score) of the row that looks most like a header; ties go to the top."""
    best, best_score = 0, -1
    for index, (_, cells) in enumerate(rows[:HEADER_SCAN_ROWS]):
        score = hint([_header_text(c) for c in cells])
        if score > best_score:
            best, best_score = index, score
    return best, max(best_score, 0)


def _is_numbering_row(cells: list[Cell]) -> bool:
    """The "1 2 3 ... n" row that government forms put under the header to number the columns."""
    texts = [_header_text(c) for c in cells if _header_text(c)]
    return len(texts) >= 3 and texts == [str(i) for i in range(1, len(texts) + 1)]


def _finish(source: str, kind: str, rows: Rows, hint: HeaderHint, limits: ReadLimits) -> Table:
    """Turn the non-blank rows of a sheet into a Table: header chosen, rows aligned to it, as wide as the
    header or as the rightmost cell with data (within the column limit)."""
    if not len(rows):
        raise UnreadableFile(f"Tidak ada data dalam {source}.")
    index, score = _best_header(rows[:HEADER_SCAN_ROWS], hint)
    headers = [_header_text(c) for c in rows[index][1]]
    start = index + 1
    # A header of two rows ("Masa Jabatan" over "Mulai | Akhir", "SK" over "Nomor | Tanggal"): the pair read
    # as one when that names more fields than the best row alone.
    for top in (index - 1, index):
        if 0 <= top and top + 1 < len(rows):
            both = _two_row_header(rows[top][1], rows[top + 1][1])
            if both is not None and (both_score := hint(both)) > score:
                headers, score, index, start = both, both_score, top, top + 2
    if start < len(rows) and _is_numbering_row(rows[start][1]):
        start += 1
    while headers and not headers[-1]:
        headers.pop()
    data = Rows()
    data._numbers, data._rows = rows._numbers[start:], rows._rows[start:]
    width = len(headers)
    for stored in data._rows:
        cells = _unpack(stored)
        while len(cells) > width and cells[-1] in (None, ""):
            cells.pop()
        width = max(width, min(len(cells), limits.columns))
    headers.extend([""] * (width - len(headers)))
    data._width = width
    return Table(source=source, header_row=rows._numbers[index], headers=headers, rows=data, kind=kind)


def _two_row_header(upper: list[Cell], lower: list[Cell]) -> list[str] | None:
    """Each column's header of a two-row header: the lower row's text before the upper's where they differ
    ("Nomor" under "SK": "Nomor SK"); None when the lower row holds anything a header does not (a number, a
    date, a text with digits such as a NIK or a day)."""
    if any(c is not None and not isinstance(c, str) for c in lower):
        return None
    if any(sum(ch.isdigit() for ch in c) >= 4 for c in lower if c):
        return None
    tops = [_header_text(c) for c in upper]
    subs = [_header_text(c) for c in lower]
    tops.extend([""] * (len(subs) - len(tops)))
    subs.extend([""] * (len(tops) - len(subs)))
    return [
        f"{sub} {top}".strip() if sub and sub != top else top or sub
        for top, sub in zip(tops, subs, strict=True)
    ]


def _is_blank_cells(cells: Iterable[Cell]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _within_columns(number: int, cells: list[Cell], limits: ReadLimits) -> list[Cell]:
    """The row's cells up to the column limit; a cell with data beyond it refuses the file (empty ones,
    formatting left far to the right, are dropped)."""
    if len(cells) <= limits.columns:
        return cells
    for index in range(limits.columns, len(cells)):
        if not _is_blank_cells((cells[index],)):
            raise beyond_columns(number, index + 1, limits.columns)
    return cells[: limits.columns]


def _sheet_rows(
    numbered: Iterable[tuple[int, list[Cell]]], merges: Iterable[tuple], limits: ReadLimits
) -> Rows:
    """A sheet's non-blank rows, each merged range (0-based: first row, column, last row, column) showing
    its top-left value in every cell it covers (rows blank before stay blank), empty cells at the end
    dropped."""
    kept = [(number, cells) for number, cells in numbered if not _is_blank_cells(cells)]
    numbers = [number for number, _ in kept]
    filled = 0
    for r1, c1, r2, c2 in merges:
        start = bisect.bisect_left(numbers, r1 + 1)
        if c1 >= limits.columns or start == len(numbers) or numbers[start] != r1 + 1:
            continue
        top = kept[start][1]
        value = top[c1] if c1 < len(top) else None
        if value is None:
            continue
        last, stop = min(c2, limits.columns - 1), bisect.bisect_right(numbers, r2 + 1)
        filled += (stop - start) * (last + 1)  # counted before: the rows become this wide
        if filled > limits.cells:
            raise too_many_cells(limits.cells)
        for _, cells in kept[start:stop]:
            cells.extend([None] * (last + 1 - len(cells)))
            cells[c1 : last + 1] = [value] * (last + 1 - c1)
    rows = Rows(max_rows=limits.rows)
    for number, cells in kept:
        while cells[-1] is None:
            cells.pop()
        rows.append(number, _within_columns(number, cells, limits))
    return rows


# ---------------------------------------------------------------------------------------------------------
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
        try:
            data.decode(encoding)
            return encoding
        except UnicodeDecodeError:
            pass
    return "latin-1"  # cp1252 leaves five bytes undefined; latin-1 reads every byte


_DELIMITERS = (",", ";", "\t", "|")


def _choose_delimiter(sample: str, hint: HeaderHint) -> str:
    """The delimiter under which a row reads best as a header, then under which rows agree in width."""
    lines = sample.splitlines(keepends=True)
    lines = lines[:-1] if len(lines) > 1 else lines  # the sample may end in the middle of a record
    keys = []
    for order, delimiter in enumerate(_DELIMITERS):
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
    if "\x00" in sample or _looks_binary(sample):
        raise UnreadableFile(f"File {name} bukan tabel yang dikenal (CSV, XLSX atau XLS). {_SAVE_AS}")
    stream = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, errors="replace", newline="")
    first = sample.lstrip("\ufeff")
    if match := re.match(r"sep=(.)\r?\n", first):  # Excel's hint line, not shown as a row in Excel
        delimiter = match[1]
        stream.readline()
    else:
        delimiter = _choose_delimiter(first, hint)
    rows = Rows(max_rows=limits.rows)
    sep = Rows._SEP
    join = sep.join
    append = rows.append
    columns = limits.columns
    number = 0
    fed = [0]  # characters given to the csv module since its last record
    try:
        for record in csv.reader(_record_lines(stream, fed), delimiter=delimiter):
            fed[0] = 0
            number += 1
            if len(record) > columns:
                record = _within_columns(number, record, limits)  # type: ignore[assignment]
            joined = join(record)
            if not joined.strip():  # the separator counts as white space too
                continue
            append(number, joined if joined.count(sep) == len(record) - 1 else [c or None for c in record])
    except csv.Error as exc:
        raise UnreadableFile(_csv_problem(str(exc), number + 1, name)) from None
    except _RecordTooLong:
        raise UnreadableFile(_csv_problem("record limit", number + 1, name)) from None
    return _finish(name, "csv", rows, hint, limits)


class _RecordTooLong(Exception):
    pass


def _record_lines(stream: io.TextIOWrapper, fed: list[int]) -> Iterator[str]:
    """The stream's lines for the csv module, stopped when one record (one line, or several when a quoted
    cell holds line breaks) grows past CSV_RECORD_MAX_CHARS: the module builds a record's cells in memory
    before any could be counted. `fed[0]` is reset by the reader after each record."""
    readline = stream.readline
    most = CSV_RECORD_MAX_CHARS
    while line := readline(most + 1):
        fed[0] += len(line)
        if fed[0] > most:
            raise _RecordTooLong
        yield line


def _csv_problem(problem: str, row: int, name: str) -> str:
    """The csv module's English complaint (or our record limit's), said in Indonesian."""
    where, quote = (
        f"Baris {grouped(row)} berkas {name}",
        'Biasanya ada tanda kutip (") yang dibuka tetapi tidak',
    )
    if "record limit" in problem:
        most = f"lebih panjang dari {grouped(CSV_RECORD_MAX_CHARS)} karakter, batas satu baris CSV"
        return f"{where} {most}. {quote} ditutup; perbaiki, lalu unggah ulang."
    if "field limit" in problem:
        most = f"satu sel lebih panjang dari {grouped(csv.field_size_limit())} karakter, batas satu sel CSV"
        return f"{where}: {most}. {quote} ditutup; perbaiki, lalu unggah ulang."
    if "new-line" in problem:
        where += " berisi tanda ganti baris di tempat yang tidak semestinya."
    else:
        where += " tidak dapat dibaca sebagai CSV."
    return f"{where} Buka berkasnya di Excel, lalu simpan ulang sebagai .csv atau .xlsx."


def _looks_binary(sample: str) -> bool:
    controls = sum(1 for ch in sample[:8192] if ord(ch) < 32 and ch not in "\t\r\n\f\v")
    return controls > max(8, len(sample[:8192]) // 50)


# ---------------------------------------------------------------------------------------------------------
# Workbooks: XLSX (and XLSB, ODS, old XLS through python-calamine)


def _read_zip(data: bytes, name: str, hint: HeaderHint, limits: ReadLimits) -> Table:
    check_member_count(data)  # before zipfile builds an object for every entry
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise UnreadableFile(f"File {name} rusak atau tidak lengkap. {_SAVE_AS}") from None
    check_zip_directory(archive, limits)
    if "xl/workbook.xml" in names:
        sheet_xml = sum(i.file_size for i in archive.infolist() if i.filename.startswith("xl/worksheets/"))
        if sheet_xml > CALAMINE_MAX_XML_BYTES:
            return _read_openpyxl(data, name, hint, limits, archive)
    kind = "xlsx" if "xl/workbook.xml" in names else "xlsb" if "xl/workbook.bin" in names else None
    if kind is None and "mimetype" in names:
        with archive.open("mimetype") as stream:
            kind = "ods" if b"opendocument.spreadsheet" in stream.read(200) else None
    if kind:
        return _read_calamine(data, name, hint, kind, limits, archive)
    if "word/document.xml" in names:
        raise UnreadableFile(f"File {name} adalah dokumen Word, bukan tabel. {_SAVE_AS}")
    raise UnreadableFile(f"File {name} adalah arsip ZIP, bukan file Excel. {_SAVE_AS}")


def _read_ole(data: bytes, name: str, hint: HeaderHint, limits: ReadLimits) -> Table:
    # An OLE2 container: an old .xls, or an encrypted .xlsx (Excel wraps those in OLE2 too).
    if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00i\x00o\x00n\x00I\x00n\x00f\x00o" in data[: 1 << 20]:
        raise UnreadableFile(
            f"File {name} dilindungi kata sandi. Buka di Excel, hapus kata sandinya, lalu simpan ulang "
            "sebagai .xlsx."
        )
    return _read_calamine(data, name, hint, "xls", limits)


def _calamine_cell(value: object) -> Cell:
    kind = type(value)
    if kind is str:
        # White space only is empty (calamine itself drops it, unless the file marks it to be kept).
        return value if value.strip() else None  # type: ignore[union-attr, return-value]
    if kind is float:
        if value.is_integer() and abs(value) < 2**53:  # type: ignore[union-attr]
            return int(value)  # type: ignore[call-overload]
        return value  # type: ignore[return-value]
    if kind in (int, bool, datetime.date, datetime.datetime):
        return value  # type: ignore[return-value]
    if kind is datetime.time:
        return value.isoformat()  # type: ignore[union-attr]
    if kind is datetime.timedelta:
        return str(value)
    return None if value is None else str(value)


def _best_sheet(
    name: str, sheets: list[tuple[str, bool]], head: Callable[[str], Rows], hint: HeaderHint
) -> str:
    """The sheet whose first rows look most like a header, among the visible sheets with data (hidden
    sheets only count when no visible sheet has data)."""
    for visible in (True, False):
        scored = [
            (_best_header(rows[:HEADER_SCAN_ROWS], hint)[1], -order, title)
            for order, (title, shown) in enumerate(sheets)
            if shown == visible and len(rows := head(title))
        ]
        if scored:
            return max(scored)[2]
    raise UnreadableFile(f"Tidak ada data dalam {name}.")


def _read_calamine(
    data: bytes,
    name: str,
    hint: HeaderHint,
    kind: str,
    limits: ReadLimits,
    archive: zipfile.ZipFile | None = None,
) -> Table:
    """python-calamine reads the archive itself and builds each sheet's whole rectangle in native memory,
    without a limit: so the archive's members are first unpacked once to check what the directory says,
    and the reading runs in a child process with capped memory."""
    if archive is not None:
        check_zip_contents(data, archive, limits)
    return run_with_memory_limit(lambda: _read_calamine_here(data, name, hint, kind, limits), limits)


def _read_calamine_here(data: bytes, name: str, hint: HeaderHint, kind: str, limits: ReadLimits) -> Table:
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
    read: dict[str, Rows] = {}  # each sheet read whole, once

    def rows_of(sheet_name: str) -> Rows:
        if sheet_name not in read:
            try:
                sheet = workbook.get_sheet_by_name(sheet_name)
                if sheet.height * sheet.width > limits.cells:
                    raise too_many_cells(limits.cells)
                grid = [[_calamine_cell(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]
                merged = [(r1, c1, r2, c2) for (r1, c1), (r2, c2) in sheet.merged_cell_ranges or []]
                read[sheet_name] = _sheet_rows(enumerate(grid, 1), merged, limits)
            except (KeyboardInterrupt, SystemExit, MemoryError, LimitExceeded):
                raise
            except BaseException:
                logger.info("Sheet %r of %r unreadable", sheet_name, name, exc_info=True)
                read[sheet_name] = Rows()
        return read[sheet_name]

    sheets = [
        (m.name, m.visible == SheetVisibleEnum.Visible)
        for m in workbook.sheets_metadata
        if m.typ == SheetTypeEnum.WorkSheet
    ]
    sheet_name = _best_sheet(name, sheets, rows_of, hint)
    return _finish(f"{name} [{sheet_name}]", kind, rows_of(sheet_name), hint, limits)


def _read_openpyxl(
    data: bytes, name: str, hint: HeaderHint, limits: ReadLimits, archive: zipfile.ZipFile
) -> Table:
    """A workbook too large for python-calamine's in-memory range, streamed by openpyxl's read-only mode
    (formulas as their cached values). A sheet's merged ranges come after its cells: openpyxl's sheet
    parser collects them on its way, and they are filled into the kept rows at the end."""
    from openpyxl import load_workbook
    from openpyxl.utils.cell import range_boundaries
    from openpyxl.worksheet._reader import WorkSheetParser

    check_zip_contents(data, archive, limits)
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    sheets = {sheet.title: sheet for sheet in workbook.worksheets}

    def rows_of(title: str, limit: int | None = None) -> Rows:
        kept: list[tuple[int, list[Cell]]] = []
        with sheets[title]._get_source() as source:
            parser = WorkSheetParser(
                source,
                sheets[title]._shared_strings,
                data_only=True,
                epoch=workbook.epoch,
                date_formats=workbook._date_formats,
                timedelta_formats=workbook._timedelta_formats,
            )
            for number, parsed in parser.parse():
                cells: list[Cell] = []
                for cell in parsed:
                    column, value = cell["column"] - 1, cell["value"]
                    # As python-calamine gives it: a date at midnight is a date.
                    is_day = type(value) is datetime.datetime and value.time() == datetime.time()
                    value = value.date() if is_day else _calamine_cell(value)
                    if column >= limits.columns:
                        if value is not None:
                            raise beyond_columns(number, column + 1, limits.columns)
                        continue  # an empty cell far to the right (formatting): dropped
                    cells.extend([None] * (column + 1 - len(cells)))
                    cells[column] = value
                if not _is_blank_cells(cells):
                    kept.append((number, cells))
                    if len(kept) == limit:
                        return _sheet_rows(kept, (), limits)
                    if len(kept) > limits.rows:
                        raise too_many_rows(limits.rows)
        found = getattr(parser, "merged_cells", None)
        ranges = [range_boundaries(m.ref) for m in (found.mergeCell if found else [])]
        return _sheet_rows(kept, [(r1 - 1, c1 - 1, r2 - 1, c2 - 1) for c1, r1, c2, r2 in ranges], limits)

    visible = [(sheet.title, sheet.sheet_state == "visible") for sheet in workbook.worksheets]
    title = _best_sheet(name, visible, lambda title: rows_of(title, HEADER_SCAN_ROWS), hint)
    return _finish(f"{name} [{title}]", "xlsx", rows_of(title), hint, limits)


# ---------------------------------------------------------------------------------------------------------
# HTML tables (OpenSID's "xls" downloads)


class _HtmlTables(HTMLParser):
    """Every <table> with its rows; text of a nested table stays in that table, not in the outer cell."""

    def __init__(self, limits: ReadLimits) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[tuple[int, list[list[str]]]] = []  # (document order, rows)
        self._stack: list[dict] = []
        self._count = 0
        self._limits = limits
        self._rows = 0  # of all tables: spans fill many cells from one, so what is kept is counted
        self._cells = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._stack.append({"order": self._count, "rows": [], "row": None, "cell": None, "spans": {}})
            self._count += 1
            return
        if not self._stack:
            return
        table = self._stack[-1]
        if tag == "tr":
            self._end_row(table)
            table["row"] = []
        elif tag in ("td", "th"):
            if table["row"] is None:
                table["row"] = []
            self._end_cell(table)
            spans = dict(attrs)
            table["cell"] = {
                "text": [],
                "colspan": _span(spans.get("colspan"), self._limits.columns),
                "rowspan": _span(spans.get("rowspan"), self._limits.rows),
            }
        elif tag in ("br", "p", "div", "li") and table["cell"] is not None:
            table["cell"]["text"].append(" ")

    def handle_endtag(self, tag: str) -> None:
        if not self._stack:
            return
        table = self._stack[-1]
        if tag in ("td", "th"):
            self._end_cell(table)
        elif tag == "tr":
            self._end_row(table)
        elif tag == "table":
            self._end_row(table)
            self._stack.pop()
            self.tables.append((table["order"], table["rows"]))

    def handle_data(self, data: str) -> None:
        if self._stack and self._stack[-1]["cell"] is not None:
            self._stack[-1]["cell"]["text"].append(data)

    def _end_cell(self, table: dict) -> None:
        cell = table["cell"]
        if cell is None:
            return
        table["cell"] = None
        row = table["row"]
        spans = table["spans"]
        text = " ".join("".join(cell["text"]).replace("\xa0", " ").split())
        columns = self._limits.columns
        for _ in range(cell["colspan"]):
            while len(row) in spans:  # columns taken by a rowspan from above
                row.append(self._take_span(spans, len(row)))
            if len(row) >= columns:
                if text:
                    raise beyond_columns(len(table["rows"]) + 1, len(row) + 1, columns)
                break
            if cell["rowspan"] > 1:
                spans[len(row)] = [cell["rowspan"] - 1, text]
            row.append(text)

    @staticmethod
    def _take_span(spans: dict, column: int) -> str:
        left, text = spans[column]
        if left <= 1:
            del spans[column]
        else:
            spans[column][0] = left - 1
        return text

    def _end_row(self, table: dict) -> None:
        self._end_cell(table)
        row = table["row"]
        if row is None:
            return
        spans = table["spans"]
        # Columns still taken by rowspans from above, to the last of them (once: asking again after each
        # cell made a row of n spanned columns cost n * n).
        end = max(spans, default=-1) + 1
        while len(row) < end:
            column = len(row)
            row.append(self._take_span(spans, column) if column in spans else "")
        self._rows += 1
        self._cells += len(row)
        if self._rows > self._limits.rows:
            raise too_many_rows(self._limits.rows)
        if self._cells > self._limits.cells:
            raise too_many_cells(self._limits.cells)
        table["rows"].append(row)
        table["row"] = None

    def close(self) -> None:
        super().close()
        while self._stack:
            self.handle_endtag("table")


def _span(value: str | None, most: int) -> int:
    try:
        return max(1, min(int(str(value).strip()), most))
    except ValueError:
        return 1


def _read_html(data: bytes, name: str, hint: HeaderHint, limits: ReadLimits) -> Table:
    encoding = _text_encoding(data)
    found = re.search(rb"<meta[^>]+charset\s*=\s*[\"']?([\w.:-]+)", data[:4096], re.IGNORECASE)
    if found and not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            encoding = codecs.lookup(found[1].decode("ascii")).name
        except LookupError:
            pass
    parser = _HtmlTables(limits)
    parser.feed(data.decode(encoding, errors="replace"))
    parser.close()
    tables = {
        str(order): _sheet_rows(
            ((n, [c or None for c in cells]) for n, cells in enumerate(rows, 1)), (), limits
        )
        for order, rows in sorted(parser.tables)
    }
    if not any(tables.values()):
        raise UnreadableFile(f"File {name} berupa halaman HTML tanpa tabel data. {_SAVE_AS}")
    best = _best_sheet(name, [(order, True) for order in tables], tables.__getitem__, hint)
    return _finish(name, "opensid-html", tables[best], hint, limits)
