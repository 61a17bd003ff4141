"""How much reading one uploaded file may cost, and the guards that hold it to that.

An upload is small on the wire but may be large once read: a workbook is a zip archive (a 2 MB XLSX can
hold a 2 GiB workbook.xml), merged cells and HTML spans fill many cells from one, and python-calamine
builds the whole rectangle from the first to the last cell of a sheet in native memory (one stray cell in
XFD1048576 asks it for 512 GiB). So a file is checked before it is read and while it is read:

- a zip's end record (how many members) and its directory (each member's size) before anything is
  unpacked, then the bytes actually unpacked while reading (the directory can lie);
- the rows, columns and cells a reader keeps, as it keeps them;
- python-calamine (old .xls, .xlsb, .ods and small .xlsx) runs in a child process whose address space is
  capped, so that a file asking for more memory ends that child, not the import or the web server.

Every refusal is a LimitExceeded with an Indonesian message naming the limit; `lib/tabular.read_table`
turns it into UnreadableFile. The limits come from the settings (IMPORT_MAX_*, see docs/security.md).
"""

import faulthandler
import os
import pickle
import re
import resource
import signal
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

MB = 1 << 20

# Members of a workbook that readers parse whole (workbook.xml, relationships, styles): never large in a
# real file, and an XML tree in memory is many times its text.
PART_MAX_BYTES = 16 * MB
# A zip's entries; a real workbook has a few dozen (a few thousand with many sheets and pictures). Python
# builds an object per entry of the directory before anything could be checked.
ZIP_MAX_MEMBERS = 10_000
# Characters of one CSV record, across all its lines: the csv module builds the record's cells as one
# list before they could be counted, and short cells cost about twenty times their text.
CSV_RECORD_MAX_CHARS = 1 * MB


@dataclass(frozen=True)
class ReadLimits:
    unpacked_bytes: int = 1024 * MB  # every member of a workbook together, unpacked
    sheet_bytes: int = 512 * MB  # one sheet's XML (and the shared strings, the sheets' text)
    rows: int = 2_000_000  # rows of the file that hold anything (title and header rows too)
    columns: int = 1024  # a cell with data further right refuses the file; empty ones are ignored
    cells: int = 50_000_000  # cells of the table once merged cells and HTML spans are filled in
    reader_memory_bytes: int = 1024 * MB  # address space python-calamine may add in its child process

    @classmethod
    def from_settings(cls) -> "ReadLimits":
        from django.conf import settings

        if not settings.configured:
            return cls()
        default = cls()
        return cls(
            unpacked_bytes=getattr(settings, "IMPORT_MAX_UNPACKED_MB", default.unpacked_bytes // MB) * MB,
            sheet_bytes=getattr(settings, "IMPORT_MAX_SHEET_MB", default.sheet_bytes // MB) * MB,
            rows=getattr(settings, "IMPORT_MAX_ROWS", default.rows),
            columns=getattr(settings, "IMPORT_MAX_COLUMNS", default.columns),
            cells=getattr(settings, "IMPORT_MAX_CELLS", default.cells),
            reader_memory_bytes=getattr(
                settings, "IMPORT_READER_MEMORY_MB", default.reader_memory_bytes // MB
            )
            * MB,
        )


def grouped(value: int) -> str:
    """12.345.678, as Indonesian writes it."""
    return f"{value:,}".replace(",", ".")


def size_text(value: int) -> str:
    """A size as a person reads it: 700 byte, 12 KB, 1,5 MB, 1.024 MB."""
    if value < 1024:
        return f"{value} byte"
    if value < MB:
        return f"{round(value / 1024)} KB"
    if value < 10 * MB:
        return f"{value / MB:.1f} MB".replace(".", ",").replace(",0 MB", " MB")
    return f"{grouped(round(value / MB))} MB"


class LimitExceeded(Exception):
    """Reading the file would go past a limit. `text` is Indonesian, with `{name}` for the file's name."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text

    def for_file(self, name: str) -> str:
        return self.text.replace("{name}", name)


_SAVE_SMALLER = "Bagi datanya menjadi beberapa berkas, atau simpan sebagai .csv, lalu unggah ulang."


def too_many_rows(limit: int) -> LimitExceeded:
    return LimitExceeded(
        f"Berkas {{name}} berisi lebih dari {grouped(limit)} baris, batas satu impor. "
        "Bagi datanya menjadi beberapa berkas, lalu unggah satu per satu."
    )


def beyond_columns(row: int, column: int, limit: int) -> LimitExceeded:
    return LimitExceeded(
        f"Baris {grouped(row)} berkas {{name}} berisi data di kolom ke-{grouped(column)} "
        f"({column_letters(column)}), "
        f"di luar batas {grouped(limit)} kolom. Hapus isi di sebelah kanan tabel, lalu unggah ulang."
    )


def too_many_cells(limit: int) -> LimitExceeded:
    return LimitExceeded(
        f"Tabel dalam berkas {{name}} lebih dari {grouped(limit)} sel, dihitung dari sel pertama sampai sel "
        "terakhir yang berisi, dengan sel gabungan (merge) terisi; itu batas satu impor. Hapus isi di luar "
        f"tabel dan lepaskan gabungan sel yang sangat besar. {_SAVE_SMALLER}"
    )


def column_letters(column: int) -> str:
    """Excel's letters for a 1-based column number: 1 -> A, 1029 -> AMO."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# ---------------------------------------------------------------------------------------------------------
# Zip archives (XLSX, XLSB, ODS)

_END = struct.Struct("<4s4H2LH")  # end of central directory record
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # zipfile.structFileHeader


def zip_member_count(data: bytes) -> int | None:
    """How many entries the archive's end record announces (None when there is no readable end record:
    zipfile then says what is wrong), read before zipfile builds an object for every one of them."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + _END.size > len(data):
        return None
    total = _END.unpack_from(data, end)[4]
    if total == 0xFFFF and end >= _ZIP64_LOCATOR.size:
        locator = _ZIP64_LOCATOR.unpack_from(data, end - _ZIP64_LOCATOR.size)
        offset = locator[2]
        if locator[0] == b"PK\x06\x07" and data[offset : offset + 4] == b"PK\x06\x06":
            (total,) = struct.unpack_from("<Q", data, offset + 32)
    return total


def check_member_count(data: bytes, limit: int = ZIP_MAX_MEMBERS) -> None:
    count = zip_member_count(data)
    if count is not None and count > limit:
        raise LimitExceeded(
            f"Berkas {{name}} berisi {grouped(count)} bagian; berkas Excel biasa hanya beberapa puluh. "
            "Berkas ini tidak dibaca. Simpan data sebagai .xlsx atau .csv, lalu unggah ulang."
        )


_SHEET_MEMBER = re.compile(
    r"(?:xl/worksheets/[^/]+|xl/sharedStrings)\.(?:xml|bin)$|content\.xml$", re.IGNORECASE
)
_PARSED_MEMBER = re.compile(r"\.(?:xml|rels|bin)$", re.IGNORECASE)


def member_limit(member: str, limits: ReadLimits) -> int | None:
    """The most one member may hold unpacked: a sheet's data, or a part read whole; None for the rest
    (pictures, say), which only count towards the whole archive."""
    if _SHEET_MEMBER.search(member):
        return limits.sheet_bytes
    if _PARSED_MEMBER.search(member):
        return PART_MAX_BYTES
    return None


def member_too_large(member: str, size: int | None, limit: int, limits: ReadLimits) -> LimitExceeded:
    what = "Lembar kerja" if limit == limits.sheet_bytes and _SHEET_MEMBER.search(member) else "Bagian"
    actual = f" ({size_text(size)})" if size else ""
    return LimitExceeded(
        f"{what} {member} dalam berkas {{name}} lebih dari {size_text(limit)} setelah diekstrak"
        f"{actual}, batas satu impor. Berkas ini tidak dibaca. {_SAVE_SMALLER}"
    )


def unpacked_too_large(limits: ReadLimits) -> LimitExceeded:
    return LimitExceeded(
        f"Isi berkas {{name}} lebih dari {size_text(limits.unpacked_bytes)} setelah diekstrak, batas satu "
        f"impor. Berkas ini tidak dibaca. {_SAVE_SMALLER}"
    )


def check_zip_directory(archive: zipfile.ZipFile, limits: ReadLimits) -> None:
    """Refuse, from the directory alone, an archive whose members would unpack past a limit."""
    total = 0
    for info in archive.infolist():
        limit = member_limit(info.filename, limits)
        if limit is not None and info.file_size > limit:
            raise member_too_large(info.filename, info.file_size, limit, limits)
        total += info.file_size
        if total > limits.unpacked_bytes:
            raise unpacked_too_large(limits)


_LIED = (
    "Berkas {name} rusak: isinya lebih besar daripada yang tercatat di daftar isinya. Simpan data sebagai "
    ".xlsx atau .csv, lalu unggah ulang."
)


def check_zip_contents(data: bytes, archive: zipfile.ZipFile, limits: ReadLimits) -> None:
    """Unpack every member once, into nothing, and refuse when one holds more than the directory says:
    for a reader that unpacks the archive itself (python-calamine), which takes no limit."""
    for info in archive.infolist():
        if info.compress_type == zipfile.ZIP_STORED:
            if info.compress_size > info.file_size:
                raise LimitExceeded(_LIED)
            continue
        if info.compress_type != zipfile.ZIP_DEFLATED:
            raise LimitExceeded(
                "Berkas {name} memakai cara pemadatan yang tidak dikenal. Simpan ulang di Excel sebagai "
                ".xlsx "
                "atau .csv, lalu unggah ulang."
            )
        header = _LOCAL_HEADER.unpack_from(data, info.header_offset)
        start = info.header_offset + _LOCAL_HEADER.size + header[10] + header[11]
        compressed = memoryview(data)[start : start + info.compress_size]
        inflate = zlib.decompressobj(-zlib.MAX_WBITS)
        unpacked = 0
        position = 0
        while not inflate.eof:
            if inflate.unconsumed_tail:
                piece = inflate.unconsumed_tail
            elif position < len(compressed):
                piece = compressed[position : position + MB]
                position += MB
            else:
                break
            try:
                unpacked += len(inflate.decompress(piece, MB))
            except zlib.error:
                return  # damaged: the reader will say so
            if unpacked > info.file_size:
                raise LimitExceeded(_LIED)


# ---------------------------------------------------------------------------------------------------------
# Native readers in a child process

T = TypeVar("T")


def memory_exceeded(limits: ReadLimits) -> LimitExceeded:
    return LimitExceeded(
        f"Berkas {{name}} memerlukan lebih dari {size_text(limits.reader_memory_bytes)} memori untuk "
        "dibaca, "
        "batas satu impor (sering karena satu sel berisi jauh di kanan atau di bawah tabel, atau sel yang "
        f"diulang sampai ujung lembar). Hapus isi di luar tabel. {_SAVE_SMALLER}"
    )


def run_with_memory_limit(function: Callable[[], T], limits: ReadLimits) -> T:
    """function() in a forked child whose address space may grow by `limits.reader_memory_bytes`; its
    result (or the exception it raised) is sent back pickled. A native library that cannot get memory
    aborts the process it runs in: here that is the child, and the answer is LimitExceeded.

    Where there is no fork (Windows), it runs here, without the cap.
    """
    if not hasattr(os, "fork"):
        return function()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        status = 0
        try:
            os.close(read_end)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            faulthandler.disable()  # dying of a native abort is an expected answer here, not a crash to trace
            _cap_address_space(limits.reader_memory_bytes)
            try:
                outcome: tuple[str, Any] = ("value", function())
            except MemoryError:
                outcome = ("memory", None)
            except LimitExceeded as exc:
                outcome = ("limit", exc.text)
            except BaseException as exc:  # python-calamine's PanicException is a BaseException
                outcome = ("error", exc)
            try:
                message = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
            except MemoryError:
                message = pickle.dumps(("memory", None))
            except Exception:  # an exception that cannot be pickled: its kind is enough
                message = pickle.dumps(("error", RuntimeError(type(outcome[1]).__name__)))
            with os.fdopen(write_end, "wb") as sink:
                sink.write(message)
        except BaseException:
            status = 1
        finally:
            os._exit(status)
    os.close(write_end)
    try:
        with os.fdopen(read_end, "rb") as source:
            kind, payload = pickle.load(source)
    except (EOFError, pickle.UnpicklingError):
        kind, payload = "memory", None  # the child died: a native reader aborts when memory runs out
    finally:
        os.waitpid(pid, 0)
    if kind == "value":
        return payload
    if kind == "limit":
        raise LimitExceeded(payload)
    if kind == "error":
        raise payload
    raise memory_exceeded(limits)


def _cap_address_space(extra: int) -> None:
    try:
        with open("/proc/self/statm") as statm:
            current = int(statm.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return  # no way to know where the process starts from: run without the cap
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = current + extra
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
