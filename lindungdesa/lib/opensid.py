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
- Buku Aparat Pemerintah Desa (Model A.4): no NIK column; "Nomor dan Tanggal Keputusan Pengangkatan"
  (nomor_tanggal_sk: values.parse_sk_number_and_date); a "1 2 3 ..." row under the header, dropped.
- lembaga members (Kelompok/Lembaga > Anggota, "Unduh"): No., No. Anggota, NIK, Nama Lengkap, Jenis
  Kelamin, "Tempat / Tanggal Lahir", Agama, Alamat, Jabatan (KETUA, WAKIL KETUA, SEKRETARIS, BENDAHARA,
  ANGGOTA), Pendidikan Terakhir, "Nomor dan Tanggal Keputusan Pengangkatan", "... Pemberhentian", Ket.
"""

from lindungdesa.lib.headers import normalise_header
from lindungdesa.lib.tabular import Table
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
