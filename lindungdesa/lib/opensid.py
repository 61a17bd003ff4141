"""What an importer needs to know about OpenSID's downloads beyond reading them (docs/domain.md §7).

OpenSID serves its lists as an HTML table named .xls; tabular.read_table reads them (kind
"opensid-html") and headers.ROSTER_FIELDS maps their columns. Two things the table itself does not say:
the desa (OpenSID prints its name in a title, never its code, so the importer takes the operator's own
desa) and, for a lembaga's members list, that the plain "KETUA" or "ANGGOTA" in Jabatan means the BPD.

Columns and the fields they map to:
- officials (Pemerintah Desa > Aparatur, "Unduh"): No, NIK, NIP, Nama, "Tempat, Tanggal Lahir"
  (tempat_tanggal_lahir: values.parse_place_and_date), Jenis Kelamin, Pendidikan, Agama, Jabatan,
  Nomor SK, Tanggal SK, "Masa/Periode Jabatan" (masa_jabatan: values.parse_term_text), Status
  (status_aktif: values.parse_active).
- Buku Aparat Pemerintah Desa (Model A.4; `resources/views/admin/pengurus/cetak.blade.php`, served as
  `wilayah_YYYY-MM-DD.xls`): No, Nama, NIPD, NIP, Jenis Kelamin ("Laki-laki"/"Perempuan"), "Tempat
  Tanggal Lahir" ("Sanggau, 12-03-1975"; "Sanggau, -" without a date), Agama, Pangkat/Golongan, Jabatan
  (as the village typed it), Pendidikan Terakhir, "Nomor dan Tanggal Keputusan Pengangkatan"
  (nomor_tanggal_sk: values.parse_sk_number_and_date, "nomor, dd-mm-yyyy", "nomor, -", ", -"), the same
  for the Pemberhentian (nomor_tanggal_henti: its date ends the term), "Keterangan (Periode/Masa Jabatan)"
  (masa_jabatan). No NIK column. A "1 2 3 ... 13" row under the header (dropped by tabular), title rows
  above it in a table of their own (Desa / Kecamatan / Kabupaten / Bulan-Tahun: `title_places`) and a
  signature block below it, also a table of its own.
- lembaga members (Kelompok/Lembaga > Anggota, "Unduh"): No., No. Anggota, NIK, Nama Lengkap, Jenis
  Kelamin, "Tempat / Tanggal Lahir", Agama, Alamat, Jabatan (KETUA, WAKIL KETUA, SEKRETARIS, BENDAHARA,
  ANGGOTA), Pendidikan Terakhir, "Nomor dan Tanggal Keputusan Pengangkatan", "... Pemberhentian", Ket.
"""

import itertools
import re

from lindungdesa.lib.headers import normalise_header
from lindungdesa.lib.names import name_key
from lindungdesa.lib.readlimits import ReadLimits
from lindungdesa.lib.tabular import Rows, Table, html_tables
from lindungdesa.lib.values import CellError, is_blank, parse_office, split_place_and_date
from lindungdesa.officials.models import Group

OPENSID_KIND = "opensid-html"

_MEMBER_HEADERS = {"no anggota", "nomor anggota"}


def is_members_list(table: Table) -> bool:
    """A lembaga's members list (for Lindung Desa: the BPD), recognised by its "No. Anggota" column."""
    return table.kind == OPENSID_KIND and any(normalise_header(h) in _MEMBER_HEADERS for h in table.headers)


def default_group(table: Table) -> str | None:
    """The kelompok to assume for rows without one: BPD for a members list, else None (officials'
    offices are written out in full, "Kepala Desa", "Ketua BPD")."""
    return Group.BPD.value if is_members_list(table) else None


# The A.4's own columns, as normalise_header gives them: the SK columns and the term column together are
# found in no other list (the lembaga members list has the SK columns, but "Ket." and a NIK).
_A4_HEADERS = {
    "nomor dan tanggal keputusan pengangkatan",
    "nomor dan tanggal keputusan pemberhentian",
    "keterangan periode masa jabatan",
}
# What OpenSID may call a desa (setting sebutan_desa), as the title row's label.
_DESA_WORDS = {"desa", "kelurahan", "nagari", "kampung", "kampong", "gampong", "pekon", "lembang", "negeri"}
_DESA_WORDS |= {"desa adat", "negeri adat", "marga", "kalurahan", "banjar"}


def is_buku_aparat(table: Table) -> bool:
    """OpenSID's Buku Aparat Pemerintah Desa (Model A.4), recognised by its headers (so also when it was
    opened in Excel and saved as a workbook)."""
    headers = {normalise_header(h) for h in table.headers}
    return _A4_HEADERS <= headers and "nik" not in headers


def title_places(data: bytes, *, rows: int = 40) -> dict[str, str]:
    """The places an OpenSID page names in its title rows ("Desa | : Penyeladi", "Kecamatan | : Kapuas"):
    {"desa": "Penyeladi", "kecamatan": "Kapuas", "kabupaten": "Sanggau"}, those found among the first
    `rows` table rows. Empty for a file that is not an HTML page."""
    head = data[:200_000].decode("utf-8", errors="replace")
    if "<t" not in head.lower():
        return {}
    found: dict[str, str] = {}
    table_rows = itertools.chain.from_iterable(html_tables(head, ReadLimits.from_settings()))
    for cells in itertools.islice(table_rows, rows):
        texts = [text for text, _ in itertools.groupby(cells) if text]  # a spanned cell once
        if len(texts) < 2 or not texts[1].startswith(":"):
            continue
        label, value = normalise_header(texts[0]), texts[1].lstrip(": ").strip()
        if not value:
            continue
        if label in _DESA_WORDS:
            found.setdefault("desa", value)
        elif label in ("kecamatan", "distrik", "kapanewon", "kemantren"):
            found.setdefault("kecamatan", value)
        elif label in ("kabupaten", "kota", "kabupaten kota"):
            found.setdefault("kabupaten", value)
    return found


def same_place(named: str, region_name: str) -> bool:
    """Whether a desa name typed in a title is the region's name ("Desa Penyeladi", "PENYELADI")."""
    words = name_key(named).split()
    while words and words[0] in _DESA_WORDS:
        words = words[1:]
    return " ".join(words) == name_key(region_name)


# How a signature block under a table begins: "Mengetahui,", "ttd", "a.n. Kepala Desa" (the place and day
# the document was signed, "Sukamaju, 5 Desember 2026", may come just above).
_SIGNING = re.compile(
    r"^(?:mengetahui|menyetujui|diketahui|disetujui|disahkan|ttd|tertanda|hormat kami|dibuat oleh|"
    r"yang membuat|a\.\s?n\.)(?:\W|$)",
    re.IGNORECASE,
)


def _signing_cell(cell: object) -> bool:
    return isinstance(cell, str) and bool(_SIGNING.match(" ".join(cell.split())))


def _dated_and_titled(rows: Rows, index: int) -> bool:
    """A signature without a signing word: a row that holds only a place and day ("Penyeladi, 5 Desember
    2026"), the next row only an office ("Kepala Desa")."""
    texts = [c for c in rows[index][1] if not is_blank(c)]
    if len(texts) != 1 or not _place_and_day(texts[0]) or index + 1 >= len(rows):
        return False
    below = [c for c in rows[index + 1][1] if not is_blank(c)]
    return bool(below) and all(_office(c) for c in below)


def _office(cell: object) -> bool:
    """An office as a signer's title is typed: alone ("Kepala Desa") or followed by the desa's name
    ("Kepala Desa Penyeladi"), so the office and as many of the words after it as make one."""
    words = cell.split() if isinstance(cell, str) else []
    for end in range(len(words), 0, -1):
        try:
            return bool(parse_office(" ".join(words[:end])))
        except CellError:
            continue
    return False


def _place_and_day(cell: object) -> bool:
    try:
        place, day = split_place_and_date(cell) if isinstance(cell, str) else ("", None)
    except CellError:
        return False
    return bool(place and day and not any(ch.isdigit() for ch in place))


def without_signature_block(table: Table) -> Table:
    """The table without the signature block users put under it ("Mengetahui, Kepala Desa ... ttd ...
    NAMA"), so that it is neither imported nor rejected. The block is what follows the last data row: from
    a row that begins signing (`_SIGNING`; with a place and a day just above) to the end, rows of at most
    three distinct texts, as signatures are laid out (a data row fills more of its columns). In OpenSID's Buku
    Aparat (Model A.4) opened in Excel and saved as a workbook, the block's rows are also those with
    neither a number (NO) nor a name (NAMA). As OpenSID serves its pages, the block is a table of its own
    and never read."""
    if table.kind == OPENSID_KIND:
        return table
    keep = len(table.rows)
    while (
        keep
        and len({c.strip() if isinstance(c, str) else c for c in table.rows[keep - 1][1]} - {None, ""}) <= 3
    ):
        keep -= 1
    sparse = keep
    for index in range(sparse, len(table.rows)):
        if any(_signing_cell(c) for c in table.rows[index][1]) or _dated_and_titled(table.rows, index):
            keep = index
            while keep > sparse and all(
                _place_and_day(c) for c in table.rows[keep - 1][1] if not is_blank(c)
            ):
                keep -= 1
            break
    else:
        keep = len(table.rows)
    headers = [normalise_header(h) for h in table.headers]
    columns = [headers.index(h) for h in ("no", "nama") if h in headers]
    if is_buku_aparat(table) and len(columns) == 2:
        while keep and all(is_blank(table.rows[keep - 1][1][i]) for i in columns):
            keep -= 1
    if keep == len(table.rows):
        return table
    return Table(table.source, table.header_row, table.headers, table.rows[:keep], table.kind)
