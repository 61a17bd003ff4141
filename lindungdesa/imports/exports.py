"""XLSX downloads: the rejected rows of an import (to fix and upload again) and the reconciliation lists."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from lindungdesa.enrolment.models import MatchProposal
from lindungdesa.enrolment.reconcile import Finding
from lindungdesa.lib.cells import xlsx_value
from lindungdesa.lib.headers import header_score, match_headers
from lindungdesa.lib.nik import nik_mask
from lindungdesa.lib.pii import mask
from lindungdesa.lib.tabular import UnreadableFile, read_table
from lindungdesa.lib.values import CellError, parse_date

from .models import ImportBatch

REASON_COLUMN = "alasan_penolakan"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEXT = "@"  # Excel's Text format: a NIK stays 16 digits, a phone number keeps its leading zero
DATE_FORMAT = "DD/MM/YYYY"  # the roster template's HH/BB/TTTT
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="136F4A")
PERSONAL_FIELDS = ("nik", "kpj")
# Fields whose cell is one date (the imports read them with lib/values.parse_date).
DATE_FIELDS = ("tanggal_lahir", "tanggal_sk", "mulai_menjabat", "akhir_menjabat", "tanggal_kepesertaan")


def kpj_mask(kpj: str) -> str:
    """A KPJ number opens the participant's balance: only its last four digits are shown."""
    return mask("kpj", kpj)


@dataclass(frozen=True)
class FileColumns:
    headers: list[str]  # as the rejected rows' data is keyed: the header, or "Kolom n" when blank
    personal: set[str]  # headers of the columns that hold a NIK or a KPJ
    dates: set[str]  # headers of the columns that hold one date


def _columns(batch: ImportBatch, headers: list[str], overrides: dict[int, str] | None = None) -> FileColumns:
    from .services import handler_for  # services imports the import engine, which is heavier

    mapping = match_headers(headers, handler_for(batch).fields, overrides=overrides).mapping
    keys = [h or f"Kolom {i + 1}" for i, h in enumerate(headers)]
    named = {keys[i]: name for i, name in mapping.items() if i < len(keys)}
    return FileColumns(
        keys,
        {h for h, name in named.items() if name in PERSONAL_FIELDS},
        {h for h, name in named.items() if name in DATE_FIELDS},
    )


def _file_columns(batch: ImportBatch) -> FileColumns | None:
    """The columns of the batch's file in their order (a JSON object's key order is not kept everywhere)."""
    from .services import handler_for

    if not batch.file:
        return None
    handler = handler_for(batch)
    try:
        with batch.file.open("rb") as fh:
            data = fh.read()
        table = read_table(
            data, batch.file_name, header_hint=lambda cells: header_score(cells, handler.fields)
        )
    except (OSError, UnreadableFile):
        return None
    overrides = {int(k): v for k, v in (batch.column_overrides or {}).items()} or None
    return _columns(batch, table.headers, overrides)


def rejected_rows_xlsx(batch: ImportBatch, *, mask_personal: bool = False) -> bytes:
    """Each rejected row once, with the file's columns in the file's order and every reason joined; dates
    as date cells shown the template's way (DD/MM/YYYY), so the fixed file reads them back exactly."""
    rows: dict[int, tuple[dict[str, str], list[str]]] = {}
    for rejected in batch.rejected_rows.order_by("row_number", "id"):
        data, reasons = rows.setdefault(rejected.row_number, (rejected.data, []))
        reasons.append(
            f"{rejected.field}: {rejected.message}" if rejected.field != "baris" else rejected.message
        )
    columns = _file_columns(batch)
    headers = list(columns.headers) if columns else []
    for data, _reasons in rows.values():
        headers.extend(h for h in data if h not in headers)
    if columns is None:  # the file is gone: its columns are told from the headers the rows kept
        columns = _columns(batch, headers)

    sheet = _Sheet("Ditolak", [*headers, REASON_COLUMN], [16] * len(headers) + [60])
    for data, reasons in rows.values():
        values = [_rejected_value(h, data.get(h, ""), columns, mask_personal) for h in headers]
        sheet.append([*values, "; ".join(reasons)])
    return sheet.save()


def _rejected_value(header: str, text: str, columns: FileColumns, mask_personal: bool) -> str | date:
    if mask_personal and header in columns.personal:
        return _mask(text)
    if header in columns.dates and text.strip():
        try:
            return parse_date(text)
        except CellError:
            return text  # the reason the row was rejected, perhaps: kept as the file had it
    return text


def _mask(value: str) -> str:
    return nik_mask(value) if len(value) == 16 else kpj_mask(value)


def findings_xlsx(title: str, findings: Iterable[Finding], *, personal: bool) -> bytes:
    """One reconciliation list; full NIK and KPJ only for users allowed to see personal data."""
    sheet = _Sheet(
        title,
        ["kode_desa", "nama_desa", "nik", "nama", "jabatan", "kpj", "keterangan"],
        [16, 22, 20, 28, 26, 16, 40],
    )
    for f in findings:
        kpj = f.enrolment.kpj if f.enrolment else ""
        sheet.append(
            [
                f.desa_code,
                f.desa_name,
                (f.person.nik if personal else None) or nik_mask(f.person.nik),
                f.person.name,
                f.office,
                kpj if personal else kpj_mask(kpj),
                f.detail,
            ],
        )
    return sheet.save()


def proposals_xlsx(proposals: Iterable[MatchProposal], *, personal: bool) -> bytes:
    sheet = _Sheet(
        "Usulan pencocokan",
        [
            "nik_bpjs",
            "nama_bpjs",
            "tanggal_lahir_bpjs",
            "kpj",
            "nik_daftar",
            "nama_daftar",
            "tanggal_lahir_daftar",
            "alasan",
        ],
        [20, 28, 14, 16, 20, 28, 14, 36],
    )
    for p in proposals:
        e = p.enrolment
        sheet.append(
            [
                e.nik if personal else nik_mask(e.nik),
                e.bpjs_name,
                e.bpjs_birth_date,
                e.kpj if personal else kpj_mask(e.kpj),
                (p.person.nik if personal else None) or nik_mask(p.person.nik),
                p.person.name,
                p.person.birth_date,
                p.reason,
            ],
        )
    return sheet.save()


class _Sheet:
    """A write-only sheet (constant memory, linear time) whose cells are text (never a formula: lib/cells),
    or dates."""

    def __init__(self, title: str, header: list[str], widths: list[int]) -> None:
        self.wb = Workbook(write_only=True)
        self.ws = self.wb.create_sheet(title[:31])
        for index, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(index)].width = width
        self.ws.freeze_panes = "A2"
        self.ws.append([self._cell(name, header=True) for name in header])

    def _cell(self, value, *, header: bool = False) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.ws)
        if isinstance(value, date):
            xlsx_value(cell, value).number_format = DATE_FORMAT
            return cell
        xlsx_value(cell, "" if value is None else str(value))
        if header:
            cell.font = _HEADER_FONT
            cell.fill = _HEADER_FILL
        cell.number_format = TEXT
        return cell

    def append(self, values: list) -> None:
        self.ws.append([self._cell(v) for v in values])

    def save(self) -> bytes:
        buffer = BytesIO()
        self.wb.save(buffer)
        return buffer.getvalue()
