"""The templates: the canonical roster and the BPJS TK extract; Indonesian headers, an instructions sheet,
identifiers typed as text."""

from functools import cache
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from lindungdesa.lib.cells import xlsx_value
from lindungdesa.officials.models import Office

from .formats import (
    BPJS_FORMAT,
    BPJS_NOTES,
    BPJS_REFUSED,
    BPJS_WARNED,
    ROSTER_REFUSED,
    ROSTER_WARNED,
    bpjs_described,
    bpjs_example_rows,
)

ROSTER_COLUMNS = [
    ("kode_desa", "Kode Kemendagri desa, mis. 61.03.01.2001", 16),
    ("nama_desa", "Nama desa (boleh kosong; bila diisi dicocokkan dengan kode)", 22),
    ("nik", "16 digit. Kolom ini sudah berformat Teks: jangan ubah menjadi angka", 20),
    ("nama", "Nama lengkap sesuai KTP", 28),
    ("jenis_kelamin", "L atau P (boleh kosong: dibaca dari NIK)", 8),
    ("tanggal_lahir", "HH/BB/TTTT (boleh kosong: dibaca dari NIK)", 14),
    ("kelompok", "APARAT atau BPD", 10),
    ("jabatan", "Salah satu jabatan di lembar Petunjuk", 26),
    ("nama_dusun", "Untuk kepala dusun: nama dusunnya", 18),
    ("status_jabatan", "Definitif, Pj atau Plt (boleh kosong = Definitif)", 12),
    ("nomor_sk", "Nomor SK pengangkatan", 22),
    ("tanggal_sk", "HH/BB/TTTT", 14),
    ("mulai_menjabat", "HH/BB/TTTT", 14),
    ("akhir_menjabat", "HH/BB/TTTT (boleh kosong bila belum ditetapkan)", 14),
    ("penghasilan_bulanan", "Siltap + tunjangan (aparat) atau tunjangan (BPD), rupiah", 16),
    ("no_hp", "Nomor HP, mis. 081234567890", 16),
]

_HEADER_FILL = PatternFill("solid", fgColor="1B6B47")


def _column_formats(sheet: Worksheet, names: list[str], formats: dict[str, str]) -> None:
    """Each named column's number format, below its header: as the column's style, which Excel and
    LibreOffice give every cell typed into the column (the file holds no cell for the empty rows), and on
    the cells already written below the header (an example row), which keep a style of their own. Formatting
    5,000 empty cells one by one instead took most of the time a template took to make."""
    for name, number_format in formats.items():
        column = names.index(name) + 1
        sheet.column_dimensions[get_column_letter(column)].number_format = number_format
        for row in range(2, sheet.max_row + 1):
            sheet.cell(row=row, column=column).number_format = number_format


# Each template is the same file for everyone (no data, no date in it) and formats thousands of cells: it
# is made once per process.
@cache
def roster_template() -> bytes:
    wb = Workbook()
    data = wb.active
    data.title = "Data"
    for col, (name, _help, width) in enumerate(ROSTER_COLUMNS, start=1):
        cell = xlsx_value(data.cell(row=1, column=col), name)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = _HEADER_FILL
        data.column_dimensions[cell.column_letter].width = width
    data.freeze_panes = "A2"
    # Text format for every code column, so that Excel keeps all 16 digits of a NIK.
    for name in ("kode_desa", "nik", "nomor_sk", "no_hp"):
        letter = data.cell(row=1, column=[c[0] for c in ROSTER_COLUMNS].index(name) + 1).column_letter
        for row in range(2, 2001):
            data[f"{letter}{row}"].number_format = "@"
    offices = DataValidation(type="list", formula1="=Petunjuk!$B$24:$B$36", allow_blank=False)
    offices.error = "Pilih jabatan dari daftar."
    data.add_data_validation(offices)
    letter = data.cell(row=1, column=[c[0] for c in ROSTER_COLUMNS].index("jabatan") + 1).column_letter
    offices.add(f"{letter}2:{letter}2000")

    help_sheet = wb.create_sheet("Petunjuk")
    help_sheet.column_dimensions["A"].width = 24
    help_sheet.column_dimensions["B"].width = 80
    xlsx_value(help_sheet["A1"], "Templat daftar aparat desa dan anggota BPD — Lindung Desa")
    help_sheet["A1"].font = Font(bold=True, size=13)
    xlsx_value(
        help_sheet["A2"],
        "Isi satu baris per jabatan di lembar Data. Jangan ubah judul kolom. Baris yang salah ditolak "
        "dengan alasannya; baris lain tetap disimpan.",
    )
    help_sheet["A2"].alignment = Alignment(wrap_text=True)
    help_sheet.merge_cells("A2:B2")
    help_sheet.row_dimensions[2].height = 32
    xlsx_value(help_sheet["A4"], "Kolom")
    xlsx_value(help_sheet["B4"], "Isi")
    help_sheet["A4"].font = help_sheet["B4"].font = Font(bold=True)
    for row, (name, text, _width) in enumerate(ROSTER_COLUMNS, start=5):
        xlsx_value(help_sheet.cell(row=row, column=1), name)
        xlsx_value(help_sheet.cell(row=row, column=2), text)
    start = 5 + len(ROSTER_COLUMNS) + 2
    xlsx_value(help_sheet.cell(row=start, column=1), "Daftar jabatan").font = Font(bold=True)
    for offset, office in enumerate(Office, start=1):
        xlsx_value(help_sheet.cell(row=start + offset, column=2), str(office.label))
    assert start + 1 == 24, "the office list must stay where the Data sheet's validation points"
    row = start + len(Office) + 1
    for title, lines in (
        ("Baris ditolak bila", ROSTER_REFUSED),
        ("Baris diterima dengan peringatan bila", ROSTER_WARNED),
    ):
        row += 1
        xlsx_value(help_sheet.cell(row=row, column=1), title).font = Font(bold=True)
        for line in lines:
            row += 1
            xlsx_value(help_sheet.cell(row=row, column=1), "•")
            cell = xlsx_value(help_sheet.cell(row=row, column=2), str(line))
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    return _save(wb)


def _save(wb: Workbook) -> bytes:
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@cache
def bpjs_template() -> bytes:
    """The BPJS TK participant extract as the importer reads it best: a Data sheet with the headers, one
    example row, identifiers as text and dates as date cells; an instructions sheet with every column."""
    wb = Workbook()
    data = wb.active
    data.title = "Data"
    widths = {"nik": 20, "nama": 28, "kpj": 14, "program": 14, "bulan_iuran_terakhir": 14, "kode_desa": 16}
    names = [c.name for c in BPJS_FORMAT]
    for col, name in enumerate(names, start=1):
        cell = xlsx_value(data.cell(row=1, column=col), name)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = _HEADER_FILL
        data.column_dimensions[cell.column_letter].width = widths.get(name, 14)
    data.freeze_panes = "A2"
    for row, values in enumerate(bpjs_example_rows(), start=2):
        for col, value in enumerate(values, start=1):
            xlsx_value(data.cell(row=row, column=col), value)
    formats = {
        **dict.fromkeys(("nik", "kpj", "bulan_iuran_terakhir", "kode_desa"), "@"),
        **dict.fromkeys(("tanggal_lahir", "tanggal_kepesertaan"), "DD/MM/YYYY"),
        "upah": "#,##0",
    }
    _column_formats(data, names, formats)
    for name, choices in (("kategori", "PU,BPU"), ("status", "AKTIF,NONAKTIF")):
        rule = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
        rule.error = f"Isi {choices.replace(',', ' atau ')}."
        data.add_data_validation(rule)
        letter = data.cell(row=1, column=names.index(name) + 1).column_letter
        rule.add(f"{letter}2:{letter}5000")

    guide = wb.create_sheet("Petunjuk")
    for letter, width in zip("ABCDE", (22, 10, 60, 18, 60), strict=True):
        guide.column_dimensions[letter].width = width
    xlsx_value(
        guide["A1"], "Templat ekstrak peserta BPJS Ketenagakerjaan (aparat desa dan BPD) — Lindung Desa"
    )
    guide["A1"].font = Font(bold=True, size=13)
    row = 2
    for note in BPJS_NOTES:
        row += 1
        xlsx_value(guide.cell(row=row, column=1), str(note))
    row += 2
    for col, title in enumerate(("Kolom", "Wajib", "Isi", "Contoh", "Bila kosong atau salah"), start=1):
        xlsx_value(guide.cell(row=row, column=col), title).font = Font(bold=True)
    for column in bpjs_described():
        row += 1
        values = (
            column["name"],
            "Ya" if column["required"] else "Tidak",
            f"{column['values']} Judul lain yang dikenali: {', '.join(column['synonyms'])}.",
            column["example"],
            str(column["when_wrong"]),
        )
        for col, value in enumerate(values, start=1):
            cell = xlsx_value(guide.cell(row=row, column=col), str(value))
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for title, lines in (
        ("Baris ditolak bila", BPJS_REFUSED),
        ("Baris diterima dengan peringatan bila", BPJS_WARNED),
    ):
        row += 2
        xlsx_value(guide.cell(row=row, column=1), title).font = Font(bold=True)
        for line in lines:
            row += 1
            xlsx_value(guide.cell(row=row, column=1), "•")
            xlsx_value(guide.cell(row=row, column=3), str(line))
    row += 2
    xlsx_value(
        guide.cell(row=row, column=1),
        "Contoh pada baris 2 lembar Data boleh ditimpa atau dihapus. Uraian lengkap: menu Impor data > "
        "Format berkas.",
    )
    return _save(wb)
