"""Files as they are found: CSV, XLSX, old XLS and OpenSID's HTML "xls", read into one plain Table.

The format is recognised by content, never by name. Whatever the bytes, read_table returns a Table or
raises UnreadableFile with a message for the user; nothing else escapes. What reading may cost (unpacked
size, rows, columns, cells, memory) is bounded by `lib/readlimits.py`, before and while reading.

Rows are kept compactly (a million-row extract takes a few hundred megabytes, not gigabytes) and read
like a list of (row number, cells). Cells keep their type: an XLSX number stays a number, so that a NIK
that went through a number cell can be recognised as damaged instead of silently accepted.
"""

import codecs
import csv
import datetime
import gc
import html
import io
import logging
import math
import os
import re
import xml.etree.ElementTree as ET
import zipfile
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import overload

from .readlimits import (
    CSV_RECORD_MAX_CHARS,
    LimitExceeded,
    ReadLimits,
    UnpackBudget,
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
# Above this much worksheet XML an XLSX is streamed by our own reader: python-calamine holds the whole
# sheet in memory (docs/benchmarks.md, "Figures from the code").
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

    def append(self, number: int, cells: Sequence[Cell]) -> None:
        self._numbers.append(number)
        self._rows.append(tuple(cells))
        if self._max is not None and len(self._rows) > self._max:
            raise too_many_rows(self._max)

    def _append_text(self, number: int, joined: str) -> None:
        self._numbers.append(number)
        self._rows.append(joined)
        if self._max is not None and len(self._rows) > self._max:
            raise too_many_rows(self._max)

    def _cells(self, stored: str | tuple[Cell, ...]) -> list[Cell]:
        if type(stored) is str:
            cells: list[Cell] = [c or None for c in stored.split(self._SEP)]
        else:
            cells = list(stored)
        width = self._width
        if width is None:
            return cells
        if len(cells) < width:
            cells.extend([None] * (width - len(cells)))
        elif len(cells) > width:
            del cells[width:]
        return cells

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> tuple[int, list[Cell]]: ...
    @overload
    def __getitem__(self, index: slice) -> list[tuple[int, list[Cell]]]: ...
    def __getitem__(self, index):
        if isinstance(index, slice):
            return [(self._numbers[i], self._cells(self._rows[i])) for i in range(*index.indices(len(self)))]
        return self._numbers[index], self._cells(self._rows[index])

    def numbers(self, start: int, stop: int) -> list[int]:
        """The row numbers of rows[start:stop], without building their cells."""
        return self._numbers[start:stop].tolist()

    def __iter__(self) -> Iterator[tuple[int, list[Cell]]]:
        cells = self._cells
        for number, stored in zip(self._numbers, self._rows, strict=True):
            yield number, cells(stored)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(a == tuple(b) for a, b in zip(self, other, strict=False))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        shown = ", ".join(repr(row) for row in self[:3])
        return f"Rows([{shown}{', ...' if len(self) > 3 else ''}], {len(self)} rows)"

    def _max_stored_width(self) -> int:
        sep = self._SEP
        return max(
            (s.count(sep) + 1 if type(s) is str else len(s) for s in self._rows),
            default=0,
        )

    def _extent_beyond(self, width: int) -> int:
        """How far right a non-empty cell lies in rows wider than `width`."""
        extent = width
        for stored in self._rows:
            cells = stored.split(self._SEP) if type(stored) is str else stored
            if len(cells) > extent:
                for i in range(len(cells) - 1, extent - 1, -1):
                    if cells[i] is not None and cells[i] != "":
                        extent = i + 1
                        break
        return extent


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
        with _gc_paused():
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


@contextmanager
def _gc_paused() -> Iterator[None]:
    # Millions of short-lived row lists otherwise trigger the cycle collector again and again.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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
    if cell is None:
        return ""
    if isinstance(cell, str):
        return " ".join(cell.split())
    if isinstance(cell, bool):
        return str(cell)
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime.datetime | datetime.date):
        return cell.isoformat()
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
    """Turn the non-blank rows of a sheet into a Table: header chosen, rows aligned to it."""
    if not len(rows):
        raise UnreadableFile(f"Tidak ada data dalam {source}.")
    scan = rows._rows[:HEADER_SCAN_ROWS]
    candidates = [(0, _raw_cells(rows, s)) for s in scan]
    index, _ = _best_header(candidates, hint)
    header_cells = candidates[index][1]
    header_row = rows._numbers[index]
    start = index + 1
    if start < len(rows) and _is_numbering_row(_raw_cells(rows, rows._rows[start])):
        start += 1
    data = Rows()
    data._numbers = rows._numbers[start:]
    data._rows = rows._rows[start:]
    headers = [_header_text(c) for c in header_cells]
    while headers and not headers[-1]:
        headers.pop()
    width = len(headers)
    if data._rows and data._max_stored_width() > width:
        width = min(data._extent_beyond(width), limits.columns)
    headers.extend([""] * (width - len(headers)))
    data._width = width
    return Table(source=source, header_row=header_row, headers=headers, rows=data, kind=kind)


def _raw_cells(rows: Rows, stored: str | tuple[Cell, ...]) -> list[Cell]:
    if type(stored) is str:
        return [c or None for c in stored.split(Rows._SEP)]
    return list(stored)


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


def _rows_from_grid(grid: Iterable[tuple[int, list[Cell]]], limits: ReadLimits) -> Rows:
    rows = Rows(max_rows=limits.rows)
    for number, cells in grid:
        if not _is_blank_cells(cells):
            rows.append(number, _within_columns(number, cells, limits))
    return rows


def _fill_merged(
    grid: list[list[Cell]],
    blank: list[bool],
    ranges: Iterable[tuple[int, int, int, int]],
    limits: ReadLimits,
) -> None:
    """A merged range shows its top-left value in every cell it covers (rows blank before stay blank)."""
    filled = 0
    for r1, c1, r2, c2 in ranges:
        if r1 >= len(grid) or c1 >= limits.columns:
            continue
        top = grid[r1]
        value = top[c1] if c1 < len(top) else None
        if value is None:
            continue
        last = min(c2, limits.columns - 1)
        covered = range(r1, min(r2, len(grid) - 1) + 1)
        filled += (last + 1) * sum(not blank[r] for r in covered)  # counted before: the rows become this wide
        if filled > limits.cells:
            raise too_many_cells(limits.cells)
        for r in covered:
            if blank[r]:
                continue
            row = grid[r]
            if len(row) <= last:
                row.extend([None] * (last + 1 - len(row)))
            for c in range(c1, last + 1):
                row[c] = value


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
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return "latin-1"  # cp1252 leaves five bytes undefined; latin-1 reads every byte
    return "cp1252"


_DELIMITERS = (",", ";", "\t", "|")


def _sample_records(sample: str, delimiter: str) -> list[list[str]]:
    lines = sample.splitlines(keepends=True)
    if len(lines) > 1:
        lines = lines[:-1]  # the sample may end in the middle of a record
    try:
        return [row for _, row in zip(range(200), csv.reader(lines, delimiter=delimiter), strict=False)]
    except csv.Error:
        return []


def _choose_delimiter(sample: str, hint: HeaderHint) -> str:
    """The delimiter under which a row reads best as a header, then under which rows agree in width."""
    best, best_key = ",", None
    for order, delimiter in enumerate(_DELIMITERS):
        records = _sample_records(sample, delimiter)
        widths = [len(r) for r in records if any(c.strip() for c in r)]
        if not widths:
            continue
        modal = max(set(widths), key=widths.count)
        agreeing = widths.count(modal) if modal > 1 else 0
        scored = [(0, list(r)) for r in records if any(c.strip() for c in r)]
        _, score = _best_header(scored, hint)
        key = (score, agreeing, modal, -order)
        if best_key is None or key > best_key:
            best, best_key = delimiter, key
    return best


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
    append_text = rows._append_text
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
            if joined.count(sep) != len(record) - 1:
                rows.append(number, [c or None for c in record])
            else:
                append_text(number, joined)
    except csv.Error as exc:
        raise UnreadableFile(_csv_problem(str(exc), number + 1, name)) from None
    except _RecordTooLong:
        raise UnreadableFile(
            f"Baris {grouped(number + 1)} berkas {name} lebih panjang dari {grouped(CSV_RECORD_MAX_CHARS)} "
            'karakter, batas satu baris CSV. Biasanya ada tanda kutip (") yang dibuka tetapi tidak ditutup; '
            "perbaiki, lalu unggah ulang."
        ) from None
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
    """The csv module's English complaint, said in Indonesian."""
    if "field limit" in problem:
        return (
            f"Baris {grouped(row)} berkas {name}: satu sel lebih panjang dari "
            f"{grouped(csv.field_size_limit())} "
            'karakter, batas satu sel CSV. Biasanya ada tanda kutip (") yang dibuka tetapi tidak ditutup; '
            "perbaiki, lalu unggah ulang."
        )
    if "new-line" in problem:
        return (
            f"Baris {grouped(row)} berkas {name} berisi tanda ganti baris di tempat yang tidak semestinya. "
            "Buka "
            "berkasnya di Excel, lalu simpan ulang sebagai .csv atau .xlsx."
        )
    return (
        f"Baris {grouped(row)} berkas {name} tidak dapat dibaca sebagai CSV. Buka berkasnya di Excel, lalu "
        "simpan ulang sebagai .csv atau .xlsx."
    )


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
            return _XlsxStream(archive, name, limits).read(hint)
        return _read_calamine(data, name, hint, "xlsx", limits, archive)
    if "xl/workbook.bin" in names:
        return _read_calamine(data, name, hint, "xlsb", limits, archive)
    if "mimetype" in names:
        with archive.open("mimetype") as stream:
            mimetype = stream.read(200)
        if b"opendocument.spreadsheet" in mimetype:
            return _read_calamine(data, name, hint, "ods", limits, archive)
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


def _non_blank(text: str) -> str:
    """The text, or "" (empty) when it is white space only."""
    return text if text.strip() else ""


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
    sheets = [m for m in workbook.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
    visible = [m.name for m in sheets if m.visible == SheetVisibleEnum.Visible]
    hidden = [m.name for m in sheets if m.visible != SheetVisibleEnum.Visible]
    best: tuple[int, str, Rows] | None = None
    for group in (visible, hidden):
        for sheet_name in group:
            try:
                sheet = workbook.get_sheet_by_name(sheet_name)
                if sheet.height * sheet.width > limits.cells:
                    raise too_many_cells(limits.cells)
                grid = [[_calamine_cell(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]
                merged = sheet.merged_cell_ranges or []
            except (KeyboardInterrupt, SystemExit, MemoryError, LimitExceeded):
                raise
            except BaseException:
                logger.info("Sheet %r of %r unreadable", sheet_name, name, exc_info=True)
                continue
            blank = [_is_blank_cells(row) for row in grid]
            _fill_merged(grid, blank, ((r1, c1, r2, c2) for (r1, c1), (r2, c2) in merged), limits)
            rows = Rows(max_rows=limits.rows)
            for number, (cells, empty) in enumerate(zip(grid, blank, strict=True), 1):
                if not empty:
                    while cells and cells[-1] is None:
                        cells.pop()
                    rows.append(number, _within_columns(number, cells, limits))
            if not len(rows):
                continue
            _, score = _best_header(rows[:HEADER_SCAN_ROWS], hint)
            if best is None or score > best[0]:
                best = (score, sheet_name, rows)
        if best is not None:
            break  # hidden sheets only count when no visible sheet has data
    if best is None:
        raise UnreadableFile(f"Tidak ada data dalam {name}.")
    _, sheet_name, rows = best
    return _finish(f"{name} [{sheet_name}]", kind, rows, hint, limits)


# Built-in number formats that show dates or times (ECMA-376 §18.8.30, plus the CJK date ids).
_BUILTIN_DATE_FORMATS = {
    **dict.fromkeys((14, 15, 16, 17, 27, 28, 29, 30, 31, 34, 35, 36, 50, 51, 52, 53, 54, 57, 58), "date"),
    **dict.fromkeys((18, 19, 20, 21, 32, 33, 45, 46, 47, 55, 56), "time"),
    22: "datetime",
}


def _format_kind(code: str) -> str | None:
    """ "date", "datetime", "time" or None for a custom number format code."""
    text = re.sub(r'"[^"]*"|\\.|_.|\*.', "", code.split(";")[0])
    elapsed = re.search(r"\[(?:h+|m+|s+)\]", text, re.IGNORECASE)
    text = re.sub(r"\[[^\]]*\]", "", text).lower()
    if text.strip() in ("general", "@", ""):
        return "time" if elapsed else None
    has_date = (
        "y" in text
        or "d" in text
        or ("m" in text and "h" not in text and "s" not in text and "0" not in text)
    )
    has_time = "h" in text or "s" in text or bool(elapsed)
    if has_date and has_time:
        return "datetime"
    if has_date:
        return "date"
    if has_time:
        return "time"
    return None


def _serial_to_datetime(value: float, date1904: bool) -> datetime.datetime | None:
    if not math.isfinite(value) or value < 0 or value > 2958466:
        return None
    if date1904:
        base = datetime.datetime(1904, 1, 1)
    elif value < 60:
        base = datetime.datetime(1899, 12, 31)
    else:
        base = datetime.datetime(1899, 12, 30)
    # Rounded to the millisecond as Excel shows it.
    return base + datetime.timedelta(milliseconds=round(value * 86400000))


def _ooxml_text(text: str) -> str:
    if "&" in text:
        text = html.unescape(text)
    if "_x" in text:
        text = re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m[1], 16)), text)
    return text


_SI = re.compile(r"<si><t(?:\s[^>]*)?>([^<]*)</t></si>|<si>(.*?)</si>|<si\s*/>", re.S)
_T = re.compile(r"<t(?:\s[^>]*)?>([^<]*)</t>", re.S)
_RPH = re.compile(r"<rPh\b.*?</rPh>", re.S)
# Row starts and cells: (row tag, row attributes, column letters, style, type, value, inline string).
_CELL_BODY = r"(?:<f\b[^>]*?(?:/>|>[^<]*</f>))?(?:<v>([^<]*)</v>|<v\s*/>)?(?:<is>(.*?)</is>)?"
# Every writer we know puts a cell's attributes in schema order (r, s, t): one fast pattern ...
_TOKEN_FAST = re.compile(
    r"(<row\b)([^>]*)>"
    r'|<c r="([A-Z]{1,3})\d+"(?: s="(\d+)")?(?: t="(\w+)")?\s*(?:/>|>' + _CELL_BODY + r"</c>)",
    re.S,
)
# ... and a slower one for any order and extra attributes or elements, used when the fast one misses a cell.
_TOKEN = re.compile(
    r"(<row\b)([^>]*)>"
    r'|<c\b(?:(?=[^>]*?\sr="([A-Z]{1,3}))|)(?:(?=[^>]*?\ss="(\d+)")|)(?:(?=[^>]*?\st="(\w+)")|)[^>]*?'
    r"(?:/>|>" + _CELL_BODY + r".*?</c>)",
    re.S,
)
_ROW_NUMBER = re.compile(r'\sr="(\d+)"')
_MERGE = re.compile(r'<mergeCell\b[^>]*?\sref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_PREFIX = re.compile(r"<(\w+):worksheet\b")


def _column_index(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number - 1


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class _XlsxStream:
    """A streaming XLSX reader for sheets too large for python-calamine's in-memory range.

    It reads the sheet XML in chunks with regular expressions: the cell grammar of SpreadsheetML is
    regular, and this is several times faster than an XML parser building elements. Merged ranges come
    after the cells in the XML, so they are applied to the kept rows at the end.
    """

    def __init__(self, archive: zipfile.ZipFile, name: str, limits: ReadLimits) -> None:
        self.archive = archive
        self.name = name
        self.limits = limits
        # Every member is read through this: what the directory promised is held while reading.
        self.members = UnpackBudget(archive, limits)
        self.date1904 = False
        self.sheets: list[tuple[str, str, bool]] = []  # (name, path, visible)
        self._load_workbook()
        self.styles = self._load_styles()
        self._strings: list[str] | None = None

    def _xml(self, path: str) -> ET.Element | None:
        try:
            return ET.fromstring(self.members.read(path))
        except KeyError:
            return None

    def _load_workbook(self) -> None:
        workbook = self._xml("xl/workbook.xml")
        rels = self._xml("xl/_rels/workbook.xml.rels")
        if workbook is None:
            raise UnreadableFile(f"File {self.name} rusak. {_SAVE_AS}")
        targets = {}
        for rel in rels if rels is not None else []:
            if rel.get("Type", "").endswith("/worksheet"):
                target = rel.get("Target", "")
                target = target.lstrip("/") if target.startswith("/") else os.path.normpath("xl/" + target)
                targets[rel.get("Id")] = target.replace(os.sep, "/")
        for element in workbook.iter():
            tag = _local(element.tag)
            if tag == "workbookPr" and element.get("date1904") in ("1", "true"):
                self.date1904 = True
            elif tag == "sheet":
                # r:id, whatever the namespace (transitional or strict OOXML)
                rel = next((value for key, value in element.attrib.items() if key.endswith("}id")), None)
                if rel in targets:
                    visible = element.get("state", "visible") == "visible"
                    self.sheets.append((element.get("name", ""), targets[rel], visible))

    def _load_styles(self) -> list[str | None]:
        styles = self._xml("xl/styles.xml")
        if styles is None:
            return []
        custom = {}
        kinds: list[str | None] = []
        for element in styles.iter():
            if _local(element.tag) == "numFmt":
                custom[int(element.get("numFmtId", "0"))] = _format_kind(element.get("formatCode", ""))
        for element in styles.iter():
            if _local(element.tag) == "cellXfs":
                for xf in element:
                    number = int(xf.get("numFmtId", "0"))
                    kinds.append(custom[number] if number in custom else _BUILTIN_DATE_FORMATS.get(number))
        return kinds

    @property
    def strings(self) -> list[str]:
        if self._strings is None:
            self._strings = [_non_blank(text) for text in self._load_strings()]
        return self._strings

    def _load_strings(self) -> list[str]:
        # Read in pieces cut after a complete <si>: a million-row sheet has millions of shared strings.
        strings: list[str] = []
        append = strings.append
        try:
            stream = self.members.open("xl/sharedStrings.xml")
        except KeyError:
            return strings
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        pending = ""
        prefix: str | None = None
        with stream:
            while True:
                chunk = stream.read(1 << 22)
                text = pending + decoder.decode(chunk, final=not chunk)
                if prefix is None:
                    found = re.search(r"<(\w+):sst\b", text[:4096])
                    prefix = found[1] if found else ""
                if prefix:
                    text = text.replace(f"<{prefix}:", "<").replace(f"</{prefix}:", "</")
                cut = text.rfind("</si>") + len("</si>") if chunk else len(text)
                if chunk and cut < len("</si>"):
                    pending = text
                    continue
                pending, text = text[cut:], text[:cut]
                for plain, inner in _SI.findall(text):
                    if plain or not inner:  # <si><t>text</t></si>: nearly all of them
                        append(_ooxml_text(plain) if "&" in plain or "_x" in plain else plain)
                        continue
                    if "<rPh" in inner:
                        inner = _RPH.sub("", inner)
                    append(_ooxml_text("".join(_T.findall(inner))))
                if not chunk:
                    break
        return strings

    def _value(self, kind: str, style: str, value: str, inline: str) -> Cell:
        """A cell's value; "" stands for empty while a row is being read. Text of white space only is
        empty, as python-calamine reads it (`_calamine_cell`): both readers give a file the same cells
        (shared strings are made so once, when they are loaded)."""
        if kind == "s":
            try:
                return self.strings[int(value)]
            except (ValueError, IndexError):
                return ""
        if kind == "inlineStr":
            if "<rPh" in inline:
                inline = _RPH.sub("", inline)
            return _non_blank(_ooxml_text("".join(_T.findall(inline))))
        if kind in ("str", "e"):
            return _non_blank(_ooxml_text(value))
        if kind == "b":
            return value.strip() in ("1", "true")
        if kind == "d":
            try:
                moment = datetime.datetime.fromisoformat(value.strip().rstrip("Z"))
            except ValueError:
                return value
            return moment.date() if moment.time() == datetime.time() else moment
        if not value:
            return ""
        try:
            number = float(value)
        except ValueError:
            return value
        fmt = self.styles[int(style)] if style and int(style) < len(self.styles) else None
        if fmt is not None:
            moment = _serial_to_datetime(number, self.date1904)
            if moment is not None:
                if fmt == "date":
                    return moment.date() if moment.time() == datetime.time() else moment
                if fmt == "datetime":
                    return moment
                return moment.time().isoformat()
        if number.is_integer() and abs(number) < 2**53:
            return int(number)
        return number

    def rows(self, path: str, limit: int | None = None) -> tuple[Rows, list[tuple[int, int, int, int]]]:
        """Non-blank rows of one sheet (up to `limit` rows), and its merged ranges (0-based, inclusive)."""
        rows = Rows(max_rows=self.limits.rows)
        max_columns = self.limits.columns
        merges: list[tuple[int, int, int, int]] = []
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        columns: dict[str, int] = {}
        value_of = self._value
        strings = self.strings
        date_styles = {str(i) for i, kind in enumerate(self.styles) if kind}
        moments: dict = {}
        pending = ""
        prefix: str | None = None
        number = 0
        cells: list[Cell] = []
        tail: list[str] = []
        in_tail = False
        with self.members.open(path) as stream:
            while True:
                chunk = stream.read(1 << 22)
                text = pending + decoder.decode(chunk, final=not chunk)
                if prefix is None:
                    found = _PREFIX.search(text[:4096])
                    prefix = found[1] if found else ""
                if prefix:
                    text = text.replace(f"<{prefix}:", "<").replace(f"</{prefix}:", "</")
                if in_tail:
                    tail.append(text)
                    pending = ""
                    if not chunk:
                        break
                    continue
                if chunk:
                    cut = text.rfind("</row>")
                    end_data = text.find("</sheetData>")
                    if end_data >= 0:
                        cut = end_data
                    elif cut < 0:
                        pending = text  # no complete row yet
                        continue
                    else:
                        cut += len("</row>")
                    pending, text = text[cut:], text[:cut]
                    if end_data >= 0:
                        in_tail = True
                        tail.append(pending)
                        pending = ""
                tokens = _TOKEN_FAST.findall(text)
                expected = text.count("<row ") + text.count("<row>") + text.count("<c ") + text.count("<c>")
                if len(tokens) != expected:
                    tokens = _TOKEN.findall(text)
                for row_tag, row_attrs, letters, style, kind, value, inline in tokens:
                    if row_tag:
                        if cells:
                            _keep_row(rows, number, cells)
                            if limit is not None and len(rows) >= limit:
                                return rows, merges
                        found = _ROW_NUMBER.search(row_attrs)
                        number = int(found[1]) if found else number + 1
                        cells = []  # a self-closing <row r="5"/> simply stays empty
                        continue
                    if letters:
                        column = columns.get(letters)
                        if column is None:
                            column = columns[letters] = _column_index(letters)
                    else:
                        column = len(cells)
                    if column >= max_columns:
                        if _non_blank(str(value_of(kind, style, value, inline))):
                            raise beyond_columns(number, column + 1, max_columns)
                        continue  # an empty cell far to the right (formatting): dropped
                    # The common cases inline: shared strings and plain numbers.
                    if kind == "s":
                        try:
                            cell = strings[int(value)]
                        except (ValueError, IndexError):
                            cell = ""
                    elif (not kind or kind == "n") and style not in date_styles:
                        if not value:
                            cell = ""
                        else:
                            try:
                                cell = float(value)
                            except ValueError:
                                cell = value
                            else:
                                if cell.is_integer() and abs(cell) < 2**53:
                                    cell = int(cell)
                    elif kind or not value:
                        cell = value_of(kind, style, value, inline)
                    else:  # a number in a date format: birth dates and months repeat, convert each once
                        key = (style, value)
                        cell = moments.get(key, moments)
                        if cell is moments:
                            if len(moments) > 100_000:
                                moments.clear()
                            cell = moments[key] = value_of(kind, style, value, inline)
                    if column == len(cells):
                        cells.append(cell)
                    elif column > len(cells):
                        cells.extend([""] * (column - len(cells)))
                        cells.append(cell)
                    else:
                        cells[column] = cell
                if not chunk:
                    break
        if cells:
            _keep_row(rows, number, cells)
        for match in _MERGE.finditer("".join(tail)):
            r1, c1 = int(match[2]) - 1, _column_index(match[1])
            r2, c2 = (int(match[4]) - 1, _column_index(match[3])) if match[3] else (r1, c1)
            merges.append((r1, c1, r2, c2))
        return rows, merges

    def read(self, hint: HeaderHint) -> Table:
        best: tuple[int, str, str] | None = None
        for want_visible in (True, False):
            for sheet_name, path, visible in self.sheets:
                if visible != want_visible:
                    continue
                try:
                    head, _ = self.rows(path, limit=HEADER_SCAN_ROWS)
                except KeyError:
                    continue
                if not len(head):
                    continue
                _, score = _best_header(head[:], hint)
                if best is None or score > best[0]:
                    best = (score, sheet_name, path)
            if best is not None:
                break
        if best is None:
            raise UnreadableFile(f"Tidak ada data dalam {self.name}.")
        _, sheet_name, path = best
        rows, merges = self.rows(path)
        if merges:
            rows = _apply_merges(rows, merges, self.limits)
        return _finish(f"{self.name} [{sheet_name}]", "xlsx", rows, hint, self.limits)


def _keep_row(rows: Rows, number: int, cells: list[Cell]) -> None:
    """Store a streamed row ("" marks empty cells) unless it is blank: as one string when all text."""
    try:
        joined = Rows._SEP.join(cells)  # type: ignore[arg-type]
    except TypeError:  # typed cells (numbers, dates)
        typed = [None if c == "" else c for c in cells]
        if not _is_blank_cells(typed):
            rows.append(number, typed)
        return
    if not joined.strip():
        return
    if joined.count(Rows._SEP) == len(cells) - 1:
        rows._append_text(number, joined)
    else:
        rows.append(number, [c or None for c in cells])


def _apply_merges(rows: Rows, merges: list[tuple[int, int, int, int]], limits: ReadLimits) -> Rows:
    """Fill merged ranges into kept rows (row numbers are 1-based, ranges 0-based)."""
    import bisect

    numbers = rows._numbers
    stored = rows._rows
    filled = 0
    values: dict[tuple[int, int], Cell] = {}
    for r1, c1, _, _ in merges:
        i = bisect.bisect_left(numbers, r1 + 1)
        if i < len(numbers) and numbers[i] == r1 + 1:
            cells = _raw_cells(rows, stored[i])
            values[(r1, c1)] = cells[c1] if c1 < len(cells) else None
    for r1, c1, r2, c2 in merges:
        value = values.get((r1, c1))
        if value is None or c1 >= limits.columns:
            continue
        start, stop = bisect.bisect_left(numbers, r1 + 1), bisect.bisect_right(numbers, r2 + 1)
        last = min(c2, limits.columns - 1)
        filled += (stop - start) * (last + 1)  # the rows become this wide
        if filled > limits.cells:
            raise too_many_cells(limits.cells)
        for i in range(start, stop):
            cells = _raw_cells(rows, stored[i])
            if len(cells) <= last:
                cells.extend([None] * (last + 1 - len(cells)))
            for c in range(c1, last + 1):
                cells[c] = value
            stored[i] = tuple(cells)
    return rows


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


def _html_encoding(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _text_encoding(data)
    found = re.search(rb"<meta[^>]+charset\s*=\s*[\"']?([\w.:-]+)", data[:4096], re.IGNORECASE)
    if found:
        try:
            return codecs.lookup(found[1].decode("ascii")).name
        except LookupError:
            pass
    return _text_encoding(data)


def _read_html(data: bytes, name: str, hint: HeaderHint, limits: ReadLimits) -> Table:
    parser = _HtmlTables(limits)
    parser.feed(data.decode(_html_encoding(data), errors="replace"))
    parser.close()
    best: tuple[int, int, Rows] | None = None
    for order, table_rows in sorted(parser.tables):
        rows = _rows_from_grid(
            ((number, [c or None for c in cells]) for number, cells in enumerate(table_rows, 1)), limits
        )
        if not len(rows):
            continue
        _, score = _best_header(rows[:HEADER_SCAN_ROWS], hint)
        if best is None or score > best[0]:
            best = (score, order, rows)
    if best is None:
        raise UnreadableFile(f"File {name} berupa halaman HTML tanpa tabel data. {_SAVE_AS}")
    return _finish(name, "opensid-html", best[2], hint, limits)
